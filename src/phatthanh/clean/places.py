"""Roads, chainages, address abbreviations and phone numbers (readings decided from real
pages, ../shared/specs/vietnamese-speech.md).

- `QL1A`, `QL.14B` are national roads: `quốc lộ một A`; `ĐT 741` / `ĐT.741` a provincial
  road (`đường tỉnh`) unless a phone number follows (phone numbers start with 0); `ĐH` a
  district road, `TL`/`HL` the older tỉnh lộ/hương lộ.
- `Km 82+500`, `km82+500` chainages: `ki-lô-mét tám mươi hai cộng năm trăm`.
- `P.`/`Q.`/`X.`/`H.` in an address (after a comma, before a name or a number) are
  phường, quận, xã, huyện; `TT.` before a name is thị trấn. Elsewhere (and at the start of
  a line) a capital and a dot is a person's initial and is left alone.
- Vehicle plates `75A-123.45`, `29LD-12345`, `47B1-678.90`: the province number, the series
  letters by name, then the serial digit by digit (`bảy mươi lăm A, một hai ba, bốn năm`).
- Phones and hotlines are read digit by digit in their written groups, a pause per group:
  `0912.345.678`, `(0254) 3732.318`, `1900 1234`. A dash or slash between two phone numbers
  is `hoặc` (`0912.345.678 - 0987.654.321`); a list after `gọi` (`gọi 113, 114`) is dialled
  digit by digit throughout.
"""

from __future__ import annotations

import re

from phatthanh.clean.lexicon import spell
from phatthanh.clean.numbers import digit_words, number_words

_UP = "A-ZĐÂĂÊÔƠƯ"
ROAD = re.compile(
    r"(?<![\w/&-])(QL|ĐT|ĐH|ĐX|TL|HL)(?:\.\s?|\s)?(0?[1-9]\d{0,3})([A-Z])?(?![\w]|[ .]?\d)"
)
_ROADS = {"QL": "quốc lộ", "ĐT": "đường tỉnh", "ĐH": "đường huyện", "ĐX": "đường xã",
          "TL": "tỉnh lộ", "HL": "hương lộ"}  # fmt: skip
CHAINAGE = re.compile(r"(?<!\w)(?:[Kk]m\s?(\d+)\s?\+\s?(\d+)|Km\s?(\d+))(?![\w+])")
# Not at the start of a line: `P. Hà` alone on a line is a byline initial.
ADDRESS_PART = re.compile(rf"([,;(]\s*|\s[-–]\s|(?<!\w)(?i:tại|ở)\s+)([PQXH])\.\s?(?=\d|[{_UP}])")
_PARTS = {"P": "phường", "Q": "quận", "X": "xã", "H": "huyện"}
_ROAD_LETTERS = re.compile(r"QL|ĐT|ĐH|ĐX|TL|HL")
# (`tidy` has already put a space between the province number and the letters: `29 LD`.)
PLATE = re.compile(
    r"(\d(?<![\w.,/-]\d)\d)\s?([A-Z]{1,2})(\d?)\s?[-–]\s?(?:(\d{3})\.(\d{2})|(\d{4,5}))"
    r"(?![\w]|[.,]\d)"
)
_PLATE_HINT = re.compile(r"\d\s?[A-Z]{1,2}\d?\s?[-–]\s?\d")
_ADDRESS_LETTER = re.compile(r"[PQXH]\.")
TOWN = re.compile(rf"(?<![\w.])TT\.\s?(?=[{_UP}])")
# `02363 821 234`: a four-digit area code may carry the subscriber's first digit.
PHONE = re.compile(
    r"(\+(?<![\w.,]\+)84[ .-]?|0(?<![\w.,]0))(\d{2,4})([ .-]?)(\d{3,4})\3(\d{3,4})(?![\w]|[.,]\d)"
)
# `0259 3.123.456`: an area code, then the subscriber number grouped by dots like an amount.
AREA_DOTTED_PHONE = re.compile(
    r"(0(?<![\w.,]0)\d{2,3})\s(\d{1,2})\.(\d{3})\.(\d{3})(?![\w]|[.,]\d)"
)
# `0236.3822456`: an area code, a dot, and the seven digits of the subscriber in one run.
AREA_RUN_PHONE = re.compile(r"(0(?<![\w.,]0)\d{2,3})[.\s](\d{3})(\d{4})(?![\w]|[.,]\d)")
AREA_CODE_PHONE = re.compile(r"\((0\d{2,3})\)\s?(\d{3,4})[ .]?(\d{3,4})(?![\w]|[.,]\d)")
HOTLINE = re.compile(r"(?<![\w.,])(1[89]00)([ .]?)(\d{3,4})(?:\2(\d{2,4}))?(?![\w]|[.,]\d)")
_HOTLINE_LABEL = re.compile(r"(?i)đường dây nóng|hotline|điện thoại|tổng đài|gọi")
_HOTLINE_DIGITS = re.compile(r"\s1\d\d")  # what SHORT_HOTLINE needs: a quick first look
# A hotline label reads every short number after it (`113, 114 và 115`), not only the first.
SHORT_HOTLINE = re.compile(
    r"(?i)(đường dây nóng|hotline|số máy|điện thoại|tổng đài)(:?\s+)"
    r"(1\d{2,3}(?:(?:\s*[,;/]\s*|\s+(?:và|hoặc)\s+)1\d{2,3}(?!\d))*)\b"
)
# `gọi 114`, `gọi ngay 115 khi …`: an emergency number (111 to 115) is dialled digit by digit
# when nothing counted follows it (`gọi 112 thanh niên nhập ngũ` is a call-up of 112 people);
# after `hoặc`/`và` only behind a hotline label (`đường dây nóng: 0987… hoặc 114`).
EMERGENCY = re.compile(
    r"(?<!kêu )((?i:gọi|hoặc|và)(?: ngay| khẩn cấp)?(?: đến| tới| số)?\s+)"
    r"(11[1-5](?:\s*(?:,|và|hoặc)\s*11[1-5](?!\d))*)"
    r"(?=\s*(?:[,.;:!?)(]|$|(?:khi|để|hoặc|và|ngay|nếu|báo|trong|cấp cứu)(?!\w)))"
)


def roads(text: str) -> str:
    """Road numbers and chainages; the number itself is read later by the number rule."""

    def road(m: re.Match[str]) -> str:
        letter = f" {m.group(3)}" if m.group(3) else ""
        name = _ROADS[m.group(1)]
        if (
            name.startswith("đường ")
            and m.string[max(0, m.start() - 6) : m.start()].lower() == "đường "
        ):
            name = name[len("đường ") :]  # `Đường ĐH.12`: the word is already written
        before = m.string[max(0, m.start() - len(name) - 1) : m.start()].lower()
        if before == name + " ":  # `Đường tỉnh ĐT.741`, `quốc lộ QL14`: already said
            return f"{m.group(2)}{letter}"
        return f"{name} {m.group(2)}{letter}"

    def chainage(m: re.Match[str]) -> str:
        if m.group(3):
            return f"ki-lô-mét {m.group(3)}"
        return f"ki-lô-mét {m.group(1)} cộng {m.group(2)}"

    def plate(m: re.Match[str]) -> str:
        series = spell(m.group(2)) + (f" {digit_words(m.group(3))}" if m.group(3) else "")
        serial = (
            [digit_words(m.group(4)), digit_words(m.group(5))]
            if m.group(4)
            else [digit_words(m.group(6))]
        )
        return ", ".join([f"{number_words(int(m.group(1)))} {series}", *serial])

    if ("-" in text or "–" in text) and _PLATE_HINT.search(text):
        text = PLATE.sub(plate, text)
    if _ROAD_LETTERS.search(text):
        text = ROAD.sub(road, text)
    if "km" in text or "Km" in text:
        text = CHAINAGE.sub(chainage, text)
    if _ADDRESS_LETTER.search(text):
        text = ADDRESS_PART.sub(lambda m: f"{m.group(1)}{_PARTS[m.group(2)]} ", text)
    if "TT." in text:
        text = TOWN.sub("thị trấn ", text)
    return text


# A dash or slash between two phone numbers (dates, times and codes are words by now).
PHONE_SEP = re.compile(
    r"(\d)\s*[-–/]\s*(?=(?:\(0\d{2,3}\)\s?|\+84[ .-]?|0)\d(?:[ .]?\d){7,10}(?![\d]|[.,]\d))"
)
_PHONE_BEFORE = re.compile(
    r"(?:\(0\d{2,3}\)\s?\d(?:[ .]?\d){5,8}|(?:^|[^\d.,(])(?:\+84|0)\d(?:[ .]?\d){7,10})$"
)


def _or_between_phones(text: str) -> str:
    def sub(m: re.Match[str]) -> str:
        before = m.string[max(0, m.start() - 19) : m.start() + 1]
        return f"{m.group(1)} hoặc " if _PHONE_BEFORE.search(before) else m.group(0)

    return PHONE_SEP.sub(sub, text)


def phones(text: str) -> str:
    """Mobile, landline and hotline numbers, digit by digit in groups."""

    def phone(m: re.Match[str]) -> str:
        international = m.group(1).startswith("+84")
        prefix = "cộng tám tư" if international else "không"
        groups = [m.group(2), m.group(4), m.group(5)]
        if not m.group(3):  # no separators: read in groups of 4-3-3
            digits = "".join(groups)
            first = prefix + " " + digit_words(digits[:3])
            return ", ".join([first, digit_words(digits[3:6]), digit_words(digits[6:])])
        return ", ".join(
            [f"{prefix} {digit_words(groups[0])}"] + [digit_words(g) for g in groups[1:]]
        )

    def grouped(*groups: str | None) -> str:
        return ", ".join(digit_words(g) for g in groups if g)

    if "0" not in text and "1" not in text:
        return text
    if "-" in text or "–" in text or "/" in text:
        text = _or_between_phones(text)
    if "(0" in text:
        text = AREA_CODE_PHONE.sub(lambda m: grouped(m.group(1), m.group(2), m.group(3)), text)
    if "." in text:
        text = AREA_DOTTED_PHONE.sub(lambda m: grouped(*m.groups()), text)
        text = AREA_RUN_PHONE.sub(lambda m: grouped(*m.groups()), text)
    text = PHONE.sub(phone, text)
    if "00" in text:
        text = HOTLINE.sub(lambda m: grouped(m.group(1), m.group(3), m.group(4)), text)
    if not _HOTLINE_DIGITS.search(text):
        return text
    text = SHORT_HOTLINE.sub(
        lambda m: m.group(1) + m.group(2) + re.sub(r"\d+", lambda d: digit_words(d[0]), m[3]),
        text,
    )
    if not any(w in text for w in ("ọi", "nóng", "oại", "otline", "ổng đài")):
        return text

    def emergency(m: re.Match[str]) -> str:
        if m.group(1)[:1].lower() != "g":  # `hoặc 114`, `và 115`: only in a list of numbers
            before = m.string[max(0, m.start() - 80) : m.start()]
            if not _HOTLINE_LABEL.search(before):
                return m.group(0)
        return m.group(1) + re.sub(r"\d+", lambda d: digit_words(d[0]), m.group(2))

    return EMERGENCY.sub(emergency, text)
