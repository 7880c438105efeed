"""The build's own BS.1770 meter without scipy or pyloudnorm (issue 15, memory): its
K-weighting, true-peak interpolator, limiter hold and resampler equal the scipy/pyloudnorm
references the tests keep as the independent meter, and a build never imports those."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
from scipy.ndimage import minimum_filter1d
from scipy.signal import resample_poly, sosfilt

from phatthanh.master.clips import resampled
from phatthanh.master.kweight import KWeighting, k_weighting
from phatthanh.master.layout import read_wav
from phatthanh.master.meter import _TP_HALF, LoudnessMeter, _phases, held_minimum
from phatthanh.model import Segment
from phatthanh.voices import ClipCache, choose_voice, synthesize
from phatthanh.voices.settings import VoiceSettings

ROOT = Path(__file__).resolve().parents[1]
RATES = (8000, 16000, 22050, 24000, 44100, 48000)


def _signals(rate: int) -> dict[str, np.ndarray]:
    t = np.arange(rate * 3) / rate
    noise = np.random.default_rng(rate).standard_normal(len(t)) * 0.1
    return {
        "30 Hz tone": 0.5 * np.sin(2 * np.pi * 30 * t),  # where the high-pass bites
        "white noise": noise,
        "noise, silence, noise": np.concatenate([noise[:rate], np.zeros(rate), noise[rate:]]),
    }


@pytest.mark.parametrize("rate", RATES)
def test_k_weighting_coefficients_are_pyloudnorms(rate: int) -> None:
    filters = pyloudnorm.Meter(rate)._filters
    for ours, name in zip(k_weighting(rate), ("high_shelf", "high_pass"), strict=True):
        stage = filters[name]
        b = np.asarray(stage.b) * stage.passband_gain
        a = np.asarray(stage.a)
        assert np.max(np.abs(ours - np.concatenate([b / a[0], a / a[0]]))) < 1e-12


@pytest.mark.parametrize("rate", [16000, 22050, 44100, 48000])
def test_the_filter_is_scipys_sosfilt_whole_or_in_any_chunks(rate: int) -> None:
    sos = k_weighting(rate)
    for name, signal in _signals(rate).items():
        reference, _ = sosfilt(sos, signal, zi=np.zeros((2, 2)))  # float64 throughout
        scale = np.max(np.abs(reference))
        # the filter it replaces: scipy's sosfilt on float32 (0.6e-3 off on the tone)
        single, _ = sosfilt(sos.astype(np.float32), signal.astype(np.float32),
                            zi=np.zeros((2, 2), np.float32))  # fmt: skip
        before = np.max(np.abs(single - reference))
        for chunk in (len(signal), 65536, 7777, 64, 65, 63, 1):
            filtered = KWeighting(rate)
            length = len(signal) if chunk > 1 else 3000  # one by one: a short piece
            parts = [filtered(signal[i : i + chunk]) for i in range(0, length, chunk)]
            out = np.concatenate(parts)
            assert out.dtype == np.float32 and len(out) == length
            error = np.max(np.abs(out - reference[:length]))
            assert error < 5e-5 * scale and error < before / 5, (name, chunk)


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> tuple[np.ndarray, int]:
    """Real program audio: two sentences read by the offline voice, with a pause."""
    root = tmp_path_factory.mktemp("speech")
    texts = ("Ủy ban xã họp bàn kế hoạch làm đường bê tông cho ba thôn.",
             "Trạm y tế mở thêm buổi tiêm chủng vào sáng thứ bảy.")  # fmt: skip
    segments = tuple(Segment("body", t, t, 0) for t in texts)
    voice = choose_voice(VoiceSettings(engine="espeak"), None, False, root)
    clips = synthesize(segments, voice, ClipCache(root / "cache"), None).clips
    pieces = [read_wav(clip.path) for clip in clips]
    rate = pieces[0][1]
    audio = np.concatenate([pieces[0][0], np.zeros(rate // 2, np.float32), pieces[1][0]])
    return audio[: len(audio) // (rate // 10) * (rate // 10)], rate  # whole 100 ms blocks


def test_loudness_and_step_energies_equal_the_references(speech: tuple[np.ndarray, int]) -> None:
    audio, speech_rate = speech
    cases = [(f"{name} at {rate}", s, rate) for rate in (22050, 44100, 48000)
             for name, s in _signals(rate).items()]  # fmt: skip
    cases += [("speech", audio, speech_rate), ("speech at 44.1 kHz",
              resampled(audio, speech_rate, 44100), 44100)]  # fmt: skip
    for name, signal, rate in cases:
        signal = np.asarray(signal, dtype=np.float32)
        reference = pyloudnorm.Meter(rate).integrated_loudness(signal.astype(np.float64))
        meter = LoudnessMeter(rate)
        for start in range(0, len(signal), 7777):  # odd chunks: the state carries over
            meter.add(signal[start : start + 7777])
        assert abs(meter.integrated_lufs() - reference) <= 0.01, name
        weighted, _ = sosfilt(k_weighting(rate), signal.astype(np.float64), zi=np.zeros((2, 2)))
        steps = len(signal) // meter.step
        expected = np.square(weighted[: steps * meter.step]).reshape(steps, -1).sum(axis=1)
        energy, _ = meter.steps()
        assert len(energy) == steps
        assert np.allclose(energy, expected, rtol=1e-4, atol=1e-6 * expected.max()), name


def test_the_true_peak_interpolator_is_resample_polys() -> None:
    size = 4 * _TP_HALF
    impulse = np.zeros(size)
    impulse[size // 2] = 1.0
    response = resample_poly(impulse, 4, 1)
    rows = np.zeros((3, 2 * _TP_HALF + 1))
    for k in range(1, 4):
        for m in range(-_TP_HALF, _TP_HALF + 1):
            n = size // 2 - m  # output sample 4n+k sees the impulse at offset +m
            if 0 <= 4 * n + k < len(response):
                rows[k - 1, m + _TP_HALF] = response[4 * n + k]
    assert np.max(np.abs(_phases() - rows)) < 1e-15
    assert np.count_nonzero(rows) == 3 * 20  # the whole filter: 81 taps less the zero ones


def test_the_limiter_hold_is_scipys_minimum_filter() -> None:
    rng = np.random.default_rng(11)
    for size in range(1, 7):
        for length in (1, 2, 3, 5, 400, 4001):
            values = np.minimum(1.0, rng.random(length) * 1.5)
            expected = minimum_filter1d(values, size, origin=(size - 1) // 2)
            assert np.array_equal(held_minimum(values, size), expected), (size, length)


def _db(signal: np.ndarray, reference: np.ndarray) -> float:
    """Mean power of `signal` against `reference`'s, in dB."""
    power = np.mean(np.square(signal.astype(np.float64)))
    return float(10 * np.log10(power / np.mean(np.square(reference.astype(np.float64)))))


def _sweep(rate: int, low_hz: float, high_hz: float) -> np.ndarray:
    t = np.arange(rate * 2) / rate  # two seconds, the frequency rising linearly
    return (0.5 * np.sin(2 * np.pi * (low_hz * t + (high_hz - low_hz) / 4 * t**2))).astype(
        np.float32
    )


def test_resampled_clips_keep_their_level_and_leave_no_images_or_aliases() -> None:
    t = np.arange(22050 * 2) / 22050
    tone = (0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    up = resampled(tone, 22050, 44100)  # an espeak-ng clip to the master's rate
    assert len(up) == 2 * len(tone) and up.dtype == np.float32
    inner = up[4410:-4410]  # away from the ends
    assert abs(_db(inner, tone)) < 0.01
    spectrum = np.abs(np.fft.rfft(inner * np.hanning(len(inner)))) ** 2
    above = spectrum[np.fft.rfftfreq(len(inner), 1 / 44100) > 11025].sum()
    assert 10 * np.log10(above / spectrum.sum()) < -100  # no image (21.05 kHz); poly: -66
    # a 48 kHz jingle: its band up to 19 kHz kept, what lies over 22.05 kHz not folded back
    kept = resampled(_sweep(48000, 100, 19000), 48000, 44100)
    assert abs(_db(kept[4410:-4410], _sweep(48000, 100, 19000)[4800:-4800])) < 0.05
    folded = resampled(_sweep(48000, 22500, 23900), 48000, 44100)
    # (away from the ends, where the sweep's abrupt start and stop are broadband clicks)
    assert _db(folded[4410:-4410], _sweep(48000, 22500, 23900)) < -100  # resample_poly: -12
    lengths = [len(resampled(np.zeros(n, np.float32), 48000, 44100)) for n in (1, 1001, 48001)]
    assert lengths == [1, 920, 44101]  # ceil(n * 44100 / 48000): the copies' length rule


def test_a_build_imports_neither_scipy_nor_pyloudnorm(tmp_path: Path) -> None:
    """The memory target (150 MB for an hour) needs scipy (with pyloudnorm, ~77 MB of
    imports) out of the build process: a real build of one article, then what it loaded,
    and the studio's and the queue workers' modules."""
    article = ROOT / "samples" / "articles" / "02-vu-mua.txt"
    script = (
        "import json, sys\n"
        "from phatthanh.cli import main\n"
        f"code = main(['build-episode', {str(article)!r}, '--engine', 'espeak',\n"
        "             '--profile', 'podcast', '--date', '2026-11-24'])\n"
        "import phatthanh.studio.app, phatthanh.queue.tasks, phatthanh.pipeline\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('scipy', 'pyloudnorm'))\n"
        "print(json.dumps({'code': code, 'heavy': heavy}))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                         text=True, timeout=600, check=False)  # fmt: skip
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["code"] == 0, run.stderr
    assert list((tmp_path / "episodes").glob("*/*.mp3")), "the build published nothing"
    assert result["heavy"] == []
