"""Telex residue (`nhhieemj` -> `nhiệm`): keys of the Telex input method left in the text.

Only tokens that are not valid syllables, carry strong Telex signs and decode to a valid
Vietnamese syllable are decoded, so English words, brands and acronyms (`bus`, `max`, `OCOP`,
`how`) survive untouched, and so does a token next to an English word (`the stage owns`).
A capitalized token is decoded only at the start of a sentence: elsewhere it marks a name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from phatthanh.clean.repair.model import Repair
from phatthanh.clean.repair.syllable import VOWELS, is_syllable
from phatthanh.clean.unicode import place_tone

_TONE_KEYS = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
_TELEX_PAIRS = (("aa", "â"), ("aw", "ă"), ("ee", "ê"), ("oo", "ô"), ("ow", "ơ"), ("uw", "ư"),
                ("dd", "đ"))  # fmt: skip
_DOUBLED = ("nhh", "tth", "ngg", "chh", "khh")
# only words that hold a vowel-mark key pair: strong_telex asks for one
_ASCII_WORD = re.compile(
    r"(?<![\w])(?=[A-Za-z]*(?:aa|aw|ee|oo|ow|uw|dd))[A-Za-z][a-z]{2,9}(?![\w])"
)
_MARK_KEYS = re.compile(r"aa|aw|ee|oo|ow|uw|dd")
_TONE_END = re.compile(r"[aeiouy][a-z]*[sfrxj]$")
_DOUBLED_ONSET = re.compile(r"^(nhh|tth|ngg|chh|khh)")
_WORD = re.compile(r"\w+")
_STARTERS = frozenset('.!?…:;\n“"–-')


def at_sentence_start(text: str, index: int) -> bool:
    """True when only spaces stand between `index` and the start of the text or a sentence."""
    while index > 0 and text[index - 1] in " \t":
        index -= 1
    return index == 0 or text[index - 1] in _STARTERS


def _english_nearby(text: str, start: int, end: int) -> bool:
    """True when one of the two words on either side is a Latin word no Vietnamese syllable or
    Telex typing explains (`stage owns the`, `rebuild keeps the`): the token is English too."""
    before = _WORD.findall(text, max(0, start - 40), start)[-2:]
    after = _WORD.findall(text, end, end + 40)[:2]
    return any(
        word.isascii()
        and word.isalpha()
        and word.islower()
        and not is_syllable(word)
        and not strong_telex(word)
        for word in (*before, *after)
    )


def strong_telex(token: str) -> bool:
    """Telex signs strong enough that an English word will not show them: a vowel-mark key
    pair together with a tone key or a doubled onset (`nhhieemj`, `vieetj`, `quyeets`)."""
    marks = len(_MARK_KEYS.findall(token))
    others = bool(_TONE_END.search(token)) + bool(_DOUBLED_ONSET.match(token))
    return marks >= 1 and (others >= 1 or marks >= 2)


def telex_decode(token: str) -> str | None:
    """Decode a lowercase Telex-typed token to a syllable, or None if it does not decode."""
    tone = ""
    if token[-1] in _TONE_KEYS and len(token) > 2:
        tone, token = _TONE_KEYS[token[-1]], token[:-1]
    for keys, letter in _TELEX_PAIRS:
        token = token.replace(keys, letter)
    for onset in _DOUBLED:
        if token.startswith(onset):
            token = token[:1] + token[2:]
    if not is_syllable(token):
        return None
    if tone:
        # put the mark on the first vowel, then let place_tone move it where it belongs
        first_vowel = next(i for i, ch in enumerate(token) if ch in VOWELS)
        return place_tone(
            unicodedata.normalize("NFC", token[: first_vowel + 1] + tone + token[first_vowel + 1 :])
        )
    return token


def repair_telex(
    text: str, repairs: list[Repair], known: Callable[[str], bool] = lambda _: True
) -> str:
    """Decode Telex residue in `text`, appending a Repair for each token decoded.

    `known` is asked about each decoded syllable (the word list, when there is one)."""

    def telex(m: re.Match[str]) -> str:
        token = m.group(0)
        lower = token.lower()
        if token != lower and not at_sentence_start(text, m.start()):
            return token  # a capital inside a sentence: a name
        if is_syllable(lower) or not strong_telex(lower):
            return token
        if _english_nearby(text, m.start(), m.end()):
            return token
        decoded = telex_decode(lower)
        if decoded is None or decoded == lower or not known(decoded):
            return token
        if token != lower:
            decoded = decoded[0].upper() + decoded[1:]
        repairs.append(Repair(token, decoded, "Telex residue"))
        return decoded

    if not _MARK_KEYS.search(text):  # no token can qualify: a quick first look
        return text
    return _ASCII_WORD.sub(telex, text)
