"""Written Vietnamese -> the text a voice is given (../shared/specs/vietnamese-speech.md).

Rules run in the spec's order: 1 Unicode clean-up, 2 typing repair, then marks and symbols
real pages carry (end markers, bullets, `v.v.`), words written in capitals, roads, 3 document
codes, 4 dates, times, Roman numerals, abbreviations, numbers, units and money, phone numbers,
5 the residue check. Anything a voice would still misread is reported as Residue; digits
that no rule explained are still read as numbers, so no digit ever reaches the voice.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from phatthanh.clean.caps import UPPER, read_capitals
from phatthanh.clean.joined import split_joined
from phatthanh.clean.lexicon import Lexicon, spell
from phatthanh.clean.numbers import digit_words, number_words
from phatthanh.clean.repair import repair_typing
from phatthanh.clean.rules import Rules
from phatthanh.clean.settings import SpeechSettings
from phatthanh.clean.symbols import drop_echoes, tidy
from phatthanh.clean.unicode import cleanup_unicode
from phatthanh.i18n import _
from phatthanh.model import Residue

log = logging.getLogger(__name__)

# Capitals no rule explained: abbreviations (`VTV`, `VTV1`, `ABC-XY`) and a letter with a
# number (`T6`); spelled with Vietnamese letter names. The left boundary is checked after the
# first capital so the regex engine skips ahead to capitals instead of trying every position.
_ALLCAPS = re.compile(
    rf"([{UPPER}](?<![\w-][{UPPER}])(?:[{UPPER}]+\d*(?:-[{UPPER}]{{2,}}\d*)*|\d+))"
    rf"(?!\w|-[{UPPER}\d])"
)
# A lot or room with a dash (`lô B2-3`, `phòng A1-A5`): each side spelled and read. Only
# looked for where a digit stands before a dash (rare once the numbers are read).
_LOT = re.compile(
    rf"([{UPPER}](?<![\w-][{UPPER}])\d+)(?=-\w)|([{UPPER}](?<=\d-[{UPPER}])\d+)(?![\w-])"
)
# Letters and numbers taking turns (`H5N1`, `A2B3`): each run of letters spelled, each number read.
_MIXED = re.compile(rf"[{UPPER}](?<![\w-][{UPPER}])[{UPPER}]*\d+(?:[{UPPER}]+\d*)+(?!\w)")
_RUNS = re.compile(r"\d+|\D+")
_MIXED_HINT = re.compile(rf"\d[{UPPER}]")
_DIGIT_DASH = re.compile(r"\d-")
_LEFTOVER_DIGITS = re.compile(r"\d+")
_SYMBOLS = {"%": " phần trăm", "&": " và ", "+": " cộng ", "=": " bằng ", "/": " trên "}
_SPACES = re.compile(r"\t[ \t]*| [ \t]+")  # runs that are not already one space
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?…])")
_PUNCT_AFTER_SPACE = re.compile(r"[,.;:!?…](?<=\s[,.;:!?…])")  # a quick first look
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")


@dataclass(frozen=True)
class Spoken:
    """The spoken form of a text, what is left that a voice may misread, and what was fixed."""

    text: str
    residue: tuple[Residue, ...] = ()
    repairs: tuple[str, ...] = ()


class Normalizer:
    """Compiled rules and lexicon for one SpeechSettings; `normalize` never raises."""

    def __init__(self, settings: SpeechSettings) -> None:
        self.settings = settings
        self.lexicon = Lexicon(settings.lexicon)
        self.rules = Rules(settings, self.lexicon.codes)

    def normalize(self, text: str) -> Spoken:
        text = cleanup_unicode(text)
        text, repairs = repair_typing(text)
        for repair in repairs:
            log.info("typing repair: %s", repair)
        r = self.rules
        text = tidy(text)
        text = read_capitals(text, self.lexicon.expands)
        text = split_joined(text, self.lexicon.has)
        text = r.addresses(text)
        text = r.roads(text)
        text = r.document_codes(text)
        text = r.scores(text)
        text = r.dates(text)
        text = r.times(text)
        text = r.roman(text)
        text = self.lexicon.apply(text)
        text = r.phones(text)
        text = r.units(text)
        text = r.numbers(text)
        text, residue = self._residue(text)
        if "(" in text or "[" in text:
            text = drop_echoes(_EMPTY_BRACKETS.sub("", text))
        if "  " in text or "\t" in text:
            text = _SPACES.sub(" ", text)
        if _PUNCT_AFTER_SPACE.search(text):
            text = _SPACE_BEFORE_PUNCT.sub(lambda m: m.group(1), text)
        text = text.strip()
        return Spoken(text, residue, tuple(str(r) for r in repairs))

    def _residue(self, text: str) -> tuple[str, tuple[Residue, ...]]:
        """Report and resolve what no rule explained: digits, symbols, unknown ALLCAPS."""
        found: list[Residue] = []

        def caps(m: re.Match[str]) -> str:
            token = m.group(m.lastindex or 1)
            if token in self.lexicon.known:  # kept by a joint the lexicon does not cross
                return self.lexicon.reading(token) or token
            number = token[len(token.rstrip("0123456789")) :]
            known = self.lexicon.reading(token[: len(token) - len(number)]) if number else None
            if known:  # `KP5`, `TDP3`: a known abbreviation glued to its number
                return f"{known} {self.rules.num(int(number))}"
            found.append(Residue(token, m.start(), _("unknown abbreviation, spelled out")))
            letters = " ".join(spell(part.rstrip("0123456789")) for part in token.split("-"))
            return f"{letters} {self.rules.num(int(number))}" if number else letters

        def mixed(m: re.Match[str]) -> str:
            token = m.group(0)
            if token in self.lexicon.known:
                return self.lexicon.reading(token) or token
            found.append(Residue(token, m.start(), _("unknown abbreviation, spelled out")))
            runs = _RUNS.findall(token)
            return " ".join(self.rules.num(int(r)) if r.isdigit() else spell(r) for r in runs)

        if "-" in text and _DIGIT_DASH.search(text):
            text = _LOT.sub(caps, text)
        if _MIXED_HINT.search(text):
            text = _MIXED.sub(mixed, text)
        text = _ALLCAPS.sub(caps, text)

        def digits(m: re.Match[str]) -> str:
            found.append(Residue(m.group(0), m.start(), _("number without a reading rule")))
            value = m.group(0)
            if (len(value) > 3 and value.startswith("0")) or len(value) > 12:
                return digit_words(value)
            return number_words(
                int(value), zero_tens=self.settings.zero_tens, thousand=self.settings.thousand
            )

        text = _LEFTOVER_DIGITS.sub(digits, text)
        for symbol, words in _SYMBOLS.items():
            index = text.find(symbol)
            while index >= 0:
                found.append(Residue(symbol, index, _("symbol read as a word")))
                text = text[:index] + words + text[index + 1 :]
                index = text.find(symbol, index + len(words))
        return text, tuple(found)
