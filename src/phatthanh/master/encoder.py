"""One rendition's encode as ffmpeg runs it, and the MP3 coder's loudness loss measured on
a dozen seconds of the program (encode.py plans and schedules them).

The encoder's chain: the planned gain (`volume`), the limiter when the plan needs it
(`alimiter`, a sample-peak limiter with look-ahead; no `loudnorm`, G6), the profile's rate
(`aresample`), LAME into a real file (MP3 per ../shared/specs/standards.md §8, Info
header, G7). The build's thread reads only its progress report.
The master is read in packets of `READ_BYTES` (the WAV demuxer's `max_size`; 4096 bytes
by default): ffmpeg's demuxer, decoder and filter threads then hand over 16x fewer frames,
which took 0.4 CPU-s of a 39-minute master's reading (0.65 -> 0.21 s) and the same samples
reach LAME in the same 1152-sample frames (a test compares the MP3s byte for byte).
"""

from __future__ import annotations

import math
import os
import wave
from pathlib import Path
from typing import Any

import ffmpeg
import numpy as np

from phatthanh.ffmpeg import Piped, mp3_options, progress_seconds, run_ffmpeg
from phatthanh.master.meter import LoudnessMeter
from phatthanh.master.settings import Profile

LIMITER_ATTACK_MS, LIMITER_RELEASE_MS = 5, 80
PROGRESS_BYTES = 4096  # a read of ffmpeg's progress report (a few lines)
READ_BYTES = 1 << 16  # the WAV demuxer's packets: 32768 samples, not 2048 (same samples)


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


def filtered(
    stream: Any, gain_db: float, ceiling_db: float | None, rate_hz: int, source_hz: int
) -> Any:
    """The encoder's filter chain on an ffmpeg-python stream: gain, limiter (unless
    `ceiling_db` is None), profile's rate."""
    stream = stream.filter("volume", volume=f"{gain_db:.3f}dB")
    if ceiling_db is not None:
        stream = stream.filter(
            "alimiter", limit=f"{10 ** (ceiling_db / 20):.6f}", level="disabled",
            attack=LIMITER_ATTACK_MS, release=LIMITER_RELEASE_MS, asc="enabled",
        )  # fmt: skip
    if rate_hz != source_hz:
        stream = stream.filter("aresample", rate_hz)
    return stream


def encoder_args(
    source: Path, rate_hz: int, out: Path, profile: Profile, plan: tuple[float, float | None]
) -> list[str]:
    """The encode's command: `source` (at `rate_hz`) with the planned gain and limiter
    ceiling (None: no limiter) into `out`, reporting progress on stdout."""
    gain_db, ceiling_db = plan
    rate = profile.sample_rate_hz
    source_stream = ffmpeg.input(str(source), max_size=READ_BYTES).audio
    stream = filtered(source_stream, gain_db, ceiling_db, rate, rate_hz)
    encoder = stream.output(str(out), **mp3_options(rate, profile.bitrate_kbps))
    return ["-progress", "pipe:1", *encoder.overwrite_output().get_args()]


class Encoder:
    """One encode in flight (gain, limiter, the profile's rate, LAME into `out`), read only
    for ffmpeg's progress report (`-progress pipe:1`, a line every half second)."""

    def __init__(
        self,
        source: Path,
        rate_hz: int,
        out: Path,
        profile: Profile,
        plan: tuple[float, float | None],
    ) -> None:
        self.run = Piped(encoder_args(source, rate_hz, out, profile, plan), feed=False)
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
