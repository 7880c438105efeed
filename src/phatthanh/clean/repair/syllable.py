"""The shape of a Vietnamese syllable: onset + vowels + coda, and its tone mark."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from phatthanh.clean.unicode import place_tone

ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d", "đ",
          "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x")  # fmt: skip
VOWELS = "aăâeêioôơuưy"
CODAS = ("ch", "ng", "nh", "c", "m", "n", "p", "t", "i", "y", "o", "u", "")
TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền sắc ngã hỏi nặng
_VOWEL_MARKS = "\u0302\u0306\u031b"  # â ă ơ: part of the letter, not the tone


def split_tone(syllable: str) -> tuple[str, str]:
    """A syllable without its tone mark, and the mark ('' for ngang)."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tone = next((ch for ch in decomposed if ch in TONES), "")
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES)), tone


def with_tone(bare: str, tone: str) -> str:
    """Put a tone mark on a bare syllable, on the vowel the project's style chooses."""
    if not tone or not bare:
        return bare
    return place_tone(unicodedata.normalize("NFC", bare[0] + tone + bare[1:]))


def split_onset(bare: str) -> tuple[str, str]:
    """A bare lowercase syllable as (onset, rhyme): `nghiêng` -> (`ngh`, `iêng`)."""
    onset = next((o for o in ONSETS if bare.startswith(o) and len(bare) > len(o)), "")
    if onset == "gi" and bare[2] not in VOWELS:  # `gìn`: g + in
        onset = "g"
    return onset, bare[len(onset) :]


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """A rough Vietnamese syllable shape check: onset + vowels + coda."""
    bare = "".join(
        ch
        for ch in unicodedata.normalize("NFD", word.lower())
        if unicodedata.category(ch) != "Mn" or ch in _VOWEL_MARKS
    )
    _, rest = split_onset(unicodedata.normalize("NFC", bare))
    vowels = len(rest) - len(rest.lstrip(VOWELS))
    if vowels == 0 or vowels > 3:
        return False
    return rest[vowels:] in CODAS
