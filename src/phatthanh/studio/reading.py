"""What the studio shows of a draft: each article as read (`script` and `script --explain`),
with the risky readings marked. The same library calls as `phatthanh script`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from phatthanh.articles import read_article
from phatthanh.clean import Normalizer
from phatthanh.config import Config
from phatthanh.errors import PhatthanhError
from phatthanh.model import Article, Script, Segment, SourceEntry
from phatthanh.segment import script_article
from phatthanh.studio.draft import Draft, DraftItem, resolve_source


@dataclass(frozen=True)
class Span:
    """A run of spoken text; `risk` says why a voice may misread it (empty: no risk)."""

    text: str
    risk: str = ""


@dataclass(frozen=True)
class Line:
    """One input line and whether the article keeps it; `paragraph` is its 1-based body
    paragraph number when it is kept as one (0 otherwise)."""

    line_no: int
    text: str
    kept: bool
    rule: str
    paragraph: int
    skipped: bool  # kept by the rules, left out by the editor


@dataclass(frozen=True)
class Reading:
    """One draft item as the studio shows it; `error` is set when it cannot be read."""

    index: int
    item: DraftItem
    article: Article | None = None
    script: Script | None = None
    lines: tuple[Line, ...] = ()
    error: str = ""


REASONS = {  # Normalizer residue reasons, as the staff read them
    "unknown abbreviation, spelled out": "chữ viết tắt lạ, máy sẽ đánh vần",
    "number without a reading rule": "con số chưa có quy tắc đọc",
    "symbol read as a word": "ký hiệu được đọc thành chữ",
}


def display_spans(segment: Segment) -> tuple[Span, ...]:
    """The display text cut into plain runs and the residue findings, found in order.

    Residue.position counts in the text being normalized (before the finding was spelled
    out), so findings are located by their written form in the display text."""
    spans: list[Span] = []
    cursor = 0
    text = segment.display
    for r in sorted(segment.residue, key=lambda r: r.position):
        start = text.find(r.text, cursor)
        if start < 0 or not r.text:
            continue
        if start > cursor:
            spans.append(Span(text[cursor:start]))
        spans.append(Span(r.text, REASONS.get(r.reason, r.reason)))
        cursor = start + len(r.text)
    if cursor < len(text):
        spans.append(Span(text[cursor:]))
    return tuple(spans)


def read_draft(draft: Draft, root: Path, config: Config) -> tuple[Reading, ...]:
    """Every item of the draft read and scripted with the current config."""
    normalizer = Normalizer(config.speech)
    return tuple(_reading(n, item, root, config, normalizer) for n, item in enumerate(draft.items))


def _reading(
    index: int, item: DraftItem, root: Path, config: Config, normalizer: Normalizer
) -> Reading:
    entry = SourceEntry(resolve_source(root, item.source), item.title or None, item.author or None)
    try:
        whole = read_article(entry, config.articles, config.station)
        article = replace(
            whole,
            paragraphs=tuple(
                p for n, p in enumerate(whole.paragraphs, 1) if n not in set(item.skip)
            ),
        )
        if not article.paragraphs:
            return Reading(index, item, whole, None, _lines(whole, item), "mọi đoạn đều bị bỏ")
        script = script_article(article, normalizer, config.speech)
    except PhatthanhError as exc:
        return Reading(index, item, error=str(exc))
    return Reading(index, item, article, script, _lines(whole, item))


def _lines(article: Article, item: DraftItem) -> tuple[Line, ...]:
    """Kept lines are numbered as paragraphs in order when they match the article's
    paragraphs one to one (a text page); otherwise no line can be toggled."""
    kept = [d for d in article.decisions if d.kept and d.rule.startswith("body")]
    numbered = len(kept) == len(article.paragraphs)
    out: list[Line] = []
    number = 0
    for d in article.decisions:
        paragraph = 0
        if numbered and d in kept:
            number += 1
            paragraph = number
        out.append(Line(d.line_no, d.text, d.kept, d.rule, paragraph, paragraph in item.skip))
    return tuple(out)
