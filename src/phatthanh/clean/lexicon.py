"""The lexicon: abbreviations, context rules and code parts (../shared/specs/vietnamese-speech.md,
"The lexicon"). Shipped data in `lexicon.toml`; the station's own words from the config win.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

_LETTERS = {
    "A": "a", "Ă": "á", "Â": "ớ", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e",
    "Ê": "ê", "F": "ép", "G": "giê", "H": "hát", "I": "i", "J": "gi", "K": "ca", "L": "e-lờ",
    "M": "em-mờ", "N": "en-nờ", "O": "o", "Ô": "ô", "Ơ": "ơ", "P": "pê", "Q": "quy",
    "R": "e-rờ", "S": "ét-xì", "T": "tê", "U": "u", "Ư": "ư", "V": "vê", "W": "vê kép",
    "X": "ích-xì", "Y": "i dài", "Z": "dét",
}  # fmt: skip
# A hyphen is a boundary (`Đảng ủy-HĐND-UBND`): joined keys (`KT-XH`) are longer and are
# tried first. Slash, ampersand and dot are not (`CC,VC`, `TT&TT`, `TP.` are keys).
_BOUNDARY_BEFORE = r"(?<![\w/&.])"
_BOUNDARY_AFTER = r"(?![\w/&])"


def spell(token: str) -> str:
    """Letters with their Vietnamese names: 'VTV' -> vê tê vê."""
    return " ".join(_LETTERS.get(ch, ch) for ch in token.upper() if ch.isalnum())


@dataclass(frozen=True)
class ContextRule:
    """`token` reads `spoken` when the text after it matches `next_pattern` and the text
    before it ends with `prev_pattern` (either may be absent)."""

    token: str
    next_pattern: re.Pattern[str] | None
    prev_pattern: re.Pattern[str] | None
    spoken: str

    def matches(self, text: str, start: int, end: int) -> bool:
        if self.next_pattern is not None and not self.next_pattern.match(text, end):
            return False
        return self.prev_pattern is None or bool(
            self.prev_pattern.search(text, max(0, start - 40), start)
        )


class Lexicon:
    """Compiled word lists: station words, shipped words, dotted words and context rules."""

    def __init__(self, station: Mapping[str, str]) -> None:
        data = tomllib.loads(
            resources.files("phatthanh.clean").joinpath("lexicon.toml").read_text("utf-8")
        )
        self.codes: dict[str, str] = dict(data["codes"])
        words: dict[str, str] = {**data["words"], **data["dotted"]}
        self.known: frozenset[str] = (
            frozenset(words)
            | frozenset(station)
            | frozenset(
                rule["token"]
                for rule in data["context"]
                if "next" not in rule and "prev" not in rule
            )
        )
        self._station = _alternation(station)
        self._station_map = dict(station)
        self._words = _alternation(words)
        self._words_map = words
        self._context: dict[str, list[ContextRule]] = {}
        for rule in data["context"]:
            nxt, prev = rule.get("next"), rule.get("prev")
            self._context.setdefault(rule["token"], []).append(
                ContextRule(
                    rule["token"],
                    re.compile(r"\s*(?:" + nxt + ")") if nxt else None,
                    re.compile("(?:" + prev + r")\s*$") if prev else None,
                    rule["spoken"],
                )
            )
        self._context_tokens = re.compile(
            "(" + "|".join(_whole(t) for t in sorted(self._context, key=len, reverse=True)) + ")"
        )

    def apply(self, text: str) -> str:
        """Replace every lexicon entry: station words first, then context rules, then words."""
        if self._station is not None:
            text = self._station.sub(lambda m: self._station_map[m.group(0)], text)
        text = self._context_tokens.sub(self._context_sub, text)
        if self._words is not None:
            text = self._words.sub(lambda m: _spaced(self._words_map[m.group(0)], m), text)
        return text

    def _context_sub(self, match: re.Match[str]) -> str:
        for rule in self._context[match.group(1)]:
            if rule.matches(match.string, match.start(), match.end()):
                return rule.spoken
        return match.group(0)

    def reading(self, token: str) -> str | None:
        """The reading of a whole-word entry (station first), else a context rule's default
        (the rule with neither `next` nor `prev`), or None."""
        found = self._station_map.get(token) or self._words_map.get(token)
        if found:
            return found
        rules = self._context.get(token, ())
        return next((r.spoken for r in rules if r.next_pattern is r.prev_pattern is None), None)

    def has(self, token: str) -> bool:
        """Is the token an entry (a word, a station word or a context rule's token)?"""
        return token in self._station_map or token in self._words_map or token in self._context

    def expands(self, text: str, start: int, end: int) -> bool:
        """Would `apply` read the token text[start:end] as an abbreviation here?"""
        token = text[start:end]
        if token in self._station_map or token in self._words_map:
            return True
        return any(rule.matches(text, start, end) for rule in self._context.get(token, ()))


def _spaced(spoken: str, match: re.Match[str]) -> str:
    """A dotted abbreviation glued to the next word (`TP.Đông Hà`) keeps a space after it."""
    glued = match.group(0).endswith(".") and match.string[match.end() : match.end() + 1].isalnum()
    return spoken + " " if glued else spoken


def _alternation(words: Mapping[str, str]) -> re.Pattern[str] | None:
    if not words:
        return None
    ordered = sorted(words, key=len, reverse=True)  # longest first: "CB,CC,VC" before "CC,VC"
    # One branch per first letter (`U(?:BND|BMTTQ|…)`): the engine tries only the words that
    # start with the letter it stands on, so a longer lexicon costs little (throughput).
    groups: dict[str, list[str]] = {}
    for word in ordered:
        groups.setdefault(word[0] if word[0].isalnum() else "", []).append(word)
    branches = [_whole(w) for w in groups.pop("", [])]
    for first, group in groups.items():
        rests = "|".join(re.escape(w[1:]) + _after(w) for w in group)
        branches.append(re.escape(first) + r"(?<![\w/&.]" + re.escape(first) + ")(?:" + rests + ")")
    return re.compile("(?:" + "|".join(branches) + ")")


def _after(word: str) -> str:
    return _BOUNDARY_AFTER if word[-1].isalnum() else ""


def _whole(word: str) -> str:
    """The word as a whole token. The left boundary is checked after the first letter so
    every alternative starts with a literal and the regex engine skips ahead to the
    possible first letters instead of trying every position."""
    escaped = re.escape(word)
    after = _BOUNDARY_AFTER if word[-1].isalnum() else ""
    if not word[0].isalnum():
        return escaped + after
    first = re.escape(word[0])
    return first + r"(?<![\w/&.]" + first + ")" + re.escape(word[1:]) + after
