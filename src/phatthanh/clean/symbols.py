"""Marks and symbols that real pages carry and a voice must not read (readings decided from
real pages, ../shared/specs/vietnamese-speech.md): end markers, list bullets, `v.v.`,
hashtags, glued tokens and numbers written with the wrong separators.
"""

from __future__ import annotations

import re

from phatthanh.clean.numbers import roman_value

# `./.` closes an article; `1/.` numbers a list item. Neither slash is spoken.
END_MARKER = re.compile(r"\s*\./\.")
LIST_MARKER = re.compile(r"(?m)^(\s*\d{1,2})/\.")
# A bullet at the start of a line (`+ Buổi sáng`, `* Ghi chú`, `• `) is layout, not `cộng`.
BULLET = re.compile(r"(?m)^[ \t]*[+*•·▪►-][ \t]+")
# `v.v.`, `v.v…`, `...v...v.` (and so on) is said `vân vân`, not spelled.
ETC = re.compile(r"[.…]*\s*\bv\.{1,3}\s?v\b([.…]*)")
# `vv...`, `vv.`: the same, typed without its inner dot (a dot or ellipsis must follow).
ETC_BARE = re.compile(r"(?<!\w)vv([.…]+)(?!\w)")
# `#tenxa` share tags are page furniture: dropped (a number after `#` is kept).
HASHTAG = re.compile(r"(?<![\w&])#[^\W\d_]\w*")
# `4_NQ` (file-name style) joins two words: a space.
UNDERSCORE = re.compile(r"(?<=\w)_+(?=\w)")
# `(ii)` numbers an item in a legal text: read as the number it is.
ROMAN_ITEM = re.compile(r"\((i{1,3}|iv|vi{0,3}|ix|x)\)")
# A number glued to a capitalised word (`4Gia Lai` in a table row) gets a space.
GLUED_WORD = re.compile(r"\d(?=[A-ZĐ][^\W\d_])")
# `13,200.000` mixes a thousands comma with thousands dots: it is 13.200.000.
MIXED_THOUSANDS = re.compile(r"(\d(?<![\d.,]\d)\d{0,2}),(\d{3}(?:\.\d{3})+)(?![\d,]|\.\d)")
# `97.9%`, `2.5 triệu`: a dot followed by one or two digits cannot group thousands, so before
# a percent sign or a quantity word it is a decimal point.
DOT_DECIMAL = re.compile(
    r"(\d(?<![\d.,]\d)\d*)\.(\d{1,2})(?=\s?(?:%|triệu|tỷ|nghìn|ngàn|lần|điểm|ha|km|kg|tấn|m\b))"
)

# `rừng.Ban chỉ đạo`, `trường học,trưởng thôn`: a stop or comma typed without its space. A voice
# reads the glued stop as `chấm` and runs the words together, so the space is put back. Only
# after two lower-case letters (so `TP.Đông`, `Tp.HCM` stay for the lexicon) and, for a stop,
# before a capital that opens a word (so `gov.vn` and `v.v` are left alone).
# (The left look is made after the mark, so the regex engine skips ahead to marks.)
GLUED_PUNCT = re.compile(r"([.,;])(?<=[^\W\d_]{2}[.,;])(?=[^\W\d_])")

# `Thứ S Sáu`: a weekday's first letter typed twice, once alone (an editor's slip). The lone
# letter would be spelled (`ét`); it is dropped when the weekday name follows it.
WEEKDAY_STUTTER = re.compile(
    r"(?i)(?<!\w)(thứ)\s+(?-i:([HBTNS]))\s+(?=(?-i:\2)(?:ai|a|ư|ăm|áu|ảy)(?!\w))"
)

# Comparison and size signs before a number (`≥ 90%`, `~200 người`, `> 35 độ`, `2 x 3 m`):
# a voice skips them or reads them in English; they are said in words. `<` and `>` only
# before a number (elsewhere they are markup or a breadcrumb separator).
MATH_SIGN = re.compile(r"\s?(≥|≤|~|>=|<=|>|<|±)\s?(?=\d)|(?<=\d)\s?([x×])\s?(?=\d)")
_MATH_WORDS = {
    "≥": "lớn hơn hoặc bằng", ">=": "lớn hơn hoặc bằng", "≤": "nhỏ hơn hoặc bằng",
    "<=": "nhỏ hơn hoặc bằng", "~": "khoảng", ">": "lớn hơn", "<": "nhỏ hơn",
    "±": "cộng trừ", "x": "nhân", "×": "nhân",
}  # fmt: skip
_MATH_CHAR = re.compile(r"[≥≤~<>±×]")


def _math_words(m: re.Match[str]) -> str:
    sign = m.group(1) or m.group(2)
    if sign == "~" and m.string[max(0, m.start() - 7) : m.start()].lower().endswith("khoảng"):
        return " "  # `khoảng ~200`: the sign repeats the word
    return f" {_MATH_WORDS[sign]} "


def _unglue(m: re.Match[str]) -> str:
    before, after = m.string[m.start() - 2 : m.start()], m.string[m.end() : m.end() + 2]
    if not before.islower() or (
        m.group(1) == "." and not (after[:1].isupper() and after[1:].islower())
    ):
        return m.group(0)
    return m.group(1) + " "


_BULLET_CHAR = re.compile(r"[+*•·▪►-]")
_LONE_LETTER = re.compile(r"\s[HBTNS]\s")  # what WEEKDAY_STUTTER needs: a quick first look
_DIGIT = re.compile(r"\d")


def tidy(text: str) -> str:
    """Remove or rewrite the marks above; runs before dates and numbers."""
    if "/." in text:
        text = END_MARKER.sub(".", text)
        text = LIST_MARKER.sub(r"\1.", text)
    # a bullet opens the text or a line (most texts are one line without one)
    if _BULLET_CHAR.match(text.lstrip(" \t")) or ("\n" in text and _BULLET_CHAR.search(text)):
        text = BULLET.sub("", text)
    if "v." in text:
        text = ETC.sub(lambda m: " vân vân" + ("." if m.group(1) else ""), text)
    if "vv" in text:
        text = ETC_BARE.sub("vân vân.", text)
    if "." in text or "," in text or ";" in text:
        text = GLUED_PUNCT.sub(_unglue, text)
    if ("hứ " in text or "HỨ " in text) and _LONE_LETTER.search(text):
        text = WEEKDAY_STUTTER.sub(r"\1 ", text)
    if "(" in text:
        text = ROMAN_ITEM.sub(lambda m: f"({roman_value(m.group(1).upper())})", text)
    if "#" in text:
        text = HASHTAG.sub("", text)
    if "_" in text:
        text = UNDERSCORE.sub(" ", text)
    if _DIGIT.search(text):
        # (functions, not templates, as replacements: a template costs on every call)
        text = GLUED_WORD.sub(lambda m: m.group(0) + " ", text)
        if "," in text:
            text = MIXED_THOUSANDS.sub(lambda m: f"{m.group(1)}.{m.group(2)}", text)
        if "." in text:
            text = DOT_DECIMAL.sub(lambda m: f"{m.group(1)},{m.group(2)}", text)
        if " x " in text or _MATH_CHAR.search(text):
            text = MATH_SIGN.sub(_math_words, text)
    return text


# `Ủy ban nhân dân (UBND)`, `15.000.000đ (Mười lăm triệu đồng)`, `01 (một)`: once read, the
# words in brackets repeat the words just before them; a listener would hear them twice.
ECHO = re.compile(r"\s?\(([^()]{1,80})\)")
_ECHO_GAP = re.compile(r"(?:\s+[^\W\d_]+)?\s*")


def drop_echoes(text: str) -> str:
    """Drop a bracket whose spoken words repeat the words right before it (runs on spoken
    text, when abbreviations and numbers are words on both sides)."""

    def sub(m: re.Match[str]) -> str:
        inner = m.group(1).strip().lower()
        if not inner or not any(ch.isalpha() for ch in inner):
            return m.group(0)
        before = m.string[max(0, m.start() - len(inner) - 24) : m.start()].lower()
        at = before.rfind(inner)
        if at < 0 or (at > 0 and before[at - 1].isalnum()):
            return m.group(0)
        # the repeated words end right before the bracket, or one word before it (`Trung tâm
        # Y tế huyện (TTYT)`); an earlier bracket or clause does not count
        rest = before[at + len(inner) :]
        return "" if _ECHO_GAP.fullmatch(rest) else m.group(0)

    return ECHO.sub(sub, text)
