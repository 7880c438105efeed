"""Values passed between the stages of the pipeline.

Every value is a frozen dataclass; stages are functions from some of these to others.
Units live in the names (`_ms`, `_s`, `_hz`, `_kbps`, `_lufs`, `_dbtp`). Times are
integers in milliseconds on the program timeline, seconds (floats) only where a record
is written for people or other programs (episode.json, feeds).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Literal, Protocol

Priority = Literal["thong_thuong", "uu_tien", "khan_cap"]

# --- 0. what the user asked for ----------------------------------------------------


@dataclass(frozen=True)
class SourceEntry:
    """One article to read, as named on the command line or in a lineup file."""

    source: str  # a path or an http(s) URL
    title: str | None = None  # overrides, from a lineup file
    author: str | None = None
    skip_paragraphs: tuple[int, ...] = ()  # 1-based paragraph numbers to leave out
    byline: bool | None = None
    published: datetime | None = None  # a portal feed entry's own date: wins over the page's
    fallback_title: str | None = None  # only for a page without a headline (--title)
    keep_lines: tuple[int, ...] = ()  # input line numbers (script --explain) to read anyway
    drop_lines: tuple[int, ...] = ()  # input line numbers of kept paragraphs to leave out


@dataclass(frozen=True)
class Lineup:
    """The items of one program, in order, with the program's own title and date if given."""

    entries: tuple[SourceEntry, ...]
    title: str | None = None
    air_date: date | None = None
    priority: Priority = "thong_thuong"
    air_slots: tuple[str, ...] = ()
    origin: str | None = None  # the lineup file, when there is one
    publish_at: datetime | None = None  # hold the episode out of the feeds until then
    expires: datetime | None = None  # drop it from the feeds and the manifest then


class Progress(Protocol):
    """Where long stages report how far they are. The CLI draws it; tests may count it."""

    def start(self, task: str, total: int) -> None: ...

    def advance(self, n: int = 1, detail: str = "") -> None: ...

    def finish(self) -> None: ...


# --- 1. articles -----------------------------------------------------------------


@dataclass(frozen=True)
class LineDecision:
    """Why one input line was kept or dropped (`script --explain`)."""

    line_no: int
    text: str
    kept: bool
    rule: str


@dataclass(frozen=True)
class Article:
    """One news article as read from a page: metadata plus body paragraphs (display text)."""

    source: str  # the path or URL the user named
    title: str
    paragraphs: tuple[str, ...]
    published: datetime | None = None  # timezone-aware (+07:00 when the page gives none)
    author: str | None = None
    url: str | None = None  # link to the original article, when known
    byline: bool = True  # read the author at the end of the item
    warnings: tuple[str, ...] = ()
    decisions: tuple[LineDecision, ...] = ()


# --- 2/3. speech text and segments -------------------------------------------------

SegmentKind = Literal["title", "body", "byline", "announcement"]


@dataclass(frozen=True)
class Residue:
    """Something left in spoken text that a voice would misread."""

    text: str
    position: int  # character offset in the spoken text
    reason: str


@dataclass(frozen=True)
class Segment:
    """The unit of synthesis: one sentence or short paragraph.

    `display` is the text as written (transcripts, chapters); `spoken` is what the voice
    is given.
    """

    kind: SegmentKind
    display: str
    spoken: str
    paragraph: int = 0  # paragraph index inside its part, for pause lengths
    residue: tuple[Residue, ...] = ()
    repairs: tuple[str, ...] = ()  # typing repairs, `'before' -> 'after' (rule)`


@dataclass(frozen=True)
class Script:
    """One article as it will be read: its title, body and byline segments."""

    article: Article
    segments: tuple[Segment, ...]

    @property
    def residue_count(self) -> int:
        return sum(len(s.residue) for s in self.segments)


# --- 4. the running order ---------------------------------------------------------

PartKind = Literal["jingle", "stinger", "speech"]


@dataclass(frozen=True)
class Part:
    """One element of the running order: a jingle, a stinger, or spoken segments."""

    kind: PartKind
    chapter: int  # index into Program.chapter_titles
    segments: tuple[Segment, ...] = ()  # for speech
    audio: Path | None = None  # for jingle and stinger
    pause_after_ms: int = 0
    bed: Path | None = None  # music bed under this speech part, if any


@dataclass(frozen=True)
class Program:
    """The whole running order of one episode, before any audio exists."""

    title: str
    air_date: date
    chapter_titles: tuple[str, ...]
    chapter_urls: tuple[str | None, ...]
    item_chapters: tuple[int, ...]  # chapter index of each item, in order
    parts: tuple[Part, ...]
    air_slot: str = "06:00"  # HH:MM on air_date: with it, the episode's identity and pubDate

    def segments(self) -> tuple[Segment, ...]:
        return tuple(s for p in self.parts for s in p.segments)


# --- 5. voices -------------------------------------------------------------------


@dataclass(frozen=True)
class WordBoundary:
    """One word's timing inside a clip, as the voice reported it."""

    offset_ms: int
    duration_ms: int
    text: str


@dataclass(frozen=True)
class Clip:
    """One segment's audio: a mono 16-bit WAV file (in the cache) and its timings."""

    path: Path
    sample_rate_hz: int
    duration_ms: int
    words: tuple[WordBoundary, ...] = ()


@dataclass(frozen=True)
class VoiceChoice:
    """Which engine and voice read an episode, and why it is not the first choice."""

    engine: str
    voice: str
    fallback_reason: str | None = None


# --- 6. timeline and mastering --------------------------------------------------

CueKind = Literal["jingle", "stinger", "speech", "silence", "bed"]


@dataclass(frozen=True)
class Cue:
    """One piece of audio placed on the program timeline."""

    kind: CueKind
    start_ms: int
    duration_ms: int
    chapter: int
    source: Path | None = None  # None for silence
    source_offset_ms: int = 0  # where the cue starts inside its source (trimmed silence)
    segment: Segment | None = None
    words: tuple[WordBoundary, ...] = ()  # offsets relative to the cue start
    level_db: float = 0.0  # for beds: level under the speech's loudness while it speaks


@dataclass(frozen=True)
class Chapter:
    title: str
    start_ms: int
    end_ms: int
    url: str | None = None


@dataclass(frozen=True)
class Timeline:
    cues: tuple[Cue, ...]  # in sequence, back to back
    chapters: tuple[Chapter, ...]
    beds: tuple[Cue, ...] = ()  # music mixed under the cues they overlap

    @property
    def duration_ms(self) -> int:
        return max((c.start_ms + c.duration_ms for c in self.cues), default=0)


@dataclass(frozen=True)
class Rendition:
    """One encoded MP3 of the program for one loudness/encoding profile."""

    profile: str
    file: str  # file name inside the episode folder
    bytes: int
    sha256: str
    duration_s: float
    sample_rate_hz: int
    channels: int
    bitrate_kbps: int
    integrated_lufs: float
    true_peak_dbtp: float
    target_lufs: float
    true_peak_max_dbtp: float


# --- 8. the episode record --------------------------------------------------------


@dataclass(frozen=True)
class ItemRecord:
    title: str
    author: str | None
    published: str | None  # ISO 8601 with offset
    source: str
    start_s: float
    end_s: float
    url: str | None = None


@dataclass(frozen=True)
class EpisodeRecord:
    """What `episodes/<slug>/episode.json` holds: the single source of truth for feeds."""

    slug: str
    guid: str
    title: str
    published: str  # ISO 8601 with offset
    description: str
    engine: str
    voice: str
    profile: str
    audio: Rendition
    items: tuple[ItemRecord, ...]
    renditions: tuple[Rendition, ...] = ()
    chapters: tuple[Chapter, ...] = ()
    voice_fallback: str | None = None
    residue_count: int = 0
    priority: Priority = "thong_thuong"
    air_slots: tuple[str, ...] = ()
    publish_at: str | None = None
    expires: str | None = None
    extra_files: tuple[str, ...] = field(default=())  # transcripts, chapters JSON, ...
