"""Timeline -> one master PCM file -> one MP3 per profile, each measured on the final file.

Loudness per ITU-R BS.1770 / EBU R 128 (../shared/specs/standards.md §7): ffmpeg's
`ebur128` meter measures the program through the profile's filters, a linear gain brings it
to the target, a limiter keeps true peaks below the ceiling (no `loudnorm` dynamic mode: it
misses on speech and resamples to 192 kHz, G6), and the encoded MP3 is measured again; if it
landed more than TOLERANCE_LU off or above the ceiling it is re-encoded (at most 3 times) with
the correction. MP3 per §8: MPEG-1 layer III, mono, CBR, Info header (written to a real file,
never a pipe, G7), no ID3 from ffmpeg (tags.py writes ID3v2.3).

The master is streamed cue by cue into a WAV file; the program is never held in memory.
"""

from __future__ import annotations

import logging
import math
import re
import wave
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import ffmpeg
import numpy as np
from scipy.signal import resample_poly

from phatthanh.errors import AudioError
from phatthanh.ffmpeg import run_ffmpeg
from phatthanh.i18n import gettext
from phatthanh.master.bed import Bed
from phatthanh.master.layout import loudness, read_wav
from phatthanh.master.settings import Profile
from phatthanh.master.steps import Steps, counted
from phatthanh.model import Timeline

log = logging.getLogger(__name__)
MASTER_RATE_HZ = 44100
FADE_MS = 8
TOLERANCE_LU = 0.4  # ebur128 reports one decimal; the bound is 0.5
PEAK_MARGIN_DB = 1.0  # MP3 coding adds overshoot above the limiter's ceiling
_SUMMARY_I = re.compile(r"Integrated loudness:\s*I:\s*(-?[\d.]+|-inf) LUFS")
_SUMMARY_TP = re.compile(r"True peak:\s*Peak:\s*(-?[\d.]+|-inf) dBFS")


@dataclass(frozen=True)
class Measured:
    integrated_lufs: float
    true_peak_dbtp: float


def write_master(timeline: Timeline, path: Path, steps: Steps | None = None) -> None:
    """Stream every cue into one mono 16-bit WAV at 44.1 kHz, with short fades at joins,
    jingles matched in loudness to the speech around them, and beds mixed under speech;
    `steps` advances by one per cue written."""
    speech_lufs = _speechloudness(timeline)
    bed = Bed(timeline.beds, speech_lufs, MASTER_RATE_HZ)
    jingle_gain: dict[Path, float] = {}
    fade = int(MASTER_RATE_HZ * FADE_MS / 1000)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(MASTER_RATE_HZ)
        written = 0
        for cue in counted(timeline.cues, steps):
            target_frames = round((cue.start_ms + cue.duration_ms) * MASTER_RATE_HZ / 1000)
            frames = target_frames - written
            if frames <= 0:
                continue
            if cue.source is None:
                quiet = bed.mix(np.zeros(frames, dtype=np.float32), written, speaking=False)
                out.writeframes(np.clip(quiet * 32767.0, -32768, 32767).astype("<i2").tobytes())
                written += frames
                continue
            samples = _cue_samples(cue.source, cue.source_offset_ms, frames)
            if cue.kind in ("jingle", "stinger") and speech_lufs is not None:
                if cue.source not in jingle_gain:
                    jingle_gain[cue.source] = _jingle_gain(cue.source, speech_lufs)
                samples = samples * jingle_gain[cue.source]
            ramp = np.linspace(0.0, 1.0, min(fade, len(samples) // 2), dtype=np.float32)
            if ramp.size:
                samples[: ramp.size] *= ramp
                samples[-ramp.size :] *= ramp[::-1]
            samples = bed.mix(samples, written, speaking=cue.kind == "speech")
            pcm = np.clip(samples * 32767.0, -32768, 32767).astype("<i2")
            out.writeframes(pcm.tobytes())
            written += len(pcm)


def _cue_samples(source: Path, offset_ms: int, frames: int) -> np.ndarray:
    samples, rate = read_wav(source)
    if rate != MASTER_RATE_HZ:
        ratio = Fraction(MASTER_RATE_HZ, rate)
        samples = resample_poly(samples, ratio.numerator, ratio.denominator).astype(np.float32)
    start = round(offset_ms * MASTER_RATE_HZ / 1000)
    piece = samples[start : start + frames]
    if len(piece) < frames:
        piece = np.concatenate([piece, np.zeros(frames - len(piece), dtype=np.float32)])
    return np.array(piece, dtype=np.float32)


def _speechloudness(timeline: Timeline) -> float | None:
    """Energy-weighted loudness of the speech clips (each measured with BS.1770)."""
    energy = seconds = 0.0
    for cue in timeline.cues:
        if cue.kind != "speech" or cue.source is None:
            continue
        samples, rate = read_wav(cue.source)
        value = loudness(samples, rate)
        if value is not None:
            energy += cue.duration_ms * 10 ** (value / 10)
            seconds += cue.duration_ms
    return 10 * math.log10(energy / seconds) if seconds else None


def _jingle_gain(source: Path, speech_lufs: float) -> float:
    samples, rate = read_wav(source)
    value = loudness(samples, rate)
    return 1.0 if value is None else float(10 ** ((speech_lufs - value) / 20))


def _chain(stream: Any, profile: Profile, gain_db: float | None, ceiling_db: float) -> Any:
    """The profile's filters: speech band and compression, then gain and a limiter."""
    if profile.speech_band:
        for _ in range(2):  # two 2-pole sections each side: 24 dB per octave
            stream = stream.filter("highpass", f=120).filter("lowpass", f=8000)
        stream = stream.filter(
            "acompressor", threshold=0.125, ratio=2.5, attack=15, release=250, knee=4
        )
    if gain_db is not None:
        stream = stream.filter("volume", volume=f"{gain_db:.3f}dB")
        stream = stream.filter(
            "alimiter", limit=10 ** (ceiling_db / 20), level="disabled", attack=5, release=80,
            asc="enabled",
        )  # fmt: skip
    return stream


def measure_program(master: Path, profile: Profile) -> float:
    """Integrated loudness of the master as this profile's filters shape it."""
    stream = _chain(ffmpeg.input(str(master)).audio, profile, None, 0.0)
    stream = stream.filter("ebur128", framelog="quiet")
    args = ffmpeg.output(stream, "-", format="null").get_args()
    stderr = run_ffmpeg(["-nostats", *args]).stderr.decode("utf-8", "replace")
    return _parse(stderr).integrated_lufs


def measure_programs(master: Path, profiles: Sequence[Profile]) -> list[float]:
    """The program loudness for each profile: one measurement per distinct filter chain,
    the chains measured in parallel."""
    chains = {p.speech_band: p for p in profiles}
    with ThreadPoolExecutor(max_workers=2) as pool:
        levels = dict(zip(chains, pool.map(lambda p: measure_program(master, p),
                                           chains.values()), strict=True))  # fmt: skip
    return [levels[p.speech_band] for p in profiles]


def measure_file(path: Path) -> Measured:
    """Integrated loudness and 4x-oversampled true peak of a finished file (ebur128)."""
    stream = ffmpeg.input(str(path)).audio.filter("ebur128", peak="true", framelog="quiet")
    args = ffmpeg.output(stream, "-", format="null").get_args()
    return _parse(run_ffmpeg(["-nostats", *args]).stderr.decode("utf-8", "replace"))


def _parse(stderr: str) -> Measured:
    found_i = _SUMMARY_I.findall(stderr)
    if not found_i:
        raise AudioError(gettext("ffmpeg's loudness meter printed no summary"))
    found_tp = _SUMMARY_TP.findall(stderr)
    tp = float(found_tp[-1]) if found_tp else float("nan")
    return Measured(float(found_i[-1]), tp)


def encode(
    master: Path,
    out: Path,
    profile: Profile,
    gain_db: float,
    ceiling_db: float,
    on_progress: Callable[[float], None] | None = None,
) -> None:
    """Encode one rendition; `on_progress` gets the seconds encoded so far."""
    stream = _chain(ffmpeg.input(str(master)).audio, profile, gain_db, ceiling_db)
    if profile.sample_rate_hz != MASTER_RATE_HZ:
        stream = stream.filter("aresample", profile.sample_rate_hz)
    output = ffmpeg.output(
        stream, str(out), acodec="libmp3lame", ac=1, ar=profile.sample_rate_hz,
        audio_bitrate=f"{profile.bitrate_kbps}k", write_xing=1, id3v2_version=0,
        write_id3v1=0, map_metadata=-1, f="mp3",
    ).overwrite_output()  # fmt: skip
    run_ffmpeg(["-nostats", *output.get_args()], on_progress=on_progress)


def excerpt(master: Path, out: Path, pieces: int = 30, piece_s: float = 1.0) -> None:
    """Short pieces from across the master, for calibrating the encoder cheaply."""
    with wave.open(str(master)) as src, wave.open(str(out), "wb") as dst:
        dst.setparams(src.getparams())
        total = src.getnframes()
        length = int(piece_s * src.getframerate())
        if total <= pieces * length:
            dst.writeframes(src.readframes(total))
            return
        for i in range(pieces):
            src.setpos(i * (total - length) // (pieces - 1))
            dst.writeframes(src.readframes(length))


def chain_loss(
    sample: Path, work: Path, profile: Profile, gain_db: float, ceiling_db: float
) -> float:
    """How far below `level + gain` the finished MP3 lands (LU), measured on an excerpt: the
    limiter shaves peaks and the perceptual coder drops masked harmonics, which on
    synthetic speech costs 0.5-1.5 LU together."""
    plain = _chain(ffmpeg.input(str(sample)).audio, profile, None, 0.0)
    plain = plain.filter("ebur128", framelog="quiet")
    stderr = run_ffmpeg(["-nostats", *ffmpeg.output(plain, "-", format="null").get_args()])
    expected = _parse(stderr.stderr.decode("utf-8", "replace")).integrated_lufs + gain_db
    encoded = work / f"excerpt-{profile.bitrate_kbps}-{profile.speech_band}.mp3"
    encode(sample, encoded, profile, gain_db, ceiling_db)
    return expected - measure_file(encoded).integrated_lufs


def master_profiles(
    master: Path, outputs: Sequence[tuple[Path, Profile]], work: Path, steps: Steps | None = None
) -> list[Measured]:
    """Encode every rendition on target, once each: measure the program per filter chain,
    calibrate the loss of limiter and encoder on an excerpt, then encode and verify every
    finished file on two workers (LAME and the meter are single-threaded); a file that
    still missed is re-encoded with the measured correction. `steps` advances by one for the
    measurement, and per rendition by one when calibrated, by the seconds encoded as the
    encode goes, and by one when verified (re-encodes add nothing)."""
    steps = steps or Steps(None, 1)
    profiles = [profile for _, profile in outputs]
    levels = measure_programs(master, profiles)
    steps.advance(1, gettext("loudness measured"))
    if not all(math.isfinite(v) for v in levels):
        raise AudioError(gettext("the program is silent; check the voice and the clips"))
    sample = work / "excerpt.wav"
    excerpt(master, sample)
    plans: list[list[float]] = []
    for (out, profile), level in zip(outputs, levels, strict=True):
        base = profile.target_lufs - level
        ceiling = profile.true_peak_max_dbtp - PEAK_MARGIN_DB
        gain = base
        for _ in range(3):  # the loss grows with the gain (the limiter works harder)
            gain = base + chain_loss(sample, work, profile, gain, ceiling)
        plans.append([gain, ceiling])
        steps.advance(1, gettext("{name}: calibrated").format(name=out.name))

    def encoded(out: Path, profile: Profile, plan: list[float]) -> None:
        encoding = steps.encoding(out.name)
        encode(master, out, profile, plan[0], plan[1], encoding.callback)
        encoding.done()

    def verified(out: Path) -> Measured:
        measured = measure_file(out)
        steps.advance(1, f"{out.name}: {measured.integrated_lufs:.1f} LUFS")
        return measured

    with ThreadPoolExecutor(max_workers=2) as pool:
        encodes = [
            pool.submit(encoded, out, profile, plan)
            for (out, profile), plan in zip(outputs, plans, strict=True)
        ]
        checks = []
        for (out, _), job in zip(outputs, encodes, strict=True):
            job.result()
            checks.append(pool.submit(verified, out))
        results = [check.result() for check in checks]
    for i, ((out, profile), plan) in enumerate(zip(outputs, plans, strict=True)):
        tried: list[tuple[float, float]] = []
        for _ in range(3):
            off = profile.target_lufs - results[i].integrated_lufs
            over = results[i].true_peak_dbtp - profile.true_peak_max_dbtp
            if abs(off) <= TOLERANCE_LU and over <= 0:
                break
            log.info("%s landed at %s; re-encoding with a correction", out.name, results[i])
            tried.append((plan[0], results[i].integrated_lufs))
            slope = 1.0
            if len(tried) > 1 and tried[-1][0] != tried[-2][0]:  # secant: the limiter bends it
                slope = (tried[-1][1] - tried[-2][1]) / (tried[-1][0] - tried[-2][0])
                slope = min(1.0, max(0.2, slope))
            plan[0] += off / slope
            if over > 0:
                plan[1] -= over + 0.2
            encode(master, out, profile, plan[0], plan[1])
            results[i] = measure_file(out)
    return results
