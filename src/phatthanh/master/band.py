"""The loudspeaker profile's speech band, made by ffmpeg while the master is written.

The master's PCM is fed, as it is written, to one ffmpeg whose graph (built with
ffmpeg-python) band-passes it to 120 Hz - 8 kHz (two 2-pole sections each side: 24 dB per
octave), compresses it gently with `acompressor`, lowers it by `HEADROOM_DB` (the band-pass
may overshoot full scale) and splits it: one copy becomes the band master WAV the loudspeaker
encoder reads, the other comes back through a pipe as float32 and is metered here (BS.1770,
meter.py) by a reader thread, so the loudspeaker's gain is planned with no measuring pass.
The PCM goes in as a WAV stream of unknown length (`stream_header`), read in packets of
`PACKET_BYTES`: as raw s16le, ffmpeg's demuxer cuts 1024-sample packets and its threads
hand each one over (0.4 CPU-s more on a 39-minute program, mostly system time).
"""

from __future__ import annotations

import struct
import threading
from pathlib import Path

import ffmpeg
import numpy as np

from phatthanh.ffmpeg import Piped
from phatthanh.master.meter import LoudnessMeter

LOW_HZ, HIGH_HZ = 120, 8000
HEADROOM_DB = -6.0
FRAME_SAMPLES = 16384  # input regrouped: fewer, larger frames between ffmpeg's threads
PACKET_BYTES = 1 << 16  # the WAV demuxer's packets: 32768 samples
UNKNOWN = 0xFFFFFFFF  # a WAV chunk size that means "until the end of the stream"
COMPRESSOR = {"threshold": 0.125, "ratio": 2.5, "attack": 15, "release": 250, "knee": 4}


def band_rate(master_rate_hz: int) -> int:
    """The band's own rate: half the master's when that still holds 8 kHz with room (the
    band then costs half the filtering and metering), else the master's."""
    return (
        master_rate_hz // 2
        if master_rate_hz % 2 == 0 and master_rate_hz >= 40000
        else (master_rate_hz)
    )


def stream_header(rate_hz: int) -> bytes:
    """The header of a mono 16-bit WAV stream of unknown length at `rate_hz`."""
    fmt = struct.pack("<HHIIHH", 1, 1, rate_hz, 2 * rate_hz, 2, 16)
    return (
        b"RIFF"
        + struct.pack("<I", UNKNOWN)
        + b"WAVEfmt "
        + struct.pack("<I", len(fmt))
        + (fmt + b"data" + struct.pack("<I", UNKNOWN))
    )


def band_args(
    band_path: Path,
    master_rate_hz: int,
    frame_samples: int = FRAME_SAMPLES,
    packet_bytes: int = PACKET_BYTES,
) -> list[str]:
    """The command: the master as a WAV stream on stdin (`stream_header`, then s16le) ->
    band WAV at `band_path` and f32le on stdout. The input is read in packets of
    `packet_bytes` (0: the demuxer's own, 4096) and regrouped into frames of
    `frame_samples` (0: as read), which changes no sample and saves ffmpeg's threads handing
    over small frames."""
    options = {"max_size": packet_bytes} if packet_bytes else {}
    stream = ffmpeg.input("pipe:", format="wav", **options).audio
    if frame_samples:
        stream = stream.filter("asetnsamples", n=frame_samples, p=0)
    rate_hz = band_rate(master_rate_hz)
    if rate_hz != master_rate_hz:
        stream = stream.filter("aresample", rate_hz)
    high = min(HIGH_HZ, int(0.45 * rate_hz))  # a low-rate master has no 8 kHz to cut
    for _ in range(2):
        stream = stream.filter("highpass", f=LOW_HZ).filter("lowpass", f=high)
    stream = stream.filter("acompressor", **COMPRESSOR)
    stream = stream.filter("volume", volume=f"{HEADROOM_DB}dB")
    split = stream.filter_multi_output("asplit")
    written = ffmpeg.output(split[0], str(band_path), acodec="pcm_s16le", format="wav")
    metered = ffmpeg.output(split[1], "pipe:", format="f32le")
    args: list[str] = ffmpeg.merge_outputs(written, metered).overwrite_output().get_args()
    return args


class SpeechBand:
    """One ffmpeg making the band from the master PCM given to `feed`; `close` waits for it
    and returns the band's meter."""

    def __init__(self, band_path: Path, rate_hz: int, frames_hint: int = 0) -> None:
        rate = band_rate(rate_hz)
        self.meter = LoudnessMeter(rate, frames_hint=frames_hint * rate // rate_hz)
        self._chunk = self.meter.rate_hz * 4 * 4  # four seconds of float32, whole steps
        self._ffmpeg = Piped(band_args(band_path, rate_hz), feed=True)
        self._ffmpeg.write(stream_header(rate_hz))
        self._failure: BaseException | None = None
        self._reader = threading.Thread(target=self._read, name="speech-band", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            rest = b""
            while chunk := self._ffmpeg.read(self._chunk):
                data = rest + chunk
                whole = len(data) - len(data) % 4
                self.meter.add(np.frombuffer(data[:whole], dtype="<f4"))
                rest = data[whole:]
        except BaseException as exc:  # handed to the writing thread in close()
            self._failure = exc

    def feed(self, pcm: bytes) -> None:
        self._ffmpeg.write(pcm)

    def close(self) -> LoudnessMeter:
        self._ffmpeg.close_input()
        self._reader.join()
        self._ffmpeg.finish()
        if self._failure is not None:
            raise self._failure
        return self.meter

    def kill(self) -> None:
        self._ffmpeg.proc.kill()  # the reader sees the end of its pipe
        self._reader.join()
        self._ffmpeg.kill()
