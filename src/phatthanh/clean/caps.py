"""Words written in capitals (../shared/specs/vietnamese-speech.md, "The lexicon").

Headings and emphasis are written in capitals all the time (`LỄ KHAI MẠC`, `KHÔNG NÊN`);
the voice must read them as words, not spell them. Abbreviations are never one Vietnamese
syllable (`UBND`, `HUV`, `TTYT`), so a capital token is lower-cased as a word when:
- it is spelled as one Vietnamese syllable, and
- the lexicon would not expand it here (known abbreviations win: `TƯ 7` is Trung ương,
  `CA huyện` is công an), and
- it carries Vietnamese marks (`LỄ`, `QUÂN`), or stands in a run of capital words
  (`TIN TUC`), or is long enough not to be letters (`KHAI`).
Short unmarked tokens standing alone (`BA`, `CA`) stay capitals: they are spelled, and
reported, unless the lexicon knows them. Roman numerals after a trigger word (`KHÓA XI`)
stay for the Roman rule.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from itertools import pairwise

from phatthanh.clean.numbers import roman_value
from phatthanh.clean.syllable import has_marks, is_syllable


def _upper_letters() -> str:
    letters = set("BCDĐFGHJKLMNPQRSTVWXZ")
    for vowel in "AĂÂEÊIOÔƠUƯY":
        letters.add(vowel)
        for tone in "\u0300\u0301\u0303\u0309\u0323":
            letters.add(unicodedata.normalize("NFC", vowel + tone))
    return "".join(sorted(letters))


UPPER = _upper_letters()
# (the left boundary is checked after the first capital, so the engine skips ahead to capitals)
CAPS_TOKEN = re.compile(rf"[{UPPER}](?<![\w/&.][{UPPER}])[{UPPER}]*(?![\w/&])")
# What may stand between two capital words of one heading: spaces, digits, light punctuation.
_RUN_GAP = re.compile(r"[ \t\d,:;–\"“”'()/-]*")
_ROMAN_BEFORE = re.compile(
    r"(?i:khóa|khoá|thứ|đại hội|hội nghị|quý|phần|học kỳ|học kì|chương|thế kỷ|thế kỉ|mục|điều"
    r"|cấp|đợt"
    r"|giai đoạn|vòng|tập|ấp|thôn|tổ|khu|xóm|bản|báo động|khu vực|vùng)\s*$"
)
_SENTENCE_START = re.compile(r"(?:^|[\n.!?:]\s*|[\"“(]\s*)$")

Expands = Callable[[str, int, int], bool]


def read_capitals(text: str, expands: Expands) -> str:
    """Lower-case the capital tokens that are words; `expands(text, start, end)` says whether
    the lexicon reads the token at that place."""
    tokens = list(CAPS_TOKEN.finditer(text))
    if not tokens:
        return text
    runs: list[list[re.Match[str]]] = [[tokens[0]]]
    for prev, tok in pairwise(tokens):
        if _RUN_GAP.fullmatch(text, prev.end(), tok.start()):
            runs[-1].append(tok)
        else:
            runs.append([tok])
    out: list[str] = []
    last = 0
    for run in runs:
        words = [t.group(0) for t in run]
        syllables = [w for w in words if is_syllable(w)]
        heading = len(run) >= 2 and (any(has_marks(w) for w in syllables) or len(syllables) >= 2)
        first = True
        for tok in run:
            word = tok.group(0)
            if _is_word(text, tok, heading, expands):
                lower = word.lower()
                if first and _SENTENCE_START.search(text, max(0, tok.start() - 3), tok.start()):
                    lower = lower[0].upper() + lower[1:]
                out.append(text[last : tok.start()])
                out.append(lower)
                last = tok.end()
            first = False
    out.append(text[last:])
    return "".join(out)


def _is_word(text: str, tok: re.Match[str], heading: bool, expands: Expands) -> bool:
    word = tok.group(0)
    marked = has_marks(word)
    # a single capital (`Ô-cốp`, `Ý kiến`, `A Dơi`) is a word of its own only inside a heading
    if (len(word) == 1 and not (marked and heading)) or not is_syllable(word):
        return False
    if roman_value(word) is not None and (
        _ROMAN_BEFORE.search(text, max(0, tok.start() - 16), tok.start())
        or text.startswith(".", tok.end())
    ):
        return False
    if expands(text, tok.start(), tok.end()) or _in_joined_key(text, tok, expands):
        return False
    return heading or marked or len(word) >= 4


def _in_joined_key(text: str, tok: re.Match[str], expands: Expands) -> bool:
    """`AN` in `QP-AN`, `TT` in `TT&TT`: a part of a joined abbreviation the lexicon reads."""
    start, end = tok.start(), tok.end()
    if text[start - 1 : start] not in ("-", "&") and text[end : end + 1] not in ("-", "&"):
        return False
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-&"):
        start -= 1
    while end < len(text) and (text[end].isalnum() or text[end] in "-&"):
        end += 1
    return expands(text, start, end)
