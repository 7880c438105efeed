"""Master WAV -> one MP3 per profile, each encoded once on target and verified by decoding.

Loudness per ITU-R BS.1770 / EBU R 128 (../shared/specs/standards.md §7): the gain of every
encoder is planned before it starts, from what the meter saw while the master was written:
a limiter (ffmpeg `alimiter`, no `loudnorm`: its dynamic mode misses on speech and
resamples to 192 kHz, G6) keeps peaks under the ceiling whenever the gain brings any sample
within `LIMITER_SKIP_DB` of it (a rendition whose every sample stays further under needs
none and is encoded without it; if its file then goes over, it is re-encoded with the
limiter), and what the limiter takes away is predicted
from the step energies and peaks (a step whose peak the gain pushes over the ceiling
loses the square of the excess, held for `RELEASE_MS`); what the MP3 coder takes away is
measured on a dozen seconds of the program encoded and decoded through pipes, every
rendition's at once, each encoder starting as soon as its own is known.
Every finished MP3 is decoded in process by a second decoder, libmpg123 (soundfile), and
measured (loudness and 4x true peak) while the other renditions still encode; a file more
than `TOLERANCE_LU` off or over its ceiling is re-planned with the loss it showed and
re-encoded, and every encode is counted. MP3 per §8: MPEG-1 layer III, mono, CBR, Info
header (written to a real file, never a pipe, G7), no ID3 from ffmpeg (tags.py writes ID3v2.3).
"""

from __future__ import annotations

import logging
import math
import selectors
import time
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, as_completed, wait
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from phatthanh.errors import AudioError
from phatthanh.i18n import gettext
from phatthanh.master.encoder import Encoder, coding_loss_db
from phatthanh.master.meter import gated_lufs, held_minimum
from phatthanh.master.render import Levels
from phatthanh.master.settings import Profile
from phatthanh.master.steps import Encoding, Steps
from phatthanh.master.verify import THREADS, Measured, Verification

log = logging.getLogger(__name__)
__all__ = ["Encoder", "Job", "MasterStats", "coding_loss_db", "encode_all", "plan_gain"]
TOLERANCE_LU = 0.4  # the promise is 0.5 on an independent meter
PEAK_MARGIN_DB = 1.0  # MP3 coding adds overshoot above the limiter's ceiling
LIMITER_SKIP_DB = 0.5  # no limiter when every sample stays this far under its ceiling
RELEASE_MS = 20  # how long the limiter's gain stays down after a peak, in effect (80 ms release)
MAX_ENCODES = 3
POLL_S = 0.05  # how often the build looks at the verifications while encoders run


@dataclass
class MasterStats:
    """Where a render spent its time (seconds per stage) and how often each profile was
    encoded; pass one to `render` to read them (benchmarks and tests do)."""

    seconds: dict[str, float] = field(default_factory=dict)
    encodes: dict[str, int] = field(default_factory=dict)
    limited: dict[str, int] = field(default_factory=dict)  # encodes that ran the limiter

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


def needs_limiter(levels: Levels, gain_db: float, ceiling_db: float) -> bool:
    """Whether `gain_db` brings any sample of the stream (the steps' sample peaks) within
    `LIMITER_SKIP_DB` of the limiter's ceiling; the margin, on top of `PEAK_MARGIN_DB`,
    covers the peaks between samples and a rendition's resampling, which the limiter (a
    sample-peak limiter) does not see either."""
    peak = float(np.max(levels.step_peak, initial=0.0))
    return peak > 0 and 20 * math.log10(peak) + gain_db > ceiling_db - LIMITER_SKIP_DB


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
    limited: bool = False  # the last encode ran the limiter
    peak_missed: bool = False  # an encode went over the ceiling: the limiter stays on

    def start(self) -> Encoder:
        job = self.job
        self.gain_db = plan_gain(job.levels, job.profile.target_lufs + self.loss_db,
                                 self.ceiling_db)  # fmt: skip
        self.limited = self.peak_missed or needs_limiter(job.levels, self.gain_db,
                                                         self.ceiling_db)  # fmt: skip
        self.count += 1
        plan = (self.gain_db, self.ceiling_db if self.limited else None)
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
        ceiling = self.ceiling_db if self.limited else math.inf  # no limiter: nothing lost
        self.loss_db = predicted_lufs(self.job.levels, self.gain_db, ceiling) - (
            result.integrated_lufs
        )
        if over > 0:  # the next encodes limit, and at a lower ceiling if this one did
            self.ceiling_db -= (over + 0.2) if self.limited else 0.0
            self.peak_missed = True
        return False


def encode_all(
    jobs: Sequence[Job], stats: MasterStats, steps: Steps | None = None
) -> list[Measured]:
    """Plan, encode and verify every rendition: the coder losses are measured side by side
    on the `THREADS` threads of the pool that verifies (no more threads than cores; they
    share one malloc arena, arenas.py), each encoder starting as soon as its own is known;
    the encoders run side by side and this thread reads their progress; as each one ends, its MP3 is
    decoded and measured on the pool (verify.py) while the others still encode. `steps`
    advances per rendition by one when its coder loss is known, by the seconds encoded as
    the encode goes, and by one when verified (re-encodes add nothing)."""
    steps = steps or Steps(None, 1)
    if not all(math.isfinite(j.levels.integrated_lufs) for j in jobs):
        raise AudioError(gettext("the program is silent; check the voice and the clips"))
    started = time.perf_counter()
    attempts: dict[int, _Attempts] = {}
    results: dict[int, Measured] = {}
    running: dict[int, Encoder] = {}
    verifying: dict[int, Verification] = {}
    pool = ThreadPoolExecutor(THREADS, thread_name_prefix="verify")
    calibrating = {pool.submit(coding_loss_db, job.source, job.profile): i
                   for i, job in enumerate(jobs)}  # fmt: skip
    try:
        with selectors.DefaultSelector() as selector:

            def start(index: int) -> None:
                running[index] = attempts[index].start()
                selector.register(running[index].fd, selectors.EVENT_READ, index)

            for future in as_completed(calibrating):
                index, job = calibrating[future], jobs[calibrating[future]]
                ceiling = job.profile.true_peak_max_dbtp - PEAK_MARGIN_DB
                encoding = steps.encoding(job.out.name)
                attempts[index] = _Attempts(job, future.result(), ceiling, encoding)
                steps.advance(1, f"{job.out.name}: calibrated")
                start(index)
            stats.add("loudness", time.perf_counter() - started)
            started = last_encode = time.perf_counter()
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
                    stats.limited[name] = stats.limited.get(name, 0) + attempts[index].limited
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
        for calibration in calibrating:
            calibration.cancel()
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
