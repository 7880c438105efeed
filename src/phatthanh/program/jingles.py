"""Jingles the project makes itself (no third-party audio): short bell-like motifs on a
pentatonic scale over a soft pad, rendered with numpy to 44.1 kHz mono WAV and cached.
Station files named in the config replace them (checked by `check_station_audio`).
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from phatthanh.atomic import atomic_path
from phatthanh.errors import ConfigError, FFmpegError
from phatthanh.ffmpeg import run_ffmpeg
from phatthanh.i18n import _

RATE_HZ = 44100
VERSION = 1  # bump when the generated sound changes, so caches are remade
# (MIDI notes, note length s): a rising call for the opening, a falling answer to close
_MOTIFS: dict[str, tuple[tuple[int, float], ...]] = {
    "opening": ((67, 0.28), (69, 0.28), (72, 0.28), (74, 0.28), (76, 0.56), (79, 0.42),
                (76, 0.28), (74, 0.28), (72, 1.6)),
    "stinger": ((79, 0.16), (76, 0.16), (72, 0.7)),
    "closing": ((76, 0.28), (74, 0.28), (72, 0.28), (69, 0.28), (67, 0.56), (69, 0.42),
                (72, 0.28), (67, 1.9)),
}  # fmt: skip
MIN_S, MAX_S = 0.5, 60.0  # bounds for station files


def _bell(freq: float, length_s: float) -> np.ndarray:
    t = np.arange(int((length_s + 1.2) * RATE_HZ)) / RATE_HZ
    tone = sum(
        amp * np.sin(2 * np.pi * freq * mult * t) * np.exp(-t * decay)
        for mult, amp, decay in ((1, 1.0, 2.2), (2, 0.35, 3.5), (3, 0.15, 5.0), (4.2, 0.06, 7))
    )
    attack = np.minimum(1.0, t / 0.008)
    return np.asarray(tone * attack)


def render_motif(name: str) -> np.ndarray:
    """The jingle as float samples in -1..1."""
    notes = _MOTIFS[name]
    total_s = sum(length for _, length in notes) + 1.4
    out = np.zeros(int(total_s * RATE_HZ))
    at = 0.0
    for midi, length in notes:
        freq = 440.0 * 2 ** ((midi - 69) / 12)
        bell = _bell(freq, length)
        start = int(at * RATE_HZ)
        end = min(len(out), start + len(bell))
        out[start:end] += bell[: end - start]
        at += length
    root = 440.0 * 2 ** ((notes[-1][0] - 12 - 69) / 12)
    t = np.arange(len(out)) / RATE_HZ
    pad = 0.18 * np.sin(2 * np.pi * root * t) + 0.08 * np.sin(2 * np.pi * root * 1.5 * t)
    out += pad * np.minimum(1, t / 0.4) * np.minimum(1, (total_s - t) / 0.8)
    fade = np.minimum(1.0, (len(out) - np.arange(len(out))) / (0.05 * RATE_HZ))
    out *= fade
    return np.asarray(out / np.max(np.abs(out)) * 0.8)


def generated_jingle(name: str, folder: Path) -> Path:
    """The cached WAV of a generated jingle, made on first use (atomically)."""
    path = folder / f"{name}-v{VERSION}.wav"
    if path.is_file():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    samples = (render_motif(name) * 32767).astype("<i2")
    with atomic_path(path) as tmp, wave.open(str(tmp), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE_HZ)
        out.writeframes(samples.tobytes())
    return path


def check_station_audio(path: Path, folder: Path, what: str) -> Path:
    """Decode a station's jingle (any format ffmpeg reads) to a cached 44.1 kHz mono WAV,
    refusing files that are not audio or whose duration is out of bounds."""
    if not path.is_file():
        raise ConfigError(
            _("{path}: {what} file not found; fix [program] {what} in the config").format(
                path=path, what=what
            )
        )
    stat = path.stat()
    out = folder / f"station-{path.stem}-{stat.st_size}-{int(stat.st_mtime)}.wav"
    if not out.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        try:
            with atomic_path(out) as tmp:
                run_ffmpeg(["-y", "-i", str(path), "-vn", "-ac", "1", "-ar", str(RATE_HZ),
                            "-c:a", "pcm_s16le", str(tmp)])  # fmt: skip
        except FFmpegError as exc:
            raise ConfigError(
                _("{path}: {what} is not audio ffmpeg can read ({exc})").format(
                    path=path, what=what, exc=exc
                )
            ) from None
    with wave.open(str(out)) as w:
        seconds = w.getnframes() / w.getframerate()
    if not MIN_S <= seconds <= MAX_S:
        raise ConfigError(
            _(
                "{path}: {what} lasts {seconds:.1f} s; use a file between {min_s:g} and {max_s:g} s"
            ).format(path=path, what=what, seconds=seconds, min_s=MIN_S, max_s=MAX_S)
        )
    return out
