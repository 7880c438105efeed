"""The shell commands the documentation shows: every ```sh (or bash/shell) fenced block of
README.md and docs/*.md, parsed with a real Markdown parser, split into commands."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

SHELL_FENCES = {"sh", "bash", "shell"}


@dataclass(frozen=True)
class Command:
    text: str  # exactly as written, continuation lines joined by the shell's rules
    where: str  # "docs/first-hour.md:42"


@dataclass(frozen=True)
class Block:
    commands: tuple[Command, ...]
    where: str  # the block's first line

    @property
    def id(self) -> str:
        first = self.commands[0].text if self.commands else ""
        return f"{self.where} {first[:48]}"


def doc_files(root: Path) -> list[Path]:
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def fenced_blocks(path: Path) -> list[tuple[str, str, int]]:
    """(language, content, first content line, 1-based) of every fenced code block."""
    tokens = MarkdownIt("commonmark").parse(path.read_text("utf-8"))
    return [
        (token.info.split()[0] if token.info.strip() else "", token.content, token.map[0] + 2)
        for token in tokens
        if token.type == "fence" and token.map is not None
    ]


def split_commands(content: str, name: str, first_line: int) -> tuple[Command, ...]:
    """One Command per shell command line; a trailing backslash continues the line, and
    blank lines and whole-line comments are not commands."""
    commands = []
    pending: list[str] = []
    start = first_line
    for offset, line in enumerate(content.splitlines()):
        if not pending:
            start = first_line + offset
            if not line.strip() or line.lstrip().startswith("#"):
                continue
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        pending.append(line)
        commands.append(Command(" ".join(p.strip() for p in pending), f"{name}:{start}"))
        pending = []
    if pending:
        commands.append(Command(" ".join(p.strip() for p in pending), f"{name}:{start}"))
    return tuple(commands)


def shell_blocks(root: Path) -> list[Block]:
    """Every shell block of the documentation, in reading order."""
    blocks = []
    for path in doc_files(root):
        name = path.relative_to(root).as_posix()
        for language, content, line in fenced_blocks(path):
            if language in SHELL_FENCES:
                blocks.append(Block(split_commands(content, name, line), f"{name}:{line}"))
    return blocks


def code_block_after(path: Path, heading: str, language: str) -> str:
    """The first `language` block after the heading `heading` (for files the docs show)."""
    tokens = MarkdownIt("commonmark").parse(path.read_text("utf-8"))
    seen = False
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and tokens[i + 1].content == heading:
            seen = True
        elif seen and token.type == "fence" and token.info.split()[:1] == [language]:
            return token.content
    raise LookupError(f"{path.name}: no {language} block after the heading {heading!r}")
