"""Is a token one Vietnamese syllable? Used to tell a word written in capitals (`KHÔNG`,
`LỄ`, `QUÂN`) from an abbreviation (`UBND`, `HUV`, `TTYT`), which never is one.

The check is on spelling: onset + rime, with tone marks removed but vowel letters kept
(ă â ê ô ơ ư are letters, not tones). Rimes are the ones Vietnamese spelling allows; the
list is closed, so consonant clusters (`TT`, `BCH`), foreign codas (`HUV`, `CAX`) and
several syllables run together (`OCOP`) are rejected.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền sắc ngã hỏi nặng
_LETTER_MARKS = {"\u0302", "\u0306", "\u031b"}  # circumflex, breve, horn
_ONSET = r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
_RIME = (
    r"(?:a|ai|ao|au|ay|a(?:c|ch|m|n|ng|nh|p|t)"
    r"|ă(?:c|m|n|ng|p|t)|â(?:c|m|n|ng|p|t|u|y)"
    r"|e|eo|e(?:c|m|n|ng|p|t)|ê|êu|ê(?:ch|m|n|nh|p|t)"
    r"|i|ia|iu|i(?:ch|m|n|nh|p|t)|iê(?:c|m|n|ng|p|t|u)|yê(?:c|m|n|ng|p|t|u)"
    r"|o|oi|o(?:c|m|n|ng|p|t)|oo(?:c|ng)"
    r"|oa|oai|oao|oay|oa(?:c|ch|m|n|ng|nh|p|t)|oă(?:c|m|n|ng|p|t)|oe|oeo|oe(?:c|n|t)"
    r"|ô|ôi|ô(?:c|m|n|ng|p|t)|ơ|ơi|ơ(?:m|n|p|t)"
    r"|u|ua|ui|u(?:c|m|n|ng|p|t)|uâ(?:n|ng|t|y)|uê|uê(?:ch|nh)|uô(?:c|i|m|n|ng|t)|uơ"
    r"|uy|uya|uyu|uy(?:ch|nh|p|t)|uyê(?:n|t)"
    r"|ư|ưa|ưi|ưu|ư(?:c|m|n|ng|t)|ươ(?:c|i|m|n|ng|p|t|u)|y)"
)
_SYLLABLE = re.compile(_ONSET + "(" + _RIME + ")")
# Pages typed without diacritics drop the vowel letters too (`TUYET` for `TUYỆT`): the same
# rimes with ă â ê ô ơ ư folded to their plain letters.
_UNMARKED = re.compile(_ONSET + "(" + _RIME.translate(str.maketrans("ăâêôơư", "aaeoou")) + ")")
# c, g, ng are written k, gh, ngh before i, e, ê (and y); k, gh, ngh only there
_FRONT = ("i", "e", "ê", "y")


def plain(token: str) -> str:
    """Lower case, tone marks removed, vowel letters kept: 'QUYẾT' -> 'quyêt'."""
    decomposed = unicodedata.normalize("NFD", token.lower())
    kept = "".join(ch for ch in decomposed if ch not in _TONE_MARKS)
    return unicodedata.normalize("NFC", kept)


@lru_cache(maxsize=16384)
def is_syllable(token: str) -> bool:
    """True when the token is spelled as one Vietnamese syllable (any case, any tone)."""
    folded = plain(token)
    match = _SYLLABLE.fullmatch(folded)
    if match is None and folded.isascii():
        match = _UNMARKED.fullmatch(folded)
    if match is None:
        return False
    onset, rime = match.group(1) or "", match.group(2)
    front = rime.startswith(_FRONT)
    if (onset in ("c", "ng") and front) or (onset == "g" and rime.startswith(("e", "ê"))):
        return False  # `gì`, `giếng`: g + i is the onset gi with its vowel merged
    return not (onset in ("k", "gh", "ngh") and not front)


@lru_cache(maxsize=16384)
def has_marks(token: str) -> bool:
    """True when the token carries a tone mark or a Vietnamese vowel letter (ă â ê ô ơ ư).
    `Đ` alone does not count: code parts like `ĐU` or `ĐT` are plain letters."""
    decomposed = unicodedata.normalize("NFD", token)
    return any(ch in _TONE_MARKS or ch in _LETTER_MARKS for ch in decomposed)
