"""Rule 1: Unicode clean-up (../shared/specs/vietnamese-speech.md, "Order of the rules").

NFC; control and zero-width characters dropped; dashes, quotes and non-breaking spaces
unified; one tone-placement style, the one the spec chose (`hoà` -> `hòa`, `thuỷ` -> `thủy`:
in an open syllable of two plain vowels the mark sits on the first); marks typed on the wrong
letter (`baỏ` -> `bảo`) are moved to where that style puts them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_TRANSLATE = str.maketrans(
    {
        "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u3000": " ",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "–", "\u2014": "–",
        "\u2015": "–", "\u2212": "-",
        "\u201c": "“", "\u201d": "”", "\u201e": "“", "\u00ab": "“", "\u00bb": "”",
        "\u2018": "‘", "\u2019": "’", "\u201a": "‘", "`": "’", "\u00b4": "’",
    }
)  # fmt: skip

# Any character the two tables above change: most texts hold none, and translating through a
# dict table costs per character, so the tables are used only when one is there.
_SPECIAL = re.compile("[" + re.escape("".join(map(chr, (*_ZERO_WIDTH, *_TRANSLATE)))) + "]")

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền sắc ngã hỏi nặng
_VOWELS = set("aăâeêioôơuưyAĂÂEÊIOÔƠUƯY")
_WORD = re.compile(r"\w+")
# Only a word with two vowels side by side can carry its tone on the wrong one.
_ANY_VOWEL = "".join(
    sorted({unicodedata.normalize("NFC", v + t) for v in _VOWELS for t in ("", *_TONES)})
)
_VOWEL_PAIR_WORD = re.compile(rf"\w*[{_ANY_VOWEL}][{_ANY_VOWEL}]\w*")
# Control and format characters (Unicode category C*), except tab and newline.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ue000-\uf8ff\ufff9-\ufffb]"
)


def cleanup_unicode(text: str) -> str:
    """NFC, without control/zero-width characters, with unified punctuation and tone marks."""
    if _SPECIAL.search(text):
        text = text.translate(_ZERO_WIDTH).translate(_TRANSLATE)
    if not text.replace("\n", "").replace("\t", "").isprintable():  # rare: look char by char
        text = "".join(
            ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " " for ch in text
        )
    text = unicodedata.normalize("NFC", text)
    words = _VOWEL_PAIR_WORD.findall(text)
    if _KEPT.issuperset(words):  # every word already in the chosen style: nothing to move
        return text
    if len(_KEPT) < 65536:
        _KEPT.update(word for word in words if place_tone(word) == word)
    return _VOWEL_PAIR_WORD.sub(lambda m: place_tone(m.group(0)), text)


_KEPT: set[str] = set()  # words seen that place_tone leaves as they are (news vocabulary)


@lru_cache(maxsize=65536)  # news vocabulary is small: most words repeat
def place_tone(word: str) -> str:
    """Put the tone mark of a Vietnamese syllable on the vowel that carries it (new style)."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in _TONES]
    if len(tones) != 1:
        return word
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    target = _tone_position(bare)
    if target is None:
        return word
    out = bare[:target] + bare[target] + tones[0] + bare[target + 1 :]
    return unicodedata.normalize("NFC", out)


def _tone_position(bare: str) -> int | None:
    """Index of the letter that carries the tone in an unmarked syllable, or None."""
    lower = bare.lower()
    start = 0
    if lower.startswith("qu") or (
        lower.startswith("gi") and len(lower) > 2 and lower[2] in "aăâeêoôơuưy"
    ):
        start = 2
    indexes = [i for i in range(start, len(bare)) if bare[i] in _VOWELS]
    if not indexes:
        return None
    # vowels must be contiguous, else this is not one syllable
    if indexes != list(range(indexes[0], indexes[0] + len(indexes))):
        return None
    for i in indexes:  # a vowel with its own diacritic takes the mark (ơ, ê, â, ă, ô, ư)
        if bare[i].lower() in "ăâêôơư":
            # "ươ": the mark goes on ơ
            if bare[i].lower() == "ư" and i + 1 in indexes and bare[i + 1].lower() == "ơ":
                return i + 1
            return i
    ends_with_consonant = indexes[-1] < len(bare) - 1
    if len(indexes) == 1:
        return indexes[0]
    if len(indexes) == 3:
        return indexes[1]
    # two vowels: the second before a final consonant (hoàn), else the first (hòa, thủy)
    return indexes[1] if ends_with_consonant else indexes[0]
