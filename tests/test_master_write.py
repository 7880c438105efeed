"""The master write's cheaper paths change nothing: the meter's step store, the speech
band's regrouped input and the clips' kept loudness give the same numbers and bytes as the
plain ways."""

from __future__ import annotations

import os
import wave
from pathlib import Path

import numpy as np

from phatthanh.ffmpeg import run_ffmpeg
from phatthanh.master.band import band_args, stream_header
from phatthanh.master.clips import clip_loudness
from phatthanh.master.layout import loudness, read_wav
from phatthanh.master.meter import LoudnessMeter


def _speechlike(seconds: float, rate: int) -> np.ndarray:
    """Noise in bursts with pauses between them, within -1..1."""
    rng = np.random.default_rng(7)
    t = np.arange(int(seconds * rate)) / rate
    bursts = (np.sin(2 * np.pi * 0.7 * t) > -0.2) * (0.3 + 0.2 * np.sin(2 * np.pi * 3 * t))
    return np.clip(rng.standard_normal(len(t)) * bursts * 0.4, -1, 1).astype(np.float32)


def test_meter_steps_do_not_depend_on_the_length_hint() -> None:
    rate = 44100
    signal = _speechlike(7.3, rate)
    meters = [
        LoudnessMeter(rate),  # no hint: grows as it goes
        LoudnessMeter(rate, frames_hint=len(signal)),  # sized once
        LoudnessMeter(rate, frames_hint=rate),  # hint too short: grows past it
    ]
    for meter in meters:
        for start in range(0, len(signal), 12345):  # chunks that split steps
            meter.add(signal[start : start + 12345])
    energy, peak = meters[0].steps()
    step = meters[0].step
    assert len(energy) == len(signal) // step == len(peak)
    whole = signal[: len(energy) * step].reshape(-1, step)
    assert np.array_equal(peak, np.abs(whole).max(axis=1))  # exact: the samples' own values
    reference = LoudnessMeter(rate)
    reference.add(signal)  # fed whole
    # the same to float32 rounding (the filter's blocks fall elsewhere in the chunks)
    whole_energy = reference.steps()[0]
    assert np.allclose(energy, whole_energy, rtol=1e-5, atol=1e-6 * whole_energy.max())
    assert energy.max() > 0
    for other in meters[1:]:
        other_energy, other_peak = other.steps()
        assert np.array_equal(other_energy, energy) and np.array_equal(other_peak, peak)
        assert other.integrated_lufs() == meters[0].integrated_lufs()
    assert -40 < meters[0].integrated_lufs() < 0


def test_the_bands_regrouped_input_in_large_packets_changes_no_sample(tmp_path: Path) -> None:
    rate = 44100
    pcm = (_speechlike(6.0, rate) * 32767).astype("<i2").tobytes()  # 16 input frames of 16384
    stream = stream_header(rate) + pcm  # 8 packets of 65536 bytes, or 130 of 4096
    outputs = []
    for frames, packet in ((16384, 65536), (0, 0)):
        wav = tmp_path / f"band-{frames}.wav"
        metered = run_ffmpeg(band_args(wav, rate, frames, packet), input_bytes=stream).stdout
        outputs.append((wav.read_bytes(), metered))
    (wav_grouped, floats_grouped), (wav_plain, floats_plain) = outputs
    assert len(floats_plain) == 4 * 3 * rate  # 6 s at 22.05 kHz, float32
    assert wav_grouped == wav_plain and floats_grouped == floats_plain


def _clip(path: Path, samples: np.ndarray, rate: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((samples * 32767).astype("<i2").tobytes())
    return path


def test_a_clips_loudness_is_kept_beside_its_copy_until_the_clip_changes(tmp_path: Path) -> None:
    rate = 22050
    clip = _clip(tmp_path / "ab" / "key.wav", _speechlike(2.5, rate), rate)
    measured = loudness(*read_wav(clip))
    assert measured is not None and clip_loudness(clip, 44100) == measured  # exactly
    note = tmp_path / "ab" / "44100" / "key.lufs"
    assert note.is_file()
    note.write_text("-12.5", "ascii")  # what a warm build reads, not measures again
    assert clip_loudness(clip, 44100) == -12.5
    later = note.stat().st_mtime_ns + 1_000_000_000
    os.utime(clip, ns=(later, later))  # the clip made again: its old note is stale
    assert clip_loudness(clip, 44100) == measured
    short = _clip(tmp_path / "ab" / "short.wav", _speechlike(0.3, rate), rate)
    assert clip_loudness(short, 44100) is None  # too short to measure, noted as such
    assert (tmp_path / "ab" / "44100" / "short.lufs").read_text("ascii") == "none"
    assert clip_loudness(short, 44100) is None
