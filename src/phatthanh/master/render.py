"""Timeline -> one master PCM file (and the loudspeaker band master), measured as written.

The master is streamed cue by cue into a mono 16-bit WAV at the voice's sample rate (the
program is never held in memory; jingles and beds are resampled to it, the encoders resample
to each profile's rate), with short fades at joins, jingles matched in loudness to the speech, and
beds mixed under speech. While each chunk is written, its BS.1770 loudness is metered in
process (meter.py) and, when a profile needs it, the speech band (band.py) is computed,
metered and written to its own WAV; encode.py then plans every encoder's gain from these
measurements, with no measuring pass over the program (../shared/specs/standards.md §7).
"""

from __future__ import annotations

import math
import time
import wave
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

from phatthanh.master.band import SpeechBand
from phatthanh.master.bed import Bed
from phatthanh.master.layout import loudness, read_wav
from phatthanh.master.meter import LoudnessMeter, step_ms_for
from phatthanh.master.steps import Steps, counted
from phatthanh.model import Timeline

FALLBACK_RATE_HZ = 44100
FADE_MS = 8


@dataclass(frozen=True)
class Levels:
    """What the meter saw of one stream: K-weighted energy and sample peak per step."""

    rate_hz: int
    step_ms: int
    step_energy: np.ndarray
    step_peak: np.ndarray
    integrated_lufs: float


@dataclass(frozen=True)
class MasterLevels:
    master: Levels
    band: Levels | None  # the speech band stream, when one was written
    meter_s: float  # time spent metering and filtering inside the write


class _Stream:
    """One 16-bit WAV being written, with its meter."""

    def __init__(self, path: Path, rate_hz: int) -> None:
        self.out = wave.open(str(path), "wb")  # noqa: SIM115 - closed in close()
        self.out.setnchannels(1)
        self.out.setsampwidth(2)
        self.out.setframerate(rate_hz)
        self.meter = LoudnessMeter(rate_hz)

    def write(self, samples: np.ndarray) -> None:
        pcm = np.clip(samples * 32767.0, -32768, 32767).astype("<i2")
        self.out.writeframes(pcm.tobytes())

    def levels(self) -> Levels:
        energy, peak = self.meter.steps()
        meter = self.meter
        return Levels(meter.rate_hz, meter.step_ms, energy, peak, meter.integrated_lufs())


def write_master(
    timeline: Timeline, path: Path, band_path: Path | None = None, steps: Steps | None = None
) -> MasterLevels:
    """Stream every cue into the master WAV (and the speech band into `band_path`), metering
    both on the way; the speech band is shaped on a second thread, chunk by chunk in order;
    `steps` advances by one per cue written."""
    rate = master_rate(timeline)
    master = _Stream(path, rate)
    band = _Stream(band_path, rate) if band_path is not None else None
    shaper = SpeechBand(rate)
    pending: deque[Future[None]] = deque()
    metering = 0.0
    try:
        with ThreadPoolExecutor(max_workers=1) as worker:
            for samples in _program(timeline, rate, steps):
                master.write(samples)
                if band is not None:
                    pending.append(worker.submit(_shape, shaper, band, samples))
                    if len(pending) > 8:  # bounded: the program never piles up in memory
                        pending.popleft().result()
                started = time.perf_counter()
                master.meter.add(samples)
                metering += time.perf_counter() - started
            started = time.perf_counter()
            while pending:
                pending.popleft().result()
            metering += time.perf_counter() - started
    finally:
        master.out.close()
        if band is not None:
            band.out.close()
    return MasterLevels(master.levels(), band.levels() if band is not None else None, metering)


def _shape(shaper: SpeechBand, band: _Stream, samples: np.ndarray) -> None:
    shaped = shaper.process(samples)
    band.meter.add(shaped)
    band.write(shaped)


def master_rate(timeline: Timeline) -> int:
    """The voice's sample rate (the highest among the speech clips): nothing the voice says
    is resampled in Python, and the encoders convert to each profile's rate in C."""
    rates = set()
    for cue in timeline.cues:
        if cue.kind == "speech" and cue.source is not None and cue.source not in rates:
            with wave.open(str(cue.source)) as w:
                rates.add(w.getframerate())
    rate = max(rates, default=FALLBACK_RATE_HZ)
    return rate if step_ms_for(rate) is not None else FALLBACK_RATE_HZ


def _program(timeline: Timeline, rate: int, steps: Steps | None) -> Iterator[np.ndarray]:
    """The program's samples, one chunk per cue: faded at the joins, jingles matched to the
    speech's loudness, beds mixed under, clipped to full scale."""
    speech_lufs = _speech_loudness(timeline)
    bed = Bed(timeline.beds, speech_lufs, rate)
    jingle_gain: dict[Path, float] = {}
    fade = int(rate * FADE_MS / 1000)
    written = 0
    for cue in counted(timeline.cues, steps):
        target_frames = round((cue.start_ms + cue.duration_ms) * rate / 1000)
        frames = target_frames - written
        if frames <= 0:
            continue
        if cue.source is None:
            samples = bed.mix(np.zeros(frames, dtype=np.float32), written, speaking=False)
        else:
            samples = _cue_samples(cue.source, cue.source_offset_ms, frames, rate)
            if cue.kind in ("jingle", "stinger") and speech_lufs is not None:
                if cue.source not in jingle_gain:
                    jingle_gain[cue.source] = _jingle_gain(cue.source, speech_lufs)
                samples *= jingle_gain[cue.source]
            ramp = np.linspace(0.0, 1.0, min(fade, len(samples) // 2), dtype=np.float32)
            if ramp.size:
                samples[: ramp.size] *= ramp
                samples[-ramp.size :] *= ramp[::-1]
            samples = bed.mix(samples, written, speaking=cue.kind == "speech")
        yield np.clip(samples, -1.0, 1.0)
        written += frames


def _cue_samples(source: Path, offset_ms: int, frames: int, rate_hz: int) -> np.ndarray:
    samples, rate = read_wav(source)
    if rate != rate_hz:  # a jingle or a clip at another rate: resample the part used
        ratio = Fraction(rate_hz, rate)
        margin = 64
        lo = max(0, offset_ms * rate // 1000 - margin)
        hi = min(len(samples), offset_ms * rate // 1000 + math.ceil(frames / ratio) + margin)
        piece = resample_poly(samples[lo:hi], ratio.numerator, ratio.denominator)
        start = round(offset_ms * rate_hz / 1000) - round(lo * ratio)
        samples = piece.astype(np.float32)
    else:
        start = round(offset_ms * rate_hz / 1000)
    piece = samples[start : start + frames]
    if len(piece) < frames:
        piece = np.concatenate([piece, np.zeros(frames - len(piece), dtype=np.float32)])
    return np.array(piece, dtype=np.float32)


def _speech_loudness(timeline: Timeline) -> float | None:
    """Energy-weighted loudness of the speech clips (each measured with BS.1770)."""
    energy = seconds = 0.0
    measured: dict[Path, float | None] = {}
    for cue in timeline.cues:
        if cue.kind != "speech" or cue.source is None:
            continue
        if cue.source not in measured:
            samples, rate = read_wav(cue.source)
            measured[cue.source] = loudness(samples, rate)
        value = measured[cue.source]
        if value is not None:
            energy += cue.duration_ms * 10 ** (value / 10)
            seconds += cue.duration_ms
    return 10 * math.log10(energy / seconds) if seconds else None


def _jingle_gain(source: Path, speech_lufs: float) -> float:
    samples, rate = read_wav(source)
    value = loudness(samples, rate)
    return 1.0 if value is None else float(10 ** ((speech_lufs - value) / 20))
