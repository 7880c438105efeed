"""What the studio shows of a draft: each article as read (`script` and `script --explain`),
with the risky readings marked. The same library calls as `phatthanh script`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from phatthanh.articles import read_article
from phatthanh.articles.choices import (
    DROPPED_BY_EDITOR,
    KEPT_BY_EDITOR,
    PARAGRAPH_RULES,
    SKIPPED,
    apply_choices,
    editor_rule,
    paragraph_starts,
)
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
    """One input line, whether the article reads it, and the rule (or the editor) that
    decided; `action` is what one click does: "giu" (keep), "bo" (drop) or "" (nothing)."""

    line_no: int
    text: str
    kept: bool
    rule: str
    action: str
    by_editor: bool


@dataclass(frozen=True)
class Reading:
    """One draft item as the studio shows it; `error` is set when it cannot be read."""

    index: int
    item: DraftItem
    article: Article | None = None
    script: Script | None = None
    lines: tuple[Line, ...] = ()
    error: str = ""


EDITOR_RULES = {  # the editor's choices, as the line list names them
    KEPT_BY_EDITOR: "người biên tập giữ lại",
    DROPPED_BY_EDITOR: "người biên tập bỏ",
    SKIPPED: "bỏ theo 'skip' của tệp lineup",
}
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
    """The article as a build reads it: read_article, then the item's skip/keep/drop through
    the same apply_choices a lineup's item goes through."""
    source = resolve_source(root, item.source)
    entry = SourceEntry(source, item.title or None, item.author or None)
    chosen = replace(entry, skip_paragraphs=item.skip, keep_lines=item.keep, drop_lines=item.drop)
    try:
        whole = read_article(entry, config.articles, config.station)
    except PhatthanhError as exc:
        return Reading(index, item, error=str(exc))
    try:
        article = apply_choices(whole, chosen)
    except PhatthanhError as exc:
        return Reading(index, item, whole, None, _lines(whole, whole), str(exc))
    if not article.paragraphs:
        return Reading(index, item, article, None, _lines(whole, article), "mọi đoạn đều bị bỏ")
    try:
        script = script_article(article, normalizer, config.speech)
    except PhatthanhError as exc:
        return Reading(index, item, article, None, _lines(whole, article), str(exc))
    return Reading(index, item, article, script, _lines(whole, article))


def _lines(whole: Article, article: Article) -> tuple[Line, ...]:
    """Every line of `article` (choices applied) with its one-click action. Lines can be
    chosen only when the page's lines map one to one onto its paragraphs (see choices)."""
    choosable = paragraph_starts(whole) is not None
    out: list[Line] = []
    for d in article.decisions:
        action = ""
        if choosable and d.rule != SKIPPED:
            if d.kept and (d.rule in PARAGRAPH_RULES or d.rule == KEPT_BY_EDITOR):
                action = "bo"
            elif not d.kept and d.text.strip() and not d.rule.startswith("joined to line "):
                action = "giu"
        out.append(Line(d.line_no, d.text, d.kept, d.rule, action, editor_rule(d)))
    return tuple(out)
