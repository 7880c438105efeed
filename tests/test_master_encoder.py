"""The encoder's command: the limiter runs only where the plan needs it (a rendition whose every
sample the gain leaves well under the ceiling is encoded without `alimiter`; one whose peaks
would cross it keeps the limiter; a file that goes over without one is re-encoded with it;
every file checked by pyloudnorm and a 4x oversampled true peak on ffmpeg's decode), and the
master read in large packets gives the very same MP3."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
from scipy.signal import resample_poly

from phatthanh.ffmpeg import run_ffmpeg
from phatthanh.master import encode as encode_module
from phatthanh.master.encode import Job, MasterStats, encode_all, needs_limiter
from phatthanh.master.encoder import encoder_args
from phatthanh.master.meter import LoudnessMeter
from phatthanh.master.render import Levels
from phatthanh.master.settings import MasterSettings, Profile
from tests.conftest import decode
from tests.test_master_verify import RATE, speech_like, write_wav


def levels_of(samples: np.ndarray) -> Levels:
    meter = LoudnessMeter(RATE)
    meter.add(samples)
    energy, peak = meter.steps()
    return Levels(RATE, meter.step_ms, energy, peak, meter.integrated_lufs())


def with_bursts(seconds: float) -> np.ndarray:
    """Speech-like noise at half the level (-21.4 LUFS, peaks -9 dBFS) and three 10 ms
    bursts of a 1 kHz tone at 0.9: a podcast's gain lifts the bursts over full scale."""
    samples = 0.5 * speech_like(seconds)
    burst = 0.9 * np.sin(2 * np.pi * 1000 * np.arange(RATE // 100) / RATE)
    for at in (1, 3, 5):
        samples[at * RATE : at * RATE + len(burst)] = burst
    return samples


def made(tmp_path: Path, profile: Profile, samples: np.ndarray) -> tuple[MasterStats, Path]:
    source = tmp_path / "master.wav"
    write_wav(source, samples)
    out = tmp_path / "out.mp3"
    stats = MasterStats()
    encode_all([Job("podcast", profile, source, levels_of(samples), out)], stats)
    return stats, out


def assert_on_target(out: Path, profile: Profile) -> None:
    samples = decode(out, profile.sample_rate_hz)
    lufs = pyloudnorm.Meter(profile.sample_rate_hz).integrated_loudness(samples)
    assert abs(lufs - profile.target_lufs) <= 0.5
    true_peak = 20 * np.log10(np.max(np.abs(resample_poly(samples, 4, 1))))
    assert true_peak <= profile.true_peak_max_dbtp


def test_the_limiter_is_in_the_command_only_when_a_ceiling_is_given(tmp_path: Path) -> None:
    profile = MasterSettings().profile("broadcast")
    args = encoder_args(tmp_path / "m.wav", RATE, tmp_path / "o.mp3", profile, (-3.0, -2.0))
    assert "alimiter" in " ".join(args)
    bare = encoder_args(tmp_path / "m.wav", RATE, tmp_path / "o.mp3", profile, (-3.0, None))
    assert "alimiter" not in " ".join(bare)
    assert "volume=-3.000dB" in " ".join(bare)


def test_the_plan_needs_the_limiter_only_near_the_ceiling() -> None:
    levels = levels_of(speech_like(3.0))  # sample peak 0.7: -3.1 dBFS
    peak_db = 20 * np.log10(float(np.max(levels.step_peak)))
    assert not needs_limiter(levels, -2.0 - peak_db - 0.6, -2.0)  # 0.6 dB under: none
    assert needs_limiter(levels, -2.0 - peak_db - 0.4, -2.0)  # within the 0.5 dB margin
    assert needs_limiter(levels, -2.0 - peak_db + 3.0, -2.0)  # 3 dB over


def test_a_quiet_rendition_is_encoded_once_without_the_limiter(tmp_path: Path) -> None:
    # speech-like noise measures -15.4 LUFS with peaks at -3.1 dBFS: -23 LUFS leaves every
    # sample some 8.7 dB under the ceiling
    profile = MasterSettings().profile("broadcast")
    stats, out = made(tmp_path, profile, speech_like(6.0))
    assert stats.encodes == {"podcast": 1}
    assert stats.limited == {"podcast": 0}
    assert_on_target(out, profile)


def test_a_loud_rendition_keeps_the_limiter_and_its_ceiling(tmp_path: Path) -> None:
    profile = MasterSettings().profile("podcast")  # -19 LUFS: the bursts 3 dB over
    stats, out = made(tmp_path, profile, with_bursts(6.0))
    assert stats.limited == {"podcast": stats.encodes["podcast"]} == {"podcast": 1}
    assert_on_target(out, profile)


def test_a_file_over_its_ceiling_without_the_limiter_is_re_encoded_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a plan that wrongly believes the peaks stay 9 dB further under than they do
    monkeypatch.setattr(encode_module, "LIMITER_SKIP_DB", -9.0)
    profile = MasterSettings().profile("podcast")  # without a limiter the bursts clip
    stats, out = made(tmp_path, profile, with_bursts(6.0))
    assert stats.encodes == {"podcast": 2}
    assert stats.limited == {"podcast": 1}  # the first without, the second with
    assert_on_target(out, profile)


@pytest.mark.parametrize(("name", "ceiling"), [("podcast", -2.5), ("loudspeaker", -2.5),
                                               ("broadcast", None)])  # fmt: skip
def test_reading_the_master_in_large_packets_gives_the_same_mp3(
    tmp_path: Path, name: str, ceiling: float | None
) -> None:
    source = tmp_path / "master.wav"
    write_wav(source, speech_like(6.0))
    profile = MasterSettings().profile(name)
    args = encoder_args(source, RATE, tmp_path / "large.mp3", profile, (2.0, ceiling))
    at = args.index("-max_size")
    assert int(args[at + 1]) >= 8 * 4096  # packets of 4096 bytes are the demuxer's own
    run_ffmpeg(args)
    plain = [*args[:at], *args[at + 2 :]]
    plain[plain.index(str(tmp_path / "large.mp3"))] = str(tmp_path / "plain.mp3")
    run_ffmpeg(plain)
    assert (tmp_path / "large.mp3").read_bytes() == (tmp_path / "plain.mp3").read_bytes()
