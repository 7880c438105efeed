"""The running order of the draft as text, with a duration estimate: `arrange` on the
draft's scripts (no audio is made), speech timed at the voice's speaking rate."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import mutagen

from phatthanh.clean import Normalizer
from phatthanh.config import Config
from phatthanh.model import Lineup, Script
from phatthanh.prepare import air_moment, prepare_station
from phatthanh.program import arrange


@dataclass(frozen=True)
class OrderLine:
    kind: str  # jingle | stinger | speech
    chapter: str
    text: str  # what is read, or the audio file's name
    duration_s: float


@dataclass(frozen=True)
class RunningOrder:
    lines: tuple[OrderLine, ...]
    air: str  # YYYY-MM-DD HH:MM
    duration_s: float


def running_order(scripts: Sequence[Script], lineup: Lineup, config: Config) -> RunningOrder:
    """The program `build-episode` would arrange for these scripts, timed roughly: words at
    the espeak rate ([voices.espeak] rate_wpm), jingles at their file length, plus pauses."""
    kit = prepare_station(config)
    when = air_moment(config.site, config.publish.publish_time, None, None, lineup)
    program = arrange(scripts, lineup, None, when, config.program, kit, Normalizer(config.speech))
    words_per_s = config.voices.espeak.rate_wpm / 60
    lines: list[OrderLine] = []
    for part in program.parts:
        chapter = program.chapter_titles[part.chapter]
        pause_s = part.pause_after_ms / 1000
        if part.audio is not None:
            text, seconds = part.audio.name, _audio_s(part.audio)
        else:
            text = " ".join(s.spoken for s in part.segments)
            seconds = len(text.split()) / words_per_s
        lines.append(OrderLine(part.kind, chapter, text, seconds + pause_s))
    total = sum(line.duration_s for line in lines)
    return RunningOrder(tuple(lines), when.strftime("%Y-%m-%d %H:%M"), total)


def _audio_s(path: Path) -> float:
    info = mutagen.File(path)
    return float(info.info.length) if info is not None else 0.0
