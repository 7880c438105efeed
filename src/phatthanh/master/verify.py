"""The verification of a finished MP3: decoded in process by libmpg123 (through soundfile, a
second decoder, independent of the ffmpeg that encoded it) and measured: integrated loudness
and 4x true peak (meter.py).

libmpg123 honours the LAME header's encoder delay and padding, as ffmpeg's decoder does, so
both give the same samples (tests/test_master_verify.py). A long file is verified in
`PIECES` pieces side by side on `THREADS` threads (cffi and numpy's products release the GIL):
the renditions' encoders tend to end together, and one thread decoding them one after
another left the second core idle after the encodes. A piece starts at a whole 100 ms step
and decodes `PREROLL_S` before it first (seeking in an MP3 with an Info header is
sample-exact), so the K-weighting's state and the true peak's neighbours are those of the
whole file; its step energies are joined and gated as one.
"""

from __future__ import annotations

import math
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile  # type: ignore[import-untyped]

from phatthanh.errors import AudioError
from phatthanh.i18n import gettext
from phatthanh.master.meter import LoudnessMeter, TruePeakMeter, gated_lufs

THREADS = 2  # the machine's cores, at least on the build servers; each thread keeps an arena
PIECES = 2
MIN_PIECE_S = 60  # a shorter file is one piece: its pre-roll would be a large share
PREROLL_S = 1  # the 38 Hz high-pass settles in about 30 ms
DECODE_FRAMES = 1 << 16  # samples decoded and metered at a time (1.4-3 s of audio)
STEP_MS = 100  # the meter's step: 400 ms blocks with a 100 ms hop need no finer


@dataclass(frozen=True)
class Measured:
    integrated_lufs: float
    true_peak_dbtp: float


def open_mp3(path: Path, rate_hz: int) -> soundfile.SoundFile:
    """`path` opened for decoding; AudioError naming it if it is not a mono MP3 at
    `rate_hz` (ffmpeg was told both: a broken encoder or decoder)."""
    try:
        sound = soundfile.SoundFile(path)
    except soundfile.LibsndfileError as exc:
        raise AudioError(
            gettext("{path}: cannot read ({strerror})").format(path=path, strerror=exc.error_string)
        ) from None
    found = (sound.samplerate, sound.channels)
    if found != (rate_hz, 1):
        sound.close()
        strerror = f"decoded as {found[0]} Hz, {found[1]} channels, not {rate_hz} Hz mono"
        raise AudioError(gettext("{path}: cannot read ({strerror})").format(
            path=path, strerror=strerror))  # fmt: skip
    return sound


def _piece(path: Path, rate_hz: int, start: int, stop: int | None) -> tuple[np.ndarray, float]:
    """K-weighted energy of every whole step in [start, stop) (None: to the end) and the
    true peak there, decoded from `PREROLL_S` before `start`."""
    loud, peak = LoudnessMeter(rate_hz, step_ms=STEP_MS), TruePeakMeter()
    lead = min(start, PREROLL_S * rate_hz)  # whole steps: STEP_MS divides a second
    with open_mp3(path, rate_hz) as sound:
        sound.seek(start - lead)
        left = math.inf if stop is None else stop - start + lead
        block = np.empty(DECODE_FRAMES, dtype=np.float32)
        while left > 0:
            samples = sound.read(dtype="float32", out=block[: int(min(left, len(block)))])
            if not len(samples):
                break
            loud.add(samples)
            peak.add(samples)
            left -= len(samples)
    return loud.steps()[0][lead // loud.step :], peak.peak


class Verification:
    """One finished MP3 being decoded and measured on `pool`, in pieces when it is long."""

    def __init__(self, pool: Executor, path: Path, rate_hz: int, pieces: int = PIECES) -> None:
        with open_mp3(path, rate_hz) as sound:  # fails here, in the caller, if unreadable
            frames = sound.frames
        step = rate_hz * STEP_MS // 1000
        pieces = max(1, min(pieces, frames // (MIN_PIECE_S * rate_hz)))
        bounds = [frames * i // pieces // step * step for i in range(pieces)]
        self.step = step
        self.futures: list[Future[tuple[np.ndarray, float]]] = [
            pool.submit(_piece, path, rate_hz, start, stop)
            for start, stop in zip(bounds, [*bounds[1:], None], strict=True)
        ]

    def done(self) -> bool:
        return all(future.done() for future in self.futures)

    def result(self) -> Measured:
        """Loudness and true peak of the whole file (raises what a piece raised)."""
        parts = [future.result() for future in self.futures]
        energy = np.concatenate([energy for energy, _ in parts])
        peak = max(peak for _, peak in parts)
        dbtp = 20 * math.log10(peak) if peak > 0 else -math.inf
        return Measured(gated_lufs(energy, self.step, 1), dbtp)

    def cancel(self) -> None:
        for future in self.futures:
            future.cancel()
