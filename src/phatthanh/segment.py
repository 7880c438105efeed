"""Stage 3: an article's paragraphs -> sentences -> segments (display text + spoken text).

A segment is the unit of synthesis: one sentence, or a piece of a long sentence cut at a
clause boundary so that no request exceeds `max_segment_chars`. The display text is kept
as written (after Unicode clean-up) for transcripts; the spoken text is what the
normalizer makes of it (../shared/specs/vietnamese-speech.md, "Two texts per segment").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from phatthanh.clean import Normalizer, cleanup_unicode
from phatthanh.clean.settings import SpeechSettings
from phatthanh.errors import ArticleError
from phatthanh.i18n import _
from phatthanh.model import Article, Script, Segment, SegmentKind

# Words written with a trailing dot that do not end a sentence (titles, places, units).
_ABBREVIATIONS = frozenset(
    [
        "TP",
        "TX",
        "Tp",
        "Tx",
        "TT",
        "Q",
        "H",
        "P",
        "X",
        "TS",
        "ThS",
        "PGS",
        "GS",
        "BS",
        "KS",
        "CN",
        "Th.S",
        "Đ/c",
        "đ/c",
        "Ông",
        "Bà",
        "St",
        "Mr",
        "Mrs",
        "Dr",
        "No",
        "Tr",
        "tr",
        "v.v",
        "vv",
    ]
)
# A sentence ends at . ! ? … (possibly followed by closing quotes/brackets) then a space.
_SENTENCE_END = re.compile(r"""([.!?…]+["”’»)\]]*)\s+""")
_CLAUSE_BREAK = re.compile(r"(?<=[;:,])\s+")
_SPACES = re.compile(r"\s+")


def script_article(article: Article, normalizer: Normalizer, speech: SpeechSettings) -> Script:
    """The segments one article is read as: title, body sentences, and the byline."""
    segments: list[Segment] = []
    segments.extend(_segments("title", article.title, 0, normalizer, speech))
    for number, paragraph in enumerate(article.paragraphs, start=1):
        segments.extend(_segments("body", paragraph, number, normalizer, speech))
    if not any(s.kind == "body" for s in segments):
        raise ArticleError(
            _(
                "{source}: nothing to read aloud (no words in its body after cleaning); "
                "check that the page is an article"
            ).format(source=article.source)
        )
    if article.byline and article.author:
        byline = f"Bài viết của {article.author}."
        last = len(article.paragraphs) + 1
        for seg in _segments("byline", byline, last, normalizer, speech):
            segments.append(Segment("byline", article.author, seg.spoken, last, seg.residue))
    return Script(article=article, segments=tuple(segments))


def _segments(
    kind: SegmentKind,
    text: str,
    paragraph: int,
    normalizer: Normalizer,
    speech: SpeechSettings,
) -> Iterator[Segment]:
    display_text = _SPACES.sub(" ", cleanup_unicode(text)).strip()
    for display in _pieces(display_text, speech.max_segment_chars):
        spoken = normalizer.normalize(display)
        if any(ch.isalnum() for ch in spoken.text):  # emoji and marks alone: nothing to say
            yield Segment(kind, display, spoken.text, paragraph, spoken.residue, spoken.repairs)


def _pieces(text: str, max_chars: int) -> Iterator[str]:
    """Sentences of `text`, long ones cut at clause breaks, then at word boundaries."""
    for sentence in split_sentences(text):
        if len(sentence) <= max_chars:
            yield sentence
            continue
        yield from _pack(_CLAUSE_BREAK.split(sentence), max_chars)


def _pack(parts: list[str], max_chars: int) -> Iterator[str]:
    """Join clause parts greedily up to `max_chars`; cut any single longer part by words."""
    current = ""
    for part in parts:
        if len(part) > max_chars:
            if current:
                yield current
                current = ""
            words = part.split(" ")
            if len(words) == 1:  # one token longer than a segment (a long URL): cut it
                yield from (part[i : i + max_chars] for i in range(0, len(part), max_chars))
            else:
                yield from _pack(words, max_chars)
            continue
        candidate = f"{current} {part}" if current else part
        if len(candidate) > max_chars:
            yield current
            current = part
        else:
            current = candidate
    if current:
        yield current


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, not at abbreviations, initials or numbers."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end(1)
        before = text[start : match.start(1)]
        following = text[match.end() : match.end() + 1]
        if not _ends_sentence(before, match.group(1), following):
            continue
        sentences.append(text[start:end].strip())
        start = match.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return [s for s in sentences if s]


def _ends_sentence(before: str, mark: str, following: str) -> bool:
    if not following:
        return True
    if mark.startswith(".") and len(mark.rstrip('"”’»)]')) == 1:
        last_word = before.rsplit(" ", 1)[-1].lstrip('("“')
        if last_word in _ABBREVIATIONS:
            return False
        if len(last_word) == 1 and last_word.isupper():  # an initial: "P. V."
            return False
    # A new sentence starts with a capital letter, a digit, a quote or a bracket.
    return following.isupper() or following.isdigit() or following in "\"“'‘([-–"
