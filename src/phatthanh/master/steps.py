"""Progress of mastering, step by step: the master written cue by cue, the loudness
measured, and each rendition calibrated, encoded (by seconds of audio, from ffmpeg's own
progress report) and verified. Reports go through one lock (any thread may report)."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator, Sequence

from phatthanh.model import Cue, Progress, Timeline


def program_seconds(timeline: Timeline) -> int:
    """The units one encode reports: whole seconds of the program, at least one."""
    return max(1, math.ceil(timeline.duration_ms / 1000))


def mastering_total(cues: Sequence[Cue], seconds: int, renditions: int) -> int:
    """Every unit mastering reports: one per cue, one for the loudness measurement, and per
    rendition one for calibration, `seconds` for the encode and one for verification."""
    return len(cues) + 1 + renditions * (seconds + 2)


def counted(cues: Sequence[Cue], steps: Steps | None) -> Iterator[Cue]:
    """The cues, advancing `steps` once each cue's body has run (skipped ones too)."""
    for number, cue in enumerate(cues, start=1):
        yield cue
        if steps is not None:
            steps.advance(1, f"master: cue {number}/{len(cues)}")


class Steps:
    """A thread-safe view of a Progress (or of none) for the mastering steps."""

    def __init__(self, progress: Progress | None, seconds: int) -> None:
        self._progress = progress
        self._lock = threading.Lock()
        self.seconds = seconds

    def advance(self, n: int = 1, detail: str = "") -> None:
        if self._progress is None or n <= 0:
            return
        with self._lock:
            self._progress.advance(n, detail)

    def encoding(self, name: str) -> Encoding:
        return Encoding(self, name)


class Encoding:
    """One rendition's encode: `report(seconds)` as ffmpeg writes, `done()` at the end, so
    the encode adds exactly `seconds` units whatever ffmpeg reported."""

    def __init__(self, steps: Steps, name: str) -> None:
        self._steps = steps
        self._name = name
        self._reported = 0

    def report(self, seconds: float) -> None:
        reached = min(self._steps.seconds, int(seconds))
        if reached > self._reported:
            self._steps.advance(
                reached - self._reported, f"{self._name}: {reached}/{self._steps.seconds} s"
            )
            self._reported = reached

    def done(self) -> None:
        self.report(self._steps.seconds)

    @property
    def callback(self) -> Callable[[float], None]:
        return self.report
