"""Clips at the master's sample rate, resampled once and kept beside the clip.

The master runs at 44.1 kHz so that jingles and beds keep their highs in every rendition;
the voices speak at 16-24 kHz. Each speech clip is resampled once, with libsoxr (`soxr`, its
"HQ" setting: flat to 91 % of the lower Nyquist, images and aliases under -100 dB), and the
result is written beside it as `<rate>/<name>.wav`: a warm build
reads that copy and resamples nothing. A copy is used only if it is not older than its clip
and has the length the clip gives at that rate (a damaged or stale copy is made again); if
the clip's folder cannot be written, the clip is resampled in memory for this build. A speech
clip's own loudness (BS.1770, at its own rate), which the master needs before its first cue,
is kept the same way beside the copy (`<rate>/<name>.lufs`), so a warm build reads it instead
of reading and metering every clip once more.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import tempfile
import wave
from pathlib import Path

import numpy as np
import soxr

from phatthanh.master.layout import loudness, read_wav

log = logging.getLogger(__name__)


def resampled(samples: np.ndarray, rate_hz: int, to_hz: int) -> np.ndarray:
    """`samples` at `to_hz`: ceil(len * to_hz / rate_hz) of them, the length the copies had
    from scipy's `resample_poly` before (so those stay valid); soxr rounds to the nearest
    and may give one fewer, which is a zero at the end."""
    out = soxr.resample(np.asarray(samples, dtype=np.float32), rate_hz, to_hz)
    expected = math.ceil(len(samples) * to_hz / rate_hz)
    return np.pad(np.asarray(out, dtype=np.float32), (0, max(0, expected - len(out))))


def copy_path(source: Path, rate_hz: int) -> Path:
    """`<folder>/<rate>/<name>.wav`: beside the clip, out of the way of `*/<key>.wav`."""
    return source.parent / str(rate_hz) / source.name


def at_rate(source: Path, rate_hz: int) -> Path | None:
    """`source` itself when it is at `rate_hz`, else its resampled copy beside it (made now
    if missing or stale); None when no copy can be written there."""
    with wave.open(str(source)) as w:
        source_rate, frames = w.getframerate(), w.getnframes()
    if source_rate == rate_hz:
        return source
    copy = copy_path(source, rate_hz)
    expected = math.ceil(frames * rate_hz / source_rate)
    with contextlib.suppress(OSError, EOFError, wave.Error):
        if copy.stat().st_mtime_ns >= source.stat().st_mtime_ns:
            with wave.open(str(copy)) as w:
                if w.getframerate() == rate_hz and w.getnframes() == expected:
                    return copy
    samples, _ = read_wav(source)
    out = resampled(samples, source_rate, rate_hz)
    pcm = np.clip(out * 32768.0, -32768, 32767).astype("<i2")
    try:  # atomic (temporary file, rename), not fsynced: a lost copy is made again
        copy.parent.mkdir(exist_ok=True)
        fd, name = tempfile.mkstemp(dir=copy.parent, prefix=".tmp-", suffix=".wav")
        os.close(fd)
        try:
            with wave.open(name, "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(rate_hz)
                w.writeframes(pcm.tobytes())
            os.replace(name, copy)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.debug("cannot keep %s (%s); resampling it in memory", copy, exc.strerror)
        return None
    return copy


def clip_loudness(source: Path, rate_hz: int) -> float | None:
    """`loudness` of the clip at its own rate (None: too short or silent), read from the
    note kept beside its copy at `rate_hz` when that is not older than the clip, else
    measured and noted (if the folder can be written)."""
    note = copy_path(source, rate_hz).with_suffix(".lufs")
    with contextlib.suppress(OSError, ValueError):
        if note.stat().st_mtime_ns >= source.stat().st_mtime_ns:
            text = note.read_text("ascii").strip()
            return None if text == "none" else float(text)
    value = loudness(*read_wav(source))
    try:  # atomic, like the copies; the repr of a float reads back as the same float
        note.parent.mkdir(exist_ok=True)
        fd, name = tempfile.mkstemp(dir=note.parent, prefix=".tmp-", suffix=".lufs")
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write("none" if value is None else repr(value))
        os.replace(name, note)
    except OSError as exc:
        log.debug("cannot keep %s (%s)", note, exc.strerror)
    return value
