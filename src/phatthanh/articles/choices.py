"""The editor's choices over the extraction rules: a lineup item's `skip` (paragraph numbers),
`keep` (input lines the rules dropped, read anyway) and `drop` (input lines where a kept
paragraph starts, left out). Line numbers are the ones `phatthanh script --explain` shows.

Every choice is also written into the article's line decisions, so `--explain` and the
studio show which lines the editor decided: "kept by the editor", "dropped by the editor",
"skipped by the lineup".
"""

from __future__ import annotations

from dataclasses import replace

from phatthanh.errors import ArticleError
from phatthanh.i18n import _
from phatthanh.model import Article, LineDecision, SourceEntry

KEPT_BY_EDITOR = "kept by the editor"
DROPPED_BY_EDITOR = "dropped by the editor"
SKIPPED = "skipped by the lineup"
PARAGRAPH_RULES = ("body", "sub-heading")  # the rules of a kept paragraph's first line


def paragraph_starts(article: Article) -> tuple[int, ...] | None:
    """The input line each paragraph starts on, in order; None when the page's lines do not
    map one to one onto its paragraphs (an HTML page whose title moved into the body)."""
    starts = tuple(d.line_no for d in article.decisions if d.kept and d.rule in PARAGRAPH_RULES)
    return starts if len(starts) == len(article.paragraphs) else None


def apply_choices(article: Article, entry: SourceEntry) -> Article:
    """The article with the lineup item's skip, keep and drop applied (paragraphs and line
    decisions). A line kept by the editor becomes its own paragraph, in page order. It may
    leave no paragraph: the caller decides whether that is an error."""
    if not (entry.skip_paragraphs or entry.keep_lines or entry.drop_lines):
        return article
    where = entry.source
    starts = paragraph_starts(article)
    if starts is None:
        if entry.keep_lines or entry.drop_lines:
            raise ArticleError(
                _(
                    "{where}: its lines do not match its paragraphs one to one, so 'keep' "
                    "and 'drop' cannot name them; use 'skip' (paragraph numbers) instead"
                ).format(where=where)
            )
        starts = tuple(range(-len(article.paragraphs), 0))  # skip only: order is kept
    by_line = {d.line_no: d for d in article.decisions}
    skipped = {starts[n - 1] for n in entry.skip_paragraphs if 0 < n <= len(starts)}
    for n in entry.drop_lines:
        if n not in starts:
            raise ArticleError(
                _(
                    "{where}: 'drop' names line {n}, which does not start a kept paragraph; "
                    "see 'phatthanh script --explain' for the line numbers"
                ).format(where=where, n=n)
            )
    chosen = [(line, p) for line, p in zip(starts, article.paragraphs, strict=True)]
    chosen = [(line, p) for line, p in chosen if line not in skipped | set(entry.drop_lines)]
    rules: dict[int, str] = dict.fromkeys(skipped, SKIPPED)
    rules.update(dict.fromkeys(entry.drop_lines, DROPPED_BY_EDITOR))
    for n in entry.keep_lines:
        decision = by_line.get(n)
        if decision is None or not decision.text.strip():
            raise ArticleError(
                _(
                    "{where}: 'keep' names line {n}, which is blank or not on the page; see "
                    "'phatthanh script --explain' for the line numbers"
                ).format(where=where, n=n)
            )
        if decision.kept:
            continue  # the rules keep it already (in a paragraph, or as the title/author)
        chosen.append((n, " ".join(decision.text.split())))
        rules[n] = KEPT_BY_EDITOR
    chosen.sort()
    gone = {f"joined to line {n}" for n in skipped | set(entry.drop_lines)}
    for d in article.decisions:  # the other lines of a paragraph left out go with it
        if d.rule in gone:
            rules[d.line_no] = d.rule
    decisions = tuple(
        replace(d, kept=rules[d.line_no] == KEPT_BY_EDITOR, rule=rules[d.line_no])
        if d.line_no in rules
        else d
        for d in article.decisions
    )
    return replace(article, paragraphs=tuple(p for _, p in chosen), decisions=decisions)


def editor_rule(decision: LineDecision) -> bool:
    """The line's decision was the editor's (or the lineup's), not the rules'."""
    return decision.rule in (KEPT_BY_EDITOR, DROPPED_BY_EDITOR, SKIPPED)
