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
_BOUNDARY_BEFORE = r"(?<![\w/&.-])"
_BOUNDARY_AFTER = r"(?![\w/&-])"


def spell(token: str) -> str:
    """Letters with their Vietnamese names: 'VTV' -> vê tê vê."""
    return " ".join(_LETTERS.get(ch, ch) for ch in token.upper() if ch.isalnum())


@dataclass(frozen=True)
class ContextRule:
    token: str
    next_pattern: re.Pattern[str] | None
    spoken: str


class Lexicon:
    """Compiled word lists: station words, shipped words, dotted words and context rules."""

    def __init__(self, station: Mapping[str, str]) -> None:
        data = tomllib.loads(
            resources.files("phatthanh.clean").joinpath("lexicon.toml").read_text("utf-8")
        )
        self.codes: dict[str, str] = dict(data["codes"])
        words: dict[str, str] = {**data["words"], **data["dotted"]}
        self.known: frozenset[str] = frozenset(words) | frozenset(station)
        self._station = _alternation(station)
        self._station_map = dict(station)
        self._words = _alternation(words)
        self._words_map = words
        self._context: dict[str, list[ContextRule]] = {}
        for rule in data["context"]:
            nxt = rule.get("next")
            compiled = re.compile(r"\s*(?:" + nxt + ")") if nxt else None
            self._context.setdefault(rule["token"], []).append(
                ContextRule(rule["token"], compiled, rule["spoken"])
            )
        self._context_tokens = re.compile(
            _BOUNDARY_BEFORE + "(" + "|".join(map(re.escape, self._context)) + ")" + r"(?![\w/&-])"
        )

    def apply(self, text: str) -> str:
        """Replace every lexicon entry: station words first, then context rules, then words."""
        if self._station is not None:
            text = self._station.sub(lambda m: self._station_map[m.group(0)], text)
        text = self._context_tokens.sub(self._context_sub, text)
        if self._words is not None:
            text = self._words.sub(lambda m: self._words_map[m.group(0)], text)
        return text

    def _context_sub(self, match: re.Match[str]) -> str:
        following = match.string[match.end() :]
        for rule in self._context[match.group(1)]:
            if rule.next_pattern is None or rule.next_pattern.match(following):
                return rule.spoken
        return match.group(0)


def _alternation(words: Mapping[str, str]) -> re.Pattern[str] | None:
    if not words:
        return None
    ordered = sorted(words, key=len, reverse=True)  # longest first: "CB,CC,VC" before "CC,VC"
    # A lookahead on the possible first letters makes most positions fail at once.
    first = "".join(sorted({re.escape(w[0]) for w in ordered}))
    parts = []
    for word in ordered:
        escaped = re.escape(word)
        before = _BOUNDARY_BEFORE if word[0].isalnum() else ""
        after = _BOUNDARY_AFTER if word[-1].isalnum() else ""
        parts.append(before + escaped + after)
    return re.compile(f"(?=[{first}])(?:" + "|".join(parts) + ")")
