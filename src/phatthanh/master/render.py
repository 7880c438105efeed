"""Timeline -> one master PCM file (and the loudspeaker band master), measured as written.

The master is streamed cue by cue into a mono 16-bit WAV at 44.1 kHz (the program is never
held in memory): music keeps its highs up to 20 kHz in every rendition; speech clips are read
from copies resampled once and kept beside them (clips.py), jingles and beds at another rate
are resampled in memory. Short fades at joins, jingles matched in loudness to the speech,
beds mixed under speech. While each chunk is written, its BS.1770 loudness is metered in
process (meter.py) and, when a profile needs it, the same PCM is fed to the ffmpeg that
makes the speech band (band.py), whose output is metered too; encode.py then plans every
encoder's gain from these measurements, with no measuring pass over the program
(../shared/specs/standards.md §7).
"""

from __future__ import annotations

import math
import time
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from phatthanh.master.band import SpeechBand
from phatthanh.master.bed import Bed
from phatthanh.master.clips import at_rate, clip_loudness, resampled
from phatthanh.master.layout import loudness, read_wav
from phatthanh.master.meter import LoudnessMeter
from phatthanh.master.steps import Steps, counted
from phatthanh.model import Timeline

MASTER_RATE_HZ = 44100
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


def _levels(meter: LoudnessMeter) -> Levels:
    energy, peak = meter.steps()
    return Levels(meter.rate_hz, meter.step_ms, energy, peak, meter.integrated_lufs())


def write_master(
    timeline: Timeline, path: Path, band_path: Path | None = None, steps: Steps | None = None
) -> MasterLevels:
    """Stream every cue into the master WAV at 44.1 kHz, metering it on the way, and feed the
    same PCM to the ffmpeg that writes the speech band into `band_path` (when given);
    `steps` advances by one per cue written."""
    rate = MASTER_RATE_HZ
    frames = round(timeline.duration_ms * rate / 1000)
    meter = LoudnessMeter(rate, frames_hint=frames)
    band = SpeechBand(band_path, rate, frames) if band_path is not None else None
    metering = 0.0
    try:
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            for samples in _program(timeline, rate, steps):
                pcm = (samples * 32767.0).astype("<i2").tobytes()  # within -1..1: no clip
                out.writeframes(pcm)
                if band is not None:
                    band.feed(pcm)
                started = time.perf_counter()
                meter.add(samples)
                metering += time.perf_counter() - started
        started = time.perf_counter()
        band_meter = band.close() if band is not None else None
        metering += time.perf_counter() - started
    except BaseException:
        if band is not None:
            band.kill()
        raise
    return MasterLevels(
        _levels(meter), _levels(band_meter) if band_meter is not None else None, metering
    )


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
            samples = _cue_samples(
                cue.source, cue.source_offset_ms, frames, rate, cue.kind == "speech"
            )
            if cue.kind in ("jingle", "stinger") and speech_lufs is not None:
                if cue.source not in jingle_gain:
                    jingle_gain[cue.source] = _jingle_gain(cue.source, speech_lufs)
                samples *= jingle_gain[cue.source]
            ramp = np.linspace(0.0, 1.0, min(fade, len(samples) // 2), dtype=np.float32)
            if ramp.size:
                samples[: ramp.size] *= ramp
                samples[-ramp.size :] *= ramp[::-1]
            samples = bed.mix(samples, written, speaking=cue.kind == "speech")
        yield np.clip(samples, -1.0, 1.0, out=samples)
        written += frames


def _cue_samples(
    source: Path, offset_ms: int, frames: int, rate_hz: int, speech: bool
) -> np.ndarray:
    """`frames` samples of the cue at `rate_hz`: speech from its kept resampled copy, music
    (or a clip whose copy cannot be kept) resampled in memory, only the part used."""
    path = at_rate(source, rate_hz) if speech else None
    samples, rate = read_wav(path or source)
    if rate != rate_hz:
        margin = 64
        lo = max(0, offset_ms * rate // 1000 - margin)
        hi = min(
            len(samples), offset_ms * rate // 1000 + math.ceil(frames * rate / rate_hz) + margin
        )
        samples = resampled(samples[lo:hi], rate, rate_hz)
        start = round(offset_ms * rate_hz / 1000) - round(lo * rate_hz / rate)
    else:
        start = round(offset_ms * rate_hz / 1000)
    piece = samples[start : start + frames]
    if len(piece) < frames:
        piece = np.concatenate([piece, np.zeros(frames - len(piece), dtype=np.float32)])
    return piece  # a view of samples read (or resampled) for this cue alone: no copy


def _speech_loudness(timeline: Timeline) -> float | None:
    """Energy-weighted loudness of the speech clips (each measured with BS.1770)."""
    energy = seconds = 0.0
    measured: dict[Path, float | None] = {}
    for cue in timeline.cues:
        if cue.kind != "speech" or cue.source is None:
            continue
        if cue.source not in measured:
            measured[cue.source] = clip_loudness(cue.source, MASTER_RATE_HZ)
        value = measured[cue.source]
        if value is not None:
            energy += cue.duration_ms * 10 ** (value / 10)
            seconds += cue.duration_ms
    return 10 * math.log10(energy / seconds) if seconds else None


def _jingle_gain(source: Path, speech_lufs: float) -> float:
    samples, rate = read_wav(source)
    value = loudness(samples, rate)
    return 1.0 if value is None else float(10 ** ((speech_lufs - value) / 20))
