"""The loudspeaker profile's speech band: 120 Hz - 8 kHz and gentle compression, in process.

Done here rather than in the encoder's ffmpeg so that the loudness of what the loudspeaker
encoder receives is measured while the master is written (no separate measuring pass). The
band-pass is a 4th-order Butterworth each side (24 dB per octave). The compressor follows the
signal's RMS over `DETECT_MS`, reduces the level above `THRESHOLD_DB` by `RATIO` with a soft
knee, and smooths its gain over `SMOOTH_MS`; both smoothers are one-pole filters running once
per millisecond, so every step is a vectorized filter whose state carries from one chunk to
the next.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.signal import butter, lfilter, sosfilt

LOW_HZ, HIGH_HZ = 120.0, 8000.0
THRESHOLD_DB = -18.0
RATIO = 2.5
KNEE_DB = 4.0
DETECT_MS = 10.0
SMOOTH_MS = 60.0
HEADROOM_DB = -6.0  # the band master is written this much under the master: no clipping


def _one_pole(rate_hz: int, ms: float) -> tuple[np.ndarray, np.ndarray]:
    pole = math.exp(-1000.0 / (ms * rate_hz))
    return np.array([1.0 - pole]), np.array([1.0, -pole])


class SpeechBand:
    """Band-pass and compress a stream of chunks; `process` returns each chunk's output."""

    def __init__(self, rate_hz: int) -> None:
        high = min(HIGH_HZ, 0.45 * rate_hz)  # a 16 kHz voice has no 8 kHz to cut
        sos = butter(4, [LOW_HZ, high], btype="bandpass", fs=rate_hz, output="sos")
        self._sos = sos.astype(np.float32)
        self._band_state = np.zeros((self._sos.shape[0], 2), dtype=np.float32)
        self._block = rate_hz // 1000  # samples per millisecond
        self._detect = _one_pole(1000, DETECT_MS)
        self._detect_state = np.zeros(1)
        self._smooth = _one_pole(1000, SMOOTH_MS)
        self._smooth_state = np.zeros(1)

    def process(self, chunk: np.ndarray) -> np.ndarray:
        if not len(chunk):
            return np.zeros(0, dtype=np.float32)
        chunk = np.asarray(chunk, dtype=np.float32)
        band, self._band_state = sosfilt(self._sos, chunk, zi=self._band_state)
        # the gain moves slowly: computed once per millisecond, held over it
        edges = np.arange(0, len(band), self._block)
        power = np.add.reduceat(np.square(band), edges) / np.diff(np.append(edges, len(band)))
        power, self._detect_state = lfilter(*self._detect, power, zi=self._detect_state)
        over = 10 * np.log10(np.maximum(power, 1e-12)) - THRESHOLD_DB
        slope = 1 - 1 / RATIO
        knee = np.clip(over + KNEE_DB / 2, 0.0, KNEE_DB)
        reduction = np.where(over >= KNEE_DB / 2, slope * over, slope * knee**2 / (2 * KNEE_DB))
        smoothed, self._smooth_state = lfilter(*self._smooth, reduction, zi=self._smooth_state)
        gain = np.repeat(10 ** ((HEADROOM_DB - smoothed) / 20), self._block)[: len(band)]
        return np.asarray(band * gain, dtype=np.float32)
