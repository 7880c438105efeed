"""Clock times (rule 4 of ../shared/specs/vietnamese-speech.md, with the readings decided from
real pages): `10h30`, `17g30`, `15:4`, `7 giờ 30'`, AM/PM; a dash between two times reads `đến`.
"""

from __future__ import annotations

import re

from phatthanh.clean.numbers import Say

_CLOCK = r"\d{1,2}(?:[:hg]\d{2}['’′]?|h|\s?giờ(?:\s?\d{1,2}(?:\s?phút)?)?)"
TIME_RANGE = re.compile(rf"(?<![\w:.,])({_CLOCK})\s*[–-]\s*({_CLOCK})(?![\w:])")
# AM/PM (SA/CH in Vietnamese software) after a clock time: sáng, trưa, chiều or tối.
_HALF = r"(?:\s?(AM|PM|am|pm|SA|CH|sa|ch)(?!\w))?"
TIME_COLON = re.compile(r"(?<![\w:,.])([01]?\d|2[0-4]):([0-5]?\d)(?::([0-5]\d))?(?![\w:])" + _HALF)
TIME_H = re.compile(r"(?<![\w,.])([01]?\d|2[0-4])\s?h(?:([0-5]\d)(?:['’′]|p|ph)?)?(?!\w)" + _HALF)
# southern `17g30`; `lúc 7g`, `7g sáng`: an hour alone is a clock time only beside a time word
# (`5g` is grams).
TIME_G = re.compile(r"(?<![\w,.])([01]?\d|2[0-3])g([0-5]\d)?(?!\w)")
_HOUR_BEFORE = re.compile(r"(?i:lúc|từ|đến|vào)\s$")
_HOUR_AFTER = re.compile(r"\s(?:sáng|trưa|chiều|tối|đêm)(?!\w)")
# `07 giờ 00`: on the hour, the zero minutes are not said (`bảy giờ`, never `bảy giờ không`).
ZERO_MINUTES = re.compile(r"(\d\s?giờ)\s?00(?:\s?phút)?(?!\w)")
# `7 giờ 30'`: the minute mark after a clock time is `phút`.
MINUTE_MARK = re.compile(r"(giờ\s?\d{1,2})\s?['’′]")
_CLOCK_HINT = re.compile(r"\d\s?[:hg]")
_COLON_HINT = re.compile(r"\d:\d")
_H_HINT = re.compile(r"\d\s?h(?![^\W\d])")  # `10h`, `7h30`, not `650 ha`
_G_HINT = re.compile(r"\dg")  # TIME_G: `17g30`, or `7g` alone beside a time word


def times(text: str, say: Say) -> str:
    """Clock times; a dash between two times reads `đến`; AM/PM become sáng/chiều/tối."""

    def clock(h: int, mi: int | None, sec: int | None = None, half: str | None = None) -> str:
        out = f"{say.num(h)} giờ"
        if mi:
            out += f" {say.num(mi)} phút"
        if sec:
            out += f" {say.num(sec)} giây"
        if half:
            if half.upper() in ("AM", "SA"):
                out += " sáng"
            else:
                out += " trưa" if h == 12 else (" chiều" if h < 6 else " tối")
        return out

    def _clock_g(m: re.Match[str]) -> str:
        if m.group(2):
            return clock(int(m.group(1)), int(m.group(2)))
        before = m.string[max(0, m.start() - 5) : m.start()]
        if _HOUR_BEFORE.search(before) or _HOUR_AFTER.match(m.string, m.end()):
            return clock(int(m.group(1)), None)
        return m.group(0)

    def number(value: str | None) -> int | None:
        return int(value) if value else None

    if not _CLOCK_HINT.search(text):
        return text
    if "-" in text or "–" in text:
        text = TIME_RANGE.sub(lambda m: f"{m.group(1)} đến {m.group(2)}", text)
    if ":" in text and _COLON_HINT.search(text):
        text = TIME_COLON.sub(
            lambda m: clock(int(m.group(1)), int(m.group(2)), number(m.group(3)), m.group(4)),
            text,
        )
    if "h" in text and _H_HINT.search(text):
        text = TIME_H.sub(
            lambda m: clock(int(m.group(1)), number(m.group(2)), None, m.group(3)), text
        )
    if "g" in text and _G_HINT.search(text):
        text = TIME_G.sub(_clock_g, text)
    if "giờ 00" in text:
        text = ZERO_MINUTES.sub(r"\1", text)
    if "'" in text or "’" in text or "′" in text:
        text = MINUTE_MARK.sub(r"\1 phút", text)
    return text
