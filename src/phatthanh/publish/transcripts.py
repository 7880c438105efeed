"""Transcripts and chapters beside the MP3.

WebVTT (W3C) and SRT showing the *display* text at the time its spoken form is heard: one
cue per segment, or per word group where the voice reported word boundaries; music is
marked so the last cue reaches the end of the audio. Chapters JSON per the Podcasting 2.0
JSON chapters format (version 1.2.0).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

from phatthanh.model import Chapter, Cue, Program, Timeline

MAX_CUE_CHARS = 84  # about two lines of a player's caption area
_MUSIC = {"jingle": "[Nhạc hiệu]", "stinger": "[Nhạc chuyển]"}


def _cues(timeline: Timeline) -> Iterator[tuple[int, int, str]]:
    """(start_ms, end_ms, text) for every piece of speech or music."""
    for cue in timeline.cues:
        end = cue.start_ms + cue.duration_ms
        if cue.kind in _MUSIC:
            yield cue.start_ms, end, _MUSIC[cue.kind]
        elif cue.kind == "speech" and cue.segment is not None:
            yield from _split(cue, end)


def _split(cue: Cue, end: int) -> Iterator[tuple[int, int, str]]:
    text = cue.segment.display if cue.segment else ""
    if len(text) <= MAX_CUE_CHARS:
        yield cue.start_ms, end, text
        return
    groups: list[list[str]] = [[]]
    for word in text.split():
        if groups[-1] and len(" ".join([*groups[-1], word])) > MAX_CUE_CHARS:
            groups.append([])
        groups[-1].append(word)
    words = cue.words
    if words and len(words) == len(text.split()):
        # Word-level timing from the voice: each group starts when its first word is heard.
        # (Only when the display words line up one to one with the spoken ones; numbers and
        # abbreviations read as several words break that, and proportion is used instead.)
        index = 0
        for n, group in enumerate(groups):
            start = cue.start_ms + words[index].offset_ms
            index += len(group)
            stop = end if n == len(groups) - 1 else cue.start_ms + words[index].offset_ms
            yield start if n else cue.start_ms, stop, " ".join(group)
        return
    # Otherwise share the time among word groups in proportion to their length.
    joined = [" ".join(g) for g in groups]
    yield from _proportional(cue, end, joined)


def _proportional(cue: Cue, end: int, groups: list[str]) -> Iterator[tuple[int, int, str]]:
    total = sum(len(g) for g in groups)
    at = cue.start_ms
    for i, group in enumerate(groups):
        stop = end if i == len(groups) - 1 else at + cue.duration_ms * len(group) // total
        yield at, stop, group
        at = stop


def _stamp(ms: int, sep: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{sep}{millis:03d}"


def vtt(timeline: Timeline) -> str:
    # Only the signature line: "Kind:"/"Language:" headers are an HLS convention that strict
    # WebVTT parsers reject; the language is in the feed's podcast:transcript element.
    lines = ["WEBVTT", ""]
    for start, end, text in _cues(timeline):
        lines += [f"{_stamp(start, '.')} --> {_stamp(end, '.')}", text, ""]
    return "\n".join(lines)


def srt(timeline: Timeline) -> str:
    lines: list[str] = []
    for n, (start, end, text) in enumerate(_cues(timeline), start=1):
        lines += [str(n), f"{_stamp(start, ',')} --> {_stamp(end, ',')}", text, ""]
    return "\n".join(lines)


def chapters_json(chapters: Sequence[Chapter]) -> str:
    data = {
        "version": "1.2.0",
        "chapters": [
            {
                "startTime": round(c.start_ms / 1000, 3),
                "endTime": round(c.end_ms / 1000, 3),
                "title": c.title,
                **({"url": c.url} if c.url else {}),
            }
            for c in chapters
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def script_text(program: Program) -> str:
    """What was read, segment by segment: display text, then the spoken form if different."""
    out = [f"{program.title} ({program.air_date.isoformat()})", ""]
    for part in program.parts:
        if part.kind != "speech":
            out.append(f"[{part.kind}]")
            continue
        for segment in part.segments:
            out.append(f"[{segment.kind}] {segment.display}")
            if segment.spoken != segment.display:
                out.append(f"    -> {segment.spoken}")
    return "\n".join(out) + "\n"
