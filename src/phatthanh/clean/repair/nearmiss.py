"""Near-miss spellings (`đạo đúc` -> `đạo đức`, `cơ sơ` -> `cơ sở`), repaired on strong
evidence only: a wrong repair is worse than a missed one.

Two neighbouring syllables `a b` are changed to `a b'` (or `a' b`) only when all of this holds:
- both are lowercase Vietnamese syllables (the first may be capitalized at the start of a
  sentence): names, English words and acronyms are never touched;
- `a b` is not a dictionary word, is not part of a longer one with its neighbours, and was
  never seen side by side in the news text;
- neither `a` nor `b` forms a word with its other neighbour;
- the syllable changed rarely stands alone as a word in news text, and the one kept is
  mostly part of longer words (so `không đội` never becomes `không đổi`);
- the change is one edit of the rhyme: the tone mark, a vowel mark (`u`/`ư`, `d`/`đ`), or one
  letter dropped or doubled (`trển` -> `triển`, `tầng` -> `tần`), never the first consonant;
- the result is an everyday dictionary word, and it is the only such one-edit candidate;
- the syllable changed is not the last of a text that stops without punctuation (a page
  excerpt cut off mid-word: `chất lư` is `chất lượng`, not `chất lưu`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

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


def repair_near_misses(text: str, repairs: list[Repair]) -> str:
    """Repair near-miss spellings in `text`, appending a Repair for each."""
    words = load_wordlist()
    if words is None:
        return text
    pieces = [_piece(token) for token in text.split()]
    keys = [
        key if key and (not capital or _starts_sentence(pieces, i)) else None
        for i, (_, lead, _, key, capital) in enumerate(pieces)
    ]
    # neighbours only count when no punctuation stands between them
    joined = [not p[2] and not q[1] for p, q in pairwise(pieces)]
    edits: dict[int, str] = {}
    for i in range(len(pieces) - 1):
        a, b = keys[i], keys[i + 1]
        if not (a and b and joined[i]) or i in edits:
            continue
        before = keys[i - 1] if i > 0 and joined[i - 1] else None
        after = keys[i + 2] if i + 2 < len(pieces) and joined[i + 1] else None
        found = _repair_pair(before, a, b, after)
        if found is None:
            continue
        side, fixed, edit = found
        index = i + side
        if index == len(pieces) - 1 and not pieces[index][2]:
            continue  # the last word of a text that stops without a full stop may be cut off
        written = pieces[index][0]
        edits[index] = fixed.capitalize() if written[0].isupper() else fixed
        pair = (pieces[i][0], pieces[i + 1][0])
        new = (edits[index], pair[1]) if side == 0 else (pair[0], edits[index])
        repairs.append(Repair(" ".join(pair), " ".join(new), f"near miss: {edit}"))
    if not edits:
        return text
    for index, m in reversed(list(enumerate(_TOKEN.finditer(text)))):
        if index in edits:
            core, lead, _, _, _ = pieces[index]
            start = m.start() + len(lead)
            text = text[:start] + edits[index] + text[start + len(core) :]
    return text


@lru_cache(maxsize=65536)
def _piece(token: str) -> tuple[str, str, str, str | None, bool]:
    """A whitespace-delimited token as (word, leading punctuation, trailing punctuation, lookup
    key, capitalized). The key is None when the word is no lowercase Vietnamese syllable (an
    acronym, a number, a foreign word, a word glued to symbols)."""
    word = token.lstrip(_LEADING)
    lead = token[: len(token) - len(word)]
    core = word.rstrip(_TRAILING)
    trail = word[len(core) :]
    if not core.isalpha() or not core[1:].islower():
        return core, lead, trail, None, False
    key = syllable_key(core)
    return core, lead, trail, key if is_syllable(key) else None, core[0].isupper()


def _starts_sentence(pieces: list[tuple[str, str, str, str | None, bool]], i: int) -> bool:
    """True when the i-th token opens a sentence: a capital there is no sign of a name."""
    if i == 0 or pieces[i][1][-1:] in ("“", '"'):
        return True
    previous, _, trail, _, _ = pieces[i - 1]
    return trail[-1:] in _SENTENCE_END or not previous.isalnum()  # after `.` or a dash


@lru_cache(maxsize=65536)
def _repair_pair(
    before: str | None, a: str, b: str, after: str | None
) -> tuple[int, str, str] | None:
    """(0 or 1 for the syllable to change, its new form, the edit) or None."""
    words = load_wordlist()
    assert words is not None
    pair = f"{a} {b}"
    if pair in words.words or pair in words.pairs:
        return None
    if before and (f"{before} {a}" in words.words or f"{before} {pair}" in words.words):
        return None
    if after and (f"{b} {after}" in words.words or f"{pair} {after}" in words.words):
        return None
    candidates = [
        *((0, fixed, edit) for fixed, edit in _changes(words, a, keep=b, first=True)),
        *((1, fixed, edit) for fixed, edit in _changes(words, b, keep=a, first=False)),
    ]
    return candidates[0] if len(candidates) == 1 else None


def _changes(words: WordList, change: str, keep: str, first: bool) -> list[tuple[str, str]]:
    """The one-edit forms of `change` that make an everyday word with `keep`."""
    if words.stands_alone(change) or keep not in words.syllables or words.mostly_alone(keep):
        return []
    return [
        (fixed, edit)
        for fixed, edit in _variants(change)
        if (f"{fixed} {keep}" if first else f"{keep} {fixed}") in words.common_words
    ]
