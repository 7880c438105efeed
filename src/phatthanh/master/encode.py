"""Master WAV -> one MP3 per profile, each encoded once on target and verified by decoding.

Loudness per ITU-R BS.1770 / EBU R 128 (../shared/specs/standards.md §7): the gain of every
encoder is planned before it starts, from what the meter saw while the master was written:
a limiter (ffmpeg `alimiter`, no `loudnorm`: its dynamic mode misses on speech and
resamples to 192 kHz, G6) keeps peaks under the ceiling, and what it takes away is predicted
from the step energies and peaks (a step whose peak the gain pushes over the ceiling
loses the square of the excess, held for `RELEASE_MS`); what the MP3 coder takes away is
measured on a dozen seconds of the program encoded and decoded through pipes.
Every finished MP3 is decoded in process by a second decoder, libmpg123 (soundfile), and
measured (loudness and 4x true peak) while the other renditions still encode; a file more
than `TOLERANCE_LU` off or over its ceiling is re-planned with the loss it showed and
re-encoded, and every encode is counted. MP3 per §8: MPEG-1 layer III, mono, CBR, Info
header (written to a real file, never a pipe, G7), no ID3 from ffmpeg (tags.py writes ID3v2.3).
"""

from __future__ import annotations

import logging
import math
import os
import selectors
import time
import wave
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ffmpeg
import numpy as np

from phatthanh.errors import AudioError
from phatthanh.ffmpeg import Piped, mp3_options, progress_seconds, run_ffmpeg
from phatthanh.i18n import gettext
from phatthanh.master.meter import LoudnessMeter, gated_lufs, held_minimum
from phatthanh.master.render import Levels
from phatthanh.master.settings import Profile
from phatthanh.master.steps import Encoding, Steps
from phatthanh.master.verify import THREADS, Measured, Verification

log = logging.getLogger(__name__)
TOLERANCE_LU = 0.4  # the promise is 0.5 on an independent meter
PEAK_MARGIN_DB = 1.0  # MP3 coding adds overshoot above the limiter's ceiling
RELEASE_MS = 20  # how long the limiter's gain stays down after a peak, in effect (80 ms release)
LIMITER_ATTACK_MS, LIMITER_RELEASE_MS = 5, 80
MAX_ENCODES = 3
PROGRESS_BYTES = 4096  # a read of ffmpeg's progress report (a few lines)
POLL_S = 0.05  # how often the build looks at the verifications while encoders run


@dataclass
class MasterStats:
    """Where a render spent its time (seconds per stage) and how often each profile was
    encoded; pass one to `render` to read them (benchmarks and tests do)."""

    seconds: dict[str, float] = field(default_factory=dict)
    encodes: dict[str, int] = field(default_factory=dict)

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds


def predicted_lufs(levels: Levels, gain_db: float, ceiling_db: float) -> float:
    """Loudness of the stream after `gain_db` and a limiter at `ceiling_db` (before coding)."""
    gain = 10 ** (gain_db / 20)
    limit = 10 ** (ceiling_db / 20)
    with np.errstate(divide="ignore"):
        kept = np.minimum(1.0, limit / (gain * levels.step_peak))
    steps = max(1, round(RELEASE_MS / levels.step_ms))
    if steps > 1:
        kept = held_minimum(kept, steps)
    energy = levels.step_energy * np.square(kept) * gain * gain
    step_frames = levels.rate_hz * levels.step_ms // 1000
    return gated_lufs(energy, step_frames, 100 // levels.step_ms)


def plan_gain(levels: Levels, target_lufs: float, ceiling_db: float) -> float:
    """The gain that brings the limited stream to `target_lufs` (secant on the prediction)."""
    gain = target_lufs - levels.integrated_lufs
    previous: tuple[float, float] | None = None
    for _ in range(8):
        off = target_lufs - predicted_lufs(levels, gain, ceiling_db)
        if abs(off) < 0.01:
            break
        slope = 1.0
        if previous is not None and previous[0] != gain:
            slope = min(1.0, max(0.1, (previous[1] - off) / (gain - previous[0])))
        previous = (gain, off)
        gain += off / slope
    return gain


def coding_loss_db(source: Path, profile: Profile, pieces: int = 12) -> float:
    """How much quieter the MP3 coder leaves this program at this profile's settings (LU),
    measured on `pieces` seconds taken evenly across the stream: at 64-128 kbps LAME gives
    back tonal speech about 0.45 dB lower over the whole band (not only above its low-pass),
    noise by other amounts, so the program itself is the reference."""
    with wave.open(str(source)) as w:
        rate, total = w.getframerate(), w.getnframes()
        chunks = []
        for i in range(pieces):
            w.setpos(max(0, i * (total - rate) // max(1, pieces - 1)))
            chunks.append(w.readframes(rate))
    pcm = b"".join(chunks)
    before = LoudnessMeter(rate)
    before.add(np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0)
    mp3 = mp3_options(profile.sample_rate_hz, profile.bitrate_kbps)
    encoder = ffmpeg.input("pipe:", format="s16le", ar=rate, ac=1).output("pipe:", **mp3)
    coded = run_ffmpeg(encoder.get_args(), input_bytes=pcm).stdout
    decoder = ffmpeg.input("pipe:", format="mp3").output("pipe:", format="f32le")
    decoded = run_ffmpeg(decoder.get_args(), input_bytes=coded).stdout
    after = LoudnessMeter(profile.sample_rate_hz)
    after.add(np.frombuffer(decoded, dtype="<f4"))
    loss = before.integrated_lufs() - after.integrated_lufs()
    return loss if math.isfinite(loss) else 0.0


def filtered(stream: Any, gain_db: float, ceiling_db: float, rate_hz: int, source_hz: int) -> Any:
    """The encoder's filter chain on an ffmpeg-python stream: gain, limiter, profile's rate."""
    stream = stream.filter("volume", volume=f"{gain_db:.3f}dB").filter(
        "alimiter", limit=f"{10 ** (ceiling_db / 20):.6f}", level="disabled",
        attack=LIMITER_ATTACK_MS, release=LIMITER_RELEASE_MS, asc="enabled",
    )  # fmt: skip
    if rate_hz != source_hz:
        stream = stream.filter("aresample", rate_hz)
    return stream


class Encoder:
    """One encode in flight (gain, limiter, the profile's rate, LAME into `out`), read only
    for ffmpeg's progress report (`-progress pipe:1`, a line every half second)."""

    def __init__(
        self, source: Path, rate_hz: int, out: Path, profile: Profile, plan: tuple[float, float]
    ) -> None:
        gain_db, ceiling_db = plan
        rate = profile.sample_rate_hz
        stream = filtered(ffmpeg.input(str(source)).audio, gain_db, ceiling_db, rate, rate_hz)
        encoder = stream.output(str(out), **mp3_options(rate, profile.bitrate_kbps))
        args = ["-progress", "pipe:1", *encoder.overwrite_output().get_args()]
        self.run = Piped(args, feed=False)
        assert self.run.proc.stdout is not None
        self.fd = self.run.proc.stdout.fileno()
        self.seconds = 0.0  # of the rendition encoded so far
        self._line = b""  # a progress line split between two reads

    def take(self) -> bool:
        """Read ffmpeg's progress so far; False once it has closed its output."""
        data = os.read(self.fd, PROGRESS_BYTES)
        if not data:
            return False
        *lines, self._line = (self._line + data).split(b"\n")
        for line in lines:
            seconds = progress_seconds(line.decode("ascii", "replace"))
            if seconds is not None:
                self.seconds = seconds
        return True


@dataclass(frozen=True)
class Job:
    """One rendition to make: its profile, the stream it is cut from, and where it goes."""

    name: str
    profile: Profile
    source: Path
    levels: Levels
    out: Path


@dataclass
class _Attempts:
    """A rendition's encodes so far: the coder loss and ceiling the next one plans with."""

    job: Job
    loss_db: float
    ceiling_db: float
    encoding: Encoding
    gain_db: float = 0.0
    count: int = 0

    def start(self) -> Encoder:
        self.gain_db = plan_gain(self.job.levels, self.job.profile.target_lufs + self.loss_db,
                                 self.ceiling_db)  # fmt: skip
        self.count += 1
        job = self.job
        plan = (self.gain_db, self.ceiling_db)
        return Encoder(job.source, job.levels.rate_hz, job.out, job.profile, plan)

    def settled(self, result: Measured) -> bool:
        """True when `result` is on target (or the last encode allowed); else re-plan with
        the loss it showed (the prediction keeps accounting for the limiter)."""
        profile = self.job.profile
        off = profile.target_lufs - result.integrated_lufs
        over = result.true_peak_dbtp - profile.true_peak_max_dbtp
        if (abs(off) <= TOLERANCE_LU and over <= 0) or self.count >= MAX_ENCODES:
            return True
        log.info("%s landed at %s; re-encoding with a correction", self.job.out.name, result)
        self.loss_db = predicted_lufs(self.job.levels, self.gain_db, self.ceiling_db) - (
            result.integrated_lufs
        )
        if over > 0:
            self.ceiling_db -= over + 0.2
        return False


def encode_all(
    jobs: Sequence[Job], stats: MasterStats, steps: Steps | None = None
) -> list[Measured]:
    """Plan, encode and verify every rendition: the encoders run side by side and this
    thread reads their progress (no thread per encoder: each would keep its own malloc
    arena); as each one ends, its MP3 is decoded and measured on `THREADS` threads
    (verify.py) while the others still encode. `steps` advances per rendition by one when
    its coder loss is known, by the seconds encoded as the encode goes, and by one when
    verified (re-encodes add nothing)."""
    steps = steps or Steps(None, 1)
    if not all(math.isfinite(j.levels.integrated_lufs) for j in jobs):
        raise AudioError(gettext("the program is silent; check the voice and the clips"))
    started = time.perf_counter()
    attempts = []
    for job in jobs:
        ceiling = job.profile.true_peak_max_dbtp - PEAK_MARGIN_DB
        loss = coding_loss_db(job.source, job.profile)
        attempts.append(_Attempts(job, loss, ceiling, steps.encoding(job.out.name)))
        steps.advance(1, f"{job.out.name}: calibrated")
    stats.add("loudness", time.perf_counter() - started)
    started = last_encode = time.perf_counter()
    results: dict[int, Measured] = {}
    running: dict[int, Encoder] = {}
    verifying: dict[int, Verification] = {}
    pool = ThreadPoolExecutor(THREADS, thread_name_prefix="verify")
    try:
        with selectors.DefaultSelector() as selector:

            def start(index: int) -> None:
                running[index] = attempts[index].start()
                selector.register(running[index].fd, selectors.EVENT_READ, index)

            for index in range(len(attempts)):
                start(index)
            while running or verifying:
                events = []
                if running:  # a verification ends unannounced: look every POLL_S
                    events = selector.select(timeout=POLL_S if verifying else None)
                else:  # only verifications left: wait for a piece still running to end
                    wait([f for v in verifying.values() for f in v.futures if not f.done()],
                         return_when=FIRST_COMPLETED)  # fmt: skip
                for key, _ in events:
                    index, run = key.data, running[key.data]
                    if run.take():
                        attempts[index].encoding.report(run.seconds)
                        continue
                    selector.unregister(key.fd)
                    del running[index]
                    run.run.finish()
                    attempts[index].encoding.done()
                    name = attempts[index].job.name
                    stats.encodes[name] = stats.encodes.get(name, 0) + 1
                    last_encode = time.perf_counter()
                    job = attempts[index].job
                    verifying[index] = Verification(pool, job.out, job.profile.sample_rate_hz)
                for index in [i for i, v in verifying.items() if v.done()]:
                    result, attempt = verifying.pop(index).result(), attempts[index]
                    if attempt.settled(result):
                        results[index] = result
                        lufs = f"{result.integrated_lufs:.1f} LUFS"
                        steps.advance(1, f"{attempt.job.out.name}: {lufs}")
                    else:
                        start(index)
    except BaseException:
        for run in running.values():
            run.run.kill()
        for check in verifying.values():
            check.cancel()
        raise
    finally:
        pool.shutdown()
    stats.add("encodes", last_encode - started)
    stats.add("verification", time.perf_counter() - last_encode)
    return [results[i] for i in range(len(jobs))]
