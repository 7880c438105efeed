"""The verification of a finished MP3: libmpg123 (soundfile) decodes the file the encoder
wrote, in process, and the meters read it. A second decoder must give what ffmpeg's decoder
gives: the same length once both trim the LAME header's encoder delay and padding, samples a
float rounding apart, and the same loudness and true peak."""

from __future__ import annotations

import wave
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
import soundfile
from scipy.signal import resample_poly

from phatthanh.errors import AudioError
from phatthanh.master import verify
from phatthanh.master.encode import Encoder
from phatthanh.master.settings import MasterSettings
from phatthanh.master.verify import Measured, Verification, open_mp3
from tests.conftest import decode

RATE = 44100


def speech_like(seconds: float) -> np.ndarray:
    """Noise shaped by a syllable-rate envelope over a low tone, peaks near -3 dBFS."""
    rng = np.random.default_rng(15)
    t = np.arange(int(seconds * RATE)) / RATE
    envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 4 * t) ** 2
    signal = envelope * (0.2 * rng.standard_normal(len(t)) + 0.3 * np.sin(2 * np.pi * 180 * t))
    return (0.7 * signal / np.max(np.abs(signal))).astype(np.float32)


def write_wav(path: Path, samples: np.ndarray) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((samples * 32767).astype("<i2").tobytes())


def encoded(tmp_path: Path, profile_name: str, samples: np.ndarray) -> tuple[Path, list[float]]:
    """The rendition's MP3 as the build encodes it (0 dB gain, limiter at -1 dBFS), and the
    seconds ffmpeg reported as it went."""
    source = tmp_path / "master.wav"
    write_wav(source, samples)
    out = tmp_path / f"{profile_name}.mp3"
    encoder = Encoder(source, RATE, out, MasterSettings().profile(profile_name), (0.0, -1.0))
    seen = []
    while encoder.take():
        seen.append(encoder.seconds)
    encoder.run.finish()
    return out, seen


def verified(path: Path, rate: int, pieces: int = 1) -> Measured:
    with ThreadPoolExecutor(2) as pool:
        return Verification(pool, path, rate, pieces).result()


@pytest.mark.parametrize("profile_name", ["podcast", "loudspeaker", "broadcast"])
def test_the_verifying_decoder_agrees_with_ffmpegs_decode_of_the_file(
    tmp_path: Path, profile_name: str
) -> None:
    samples = speech_like(6.0)
    out, _ = encoded(tmp_path, profile_name, samples)
    rate = MasterSettings().profile(profile_name).sample_rate_hz
    by_ffmpeg = decode(out, rate)
    by_mpg123, found_rate = soundfile.read(out, dtype="float32")
    assert found_rate == rate
    # both trim the encoder delay and the padding the LAME header declares: the length is
    # the source's (at 44.1 kHz exactly; a resampled rendition gains the resampler's tail)
    assert len(by_mpg123) == len(by_ffmpeg)
    expected = len(samples) * rate // RATE
    assert expected <= len(by_mpg123) <= expected + 64
    assert np.max(np.abs(by_mpg123 - by_ffmpeg)) < 1e-4  # two float decoders, no offset
    measured = verified(out, rate)
    reference = pyloudnorm.Meter(rate).integrated_loudness(by_ffmpeg)
    assert abs(measured.integrated_lufs - reference) <= 0.02
    true_peak = 20 * np.log10(np.max(np.abs(resample_poly(by_ffmpeg, 4, 1))))
    assert abs(measured.true_peak_dbtp - true_peak) <= 0.02


def test_the_encoder_reports_the_seconds_it_has_written(tmp_path: Path) -> None:
    _, seen = encoded(tmp_path, "podcast", speech_like(4.0))
    assert seen and seen == sorted(seen)
    assert 3.9 <= seen[-1] <= 4.1  # ffmpeg's last report is the whole length


def test_a_file_the_decoder_cannot_read_is_an_audio_error_naming_it(tmp_path: Path) -> None:
    broken = tmp_path / "hong.mp3"
    broken.write_bytes(b"not an mp3 at all" * 100)
    with pytest.raises(AudioError, match=r"hong\.mp3: cannot read"):
        open_mp3(broken, 44100)
    out, _ = encoded(tmp_path, "broadcast", speech_like(1.0))  # 48 kHz
    with pytest.raises(AudioError, match=r"broadcast\.mp3: cannot read .*48000 Hz"):
        verified(out, 44100)


def test_a_file_measured_in_pieces_measures_as_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pieces of 2 s for a 9 s file: each piece decodes from a second before its start
    monkeypatch.setattr(verify, "MIN_PIECE_S", 2)
    samples = speech_like(9.0)
    samples[: 6 * RATE] *= 0.5  # the true peak is in the last piece
    out, _ = encoded(tmp_path, "broadcast", samples)
    whole = verified(out, 48000)
    with ThreadPoolExecutor(2) as pool:
        check = Verification(pool, out, 48000, pieces=3)
        assert len(check.futures) == 3
        pieces = check.result()
    # 1e-7 apart measured; without the pre-roll 9e-5 (the filter starts from rest)
    assert abs(pieces.integrated_lufs - whole.integrated_lufs) < 1e-5
    assert pieces.true_peak_dbtp == whole.true_peak_dbtp
    by_ffmpeg = decode(out, 48000)
    assert (
        abs(pieces.integrated_lufs - pyloudnorm.Meter(48000).integrated_loudness(by_ffmpeg)) < 0.02
    )
