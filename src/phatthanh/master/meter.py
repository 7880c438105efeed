"""BS.1770-4 loudness and true peak, computed in process while audio streams past.

Integrated loudness (ITU-R BS.1770-4, EBU R 128; ../shared/specs/standards.md §7): the
signal goes through the K-weighting (a +4 dB high shelf above ~1.7 kHz, then a 38 Hz
high-pass; pyloudnorm's coefficients, run in numpy with state carried between chunks:
kweight.py), its energy is summed in 10 ms (or 100 ms) steps, gating blocks are 400 ms long
with 75 % overlap, and the integrated value is the mean energy of the blocks above the
absolute gate (-70 LUFS) and the relative gate (10 LU under the mean of those). Filter state
and the unfinished step carry over between chunks, so a file fed in pieces measures the same
as fed whole; the meter keeps two floats per step (its energy and its sample peak, which the
gain planner uses to predict what the limiter takes away).

True peak: 4x oversampling with exactly the interpolator of scipy's `resample_poly` (the
meter the tests use; its Kaiser-windowed sinc is computed here with numpy, and a test holds
it equal to resample_poly's), evaluated only around the local maxima of |x| that come within
`TP_SEARCH_DB` of the loudest sample so far: a band-limited signal never overshoots its
samples by that much between them, and the rest of the signal cannot hold the peak.
The build imports neither scipy nor pyloudnorm (about 77 MB of memory); the tests and
benchmarks keep them as the independent meter.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from phatthanh.master.kweight import KWeighting

ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
TP_SEARCH_DB = 3.0
_TP_HALF = 12  # input samples either side that the 4x interpolator reaches


def step_ms_for(rate_hz: int) -> int | None:
    """The shortest step (ms) holding a whole number of samples that divides 100 ms."""
    return next((ms for ms in (10, 20, 25, 50, 100) if (rate_hz * ms) % 1000 == 0), None)


class LoudnessMeter:
    """Gated integrated loudness, per-step energies and peaks, of audio fed in chunks."""

    def __init__(self, rate_hz: int, step_ms: int | None = None, frames_hint: int = 0) -> None:
        """`frames_hint`: the length expected, if known, so the steps are stored in one array
        allocated once (no per-chunk pieces left scattered over the heap)."""
        step_ms = step_ms or step_ms_for(rate_hz)
        if step_ms is None or (rate_hz * step_ms) % 1000 or 100 % step_ms:
            raise ValueError(f"no whole {step_ms} ms steps at {rate_hz} Hz")
        self.rate_hz = rate_hz
        self.step_ms = step_ms
        self.step = rate_hz * step_ms // 1000
        self.per_tenth = 100 // step_ms
        self._weighting = KWeighting(rate_hz)
        self._pending = np.zeros(0, dtype=np.float32)
        self._pending_peak = 0.0
        steps = frames_hint // self.step + 100 if frames_hint > 0 else 0  # 100 spare
        self._energy = np.zeros(steps)  # sum of K-weighted squares per step, float64
        self._peak = np.zeros(steps, dtype=np.float32)  # the samples' own precision: exact
        self._count = 0
        self.frames = 0

    def add(self, samples: np.ndarray) -> None:
        if not len(samples):
            return
        self.frames += len(samples)
        samples = np.asarray(samples, dtype=np.float32)
        weighted = self._weighting(samples)
        squares = np.square(weighted)
        magnitude = np.abs(samples)
        head = 0
        if len(self._pending):  # finish the step the last chunk left open
            head = min(self.step - len(self._pending), len(squares))
            self._pending = np.concatenate([self._pending, squares[:head]])
            self._pending_peak = max(self._pending_peak, float(np.max(magnitude[:head], initial=0)))
            if len(self._pending) < self.step:
                return
            self._store(np.array([self._pending.sum(dtype=np.float64)]), self._pending_peak)
        whole = head + (len(squares) - head) // self.step * self.step
        if whole > head:
            steps = squares[head:whole].reshape(-1, self.step)
            peaks = magnitude[head:whole].reshape(-1, self.step).max(axis=1)
            self._store(steps.sum(axis=1, dtype=np.float64), peaks)
        self._pending = squares[whole:]
        self._pending_peak = float(np.max(magnitude[whole:], initial=0.0))

    def _store(self, energy: np.ndarray, peak: np.ndarray | float) -> None:
        end = self._count + len(energy)
        if end > len(self._energy):  # no hint, or a longer stream than hinted: double
            size = max(end, 2 * len(self._energy), 4096)
            self._energy = np.concatenate(
                [self._energy[: self._count], np.zeros(size - self._count)]
            )
            self._peak = np.concatenate(
                [self._peak[: self._count], np.zeros(size - self._count, dtype=np.float32)]
            )
        self._energy[self._count : end] = energy
        self._peak[self._count : end] = peak
        self._count = end

    def steps(self) -> tuple[np.ndarray, np.ndarray]:
        """(sum of K-weighted squares, sample peak) of every complete step; the energies are
        a view that later chunks do not change."""
        return self._energy[: self._count], self._peak[: self._count].astype(np.float64)

    def integrated_lufs(self) -> float:
        """Integrated loudness so far; -inf when nothing passes the gates."""
        return gated_lufs(self._energy[: self._count], self.step, self.per_tenth)


def gated_lufs(step_energy: np.ndarray, step_frames: int, per_tenth: int = 10) -> float:
    """BS.1770 integrated loudness from the K-weighted energy of consecutive steps
    (`per_tenth` of them in 100 ms)."""
    tenths_count = len(step_energy) // per_tenth
    if tenths_count < 4:  # not one 400 ms block
        return -math.inf
    usable = step_energy[: tenths_count * per_tenth]
    tenths = usable.reshape(-1, per_tenth).sum(axis=1)
    energies = np.convolve(tenths, np.ones(4), mode="valid") / (4 * per_tenth * step_frames)
    with np.errstate(divide="ignore"):
        levels = -0.691 + 10 * np.log10(energies)
    above = levels > ABSOLUTE_GATE_LUFS
    if not above.any():
        return -math.inf
    relative = -0.691 + 10 * math.log10(float(np.mean(energies[above]))) + RELATIVE_GATE_LU
    kept = energies[above & (levels > relative)]
    return -0.691 + 10 * math.log10(float(np.mean(kept)))


def held_minimum(values: np.ndarray, size: int) -> np.ndarray:
    """out[i] = min(values[i - size + 1 .. i]): each value held for the `size - 1` steps after
    it, the steps before the first mirrored (scipy.ndimage's `minimum_filter1d(values, size,
    origin=(size - 1) // 2)` with its default "reflect" edge, which a test holds it equal to)."""
    padded = np.pad(values, (max(0, size - 1), 0), mode="symmetric")
    out = padded[len(padded) - len(values) :].copy()
    for lag in range(1, size):
        np.minimum(out, padded[size - 1 - lag : len(padded) - lag], out=out)
    return out


@cache
def _phases() -> np.ndarray:
    """Rows k=1..3: y[4n+k] = sum_m row[m] * x[n + m - _TP_HALF], the polyphase rows of
    `resample_poly(x, 4, 1)`'s filter: scipy's `firwin(81, 1/4, window=("kaiser", 5.0))`
    times 4, a windowed sinc normalized to unit gain at DC, centred (phase 0 reproduces the
    samples)."""
    taps = np.arange(-40, 41)
    h = np.sinc(taps / 4) * np.kaiser(len(taps), 5.0)
    h *= 4 / h.sum()
    rows = np.zeros((3, 2 * _TP_HALF + 1))
    for k in range(1, 4):
        for m in range(-_TP_HALF, _TP_HALF + 1):
            if abs(k - 4 * m) <= 40:  # y[4n+k] takes x[n+m] with the tap at k - 4m
                rows[k - 1, m + _TP_HALF] = h[k - 4 * m + 40]
    return rows


class TruePeakMeter:
    """4x-oversampled true peak of audio fed in chunks (see the module docstring)."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._tail = np.zeros(0, dtype=np.float32)

    def add(self, samples: np.ndarray) -> None:
        if not len(samples):
            return
        x = np.concatenate([self._tail, np.asarray(samples, dtype=np.float32)])
        reach = 2 * _TP_HALF + 2
        self._tail = x[-reach:]
        magnitude = np.abs(x)
        self.peak = max(self.peak, float(np.max(magnitude)))
        floor = np.float32(self.peak * 10 ** (-TP_SEARCH_DB / 20))
        inner = magnitude[1:-1]
        loud = (inner >= floor) & (inner >= magnitude[:-2]) & (inner >= magnitude[2:])
        centres = np.flatnonzero(loud) + 1
        # gaps on both sides of each local maximum: left ends centre-1 and centre
        lefts = np.unique(np.concatenate([centres - 1, centres]))
        lefts = lefts[(lefts >= _TP_HALF) & (lefts < len(x) - _TP_HALF - 1)]
        rows = _phases()
        offsets = np.arange(-_TP_HALF, _TP_HALF + 1)
        for start in range(0, len(lefts), 2048):
            batch = lefts[start : start + 2048]
            windows = x[batch[:, None] + offsets[None, :]].astype(np.float64)
            between = windows @ rows.T
            if between.size:
                self.peak = max(self.peak, float(np.max(np.abs(between))))

    def dbtp(self) -> float:
        return 20 * math.log10(self.peak) if self.peak > 0 else -math.inf
