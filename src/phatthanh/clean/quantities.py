"""Numbers whose meaning the words around them decide (rule 4 of
../shared/specs/vietnamese-speech.md): a sports score, a fraction of a quantity, a date typed
with stray spaces or a trailing slash, a second date in a list.

- `tỷ số 3 - 2`, `thắng 2-1`, `hòa 1:1`: a score is two numbers said one after the other
  (`ba hai`), never a range (`ba đến hai`) nor a clock time (`hai giờ một phút`).
- `2/3 số hộ`, `chiếm 1/4 diện tích`: a fraction of a quantity is `hai phần ba`; a count out of
  a total (`đạt 9/10 tiêu chí`, `46/50 hộ`) stays `chín trên mười`.
- `ngày 15 /3/2024`, `ngày 15/ 3/ 2024`, `ngày 8/7/` (the year lost): after `ngày` these are
  still dates; the spaces and the trailing slash are typing slips.
- `đợt 2/2024`, `học kỳ 1/2025`: a round of a year is `đợt hai năm hai nghìn …`, not a
  fraction over the year.
- `từ 9/2024 đến 12/2024`, `tháng 9/2024 và 10/2024`: a month over a year after `từ`, `đến`,
  `và`, `trong`, `cuối`… is that month (`tháng mười hai năm …`); after `số` it is a number.
- `ngày 1/6, 3/5 lớp`: a pair after a date is not a date for that alone; it is often a count.
- `số 12/5A`, `hẻm 45/12`, `nhà 123/4/5`, a pole `31B/82`: a house, alley or lot number; its
  slash is `xuyệt` (`mười hai xuyệt năm A`), never `trên` (a fraction) nor a month.
- `nghỉ 1/2 ngày`, `1/3 ha`: a fraction of a unit is `nửa ngày`, `một phần ba héc-ta`; a half of
  a whole is `một nửa` (`hơn 1/2 số hộ`).
"""

from __future__ import annotations

import re

from phatthanh.clean.numbers import MONTHS, Say

# The words before a score; `tỷ số` in any case, the verbs in lower case or opening a sentence
# (elsewhere `Hòa` may be a place name). The score ends the phrase: `thắng 2-3 trận` is a
# range of matches.
SCORE = re.compile(
    r"((?<!\w)(?:[Tt][ỷỉ] số|thắng|thua|hòa|hoà|chung cuộc|cách biệt"
    r"|(?:(?<=^)|(?<=[.!?:]\s))(?:Thắng|Thua|Hòa|Hoà))"
    r"(?:\s+(?:là|với|sát nút|đậm|cách biệt|chung cuộc|lại))*\s+)"
    r"(\d{1,2})\s*[-–:]\s*(\d{1,2})"
    r"(?![\d/]|[.,]\d|\s*(?:trận|ván|hiệp|bàn|điểm|lần|người|đội|giờ|phút|năm|tháng|ngày)(?!\w))"
)
# `tỷ số 3/1`: after `tỷ số` a slash joins the two sides of a score too.
SLASH_SCORE = re.compile(
    r"((?<!\w)[Tt][ỷỉ] số(?:\s+(?:là|chung cuộc|cách biệt))*\s+)(\d{1,2})\s*/\s*(\d{1,2})"
    r"(?![\d/]|[.,]\d)"
)
ROUND_OF_YEAR = re.compile(
    r"((?<!\w)(?i:đợt|lần|học kỳ|học kì|kỳ|kì|giai đoạn)\s+)(\d{1,2})/((?:19|20)\d\d)"
    r"(?:\s?[-–]\s?((?:19|20)\d\d))?(?![\w/-]|[.,]\d)"
)  # `học kỳ 1/2024-2025`: the school year after the term
MONTH_OF_YEAR = re.compile(
    r"((?<!\w)(?i:và|đến|tới|từ|trong|cuối|đầu|giữa|hết|sang|hoặc)\s+)"
    r"(\d{1,2})/((?:19|20)\d\d)(?![\w/-]|[.,]\d)"
)
_SCORE_WORDS = ("ỷ số", "ỉ số", "hắng", "hua", "òa", "oà", "chung cuộc", "cách biệt")

# A fraction of a quantity: before one of these nouns, or after a word that takes a share.
FRACTION_NOUN = re.compile(
    r"\s+(?:số|tổng số|dân số|diện tích|lượng|khối lượng|sản lượng|thời gian|quãng đường"
    r"|chiều dài|kinh phí|giá trị|nhiệm kỳ|chặng đường)(?!\w)"
)
SHARE_BEFORE = re.compile(r"(?<!\w)(?:chiếm|hơn|gần|khoảng|bằng|còn)\s+$")

# `ngày 15 /3/2024`, `ngày 15/ 3/ 2024`: spaces typed round the slashes of a date.
SPACED_DATE = re.compile(
    r"((?<!\w)(?i:ngày)\s+)(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})(?![\w/]|[.,]\d)"
)
# `ngày 8/7/` with nothing after the last slash: the year was lost, the date stays.
TRAILING_SLASH = re.compile(r"((?<!\w)(?i:ngày)\s+)(\d{1,2})/(\d{1,2})/(?!\s*\d)")
_SLASH_SLIP = re.compile(r"\d\s*/\s+\d|\d\s+/\s*\d|\d/\d{1,2}/(?!\s*\d)")


def scores(text: str, say: Say) -> str:
    """`tỷ số 3 - 2` -> `tỷ số ba hai`; runs before dates and times (`2:1` is not a clock)."""
    if not any(word in text for word in _SCORE_WORDS):
        return text

    def said(m: re.Match[str]) -> str:
        return f"{m.group(1)}{say.num(int(m.group(2)))} {say.num(int(m.group(3)))}"

    if "/" in text:
        text = SLASH_SCORE.sub(said, text)
    return SCORE.sub(said, text)


def rounds(text: str, say: Say) -> str:
    """`đợt 2/2024` -> `đợt hai năm hai nghìn …`; `đến 12/2024` -> `đến tháng mười hai năm …`."""
    if "/19" not in text and "/20" not in text:
        return text

    def sub(m: re.Match[str]) -> str:
        said = f"{m.group(1)}{say.num(int(m.group(2)))} năm {say.num(int(m.group(3)))}"
        return said + (f" đến {say.num(int(m.group(4)))}" if m.group(4) else "")

    def month(m: re.Match[str]) -> str:
        mo = int(m.group(2))
        before = m.string[max(0, m.start() - 80) : m.start()].lower()
        listed = m.group(1)[:1].lower() in "vh"  # `và`, `hoặc`: only in a list of months
        if listed and before.rfind("tháng") <= before.rfind("số "):  # nearer: `số 14/2023 và …`
            if "số " not in before:
                return m.group(0)
            return f"{m.group(1)}{say.num(mo)} năm {say.num(int(m.group(3)))}"
        if not 1 <= mo <= 12:
            return m.group(0)
        return f"{m.group(1)}tháng {MONTHS[mo]} năm {say.num(int(m.group(3)))}"

    return MONTH_OF_YEAR.sub(month, ROUND_OF_YEAR.sub(sub, text))


def date_slips(text: str) -> str:
    """Dates typed with stray spaces round their slashes, or a trailing slash, after `ngày`."""
    if not _SLASH_SLIP.search(text):
        return text
    text = SPACED_DATE.sub(lambda m: f"{m.group(1)}{m.group(2)}/{m.group(3)}/{m.group(4)}", text)
    return TRAILING_SLASH.sub(lambda m: f"{m.group(1)}{m.group(2)}/{m.group(3)}", text)


def is_fraction_of_quantity(text: str, start: int, end: int, num: int, den: int) -> bool:
    """`2/3 số hộ`, `chiếm 1/4`: a proper fraction with a small denominator, taken of a whole."""
    if not 0 < num < den <= 10:
        return False
    return bool(
        FRACTION_NOUN.match(text, end) or SHARE_BEFORE.search(text, max(0, start - 8), start)
    )


# `số 12/5A`, `hẻm 45/12`: numbers joined by slashes, a letter allowed after each.
ROUND_THE_CLOCK = re.compile(r"(?<![\w/])24/24\s?(?:h|giờ)(?!\w)")
HOUSE = re.compile(r"(\d(?<![\w/.,]\d)\d*[A-Z]?(?:/\d+[A-Z]?)+)(?![\w/]|[.,]\d)")
# The words that make such numbers an address; `số` alone only before a street or place.
_HOUSE_BEFORE = re.compile(
    r"(?<!\w)(?i:số nhà|nhà|hẻm|kiệt|ngõ|ngách|địa chỉ:?|tọa lạc tại|trú tại|thửa(?: đất)?"
    r"|lô(?: đất)?)(?:\s+số)?\s+$"
)
_NUMBER_BEFORE = re.compile(r"(?<!\w)(?i:số)\s+$")
_STREET_AFTER = re.compile(
    r",?\s+(?:(?i:đường|phố|hẻm|kiệt|ngõ|ngách|ấp|thôn|tổ|khu phố|khóm|quốc lộ)(?!\w)"
    r"|[A-ZĐ][a-zà-ỹđ]+\s+[A-ZĐ])"
)
_LETTER = re.compile(r"[A-Z]$")
# what HOUSE needs: a slash before a number (a quick first look)
_HOUSE_HINT = re.compile(r"/\d")
_YEAR = re.compile(r"(?:19|20)\d\d$")


def house_numbers(text: str, say: Say) -> str:
    """`số 12/5A` -> `số mười hai xuyệt năm A`; runs before dates and fractions."""
    if "/" not in text or not _HOUSE_HINT.search(text):
        return text

    def sub(m: re.Match[str]) -> str:
        parts = m.group(1).split("/")
        if _YEAR.match(parts[-1]):
            return m.group(0)  # `số 12/2024`: a document's number and year
        before = m.string[max(0, m.start() - 20) : m.start()]
        lettered = any(_LETTER.search(p) for p in parts)  # `12/5A`, a pole `31B/82`
        address = _HOUSE_BEFORE.search(before) or (
            _NUMBER_BEFORE.search(before) and _STREET_AFTER.match(m.string, m.end())
        )
        if not (lettered or address):
            return m.group(0)
        said = []
        for part in parts:
            letter = part[-1] if _LETTER.search(part) else ""
            number = say.num(int(part[: len(part) - len(letter)]))
            said.append(f"{number} {letter.upper()}" if letter else number)
        return " xuyệt ".join(said)

    if "24/24" in text:  # `trực 24/24h`: round the clock, never an address
        text = ROUND_THE_CLOCK.sub("hai mươi tư trên hai mươi tư giờ", text)

    return HOUSE.sub(sub, text)


# `nghỉ 1/2 ngày`, `1/3 héc-ta` (units are read before fractions): a share of one unit.
UNIT_AFTER = re.compile(
    r"\s+(?:ngày|buổi|tháng|tuần|giờ|tiếng|phút|quý|học kỳ|nhiệm kỳ|héc-ta|ki-lô-mét|mét"
    r"|tấn|tạ|ki-lô-gam|lít|sào|mẫu|suất|chặng|vòng|cây số)(?!\w)"
)


def fraction_words(text: str, start: int, end: int, num: int, den: int) -> str | None:
    """`1/2 ngày` -> `nửa ngày`, `1/2 số hộ` -> `một nửa số hộ`, `2/3 số hộ` -> `hai phần
    ba`; None when the pair is not a fraction here (a count out of a total stays `trên`)."""
    if not 0 < num < den <= 10:
        return None
    of_unit = UNIT_AFTER.match(text, end) is not None
    if not (of_unit or is_fraction_of_quantity(text, start, end, num, den)):
        return None
    if (num, den) == (1, 2):
        return "nửa" if of_unit else "một nửa"
    return f"{num} phần {'tư' if den == 4 else den}"  # `ba phần tư`
