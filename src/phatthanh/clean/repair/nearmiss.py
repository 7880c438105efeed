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
from phatthanh.clean.repair.telex import at_sentence_start
from phatthanh.clean.repair.wordlist import WordList, load_wordlist, syllable_key

_TOKEN = re.compile(r"\S+")
_LEADING = "([“‘\"'"
_TRAILING = ".,;:!?…)]”’\"'"
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
    tokens = [_core(m) for m in _TOKEN.finditer(text)]
    keys = [_key(text, core) for core, _, _ in tokens]
    # neighbours only count when no punctuation stands between them
    joined = [not trail and not lead for (_, _, trail), (_, lead, _) in pairwise(tokens)]
    edits: dict[int, str] = {}
    for i in range(len(tokens) - 1):
        a, b = keys[i], keys[i + 1]
        if not (a and b and joined[i]) or i in edits:
            continue
        before = keys[i - 1] if i > 0 and joined[i - 1] else None
        after = keys[i + 2] if i + 2 < len(tokens) and joined[i + 1] else None
        found = _repair_pair(before, a, b, after)
        if found is None:
            continue
        side, fixed, edit = found
        index = i + side
        if not text[tokens[index][0][1] :].strip():
            continue  # the last word of a text that stops without a full stop may be cut off
        written = _text(text, tokens[index][0])
        edits[index] = fixed.capitalize() if written[0].isupper() else fixed
        pair = (_text(text, tokens[i][0]), _text(text, tokens[i + 1][0]))
        new = (edits[index], pair[1]) if side == 0 else (pair[0], edits[index])
        repairs.append(Repair(" ".join(pair), " ".join(new), f"near miss: {edit}"))
    for index in sorted(edits, reverse=True):
        start, end = tokens[index][0]
        text = text[:start] + edits[index] + text[end:]
    return text


def _core(m: re.Match[str]) -> tuple[tuple[int, int], str, str]:
    """A whitespace-delimited token's word span, without the punctuation around it, and
    that leading and trailing punctuation."""
    token = m.group(0)
    word = token.lstrip(_LEADING)
    lead = token[: len(token) - len(word)]
    core = word.rstrip(_TRAILING)
    start = m.start() + len(lead)
    return (start, start + len(core)), lead, word[len(core) :]


def _text(text: str, span: tuple[int, int]) -> str:
    return text[span[0] : span[1]]


def _key(text: str, span: tuple[int, int]) -> str | None:
    """A word's lookup key, or None when it is no lowercase Vietnamese syllable (a name, an
    acronym, a number, a foreign word, a word glued to symbols)."""
    token = _text(text, span)
    if not token.isalpha() or not token[1:].islower():
        return None
    if token[0].isupper() and not at_sentence_start(text, span[0]):
        return None
    key = syllable_key(token)
    return key if is_syllable(key) else None


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
