"""Vietnamese number words (../shared/specs/vietnamese-speech.md, "Number words").

`mốt` after mươi (21), `lăm` after mười/mươi (15, 25), `tư` after mươi (24) but `bốn` after
mười (14), `linh` (or `lẻ`) for a zero tens digit (105), `không trăm` inside a number
(2013), never a trailing `không trăm`; `nghìn` (or `ngàn`).
"""

from __future__ import annotations

from functools import lru_cache

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
MONTHS = (
    "",
    "một",
    "hai",
    "ba",
    "tư",
    "năm",
    "sáu",
    "bảy",
    "tám",
    "chín",
    "mười",
    "mười một",
    "mười hai",
)


def _below_100(n: int) -> list[str]:
    tens, ones = divmod(n, 10)
    if tens == 0:
        return [DIGITS[ones]]
    words = ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
    if ones == 0:
        return words
    if ones == 5:
        words.append("lăm")
    elif ones == 1 and tens > 1:
        words.append("mốt")
    elif ones == 4 and tens > 1:
        words.append("tư")
    else:
        words.append(DIGITS[ones])
    return words


def _group(n: int, inner: bool, zero_tens: str) -> list[str]:
    """Words for 0 < n < 1000; `inner` groups say their zero hundreds (không trăm)."""
    hundreds, rest = divmod(n, 100)
    words: list[str] = []
    if hundreds or inner:
        words += [DIGITS[hundreds], "trăm"]
        if rest == 0:
            return words
        if rest < 10:
            return [*words, zero_tens, DIGITS[rest]]
    return words + _below_100(rest)


@lru_cache(maxsize=8192)  # years, counts and amounts repeat across a program
def number_words(n: int, *, zero_tens: str = "linh", thousand: str = "nghìn") -> str:
    """The spoken form of a non-negative integer: 2013 -> hai nghìn không trăm mười ba."""
    if n < 0:
        return "âm " + number_words(-n, zero_tens=zero_tens, thousand=thousand)
    if n == 0:
        return DIGITS[0]
    if n >= 1_000_000_000:
        billions, rest = divmod(n, 1_000_000_000)
        head = number_words(billions, zero_tens=zero_tens, thousand=thousand) + " tỷ"
        if rest == 0:
            return head
        return head + " " + _below_billion(rest, True, zero_tens, thousand)
    return _below_billion(n, False, zero_tens, thousand)


def _below_billion(n: int, inner: bool, zero_tens: str, thousand: str) -> str:
    millions, rest = divmod(n, 1_000_000)
    thousands, ones = divmod(rest, 1000)
    words: list[str] = []
    for value, unit in ((millions, "triệu"), (thousands, thousand), (ones, "")):
        if value == 0:
            continue
        words += _group(value, inner or bool(words), zero_tens)
        if unit:
            words.append(unit)
    return " ".join(words)


def digit_words(digits: str) -> str:
    """Digit by digit: '0912' -> không chín một hai."""
    return " ".join(DIGITS[int(d)] for d in digits if d.isdigit())


def ordinal_words(n: int, *, zero_tens: str = "linh", thousand: str = "nghìn") -> str:
    """After `thứ`: 1 -> nhất, 4 -> tư, else the number."""
    if n == 1:
        return "nhất"
    if n == 4:
        return "tư"
    return number_words(n, zero_tens=zero_tens, thousand=thousand)


def decimal_words(
    integer: str, fraction: str, *, zero_tens: str = "linh", thousand: str = "nghìn"
) -> str:
    """'5', '12' -> năm phẩy mười hai; a fraction with a leading zero is read digit by digit."""
    whole = number_words(int(integer), zero_tens=zero_tens, thousand=thousand)
    if fraction.startswith("0") or len(fraction) > 3:
        tail = digit_words(fraction)
    else:
        tail = number_words(int(fraction), zero_tens=zero_tens, thousand=thousand)
    return f"{whole} phẩy {tail}"


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def roman_value(text: str) -> int | None:
    """The value of a well-formed Roman numeral, else None."""
    if not text or any(ch not in _ROMAN for ch in text):
        return None
    total = 0
    for i, ch in enumerate(text):
        value = _ROMAN[ch]
        if i + 1 < len(text) and _ROMAN[text[i + 1]] > value:
            total -= value
        else:
            total += value
    return total if to_roman(total) == text else None


def to_roman(n: int) -> str:
    out = []
    for value, letters in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


class Say:
    """Number words under one station's settings (linh/lẻ, nghìn/ngàn, mồng)."""

    __slots__ = ("mong", "thousand", "zero_tens")

    def __init__(self, zero_tens: str = "linh", thousand: str = "nghìn", mong: bool = True):
        self.zero_tens = zero_tens
        self.thousand = thousand
        self.mong = mong

    def num(self, n: int) -> str:
        return number_words(n, zero_tens=self.zero_tens, thousand=self.thousand)

    def day(self, d: int) -> str:
        """A day of the month: `mồng` for 1 to 10 when the setting is on."""
        return f"mồng {self.num(d)}" if self.mong and 1 <= d <= 10 else self.num(d)

    def date(self, d: int, mo: int, y: int | None = None, lead: str = "") -> str | None:
        """`mồng ba tháng sáu năm …`, or None when day or month is out of range."""
        if not (1 <= d <= 31 and 1 <= mo <= 12):
            return None
        words = f"{lead}{self.day(d)} tháng {MONTHS[mo]}"
        return words + (f" năm {self.num(y)}" if y is not None else "")
