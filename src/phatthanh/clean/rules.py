"""Rules 3-4 of ../shared/specs/vietnamese-speech.md: document codes, numbers, units and money
here; dates and Roman numerals in dates.py, times in clock.py; roads and phones in places.py.
Each rule is a function text -> text; `Normalizer` runs them in the spec's order.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from phatthanh.clean import clock, dates, places, quantities, roman, web
from phatthanh.clean.lexicon import spell
from phatthanh.clean.numbers import Say, decimal_words, digit_words, ordinal_words
from phatthanh.clean.settings import SpeechSettings

Rule = Callable[[str], str]
_UP = "A-ZĐÂĂÊÔƠƯ"
_CODE_PART = rf"[{_UP}][{_UP}a-zđ]*\d*"  # `QH13`: the legislature's term after its letters
# `282 /KHHĐ` (a space before the slash) is still a code. Here and below, a left boundary is
# checked after the first character (`\d(?<![\w/]\d)`) so the regex engine can skip ahead to
# that character instead of trying every position (throughput).
# `12A-QĐ/UBND`, `45A/UBND-VP`, `30a/2008/NQ-CP`: a number with a letter suffix (a numbering
# variant) keeps it.
DOCUMENT_CODE = re.compile(
    rf"(\d(?<![\w/]\d)\d*)(?P<suffix>[A-Z](?=[-/])|[a-d](?=/))?(?:/(?P<year>\d{{4}}))?(?:[-/]| /)"
    rf"(?P<parts>{_CODE_PART}(?:[-/&]{_CODE_PART})*)(?![\w/])"
)
# `19 - NQ/TW`, `08/NQ - TW`, `1234/QĐ - UBND`: a code typed with spaces round its dash; the
# code must hold a slash, so `Điều 5 - UBND xã` is not taken for one.
SPACED_CODE = re.compile(
    rf"(?<![\w/])(\d+)(?:/(?P<year>\d{{4}}))?(?:/| - )"
    rf"(?P<parts>{_CODE_PART}(?:\s?[-/&]\s?{_CODE_PART})*)(?![\w/])"
)
# `Nghị quyết số 388/2003`: a number over a year after `số` is a document's number and year.
NUMBER_YEAR = re.compile(r"(?<!\w)([Ss]ố\s+)(\d{1,5})/((?:19|20)\d\d)(?![\w/]|[.,]\d)")
# `32/kl TW`: a code typed in lower case; only the known code words count.
LOWER_CODE = re.compile(r"(\d(?<![\w/]\d)\d*)/(kl|nq|qđ|kh|ct|tb|hd|bc|cv|ctr)(?!\w)")
ORDINAL = re.compile(r"(?i)(?<!\w)(thứ|hạng)\s+(\d+)(?![\w/]|[.,]\d)")
# `bản đồ tỷ lệ 1/2000`, `tỷ lệ 1:500`: a scale reads `một phần …`.
SCALE = re.compile(
    r"((?<!\w)(?i:tỷ lệ|tỉ lệ)(?:\s+bản đồ)?\s+)1\s?[:/]\s?([1-9]\d{0,2}(?:\.\d{3})+|[1-9]\d*)"
    r"(?![\d:/]|[.,]\d)"
)
RATIO = re.compile(r"(\d(?<![\w/.,]\d)\d*)/(\d+)(?![\w/]|[.,]\d)")
# `5 - 7`, `1.000 - 1.500`, `800.000 - 1.000.000` (groups of thousands on either side).
_AMOUNT = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?"
RANGE = re.compile(
    rf"(\d(?<![\w/.,-]\d)(?:\d{{0,2}}(?:\.\d{{3}})+(?:,\d+)?|\d*(?:[.,]\d+)?))\s*[-–]\s*"
    rf"({_AMOUNT})(?![\w/]|[.,]\d)"
)
# `35% - 40%`, `4 triệu - 6 triệu`, `5 km - 7 km`: a dash after an amount with its unit, before
# another number, is `đến` too.
UNIT_RANGE = re.compile(
    r"(\d\s?(?:%|triệu|tỷ|nghìn|ngàn|đồng|đ|km|m|ha|kg|tấn|tạ|°C|độ C|độ))\s*[-–]\s*(?=\d)"
)
# `-5°C`, `nhiệt độ -2`: a minus before a temperature is `âm`.
NEGATIVE = re.compile(
    r"(?:(?<=\s)|(?<=^)|(?<=\())-(?=\d+(?:,\d+)?\s?(?:°C|ºC|⁰C|oC|độ)(?!\w))"
    r"|(?<=(?:độ|từ) )-(?=\d)"
)
# `1A`, `14B` (a road, a class, a block): the letter is said after the number.
# `khoản 5a`, `tổ 3b`: a lower-case item letter (units were read before this rule runs).
DIGIT_LETTER = re.compile(r"(\d(?<!\w\d)\d*)([A-Z]|[a-e](?=\W|$))(\d*)(?![\w])")
# `2.1` (a section or a version; thousands groups have three digits) reads `hai chấm một`.
DOTTED = re.compile(r"(\d(?<![\w.,]\d)\d*)\.(\d{1,2})(?![\w]|[.,]\d)")
# The left boundary is checked after the first digit (`\d(?<!\w\d)`) so the regex engine
# can skip to digits instead of trying every position.
NUMBER = re.compile(r"(\d(?<!\w\d)(?:\d{0,2}(?:\.\d{3})+|\d*))(?:,(\d+))?(?!\w)")
_MONEY_AFTER = re.compile(r"\s?(?:đồng|đ|VNĐ|USD|triệu|tỷ)(?!\w)")
PERCENT = re.compile(r"(\d)\s*%")
UNITS: tuple[tuple[str, str], ...] = (
    ("km²", "ki-lô-mét vuông"), ("km2", "ki-lô-mét vuông"), ("m²", "mét vuông"),
    ("m2", "mét vuông"), ("m³", "mét khối"), ("m3", "mét khối"), ("km/h", "ki-lô-mét một giờ"),
    ("km", "ki-lô-mét"), ("cm", "xen-ti-mét"), ("mm", "mi-li-mét"), ("ha", "héc-ta"),
    ("kg", "ki-lô-gam"), ("MHz", "mê-ga-héc"), ("kHz", "ki-lô-héc"), ("Hz", "héc"),
    ("kWh", "ki-lô-oát giờ"), ("MW", "mê-ga-oát"), ("kW", "ki-lô-oát"), ("W", "oát"),
    ("°C", "độ xê"), ("oC", "độ xê"), ("ºC", "độ xê"), ("⁰C", "độ xê"),  # `38oC` as typed
    ("VNĐ", "đồng"), ("VND", "đồng"), ("vnđ", "đồng"), ("đ", "đồng"),
    ("USD", "đô la Mỹ"), ("m", "mét"), ("l", "lít"), ("g", "gam"), ("ml", "mi-li-lít"),
    ("kVA", "ki-lô-vôn-ampe"), ("MVA", "mê-ga-vôn-ampe"), ("kV", "ki-lô-vôn"), ("V", "vôn"),
    ("mg", "mi-li-gam"), ("MWh", "mê-ga-oát giờ"), ("Wp", "oát đỉnh"),
    ("tr.đ", "triệu đồng"), ("trđ", "triệu đồng"), ("tr", "triệu"), ("k", "nghìn"),
)  # fmt: skip
# Unit symbols that are never Vietnamese words, read even without a number (`hàng km`).
LONE_UNIT = re.compile(
    r"(k(?<![\w/]k)(?:m2|m²|m|g|Wh|VA)|m(?<![\w/]m)(?:2|²|3|³))(?![\w²³/])"
)  # km2 km² km kg kWh kVA m2 m² m3
_UNIT_WORDS = {u: w for u, w in UNITS}
_UNIT_ALT = "|".join(re.escape(u) for u, _ in sorted(UNITS, key=lambda x: -len(x[0])))
NUMBER_UNIT = re.compile(rf"(\d)\s?({_UNIT_ALT})(?![\w²³])")
PER_UNIT = re.compile(
    rf"/(?<=\w/)({_UNIT_ALT}|người|hộ|năm|tháng|ngày|giờ|tấn|tạ|con|h|s)(?![\w²³])"
)
# `150.000 đồng/học sinh`, `500 nghìn/suất`: money per anything is `trên`, not a pause.
_MONEY_BEFORE = re.compile(r"(?:(?<!\w)(?:đồng|nghìn|ngàn|triệu|tỷ)|\d ?đ)$")
# `02 người/đơn vị`, `5 suất/hộ`: a number and its noun before the slash.
_COUNT_PER = re.compile(r"(?<![\d.,])\d{1,3}\s[^\W\d_]+(?:\s[^\W\d_]+)?$")
# `1m65`: a height in metres and centimetres.
METRES_CM = re.compile(r"(\d(?<![\w.,]\d))m(\d\d)(?!\w)")
_METRES_HINT = re.compile(r"\dm\d")
_UNIT_DASH_HINT = re.compile(r"[-–]\s?\d")  # UNIT_RANGE: a quick first look
# `ông/bà`, `nam/nữ`, `và/hoặc`: a slash between words (not a unit) is a pause, not `trên`.
WORD_SLASH = re.compile(r"/(?<=[^\W\d_]/)(?=[^\W\d_])")
_PER_TIME = {"h": "giờ", "s": "giây"}  # `m3/h`, `km/s`: only after a slash
# `1,5 tỷ đ`: the đ after a scale word is đồng.
DONG_AFTER_SCALE = re.compile(r"đ(?!\w)(?:(?<=triệu đ)|(?<=nghìn đ)|(?<=ngàn đ)|(?<=tỷ đ))")
# `30 độ C`: the letter is the Celsius sign, not a word.
DEGREE_C = re.compile(r"(?<=độ )C(?!\w)")
_CODE_HINT = re.compile(r"\d[A-Z]? ?[-/]")  # what every code pattern needs: a quick first look


class Rules:
    """The reading rules, bound to one SpeechSettings."""

    def __init__(self, settings: SpeechSettings, codes: dict[str, str]) -> None:
        self.s = settings
        self.codes = codes
        self.say = Say(settings.zero_tens, settings.thousand, settings.mong)

    def num(self, n: int) -> str:
        return self.say.num(n)

    # --- 3. document codes --------------------------------------------------------
    def document_codes(self, text: str) -> str:
        def sub(m: re.Match[str]) -> str:
            number, year, parts = m.group(1), m.group("year"), m.group("parts")
            words = self.num(int(number))
            if m.groupdict().get("suffix"):
                words += " " + m.group("suffix")
            if year:
                words += " năm " + self.num(int(year))
            if self.s.document_codes == "spell":
                words += " " + ", ".join(spell(p) for p in re.split(r"\s?[-/&]\s?", parts))
            elif self.s.document_codes == "expand":
                names = [self.codes.get(p, spell(p)) for p in re.split(r"\s?[-/&]\s?", parts)]
                words += " " + " ".join(names)
            return words

        if not _CODE_HINT.search(text):
            return text
        if " - " in text:
            text = SPACED_CODE.sub(
                lambda m: sub(m) if "/" in m.group(0) and " - " in m.group(0) else m.group(0),
                text,
            )
        text = DOCUMENT_CODE.sub(sub, text)
        if "ố " in text and ("/20" in text or "/19" in text):
            text = NUMBER_YEAR.sub(
                lambda m: (
                    f"{m.group(1)}{self.num(int(m.group(2)))} năm {self.num(int(m.group(3)))}"
                ),
                text,
            )
        if "/" not in text:
            return text
        return LOWER_CODE.sub(lambda m: self.num(int(m.group(1))), text)

    # --- 4. dates, times, Roman numerals, places (see dates.py, places.py) ------------
    def dates(self, text: str) -> str:
        return dates.dates(text, self.say)

    def times(self, text: str) -> str:
        return clock.times(text, self.say)

    def roman(self, text: str) -> str:
        return roman.roman(text, self.say)

    def roads(self, text: str) -> str:
        return places.roads(text)

    def phones(self, text: str) -> str:
        return places.phones(text)

    # --- numbers, units, money ----------------------------------------------------------
    def units(self, text: str) -> str:
        if ("-" in text or "–" in text) and _UNIT_DASH_HINT.search(text):
            text = UNIT_RANGE.sub(lambda m: f"{m.group(1)} đến ", text)
            if "độ" in text or "°" in text:
                text = NEGATIVE.sub(_minus, text)
        if "%" in text:
            text = PERCENT.sub(lambda m: f"{m.group(1)} phần trăm", text)
        if "/" in text:
            text = PER_UNIT.sub(lambda m: " trên " + self._per(m.group(1)), text)
            text = WORD_SLASH.sub(_word_slash, text)
        if "m" in text and _METRES_HINT.search(text):
            text = METRES_CM.sub(r"\1 mét \2", text)
        text = NUMBER_UNIT.sub(lambda m: f"{m.group(1)} {_UNIT_WORDS[m.group(2)]}", text)
        if " đ" in text:
            text = DONG_AFTER_SCALE.sub("đồng", text)
        if "độ C" in text:
            text = DEGREE_C.sub("xê", text)
        return LONE_UNIT.sub(lambda m: _UNIT_WORDS[m.group(1)], text)

    @staticmethod
    def _per(unit: str) -> str:
        return _PER_TIME.get(unit) or _UNIT_WORDS.get(unit, unit)

    def numbers(self, text: str) -> str:
        if "/" in text:
            text = RATIO.sub(self._ratio, text)
        if "hứ" in text or "ạng" in text:
            text = ORDINAL.sub(lambda m: f"{m.group(1)} {ordinal_words(int(m.group(2)))}", text)
        if "-" in text or "–" in text:
            text = RANGE.sub(lambda m: f"{m.group(1)} đến {m.group(2)}", text)
        text = DIGIT_LETTER.sub(
            lambda m: (
                f"{m.group(1)} {m.group(2) if m.group(2).isupper() else spell(m.group(2))}"
                f" {m.group(3)}"
            ),
            text,
        )
        if "." in text:
            text = DOTTED.sub(_dotted, text)
        return NUMBER.sub(self._number, text)

    @staticmethod
    def _ratio(m: re.Match[str]) -> str:
        num, den = int(m.group(1)), int(m.group(2))
        said = quantities.fraction_words(m.string, m.start(), m.end(), num, den)
        return said if said is not None else f"{m.group(1)} trên {m.group(2)}"

    def _scale(self, m: re.Match[str]) -> str:
        den = int(m.group(2).replace(".", ""))
        return f"{m.group(1)}một phần {'tư' if den == 4 else self.num(den)}"

    def scores(self, text: str) -> str:
        if " lệ " in text:  # before dates (`1/12`) and clocks (`1:50`) take the pair
            text = SCALE.sub(self._scale, text)
        text = quantities.house_numbers(text, self.say)
        return quantities.rounds(quantities.scores(text, self.say), self.say)

    def _number(self, m: re.Match[str]) -> str:
        integer = m.group(1).replace(".", "")
        if len(integer) > 15:
            return digit_words(integer)
        if m.group(2) is not None:
            return decimal_words(
                integer, m.group(2), zero_tens=self.s.zero_tens, thousand=self.s.thousand
            )
        # `01 đồng chí`, `07 giờ`, `ngày 07`: a zero-padded count is its number, never
        # `không một`; longer strings with a leading zero are codes, read digit by digit.
        if integer.startswith("0") and len(integer) > 3:
            return digit_words(integer)
        # An account, tax or card number (`tài khoản 1234567890`): nine digits and more with
        # no thousands dots are an identifier, never an amount (amounts are written 1.000.000).
        identifier = len(integer) >= 9 and "." not in m.group(1)
        if identifier and not _MONEY_AFTER.match(m.string, m.end()):
            return digit_words(integer)
        return self.num(int(integer))

    def addresses(self, text: str) -> str:
        return web.addresses(text, self.s.addresses)


def _dotted(m: re.Match[str]) -> str:
    """`2.1` is `hai chấm một`; `2.05` keeps its zero (`hai chấm không năm`)."""
    tail = digit_words(m.group(2)) if m.group(2).startswith("0") else m.group(2)
    return f"{m.group(1)} chấm {tail}"


def _minus(m: re.Match[str]) -> str:
    """`-5°C` is `âm năm`, but `20 -25 độ` is a range typed with a stray space."""
    if re.search(r"\d\s*$", m.string[max(0, m.start() - 3) : m.start()]):
        return m.group(0)
    return "âm "


def _word_slash(m: re.Match[str]) -> str:
    """`ông/bà` is a pause; money per anything (`đồng/học sinh`) and a count per anything
    (`02 người/đơn vị`) are `trên`."""
    before = m.string[max(0, m.start() - 20) : m.start()]
    return " trên " if _MONEY_BEFORE.search(before[-6:]) or _COUNT_PER.search(before) else ", "
