"""Dates (rule 4 of ../shared/specs/vietnamese-speech.md, with the
readings decided from real pages).

A day/month pair is a date only where the context says so: after a date word (ngày, hôm,
sáng, chiều, tối, đợt, dịp, từ … đến), between dashes of a date range, or when it cannot
be a count (`18/11`: 18 of 11 is impossible). `12/12 thôn`, `46/50 hộ` and `đạt 8/10`
stay fractions. A dash between two dates or two times reads `đến`.
"""

from __future__ import annotations

import re
from itertools import pairwise

from phatthanh.clean.numbers import MONTHS, Say, roman_value
from phatthanh.clean.quantities import FRACTION_NOUN, date_slips

_END = r"(?![\w/]|[.,]\d)"  # the number is not followed by more of a number
_DATE_WORDS = r"ngày|sáng|trưa|chiều|tối|đêm|hôm|từ|đến|đợt|dịp|nay|vào|trước|sau"
# Dots and dashes are also decimals and ranges: a date only after a strong date word.
_STRONG_DATE_WORDS = r"ngày|sáng|trưa|chiều|tối|đêm|hôm|dịp|nay"

DATE_RANGE = re.compile(
    r"(\d(?<![\w/.,-]\d)\d?)([/.])(\d{1,2})(?:\2(\d{4}))?\s*[–-]\s*(\d{1,2})\2(\d{1,2})\2(\d{4})"
    + _END
)
FULL_DATE = re.compile(
    r"(?<![\w/.,-])((?i:ngày)\s+)?(\d{1,2})([/.-])(\d{1,2})\3(\d{4})(?![\w/]|[.,]\d)"
)
DAY_LIST = re.compile(
    r"(\d(?<![\w/.,]\d)\d?)((?:\s*[-–]\s*\d{1,2})+)/(\d{1,2})(?:/(\d{4}))?" + _END
)
DAY_LIST_DOT = re.compile(
    r"((?<!\w)(?i:ngày|từ ngày|từ)\s+)(\d{1,2})((?:\s*[-–]\s*\d{1,2})+)\.(\d{1,2})" + _END
)
# `ngày 5,6/10`, `ngày 5 và 6/10`, `các ngày 12, 13/5/2024`: days listed before one month; only
# after `ngày` (elsewhere `5,6/10` is a decimal over ten).
DAY_LIST_AND = re.compile(
    r"((?<!\w)[Nn]gày\s+)(\d{1,2})((?:\s?[,;]\s?\d{1,2}|\s+và\s+\d{1,2})+)/(\d{1,2})"
    r"(?:/(\d{4}))?" + _END
)
# `ngày 1525 hàng tháng`: two days of the month typed without their comma (`15, 25`); a
# number that cannot be a day before `hàng/hằng tháng` is read as the two days it joins.
GLUED_DAYS = re.compile(
    r"((?<!\w)(?i:ngày)\s+)([1-9]|[12]\d|3[01])([12]\d|3[01])(?=\s+(?:hàng|hằng)\s+tháng)"
)
# `từ ngày 15/3 - 20/3`: two day/month dates joined by a dash after a date word.
SHORT_RANGE = re.compile(
    rf"((?<!\w)(?i:{_DATE_WORDS})\s+(?:(?i:ngày)\s+)?)(\d{{1,2}})/(\d{{1,2}})\s*[–-]\s*"
    r"(\d{1,2})/(\d{1,2})" + _END
)
# `30/4 - 1/5`: two day/month pairs joined by a dash, the second later in the year (or in
# January after December): a range of dates with no date word before it.
BARE_SHORT_RANGE = re.compile(
    r"(?<![\w/.,-])(\d{1,2})/(\d{1,2})\s*[–-]\s*(\d{1,2})/(\d{1,2})" + _END
)
SHORT_DATE = re.compile(
    rf"((?<!\w)(?i:{_DATE_WORDS})\s+(?:(?i:ngày)\s+)?)(\d{{1,2}})/(\d{{1,2}})" + _END
)
SHORT_DATE_DOT = re.compile(
    rf"((?<!\w)(?i:{_STRONG_DATE_WORDS})\s+(?:(?i:ngày)\s+)?)(\d{{1,2}})(?:\.|-|\s-(?=\d))"
    r"(\d{1,2})" + _END + r"(?!\s*(?i:tháng))"
)
BARE_DAY_MONTH = re.compile(r"(\d(?<![\w/.,-]\d)\d?)/(\d{1,2})" + _END)
# Words before x/y that make it a count or a name (`đạt 8/10`, `thứ 3/9`, `lớp 5/1`,
# `hẻm 12/3`), and words after a date.
_COUNT_BEFORE = re.compile(
    r"(?i:thứ|hạng|đạt|có|được|gồm|với|là|chiếm|còn|trên|tỷ số|tỉ số|thắng|thua|hòa"
    r"|lên|xuống|tăng|giảm|hơn|gần|bằng|chỉ"
    r"|lớp|phòng|số|nhà|lô|thửa|hẻm|kiệt|ngõ|tỷ lệ|tỉ lệ)\s*$"
)
# `trực 24/7`, `hỗ trợ 24/7`: round the clock (read `hai mươi tư trên bảy`), not 24 July.
_ROUND_THE_CLOCK = re.compile(
    r"(?i:trực|phục vụ|hoạt động|hỗ trợ|mở cửa|làm việc|tiếp nhận|vận hành|sẵn sàng|liên tục"
    r"|suốt)\s*$"
)
_DATE_AFTER = re.compile(
    r"\s*(?:[,.;:)!?(–]|-|$|(?:năm|vừa|tới|này|hằng|hàng|tại|của|đến|lúc)(?!\w))"
)
DAY_MONTH_WORDS = re.compile(r"((?<!\w)(?i:ngày)\s+)(\d{1,2})(\s+(?i:tháng)\s+)(\d{1,2})(?![\d/.])")
MONTH_NAME = re.compile(r"(?<!\d\s)((?<!\w)(?i:tháng)\s+)(\d{1,2})(?![\w/.,-]|\s*[-–]\s*\d)")
MONTH_YEAR = re.compile(r"(?i)(tháng\s+)(\d{1,2})[/-](\d{4})(?!\w)")
# `tháng 11-12/2025`: two months of one year.
MONTH_RANGE_YEAR = re.compile(r"(?i)(tháng\s+)(\d{1,2})\s*[-–]\s*(\d{1,2})/(\d{4})(?!\w)")
# `đường 3/2`, `Quảng trường 2/9`: a street named after a holiday says its date without `mồng`.
_STREET_BEFORE = re.compile(r"(?i:đường|phố|cầu|quảng trường|công viên)\s$")
# `20 - 25/11/2025`: the second day of a range; the range rule reads both days.
_DAY_DASH_BEFORE = re.compile(r"(?<![\w/.,])(\d{1,2})\s*[-–]\s*$")
# `quý III/2026`, and a list of quarters before one year (`quý I, II/2026`, `quý I và II/2026`).
QUARTER = re.compile(
    r"(?i)(quý\s+)((?:[IV]{1,3}|\d)(?:\s*(?:,|và|–|-)\s*(?:[IV]{1,3}|\d))*)[/-](\d{4})(?!\w)"
)
_QUARTER_SEP = re.compile(r"(\s*(?:,|và|–|-)\s*)")

# Quick first looks (throughput): each rule below runs only where the text holds what it needs,
# a digit beside a separator or a numeral letter ending a word; these searches skip ahead fast.
_DIGIT = re.compile(r"\d")
_SLASH_PAIR = re.compile(r"\d/\d")
_DOT_PAIR = re.compile(r"\d\.\d")
_DASH_PAIR = re.compile(r"\d\s?-\d")
_SPACED_SLASH = re.compile(r"\s\d\d?/\d")  # SHORT_DATE, SHORT_RANGE
_SPACED_LIST = re.compile(r"\s\d\d?\s*[-–]\s*\d")  # DAY_LIST_DOT
_SPACED_DOT = re.compile(r"\s\d\d?(?:\.|\s?-)\d")  # SHORT_DATE_DOT


def dates(text: str, say: Say) -> str:
    """Every date form, most specific first."""

    def date_range(m: re.Match[str]) -> str:
        y1 = int(m.group(4)) if m.group(4) else None
        said = m.string[max(0, m.start() - 5) : m.start()].lower() == "ngày "  # `Ngày 20/10 - …`
        first = say.date(int(m.group(1)), int(m.group(3)), y1, "" if said else "ngày ")
        second = say.date(int(m.group(5)), int(m.group(6)), int(m.group(7)), "ngày ")
        if first is None or second is None:
            return m.group(0)
        return f"{first} đến {second}"

    def full(m: re.Match[str]) -> str:
        first = _DAY_DASH_BEFORE.search(m.string, max(0, m.start() - 6), m.start())
        if not m.group(1) and first and int(first.group(1)) < int(m.group(2)):
            return m.group(0)  # `ngày 20 – 25/11/2025`: read as a range of days below
        lead = m.group(1) or "ngày "
        if not m.group(1) and m.string[max(0, m.start() - 6) : m.start()].endswith("ngày ("):
            lead = ""  # `ngày (16/02/2016)`: the word is already said
        out = say.date(int(m.group(2)), int(m.group(4)), int(m.group(5)), lead)
        return out if out is not None else m.group(0)

    def day_list(lead: str, first: str, rest: str, month: str, year: str | None) -> str | None:
        days = [int(first), *map(int, re.findall(r"\d+", rest))]
        end = say.date(days[-1], int(month), int(year) if year else None)
        if end is None or any(a >= b for a, b in pairwise(days)):
            return None
        if len(days) == 2 or days[-1] - days[0] == len(days) - 1:
            return f"{lead}{say.day(days[0])} đến {end}"
        return lead + ", ".join(say.day(d) for d in days[:-1]) + f" và {end}"

    def day_list_and(m: re.Match[str]) -> str:
        days = [int(m.group(2)), *map(int, re.findall(r"\d+", m.group(3)))]
        end = say.date(days[-1], int(m.group(4)), int(m.group(5)) if m.group(5) else None)
        if end is None or any(a >= b for a, b in pairwise(days)):
            return m.group(0)
        return m.group(1) + ", ".join(say.day(d) for d in days[:-1]) + f" và {end}"

    def glued_days(m: re.Match[str]) -> str:
        first, second = int(m.group(2)), int(m.group(3))
        if first >= second:
            return m.group(0)
        return f"{m.group(1)}{say.day(first)} và {say.day(second)}"

    def short(m: re.Match[str]) -> str:
        out = say.date(int(m.group(2)), int(m.group(3)), None, m.group(1))
        return out if out is not None else m.group(0)

    def short_range(m: re.Match[str]) -> str:
        first = say.date(int(m.group(2)), int(m.group(3)), None, m.group(1))
        second = say.date(int(m.group(4)), int(m.group(5)))
        return f"{first} đến {second}" if first and second else m.group(0)

    def bare_short_range(m: re.Match[str]) -> str:
        d1, mo1, d2, mo2 = (int(g) for g in m.groups())
        later = (mo1, d1) < (mo2, d2) or (mo1 == 12 and mo2 == 1)
        before = m.string[max(0, m.start() - 12) : m.start()]
        if _COUNT_BEFORE.search(before) or "lệ" in before:  # `tỷ lệ 3/5 - 4/5`
            return m.group(0)
        first, second = say.date(d1, mo1), say.date(d2, mo2)
        return f"{first} đến {second}" if later and first and second else m.group(0)

    def bare(m: re.Match[str]) -> str:
        d, mo = int(m.group(1)), int(m.group(2))
        before = m.string[max(0, m.start() - 12) : m.start()]
        if _COUNT_BEFORE.search(before) or FRACTION_NOUN.match(m.string, m.end()):
            return m.group(0)
        if (d, mo) == (24, 7) and _ROUND_THE_CLOCK.search(before):  # `trực 24/7`
            return m.group(0)
        if _STREET_BEFORE.search(before) and 1 <= d <= 31 and 1 <= mo <= 12:
            return f"{say.num(d)} tháng {MONTHS[mo]}"
        if d > mo or _DATE_AFTER.match(m.string, m.end()):
            return say.date(d, mo) or m.group(0)
        return m.group(0)

    def month_year(m: re.Match[str]) -> str:
        mo = int(m.group(2))
        if not 1 <= mo <= 12:
            return m.group(0)
        return f"{m.group(1)}{MONTHS[mo]} năm {say.num(int(m.group(3)))}"

    def month_range_year(m: re.Match[str]) -> str:
        first, second = int(m.group(2)), int(m.group(3))
        if not 1 <= first < second <= 12:
            return m.group(0)
        year = say.num(int(m.group(4)))
        return f"{m.group(1)}{MONTHS[first]} đến tháng {MONTHS[second]} năm {year}"

    def quarter(m: re.Match[str]) -> str:
        said = []
        for part in _QUARTER_SEP.split(m.group(2)):
            if _QUARTER_SEP.fullmatch(part):
                said.append(" đến " if part.strip() in "-–" else part)
                continue
            q = roman_value(part) or (int(part) if part.isdigit() else 0)
            said.append(say.num(q))
        return f"{m.group(1)}{''.join(said)} năm {say.num(int(m.group(3)))}"

    def day_month_words(m: re.Match[str]) -> str:
        d, mo = int(m.group(2)), int(m.group(4))
        if not (1 <= d <= 31 and 1 <= mo <= 12):
            return m.group(0)
        return f"{m.group(1)}{say.day(d)}{m.group(3)}{MONTHS[mo]}"

    def month_name(m: re.Match[str]) -> str:
        mo = int(m.group(2))
        return f"{m.group(1)}{MONTHS[mo]}" if 1 <= mo <= 12 else m.group(0)

    # Each pattern runs only when the characters it needs are there (throughput); rewrites
    # put no digits in, so what is absent here stays absent.
    if not _DIGIT.search(text):
        return text
    if "/" in text:
        text = date_slips(text)
    slash = "/" in text and _SLASH_PAIR.search(text) is not None
    dot = "." in text and _DOT_PAIR.search(text) is not None
    dash = "-" in text or "–" in text
    dash_pair = "-" in text and _DASH_PAIR.search(text) is not None
    if dash and (slash or dot):
        text = DATE_RANGE.sub(date_range, text)
    if slash and ("," in text or "và" in text):
        text = DAY_LIST_AND.sub(day_list_and, text)
    if slash or dot or dash_pair:
        text = FULL_DATE.sub(full, text)
        slash = slash and _SLASH_PAIR.search(text) is not None  # what full dates left
    if slash:
        text = DAY_LIST.sub(
            lambda m: day_list("", m.group(1), m.group(2), m.group(3), m.group(4)) or m.group(0),
            text,
        )
        spaced = _SPACED_SLASH.search(text) is not None  # a date word, then a space
        if dash:
            if spaced:
                text = SHORT_RANGE.sub(short_range, text)
            text = BARE_SHORT_RANGE.sub(bare_short_range, text)
        if spaced:  # rewrites put no digits in: a spaced pair cannot appear
            text = SHORT_DATE.sub(short, text)
    if dot and _SPACED_LIST.search(text):
        text = DAY_LIST_DOT.sub(
            lambda m: day_list(m.group(1), m.group(2), m.group(3), m.group(4), None) or m.group(0),
            text,
        )
    if (dot or dash_pair) and _SPACED_DOT.search(text):
        text = SHORT_DATE_DOT.sub(short, text)
    month = "háng" in text
    if month and "ng tháng" in text:
        text = GLUED_DAYS.sub(glued_days, text)
    if month:
        if dash:
            text = MONTH_RANGE_YEAR.sub(month_range_year, text)
        text = MONTH_YEAR.sub(month_year, text)
    if "uý" in text:
        text = QUARTER.sub(quarter, text)
    if slash and _SLASH_PAIR.search(text):
        text = BARE_DAY_MONTH.sub(bare, text)
    if month:
        text = DAY_MONTH_WORDS.sub(day_month_words, text)
        text = MONTH_NAME.sub(month_name, text)
    return text
