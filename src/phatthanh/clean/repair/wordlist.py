"""The Vietnamese word list and news-text evidence that near-miss repair stands on.

Both come from the `underthesea` package (Apache-2.0), read as data files from where it is
installed; underthesea itself is never imported (its import is slow and pulls in models):

- `corpus/data/Viet74K.txt`: about 74,000 Vietnamese dictionary entries, one a line, most of
  them two-syllable words (`cơ sở`, `tần số`); capitalized entries are proper names.
  `corpus/data/Viet11K.txt` is its shortest list, of everyday words.
- `pipeline/pos_tag/models/*/test_output.txt`: about 66,000 words of word-segmented news text
  (the VLSP 2013 test set as the tagger's output, one word a line, the gold word first).
  It says which syllables stand alone as words in real news (`các`, `không`, `năm`) and which
  only occur inside longer words (`đức` of `đạo đức`), and which syllable pairs occur at all.

Everything is put in the project's tone-placement style (`uỷ ban` -> `ủy ban`), lowercased, and
loaded once, on first use.
"""

from __future__ import annotations

import importlib.util
import logging
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

from phatthanh.clean.unicode import place_tone

log = logging.getLogger(__name__)

_DICTIONARY = "corpus/data/Viet74K.txt"
_EVERYDAY = "corpus/data/Viet11K.txt"
_NEWS_GLOB = "pipeline/pos_tag/models/*/test_output.txt"


@dataclass(frozen=True, repr=False)
class WordList:
    """Dictionary words and news-text counts, all lowercase, in the project's tone style."""

    words: frozenset[str]  # every entry and news word, proper names included (`hà nội`)
    common_words: frozenset[str]  # lowercase entries that are everyday words or seen in news
    syllables: frozenset[str]  # every syllable of every entry
    alone: Counter[str]  # news text: how often a syllable is a word by itself
    seen: Counter[str]  # news text: how often a syllable occurs, alone or inside a word
    pairs: frozenset[str]  # news text: syllable pairs seen side by side (`chuyển sang`)

    def __repr__(self) -> str:
        return f"WordList({len(self.words)} words, {len(self.syllables)} syllables)"

    def stands_alone(self, syllable: str) -> bool:
        """True when news text uses the syllable as a word of its own more than rarely."""
        return self.alone[syllable] > 0.1 * self.seen[syllable]

    def mostly_alone(self, syllable: str) -> bool:
        """True when news text uses the syllable mostly as a word of its own (`không`, `năm`)."""
        return self.alone[syllable] > 0.5 * self.seen[syllable]


def syllable_key(token: str) -> str:
    """A token as the word list stores it: NFC, lowercase, tone on the right vowel."""
    return place_tone(unicodedata.normalize("NFC", token).lower())


@cache
def load_wordlist() -> WordList | None:
    """The word list, read once; None (and one warning) when underthesea is not installed."""
    root = _package_root()
    news = sorted(root.glob(_NEWS_GLOB)) if root else []
    if root is None or not (root / _DICTIONARY).is_file() or not news:
        log.warning(
            "typing repair: the underthesea word list is not installed, so near-miss "
            "spellings are not repaired; run `pip install underthesea` to enable it"
        )
        return None
    return read_wordlist(root / _DICTIONARY, root / _EVERYDAY, news[0])


def read_wordlist(dictionary: Path, everyday: Path, news: Path) -> WordList:
    """Build a WordList from a dictionary, an everyday-word list and segmented news text."""
    key = _Keys().__getitem__
    entries = [e for e in _read(dictionary).split("\n") if e.strip()]
    keys = [" ".join(map(key, e.lower().replace("-", " ").split())) for e in entries]
    lowercase = {k for e, k in zip(entries, keys, strict=True) if e == e.lower()}
    syllables = frozenset(s for k in keys for s in k.split())
    # one word a line (its gold form before the first tab), a blank line after each sentence
    gold = [line.split("\t", 1)[0].strip() for line in _read(news).lower().split("\n")]
    news_words = {" ".join(map(key, w.split())) for w in gold if " " in w}
    pairs: set[str] = set()
    for sentence in "\n".join(gold).split("\n\n"):
        pairs.update(map(" ".join, pairwise(map(key, sentence.split()))))
    everyday_words: set[str] = set()
    if everyday.is_file():
        for entry in _read(everyday).lower().split("\n"):
            everyday_words.add(" ".join(map(key, entry.replace("-", " ").split())))
    return WordList(
        words=frozenset(keys) | news_words,
        common_words=frozenset(lowercase & (everyday_words | news_words)),
        syllables=syllables,
        alone=Counter(key(w) for w in gold if w and " " not in w),
        seen=Counter(map(key, " ".join(gold).split())),
        pairs=frozenset(pairs),
    )


class _Keys(dict[str, str]):
    """Lowercase NFC syllable -> its key in the project's tone style, computed once each."""

    def __missing__(self, syllable: str) -> str:
        self[syllable] = key = place_tone(syllable) if syllable.isalpha() else syllable
        return key


def _package_root() -> Path | None:
    """Where underthesea is installed, found without importing it."""
    try:
        spec = importlib.util.find_spec("underthesea")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _read(path: Path) -> str:
    return unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
