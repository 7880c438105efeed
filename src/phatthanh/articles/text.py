"""Text dumps of portal pages -> title, published time, author and body paragraphs.

Every line gets a decision (kept or dropped, and the rule that decided it) so an editor can
see why (`phatthanh script --explain`). Rules are stated by shape (`articles/lines.py`):
position on the page, length, punctuation, keywords and repetition; never by one page's
literal text. The passes, in order: furniture by line; lines printed twice; hard line breaks
joined back into paragraphs; the title (or none: never invented); the trailing widgets; the
publication time; the author; captions; the paragraphs.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from phatthanh.articles import lines as shape
from phatthanh.articles.blocks import Block, Decisions, drop_captions, pick_author, unflatten_row
from phatthanh.articles.blocks import mark as _mark
from phatthanh.articles.blocks import text_of as _text
from phatthanh.articles.lines import find_datetime, is_timestamp_line, looks_like_author
from phatthanh.model import LineDecision

__all__ = [
    "ParsedPage",
    "find_datetime",
    "is_timestamp_line",
    "looks_like_author",
    "parse_offset",
    "parse_text_page",
]

_END_MARKER = re.compile(r"\s*\./\.\s*$")
_PHOTO_CREDIT = re.compile(r"(?i)\s*\((ảnh|nguồn ảnh|hình)\s*:[^)]*\)(?=[.\s]*$)")
# List bullets are layout, not words ('+ Buổi sáng' is not 'cộng buổi sáng'); '1/.' is '1.'.
_LIST_BULLET = re.compile(r"^[-+*•–]\s+(?=\w)")
_LIST_SLASH = re.compile(r"^(\d{1,2})/\.\s*")
_LIST_MARKER = re.compile(r"^(\d{1,2}|[IVX]+|[a-zđ])[./)]\s|^[-+•*–]\s")
_INTERNAL_BREAK = re.compile(r"[a-zà-ỹ]{2,}[.!?…]\s+[A-ZĐÀ-Ỹ]")
_CUT_RULES = ("widget", "statistics/navigation", "view counter", "hashtags")


@dataclass
class ParsedPage:
    title: str | None = None
    published: datetime | None = None
    author: str | None = None
    source_line: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    decisions: list[LineDecision] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse_offset(offset: str) -> timezone:
    """'+07:00' -> a timezone."""
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", offset.strip())
    if not match:
        return timezone(timedelta(hours=7))
    sign = 1 if match.group(1) == "+" else -1
    return timezone(sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3))))


def parse_text_page(text: str, tz: timezone) -> ParsedPage:
    """Apply the shape rules to a text dump of a portal page."""
    page = ParsedPage()
    lines = [raw.strip() for raw in text.split("\n")]
    written = list(lines)
    decide: Decisions = {}
    content = _classify(lines, decide)
    content = _drop_doubles(lines, decide, content)
    blocks = _join_wrapped(lines, decide, content)
    blocks = _pick_title(page, lines, decide, blocks)
    cut = _cut_trailing(page, lines, decide, blocks)
    blocks = [b for b in blocks if b[0] < cut]
    _pick_published(page, lines, decide, cut, tz)
    page.author = pick_author(page.author, lines, decide, blocks)
    drop_captions(lines, decide, blocks)
    _collect(page, lines, decide, blocks)
    page.decisions = [
        LineDecision(i + 1, written[i], *decide.get(i, (False, "unclassified")))
        for i in range(len(lines))
    ]
    return page


def _classify(lines: list[str], decide: Decisions) -> list[int]:
    """Furniture, timestamps and byline lines by their own shape; the rest is content."""
    content: list[int] = []
    for i, line in enumerate(lines):
        if not line:
            decide[i] = (False, "blank")
        elif i <= 3 and all(_is_crumb(lines[j]) for j in content) and shape.is_header(line):
            decide[i] = (False, "portal header")
        elif is_timestamp_line(line):
            decide[i] = (False, "timestamp line")
        elif (rule := shape.widget_rule(line)) is not None:
            if rule == "flattened table row" and (row := unflatten_row(line)) is not None:
                lines[i] = row  # read as a sentence; --explain shows the row as written
                content.append(i)
                continue
            decide[i] = (False, rule)
        elif shape.byline(line) is not None:
            decide[i] = (False, "byline")
        elif shape.source_line(line) is not None:
            decide[i] = (False, "source line")
        else:
            content.append(i)
    return content


def _drop_doubles(lines: list[str], decide: Decisions, content: list[int]) -> list[int]:
    """A short line printed twice in a row is a caption (under the photo, then in the
    gallery), unless it opens the page (a headline repeated); any later copy of a line
    already seen is a repeated paragraph."""
    seen: set[str] = set()
    kept: list[int] = []
    for n, i in enumerate(content):
        key = lines[i].casefold()
        nxt = content[n + 1] if n + 1 < len(content) else None
        if key in seen:
            decide[i] = (False, "repeated paragraph")
            continue
        seen.add(key)
        twin = nxt is not None and lines[nxt].casefold() == key
        opens = all(_is_crumb(lines[j]) for j in content[:n])  # under a `SOURCE:` line too
        if twin and not opens and len(shape.words(lines[i])) <= 20:
            decide[i] = (False, "caption printed twice")
            continue
        kept.append(i)
    return kept


def _join_wrapped(lines: list[str], decide: Decisions, content: list[int]) -> list[Block]:
    """Lines broken in mid-sentence by the page's editor join back into one paragraph."""
    blocks: list[Block] = []
    wrapping = False
    for i in content:
        prev = blocks[-1] if blocks else None
        if (
            prev is not None
            and prev[-1] == i - 1
            and _continues(
                _text(lines, prev), lines[i], wrapping=wrapping, first=_first(lines, blocks)
            )
        ):
            prev.append(i)
            wrapping = True
        else:
            blocks.append([i])
            wrapping = False
    return blocks


_URL_END = re.compile(r"https?://\S+$")


def _first(lines: list[str], blocks: list[Block]) -> bool:
    """The last block is the page's first real line (a stored page's `SOURCE:` line or a
    crumb above it does not count)."""
    return len(blocks) == 1 or all(_is_crumb(_text(lines, b)) for b in blocks[:-1])


def _continues(before: str, line: str, *, wrapping: bool, first: bool) -> bool:
    if shape.ends_sentence(before) or shape.is_heading(before) or shape.is_heading(line):
        return False
    if _URL_END.search(before):  # a stored page's `SOURCE: <url>` line ends at its address
        return False
    if _LIST_MARKER.match(line) or shape.widget_rule(line):
        return False
    if line[0].islower():
        return True
    if not wrapping and shape.caption_before(before, line):
        return False
    if line[0].isdigit():  # a headline may sit right above a lead that opens with a number
        return not first or len(shape.words(before)) < 3
    return wrapping or (not first and before.split()[-1][0].islower())


def _pick_title(
    page: ParsedPage, lines: list[str], decide: Decisions, blocks: list[Block]
) -> list[Block]:
    """The headline, and menu crumbs above it. A page whose first lines are not a headline
    has no title: the caller asks for one, it is never made up."""
    stamps = {i for i, (_, r) in decide.items() if r in ("timestamp line", "view counter")}
    above = next(
        (
            n
            for n, block in enumerate(blocks[:3])
            if _next_line(lines, block[-1]) in stamps
            and all(len(shape.words(_text(lines, b))) <= 12 for b in blocks[:n])
            and _titleish(_text(lines, block), meta_follows=True)
        ),
        None,
    )
    if above is not None:
        title = blocks[above]
    else:
        while blocks and _is_crumb(_text(lines, blocks[0])):
            _mark(decide, blocks.pop(0), False, "menu crumb")
        if not blocks:
            return blocks
        echo = _text(lines, blocks[1]) if len(blocks) > 1 else ""
        if not _titleish(_text(lines, blocks[0]), echo=echo):
            return blocks
        title = blocks[0]
    for block in blocks[: blocks.index(title)]:
        _mark(decide, block, False, "menu crumb")
    page.title = shape.clean_title(_text(lines, title))
    _mark(decide, title, True, "title")
    return blocks[blocks.index(title) + 1 :]


def _next_line(lines: list[str], index: int) -> int | None:
    return next((i for i in range(index + 1, len(lines)) if lines[i]), None)


def _is_crumb(text: str) -> bool:
    return not any(ch.isalpha() for ch in text) or (
        len(shape.words(text)) <= 2 and not shape.ends_sentence(text)
    )


def _titleish(text: str, *, echo: str = "", meta_follows: bool = False) -> bool:
    title = shape.clean_title(text)
    if len(shape.words(title)) < 3 or len(title) > 250 or title.endswith(":"):
        return False
    if _INTERNAL_BREAK.search(title) or (_LIST_MARKER.match(title) and len(title) < 60):
        return False
    if title.rstrip('"”’)').endswith((".", "…", "!", "?")):
        return meta_follows or (len(shape.words(title)) <= 25 and _echoed(title, echo))
    return True


def _echoed(title: str, following: str) -> bool:
    """A headline with a full stop is still a headline when the lead repeats it."""

    def pairs(text: str) -> set[tuple[str, str]]:
        w = re.findall(r"\w+", text.casefold())
        return set(itertools.pairwise(w))

    mine = pairs(title)
    return bool(mine) and len(mine & pairs(following)) >= 0.6 * len(mine)


def _cut_trailing(
    page: ParsedPage, lines: list[str], decide: Decisions, blocks: list[Block]
) -> int:
    """Everything after the first widget below the first paragraph is the portal's; the
    author and source lines above it name the article's author."""
    end = len(lines)
    cut = end
    if blocks:
        cut = min((i for i, (_, r) in decide.items() if r in _CUT_RULES and i > blocks[0][0]),
                  default=end)  # fmt: skip
    for i, (_, rule) in list(decide.items()):
        if i > cut and rule in ("byline", "source line", "timestamp line"):
            decide[i] = (False, "after trailing widgets")
    for block in blocks:
        if block[0] > cut:
            _mark(decide, block, False, "after trailing widgets")
    for i in sorted(decide):
        rule = decide[i][1]
        if rule == "byline" and page.author is None:
            page.author = shape.byline(lines[i]) or None
        elif rule == "source line":
            page.source_line = shape.source_line(lines[i])
    return cut


def _pick_published(
    page: ParsedPage, lines: list[str], decide: Decisions, cut: int, tz: timezone
) -> None:
    stamps = [i for i, (_, rule) in decide.items() if rule == "timestamp line" and i < cut]
    if not stamps:
        return
    title = next((i for i, (_, r) in decide.items() if r == "title"), None)
    anchor = title if title is not None else min(stamps)
    # A site header may show today's date above the article: prefer the timestamp nearest
    # the title, below or above it.
    best = min(stamps, key=lambda i: (abs(i - anchor), i < anchor))
    page.published = find_datetime(lines[best], tz)


def _collect(page: ParsedPage, lines: list[str], decide: Decisions, blocks: list[Block]) -> None:
    seen = {page.title.casefold()} if page.title else set()
    for block in blocks:
        if block[0] in decide and not decide[block[0]][0]:
            continue
        paragraph = _END_MARKER.sub(".", re.sub(r"\s+", " ", _text(lines, block)))
        paragraph = _PHOTO_CREDIT.sub("", paragraph).strip()
        paragraph = _LIST_BULLET.sub("", _LIST_SLASH.sub(r"\1. ", paragraph))
        key = shape.clean_title(paragraph).casefold()
        if key in seen or paragraph.casefold() in seen:
            _mark(decide, block, False, "repeated paragraph")
            continue
        seen.add(key)
        if not paragraph.strip(" ."):
            _mark(decide, block, False, "end marker")
            continue
        page.paragraphs.append(paragraph)
        rule = decide.get(block[0], (True, "body"))[1]
        _mark(decide, block, True, rule if rule == "sub-heading" else "body")
