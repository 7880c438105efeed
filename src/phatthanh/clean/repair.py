"""Rule 2: typing repair (../shared/specs/vietnamese-speech.md). Every change is reported.

- Known slips from a curated list, with right-context exceptions (`cũng cố` -> `củng cố`, but
  `cũng cố gắng` stays).
- Doubled onsets (`nhh`, `tth`, `ngg`).
- Telex residue (`nhhieemj` -> `nhiệm`): only on lowercase ASCII tokens that are not valid
  syllables, carry strong Telex signs, and decode to a valid Vietnamese syllable, so English
  words, brands and acronyms (`bus`, `max`, `OCOP`, `how`) survive untouched.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# (slip, right-context that means it is NOT a slip, correction)
_SLIPS: tuple[tuple[str, str | None, str], ...] = (
    ("cũng cố", r"\s+gắng", "củng cố"),
    ("Cũng cố", r"\s+gắng", "Củng cố"),
    ("Cán bô", None, "Cán bộ"),
    ("cán bô", None, "cán bộ"),
    ("xữ lý", None, "xử lý"),
    ("sữ dụng", None, "sử dụng"),
    ("chử trương", None, "chủ trương"),
    ("củng như", None, "cũng như"),
    ("nghành", None, "ngành"),
    ("ngiêm", None, "nghiêm"),
)
_SLIP_PATTERNS = tuple(
    (re.compile(r"(?<!\w)" + re.escape(slip) + r"(?!\w)" + (f"(?!{ctx})" if ctx else "")), fix)
    for slip, ctx, fix in _SLIPS
)

_ONSETS = [
    "ngh",
    "ng",
    "nh",
    "ch",
    "gh",
    "gi",
    "kh",
    "ph",
    "qu",
    "th",
    "tr",
    "b",
    "c",
    "d",
    "đ",
    "g",
    "h",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "x",
]
_VOWEL_CHARS = "aăâeêioôơuưy"
_CODAS = ("ch", "ng", "nh", "c", "m", "n", "p", "t", "i", "y", "o", "u", "")
_TONE_KEYS = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
_TELEX_PAIRS = (("aa", "â"), ("aw", "ă"), ("ee", "ê"), ("oo", "ô"), ("ow", "ơ"), ("uw", "ư"),
                ("dd", "đ"))  # fmt: skip
_ASCII_WORD = re.compile(r"(?<![\w])[a-z]{3,10}(?![\w])")
_MARK_KEYS = re.compile(r"aa|aw|ee|oo|ow|uw|dd")
_TONE_END = re.compile(r"[aeiouy][a-z]*[sfrxj]$")
_DOUBLED_ONSET = re.compile(r"^(nhh|tth|ngg|chh|khh)")


def _strong_telex(token: str) -> bool:
    """Telex signs strong enough that an English word will not show them: a vowel-mark key
    pair together with a tone key or a doubled onset (`nhhieemj`, `vieetj`, `quyeets`)."""
    marks = len(_MARK_KEYS.findall(token))
    others = bool(_TONE_END.search(token)) + bool(_DOUBLED_ONSET.match(token))
    return marks >= 1 and (others >= 1 or marks >= 2)


@dataclass(frozen=True)
class Repair:
    before: str
    after: str
    rule: str

    def __str__(self) -> str:
        return f"{self.before!r} -> {self.after!r} ({self.rule})"


def is_syllable(word: str) -> bool:
    """A rough Vietnamese syllable shape check: onset + vowels + coda."""
    bare = "".join(
        ch
        for ch in unicodedata.normalize("NFD", word.lower())
        if unicodedata.category(ch) != "Mn" or ch in "\u0302\u0306\u031b"
    )
    bare = unicodedata.normalize("NFC", bare)
    onset = next((o for o in _ONSETS if bare.startswith(o) and len(bare) > len(o)), "")
    rest = bare[len(onset) :]
    vowels = len(rest) - len(rest.lstrip(_VOWEL_CHARS))
    if vowels == 0 or vowels > 3:
        return False
    return rest[vowels:] in _CODAS


def telex_decode(token: str) -> str | None:
    """Decode a Telex-typed token to a syllable, or None if it does not decode to one."""
    tone = ""
    if token[-1] in _TONE_KEYS and len(token) > 2:
        tone, token = _TONE_KEYS[token[-1]], token[:-1]
    for keys, letter in _TELEX_PAIRS:
        token = token.replace(keys, letter)
    for onset in ("nhh", "tth", "ngg", "chh", "khh"):
        if token.startswith(onset):
            token = token[:1] + token[2:]
    if not is_syllable(token):
        return None
    if tone:
        from phatthanh.clean.unicode import place_tone

        # put the mark on the first vowel, then let place_tone move it where it belongs
        first_vowel = next(i for i, ch in enumerate(token) if ch in _VOWEL_CHARS)
        marked = place_tone(
            unicodedata.normalize("NFC", token[: first_vowel + 1] + tone + token[first_vowel + 1 :])
        )
        return marked
    return token


def repair_typing(text: str) -> tuple[str, tuple[Repair, ...]]:
    """Fix known slips, doubled onsets and Telex residue; return the text and the repairs."""
    repairs: list[Repair] = []
    for pattern, fix in _SLIP_PATTERNS:

        def slip(m: re.Match[str], fix: str = fix) -> str:
            repairs.append(Repair(m.group(0), fix, "known slip"))
            return fix

        text = pattern.sub(slip, text)

    def telex(m: re.Match[str]) -> str:
        token = m.group(0)
        if is_syllable(token) or not _strong_telex(token):
            return token
        decoded = telex_decode(token)
        if decoded is None or decoded == token:
            return token
        repairs.append(Repair(token, decoded, "Telex residue"))
        return decoded

    text = _ASCII_WORD.sub(telex, text)
    return text, tuple(repairs)
