"""Paragraph blocks of a page and the passes over its last and inner blocks: who signed the
article (author lines in their real-page shapes) and which short blocks are photo captions
rather than sub-headings (../shared/specs/vietnamese-speech.md, "What must never be read
aloud").
"""

from __future__ import annotations

import re

from phatthanh.articles import lines as shape
from phatthanh.articles.lines import looks_like_author

Decisions = dict[int, tuple[bool, str]]  # line index -> (kept, rule)
Block = list[int]  # indexes of the raw lines that make one paragraph

_END_MARKER = re.compile(r"\s*\./\.\s*$")
_PHOTO_RULES = ("photo caption", "image file name", "caption printed twice")
_SHORT_WORDS, _SHORT_CHARS = 30, 200


def text_of(lines: list[str], block: Block) -> str:
    return " ".join(lines[i] for i in block)


def mark(decide: Decisions, block: Block, kept: bool, rule: str) -> None:
    decide[block[0]] = (kept, rule)
    for i in block[1:]:
        decide[i] = (kept, f"joined to line {block[0] + 1}")


def pick_author(
    author: str | None, lines: list[str], decide: Decisions, blocks: list[Block]
) -> str | None:
    """The author (`author` if a byline line already named one): alone on the last line (a
    name, a name and its unit in brackets, a name after the './.' end marker, a unit's name),
    or a person then their unit. The author's lines leave `blocks`."""
    if author is not None or not blocks:
        return author
    last = text_of(lines, blocks[-1])
    before = text_of(lines, blocks[-2]) if len(blocks) > 1 else ""
    if (named := shape.split_unit(last)) is not None:
        mark(decide, blocks.pop(), True, "author (unit)")
        return named[0]
    if looks_like_author(last):
        mark(decide, blocks.pop(), True, "author")
        return shape.clean_author(last)
    if (name := _name_dash_unit(last)) is not None:
        mark(decide, blocks.pop(), True, "author (unit)")
        return name
    person_then_unit = len(blocks) > 2 and is_short(last) and looks_like_author(before)
    if person_then_unit and not shape.is_heading(last):
        mark(decide, blocks.pop(), False, "author's unit")
        mark(decide, blocks.pop(), True, "author")
        return shape.clean_author(before)
    if _END_MARKER.search(before) and shape.looks_like_name(last):
        mark(decide, blocks.pop(), True, "author after the end marker")
        return shape.clean_author(last)
    if len(blocks) > 1 and shape.is_unit_name(last):
        mark(decide, blocks.pop(), True, "author's unit")
        return shape.clean_author(last)
    return None


# `Nguyễn Thị Hoa - Đài TT xã`: a name, a dash, then the unit (whose words may be lower-case).
_NAME_DASH_UNIT = re.compile(r"^(?P<name>[^-–]{3,40}?)\s+[-–]\s+(?P<unit>[^-–]{2,50})$")


def _name_dash_unit(line: str) -> str | None:
    match = _NAME_DASH_UNIT.match(line.strip())
    if match is None or shape.ends_sentence(line.rstrip(".")):
        return None
    name, unit = match.group("name"), match.group("unit")
    if not looks_like_author(name) or len(shape.words(unit)) > 8 or not unit[0].isupper():
        return None
    return shape.clean_author(name)


def is_short(text: str) -> bool:
    """Too short and unpunctuated to be a paragraph: a caption or a unit's name."""
    return (
        len(shape.words(text)) <= _SHORT_WORDS
        and len(text) <= _SHORT_CHARS
        and not shape.ends_sentence(text)
    )


def drop_captions(lines: list[str], decide: Decisions, blocks: list[Block]) -> None:
    """Photo captions between paragraphs (short unpunctuated lines, the line under an image
    name); sub-headings (ALL CAPS, numbered) stay."""
    signed = any(r.startswith(("author", "byline")) for _, r in decide.values())
    for position, block in enumerate(blocks):
        text = text_of(lines, block)
        previous = _previous_rule(decide, block[0])
        if shape.is_heading(text):
            mark(decide, block, True, "sub-heading")
        elif shape.is_gallery_line(text):
            mark(decide, block, False, "photo gallery line")
        elif shape.is_scene_caption(text):
            mark(decide, block, False, "scene caption")
        elif previous in _PHOTO_RULES and is_short(text):
            mark(decide, block, False, "caption under a photo")
        elif shape.is_topic_heading(text):
            mark(decide, block, True, "sub-heading")
        elif is_short(text) and position > 0 and (position < len(blocks) - 1 or signed):
            mark(decide, block, False, "short caption line")


def _previous_rule(decide: Decisions, index: int) -> str | None:
    for i in range(index - 1, -1, -1):
        rule = decide.get(i, (False, "blank"))[1]
        if rule != "blank":
            return rule
    return None


_ROW_NUMBER = re.compile(r"^\d{1,3}(?=[^\W\d_])")


def unflatten_row(line: str) -> str | None:
    """A table row whose cells lost their separators (`2Bà RịaKhu vực Long Điền, Xuyên Mộc`,
    a row number then cells glued lower-case to capital) as a sentence a listener can follow:
    `Bà Rịa: Khu vực Long Điền, Xuyên Mộc.`; None when the line is not such a row."""
    number = _ROW_NUMBER.match(line)
    if number is None or not line[number.end()].isupper():
        return None
    cells, start = [], number.end()
    for i in range(start + 1, len(line)):
        if line[i].isupper() and line[i - 1].islower():
            cells.append(line[start:i])
            start = i
    cells.append(line[start:])
    cells = [c.strip(" ,;.") for c in cells if c.strip(" ,;.")]
    if len(cells) < 2:
        return None
    return f"{cells[0]}: {', '.join(cells[1:])}."
