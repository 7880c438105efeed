"""Near-miss spellings (`đạo đúc` -> `đạo đức`, `cơ sơ` -> `cơ sở`), repaired on strong
evidence only: a wrong repair is worse than a missed one (docs/typing-repair.md).

Two neighbouring syllables `a b` are changed to `a b'` (or `a' b`) only when all of this holds:
- both are lowercase Vietnamese syllables (the first may be capitalized at the start of a
  sentence): names, English words and acronyms are never touched;
- `a b` is no known word, alone or with up to two neighbours on either side, and was never
  seen side by side in the news text;
- neither `a` nor `b` makes a known word with its own neighbours, names included;
- the syllable changed rarely stands alone as a word in news text, and the one kept is
  mostly part of longer words (so `không đội` never becomes `không đổi`);
- the change is one edit of the rhyme: the tone mark, a vowel mark (`u`/`ư`), `d`/`đ`, or one
  letter dropped or doubled (`trển` -> `triển`, `tầng` -> `tần`), never the first consonant;
- the result is an everyday word, and it is the only such one-edit candidate;
- the syllable changed is not the last of a text that stops without punctuation (a page
  excerpt cut off mid-word: `chất lư` is `chất lượng`, not `chất lưu`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

from phatthanh.clean.repair.model import Repair
from phatthanh.clean.repair.syllable import TONES, is_syllable, split_onset, split_tone, with_tone
from phatthanh.clean.repair.wordlist import WordList, load_wordlist, syllable_key

_TOKEN = re.compile(r"\S+")
_LEADING = "([“‘\"'"
_TRAILING = ".,;:!?…)]”’\"'"
_SENTENCE_END = tuple(".!?…:;")
_FAMILIES = {ch: fam for fam in ("aăâ", "eê", "oôơ", "uư", "dđ") for ch in fam}
_LETTERS = "aăâeêioôơuưycghmnpt"  # what a rhyme can hold


@lru_cache(maxsize=16384)
def _variants(syllable: str) -> tuple[tuple[str, str], ...]:
    """The known syllables one rhyme edit away from `syllable`, each with the edit's name."""
    words = load_wordlist()
    assert words is not None
    bare, tone = split_tone(syllable)
    onset, rhyme = split_onset(bare)
    found: dict[str, str] = {}

    def add(new_onset: str, new_rhyme: str, new_tone: str, edit: str) -> None:
        candidate = with_tone(new_onset + new_rhyme, new_tone)
        if candidate != syllable and candidate in words.syllables:
            found.setdefault(candidate, edit)

    for other in ("", *TONES):
        add(onset, rhyme, other, "tone mark")
    if onset in ("d", "đ"):
        add("đ" if onset == "d" else "d", rhyme, tone, "đ/d")
    for i, ch in enumerate(rhyme):
        for other in _FAMILIES.get(ch, ""):
            add(onset, rhyme[:i] + other + rhyme[i + 1 :], tone, "vowel mark")
        add(onset, rhyme[:i] + rhyme[i + 1 :], tone, "extra letter")
    for i in range(len(rhyme) + 1):
        for letter in _LETTERS:
            add(onset, rhyme[:i] + letter + rhyme[i:], tone, "dropped letter")
    return tuple(found.items())


class _Piece(NamedTuple):
    """A whitespace-delimited token: its word and the punctuation around it."""

    word: str
    lead: str
    trail: str
    context: str | None  # the word as context for its neighbours, names included
    key: str | None  # the word as a candidate: a lowercase Vietnamese syllable, else None
    capital: bool


def repair_near_misses(text: str, repairs: list[Repair]) -> str:
    """Repair near-miss spellings in `text`, appending a Repair for each."""
    words = load_wordlist()
    if words is None:
        return text
    pieces = [_piece(token) for token in text.split()]
    keys = [
        p.key if p.key and (not p.capital or _starts_sentence(pieces, i)) else None
        for i, p in enumerate(pieces)
    ]
    # neighbours only count when no punctuation stands between them
    joined = [not p.trail and not q.lead for p, q in pairwise(pieces)]
    edits: dict[int, str] = {}
    for i in range(len(pieces) - 1):
        a, b = keys[i], keys[i + 1]
        if not (a and b and joined[i]) or i in edits:
            continue
        found = _repair_pair(a, b)  # the pair alone first: most pairs end here, from the cache
        if found is None or _makes_word(
            words, _left(pieces, joined, i), a, b, _right(pieces, joined, i + 1)
        ):
            continue
        side, fixed, edit = found
        index = i + side
        if index == len(pieces) - 1 and not pieces[index].trail:
            continue  # the last word of a text that stops without a full stop may be cut off
        written = pieces[index].word
        edits[index] = fixed.capitalize() if written[0].isupper() else fixed
        pair = (pieces[i].word, pieces[i + 1].word)
        new = (edits[index], pair[1]) if side == 0 else (pair[0], edits[index])
        repairs.append(Repair(" ".join(pair), " ".join(new), f"near miss: {edit}"))
    if not edits:
        return text
    for index, m in reversed(list(enumerate(_TOKEN.finditer(text)))):
        if index in edits:
            start = m.start() + len(pieces[index].lead)
            text = text[:start] + edits[index] + text[start + len(pieces[index].word) :]
    return text


def _left(pieces: list[_Piece], joined: list[bool], i: int) -> tuple[str, ...]:
    """Up to two words joined to the left of piece i, in reading order."""
    found: list[str] = []
    j = i - 1
    while j >= 0 and len(found) < 2 and joined[j] and (word := pieces[j].context):
        found.insert(0, word)
        j -= 1
    return tuple(found)


def _right(pieces: list[_Piece], joined: list[bool], i: int) -> tuple[str, ...]:
    """Up to two words joined to the right of piece i, in reading order."""
    found: list[str] = []
    j = i + 1
    while j < len(pieces) and len(found) < 2 and joined[j - 1] and (word := pieces[j].context):
        found.append(word)
        j += 1
    return tuple(found)


@lru_cache(maxsize=65536)
def _piece(token: str) -> _Piece:
    word = token.lstrip(_LEADING)
    lead = token[: len(token) - len(word)]
    core = word.rstrip(_TRAILING)
    trail = word[len(core) :]
    if not core.isalpha():
        return _Piece(core, lead, trail, None, None, False)
    context = syllable_key(core)
    if not core[1:].islower() or not is_syllable(context):
        return _Piece(core, lead, trail, context, None, False)
    return _Piece(core, lead, trail, context, context, core[0].isupper())


def _starts_sentence(pieces: list[_Piece], i: int) -> bool:
    """True when the i-th token opens a sentence: a capital there is no sign of a name."""
    if i == 0 or pieces[i].lead[-1:] in ("“", '"'):
        return True
    previous = pieces[i - 1]
    return previous.trail[-1:] in _SENTENCE_END or not previous.word.isalnum()  # `.`, a dash


@lru_cache(maxsize=65536)
def _repair_pair(a: str, b: str) -> tuple[int, str, str] | None:
    """(0 or 1 for the syllable to change, its new form, the edit) or None, from the pair
    alone; the caller then asks `_makes_word` about the neighbours."""
    words = load_wordlist()
    assert words is not None
    if f"{a} {b}" in words.pairs:
        return None
    candidates = [
        *((0, fixed, edit) for fixed, edit in _changes(words, a, keep=b, first=True)),
        *((1, fixed, edit) for fixed, edit in _changes(words, b, keep=a, first=False)),
    ]
    return candidates[0] if len(candidates) == 1 else None


def _makes_word(
    words: WordList, left: tuple[str, ...], a: str, b: str, right: tuple[str, ...]
) -> bool:
    """True when the pair with some of its neighbours (up to two words on either side), or
    either syllable with its other neighbours, makes a known word: then it is no typo."""
    spans = [(*left[k:], a, b, *right[:m]) for k in range(len(left) + 1) for m in range(3)]
    spans += [(*left[k:], a) for k in range(len(left))]
    spans += [(b, *right[:m]) for m in range(1, len(right) + 1)]
    return any(" ".join(span) in words.words for span in spans)


def _changes(words: WordList, change: str, keep: str, first: bool) -> list[tuple[str, str]]:
    """The one-edit forms of `change` that make an everyday word with `keep`."""
    if words.stands_alone(change) or keep not in words.syllables or words.mostly_alone(keep):
        return []
    return [
        (fixed, edit)
        for fixed, edit in _variants(change)
        if (f"{fixed} {keep}" if first else f"{keep} {fixed}") in words.common_words
    ]
