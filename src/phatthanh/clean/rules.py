"""Rules 3-4 of ../shared/specs/vietnamese-speech.md: document codes, dates, times, Roman
numerals, phone numbers, numbers, units and money. Each rule is a function text -> text;
`Normalizer` runs them in the spec's order.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from phatthanh.clean.lexicon import spell
from phatthanh.clean.numbers import (
    MONTHS,
    decimal_words,
    digit_words,
    number_words,
    ordinal_words,
    roman_value,
)
from phatthanh.clean.settings import SpeechSettings

Rule = Callable[[str], str]
_UP = "A-ZĐÂĂÊÔƠƯ"
_CODE_PART = rf"[{_UP}][{_UP}a-zđ]*"
DOCUMENT_CODE = re.compile(
    rf"(?<![\w/])(\d+)(?:/(\d{{4}}))?[-/]({_CODE_PART}(?:[-/&]{_CODE_PART})*)(?![\w/])"
)
_DATE_SEP = r"[/.-]"
FULL_DATE = re.compile(
    rf"(?<![\w/.,-])(ngày\s+|Ngày\s+)?(\d{{1,2}}){_DATE_SEP}(\d{{1,2}}){_DATE_SEP}(\d{{4}})(?![\w/]|[.,]\d)"
)
DAY_RANGE = re.compile(
    r"(?<![\w/.,])(\d{1,2})\s*[-–]\s*(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?![\w/]|[.,]\d)"
)
SHORT_DATE = re.compile(
    r"(?i)(?<!\w)((?:ngày|sáng|trưa|chiều|tối|đêm|hôm|từ|đến)\s+(?:ngày\s+)?)"
    r"(\d{1,2})/(\d{1,2})(?![\w/]|[.,]\d)"
)
MONTH_YEAR = re.compile(r"(?i)(tháng\s+)(\d{1,2})[/-](\d{4})(?!\w)")
QUARTER = re.compile(r"(?i)(quý\s+)([IV]{1,3}|\d)[/-](\d{4})(?!\w)")
TIME_COLON = re.compile(r"(?<![\w:,.])([01]?\d|2[0-4]):([0-5]?\d)(?::([0-5]\d))?(?![\w:])")
TIME_H = re.compile(r"(?<![\w,.])([01]?\d|2[0-4])\s?h(?:([0-5]\d)(?:'|p|ph)?)?(?!\w)")
ROMAN_TRIGGER = re.compile(
    r"(?i)(khóa|khoá|kỳ họp thứ|kì họp thứ|đại hội|hội nghị lần thứ|lần thứ|quý|phần|chương|"
    r"thế kỷ|thế kỉ|mục|điều|thứ)\s+([IVXLC]+)(?![\w])"
)
ROMAN_HEADING = re.compile(r"(?m)^([IVX]{1,4})\.\s")
PHONE = re.compile(r"(?<![\w.,])(\+84[ .-]?|0)(\d{2,3})([ .-]?)(\d{3,4})\3(\d{3,4})(?![\w]|[.,]\d)")
SHORT_HOTLINE = re.compile(r"(?i)(đường dây nóng|hotline|số máy|điện thoại)(:?\s+)(1\d{2,3})\b")
ORDINAL = re.compile(r"(?i)(?<!\w)(thứ|hạng)\s+(\d+)(?![\w/]|[.,]\d)")
RATIO = re.compile(r"(?<![\w/.,])(\d+)/(\d+)(?![\w/]|[.,]\d)")
RANGE = re.compile(r"(?<![\w/.,-])(\d+(?:[.,]\d+)?)\s*[-–]\s*(\d+(?:[.,]\d+)?)(?![\w/]|[.,]\d)")
NUMBER = re.compile(r"(?<![\w])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?(?!\w)")
PERCENT = re.compile(r"(\d)\s*%")
UNITS: tuple[tuple[str, str], ...] = (
    ("km²", "ki-lô-mét vuông"), ("km2", "ki-lô-mét vuông"), ("m²", "mét vuông"),
    ("m2", "mét vuông"), ("m³", "mét khối"), ("m3", "mét khối"), ("km/h", "ki-lô-mét một giờ"),
    ("km", "ki-lô-mét"), ("cm", "xen-ti-mét"), ("mm", "mi-li-mét"), ("ha", "héc-ta"),
    ("kg", "ki-lô-gam"), ("MHz", "mê-ga-héc"), ("kHz", "ki-lô-héc"), ("Hz", "héc"),
    ("kWh", "ki-lô-oát giờ"), ("MW", "mê-ga-oát"), ("kW", "ki-lô-oát"), ("W", "oát"),
    ("°C", "độ xê"), ("VNĐ", "đồng"), ("VND", "đồng"), ("vnđ", "đồng"), ("đ", "đồng"),
    ("USD", "đô la Mỹ"), ("m", "mét"), ("l", "lít"), ("g", "gam"), ("ml", "mi-li-lít"),
)  # fmt: skip
_UNIT_WORDS = {u: w for u, w in UNITS}
_UNIT_ALT = "|".join(re.escape(u) for u, _ in sorted(UNITS, key=lambda x: -len(x[0])))
NUMBER_UNIT = re.compile(rf"(\d)\s?({_UNIT_ALT})(?![\w²³])")
PER_UNIT = re.compile(rf"(?<=\w)/({_UNIT_ALT}|người|hộ|năm|tháng|ngày|giờ|tấn|tạ|con)(?![\w²³])")
ADDRESS = re.compile(
    r"(?i)\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b|\b(?:https?://|www\.)[^\s,;)]+|\b[\w-]+(?:\.[\w-]+)*\.(?:vn|com|net|org|gov)(?:/[^\s,;)]*)?\b"
)


class Rules:
    """The reading rules, bound to one SpeechSettings."""

    def __init__(self, settings: SpeechSettings, codes: dict[str, str]) -> None:
        self.s = settings
        self.codes = codes

    def num(self, n: int) -> str:
        return number_words(n, zero_tens=self.s.zero_tens, thousand=self.s.thousand)

    def day(self, d: int) -> str:
        return f"mồng {self.num(d)}" if self.s.mong and 1 <= d <= 10 else self.num(d)

    # --- 3. document codes --------------------------------------------------------
    def document_codes(self, text: str) -> str:
        def sub(m: re.Match[str]) -> str:
            number, year, parts = m.group(1), m.group(2), m.group(3)
            words = self.num(int(number))
            if year:
                words += " năm " + self.num(int(year))
            if self.s.document_codes == "spell":
                words += " " + ", ".join(spell(p) for p in re.split(r"[-/&]", parts))
            elif self.s.document_codes == "expand":
                names = [self.codes.get(p, spell(p)) for p in re.split(r"[-/&]", parts)]
                words += " " + " ".join(names)
            return words

        return DOCUMENT_CODE.sub(sub, text)

    # --- 4. dates and times -----------------------------------------------------------
    def _date(self, d: int, mo: int, y: int | None, lead: str) -> str | None:
        if not (1 <= d <= 31 and 1 <= mo <= 12):
            return None
        words = f"{lead}{self.day(d)} tháng {MONTHS[mo]}"
        return words + (f" năm {self.num(y)}" if y is not None else "")

    def dates(self, text: str) -> str:
        def full(m: re.Match[str]) -> str:
            lead = m.group(1) or "ngày "
            out = self._date(int(m.group(2)), int(m.group(3)), int(m.group(4)), lead)
            return out if out is not None else m.group(0)

        def day_range(m: re.Match[str]) -> str:
            d1, d2, mo = int(m.group(1)), int(m.group(2)), int(m.group(3))
            year = int(m.group(4)) if m.group(4) else None
            end = self._date(d2, mo, year, "")
            if end is None or not 1 <= d1 < d2:
                return m.group(0)
            return f"{self.day(d1)} đến {end}"

        def short(m: re.Match[str]) -> str:
            out = self._date(int(m.group(2)), int(m.group(3)), None, m.group(1))
            return out if out is not None else m.group(0)

        def month_year(m: re.Match[str]) -> str:
            mo = int(m.group(2))
            if not 1 <= mo <= 12:
                return m.group(0)
            return f"{m.group(1)}{MONTHS[mo]} năm {self.num(int(m.group(3)))}"

        def quarter(m: re.Match[str]) -> str:
            q = roman_value(m.group(2)) or (int(m.group(2)) if m.group(2).isdigit() else 0)
            return f"{m.group(1)}{self.num(q)} năm {self.num(int(m.group(3)))}"

        text = FULL_DATE.sub(full, text)
        text = DAY_RANGE.sub(day_range, text)
        text = SHORT_DATE.sub(short, text)
        text = MONTH_YEAR.sub(month_year, text)
        return QUARTER.sub(quarter, text)

    def times(self, text: str) -> str:
        def clock(h: int, mi: int | None, sec: int | None = None) -> str:
            out = f"{self.num(h)} giờ"
            if mi:
                out += f" {self.num(mi)} phút"
            if sec:
                out += f" {self.num(sec)} giây"
            return out

        text = TIME_COLON.sub(
            lambda m: clock(
                int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None
            ),
            text,
        )
        return TIME_H.sub(
            lambda m: clock(int(m.group(1)), int(m.group(2)) if m.group(2) else None), text
        )

    def roman(self, text: str) -> str:
        def sub(m: re.Match[str]) -> str:
            value = roman_value(m.group(2))
            if value is None:
                return m.group(0)
            trigger = m.group(1)
            ordinal = trigger.lower().endswith("thứ")
            words = ordinal_words(value) if ordinal else self.num(value)
            return f"{trigger} {words}"

        text = ROMAN_TRIGGER.sub(sub, text)
        return ROMAN_HEADING.sub(
            lambda m: f"{self.num(v)}. " if (v := roman_value(m.group(1))) else m.group(0), text
        )

    # --- phones, numbers, units, money ----------------------------------------------
    def phones(self, text: str) -> str:
        def sub(m: re.Match[str]) -> str:
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

        text = PHONE.sub(sub, text)
        return SHORT_HOTLINE.sub(lambda m: m.group(1) + m.group(2) + digit_words(m.group(3)), text)

    def units(self, text: str) -> str:
        text = PERCENT.sub(r"\1 phần trăm", text)
        text = PER_UNIT.sub(lambda m: " trên " + _UNIT_WORDS.get(m.group(1), m.group(1)), text)
        return NUMBER_UNIT.sub(lambda m: f"{m.group(1)} {_UNIT_WORDS[m.group(2)]}", text)

    def numbers(self, text: str) -> str:
        text = RATIO.sub(lambda m: f"{m.group(1)} trên {m.group(2)}", text)
        text = ORDINAL.sub(lambda m: f"{m.group(1)} {ordinal_words(int(m.group(2)))}", text)
        text = RANGE.sub(r"\1 đến \2", text)
        return NUMBER.sub(self._number, text)

    def _number(self, m: re.Match[str]) -> str:
        integer = m.group(1).replace(".", "")
        if len(integer) > 15:
            return digit_words(integer)
        if m.group(2) is not None:
            return decimal_words(
                integer, m.group(2), zero_tens=self.s.zero_tens, thousand=self.s.thousand
            )
        if integer.startswith("0") and len(integer) > 1:
            return digit_words(integer)
        return self.num(int(integer))

    def addresses(self, text: str) -> str:
        if self.s.addresses == "drop":
            return ADDRESS.sub("", text)

        def read(m: re.Match[str]) -> str:
            value = re.sub(r"^https?://", "", m.group(0))
            value = value.replace("@", " a còng ").replace(".", " chấm ").replace("/", " gạch ")
            return re.sub(r"\d+", lambda d: digit_words(d.group(0)), value)

        return ADDRESS.sub(read, text)
