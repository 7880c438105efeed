"""A music bed mixed under speech while the master is streamed (optional; [program] bed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from phatthanh.master.clips import resampled
from phatthanh.master.layout import loudness, read_wav
from phatthanh.model import Cue


class Bed:
    """Music under speech: ducked `level_db` under the speech while it speaks, 8 LU under it
    in the pauses, with ramps of RAMP_MS between levels and fades in and out at its ends."""

    RAMP_MS = 150
    FADE_MS = 500
    OPEN_DB = -8.0

    def __init__(self, beds: tuple[Cue, ...], speech_lufs: float | None, rate_hz: int) -> None:
        self.rate_hz = rate_hz
        self.spans = [
            (round(c.start_ms * self.rate_hz / 1000),
             round((c.start_ms + c.duration_ms) * self.rate_hz / 1000), c)
            for c in beds if c.source is not None
        ]  # fmt: skip
        self.speech_lufs = speech_lufs
        self.audio: dict[Path, tuple[np.ndarray, float]] = {}
        self.gain = 0.0
        self.step = 1.0 / (self.RAMP_MS * self.rate_hz / 1000)

    def _source(self, path: Path) -> tuple[np.ndarray, float]:
        if path not in self.audio:
            samples, rate = read_wav(path)
            if rate != self.rate_hz:
                samples = resampled(samples, rate, self.rate_hz)
            self.audio[path] = (
                samples.astype(np.float32),
                loudness(samples, self.rate_hz) or -20,
            )
        return self.audio[path]

    def mix(self, chunk: np.ndarray, first: int, speaking: bool) -> np.ndarray:
        for start, end, cue in self.spans:
            lo, hi = max(first, start), min(first + len(chunk), end)
            if lo >= hi or self.speech_lufs is None:
                continue
            assert cue.source is not None
            music, music_lufs = self._source(cue.source)
            index = np.arange(lo - start, hi - start)
            piece = music[index % len(music)]  # a short bed loops
            level = cue.level_db if speaking else self.OPEN_DB
            target = 10 ** ((self.speech_lufs + level - music_lufs) / 20)
            size = self.step * max(target, self.gain)  # RAMP_MS from one level to the other
            ramp = self.gain + np.cumsum(np.full(hi - lo, size)) * np.sign(target - self.gain)
            gains = np.minimum(ramp, target) if target >= self.gain else np.maximum(ramp, target)
            self.gain = float(gains[-1])
            fade = int(self.FADE_MS * self.rate_hz / 1000)
            edges = np.minimum(1.0, np.minimum(index + 1, (end - start) - index) / fade)
            chunk[lo - first : hi - first] += piece * gains * edges
        return chunk
