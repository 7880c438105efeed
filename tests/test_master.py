"""Mastering, measured: loudness (independent BS.1770 meter on the decoded MP3), 4x
oversampled true peak, MP3 format, clicks at joins, trimmed clip edges, jingle loudness."""

from __future__ import annotations

import itertools
import re
import threading
import wave
from datetime import date
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
from mutagen.mp3 import MP3, BitrateMode
from scipy.signal import resample_poly

from phatthanh.ffmpeg import run_ffmpeg
from phatthanh.master import MasterStats, lay_out, render, verify
from phatthanh.master import encode as encode_module
from phatthanh.master.layout import MAX_EDGE_SILENCE_MS, read_wav, speech_bounds_ms
from phatthanh.master.meter import LoudnessMeter, TruePeakMeter
from phatthanh.master.render import write_master
from phatthanh.master.settings import MasterSettings
from phatthanh.model import Part, Program, Segment
from phatthanh.program.jingles import generated_jingle
from phatthanh.program.settings import ProgramSettings
from phatthanh.voices import ClipCache, choose_voice, synthesize
from phatthanh.voices.settings import VoiceSettings
from tests.conftest import decode

SENTENCES = [
    "Ủy ban nhân dân xã Tân Lập tổ chức hội nghị tổng kết công tác năm.",
    "Năm nay, toàn xã có thêm ba mươi hộ thoát nghèo.",
    "Các thôn đã hoàn thành làm đường bê tông liên thôn.",
    "Người dân tích cực tham gia giữ gìn vệ sinh môi trường.",
]


@pytest.fixture(scope="module")
def program_and_clips(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("master")
    assets = root / "assets"
    segments = tuple(Segment("body", s, s, i // 2) for i, s in enumerate(SENTENCES))
    program = Program(
        title="Thử",
        air_date=date(2026, 11, 24),
        chapter_titles=("Mở đầu", "Tin", "Kết thúc"),
        chapter_urls=(None, "https://songxanh.example.gov.vn/tin/1", None),
        item_chapters=(1,),
        parts=(
            Part("jingle", 0, audio=generated_jingle("opening", assets), pause_after_ms=500),
            Part("speech", 1, segments[:2], pause_after_ms=800),
            Part("stinger", 1, audio=generated_jingle("stinger", assets), pause_after_ms=800),
            Part("speech", 1, segments[2:], pause_after_ms=500),
            Part("jingle", 2, audio=generated_jingle("closing", assets)),
        ),
    )
    voice = choose_voice(VoiceSettings(engine="espeak"), None, False, root)
    clips = synthesize(program.segments(), voice, ClipCache(root / "cache"), None).clips
    return root, program, clips


@pytest.fixture(scope="module")
def renditions(program_and_clips):  # type: ignore[no-untyped-def]
    root, program, clips = program_and_clips
    timeline = lay_out(program, clips, ProgramSettings())
    out = root / "out"
    out.mkdir()
    stats = MasterStats()
    names = ("podcast", "loudspeaker", "broadcast")
    made = render(timeline, names, out, MasterSettings(), None, stats=stats)
    return out, made, timeline, stats


def true_peak_dbtp(samples: np.ndarray) -> float:
    return float(20 * np.log10(np.max(np.abs(resample_poly(samples, 4, 1)))))


@pytest.mark.parametrize("index", [0, 1, 2], ids=["podcast", "loudspeaker", "broadcast"])
def test_each_rendition_is_on_target_measured_independently(renditions, index: int) -> None:  # type: ignore[no-untyped-def]
    out, made, _, _ = renditions
    rendition = made[index]
    path = out / rendition.file
    samples = decode(path, rendition.sample_rate_hz)
    loudness = pyloudnorm.Meter(rendition.sample_rate_hz).integrated_loudness(samples)
    assert abs(loudness - rendition.target_lufs) <= 0.5, (rendition.profile, loudness)
    assert true_peak_dbtp(samples) <= rendition.true_peak_max_dbtp
    info = MP3(path).info
    assert info.version == 1 and info.layer == 3 and info.channels == 1  # MPEG-1 layer III
    assert info.bitrate_mode == BitrateMode.CBR  # needs the Info header (M4, M5)
    assert info.sample_rate == rendition.sample_rate_hz
    assert info.bitrate // 1000 == rendition.bitrate_kbps
    assert abs(info.length - rendition.duration_s) < 0.1


def test_profiles_have_their_formats(renditions) -> None:  # type: ignore[no-untyped-def]
    _, made, _, _ = renditions
    shape = {r.profile: (r.target_lufs, r.sample_rate_hz, r.bitrate_kbps) for r in made}
    assert shape == {
        "podcast": (-19.0, 44100, 96),
        "loudspeaker": (-16.0, 44100, 64),
        "broadcast": (-23.0, 48000, 128),
    }
    assert made[0].profile == "podcast"


def test_loudspeaker_rendition_is_band_limited(renditions) -> None:  # type: ignore[no-untyped-def]
    out, made, _, _ = renditions
    loudspeaker = decode(out / made[1].file, 44100)
    podcast = decode(out / made[0].file, 44100)

    def band_share(samples: np.ndarray, low: float, high: float) -> float:
        spectrum = np.abs(np.fft.rfft(samples)) ** 2
        freqs = np.fft.rfftfreq(len(samples), 1 / 44100)
        return float(spectrum[(freqs >= low) & (freqs < high)].sum() / spectrum.sum())

    assert band_share(loudspeaker, 20, 60) < band_share(podcast, 20, 60) / 4
    assert band_share(loudspeaker, 9500, 11000) < band_share(podcast, 9500, 11000) / 4


def test_no_clicks_at_joins(program_and_clips, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, program, clips = program_and_clips
    timeline = lay_out(program, clips, ProgramSettings())
    master = tmp_path / "master.wav"
    write_master(timeline, master)
    samples, rate = read_wav(master)
    assert np.max(np.abs(samples)) > 0.3  # there is sound to click
    for cue in timeline.cues[1:]:
        at = round(cue.start_ms * rate / 1000)
        # the samples on both sides of every join: faded to silence, so no step
        join = samples[max(0, at - 3) : at + 3]
        assert np.max(np.abs(np.diff(join))) < 0.01, cue
        assert np.max(np.abs(join)) < 0.02, cue


def test_clip_edges_are_trimmed_to_at_most_150_ms(program_and_clips, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, _, clips = program_and_clips
    samples, rate = read_wav(clips[0].path)
    padded = np.concatenate([np.zeros(rate), samples, np.zeros(rate)])
    path = tmp_path / "padded.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((padded * 32767).astype("<i2").tobytes())
    start, end = speech_bounds_ms(path)
    loud = np.flatnonzero(np.abs(padded) > 10 ** (-45 / 20))
    first_ms, last_ms = loud[0] * 1000 // rate, loud[-1] * 1000 // rate
    # pydub measures silence in 5 ms chunks, counted from each end of the clip: an edge is
    # placed within one chunk of the exact sample (espeak-ng's clip lengths vary by a ms, so
    # where the chunks fall varies too)
    assert 0 <= first_ms - start <= MAX_EDGE_SILENCE_MS + 5
    assert 0 <= end - last_ms <= MAX_EDGE_SILENCE_MS + 5
    assert start > 800 and end < (len(padded) * 1000 // rate) - 800


def test_jingles_are_matched_to_speech_within_2_lu(program_and_clips, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, program, clips = program_and_clips
    timeline = lay_out(program, clips, ProgramSettings())
    master = tmp_path / "master.wav"
    write_master(timeline, master)
    samples, rate = read_wav(master)
    meter = pyloudnorm.Meter(rate)

    def loudness(kinds: tuple[str, ...]) -> float:
        parts = [
            samples[c.start_ms * rate // 1000 : (c.start_ms + c.duration_ms) * rate // 1000]
            for c in timeline.cues
            if c.kind in kinds
        ]
        return float(meter.integrated_loudness(np.concatenate(parts).astype(np.float64)))

    assert abs(loudness(("jingle",)) - loudness(("speech",))) <= 2.0


def test_chapters_are_contiguous_from_zero_to_the_end(program_and_clips) -> None:  # type: ignore[no-untyped-def]
    _, program, clips = program_and_clips
    timeline = lay_out(program, clips, ProgramSettings())
    chapters = timeline.chapters
    assert [c.title for c in chapters] == ["Mở đầu", "Tin", "Kết thúc"]
    assert chapters[0].start_ms == 0 and chapters[-1].end_ms == timeline.duration_ms
    assert all(a.end_ms == b.start_ms for a, b in itertools.pairwise(chapters))
    assert chapters[1].url == "https://songxanh.example.gov.vn/tin/1"


def test_music_bed_is_ducked_under_speech_with_smooth_ramps(
    program_and_clips, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    _, program, clips = program_and_clips
    music = tmp_path / "nen.wav"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=frequency=220:duration=4", "-f", "lavfi", "-i",
                "sine=frequency=330:duration=4", "-filter_complex", "amix=inputs=2", "-ac", "1",
                "-ar", "44100", str(music)])  # fmt: skip
    bedded = replace(program, parts=tuple(
        replace(p, bed=music) if p.kind == "speech" and p.chapter == 1 else p
        for p in program.parts))  # fmt: skip
    plain_tl = lay_out(program, clips, ProgramSettings())
    bed_tl = lay_out(bedded, clips, ProgramSettings(bed_duck_db=18))
    assert len(bed_tl.beds) == 2 and bed_tl.cues == plain_tl.cues
    write_master(plain_tl, tmp_path / "plain.wav")
    write_master(bed_tl, tmp_path / "bed.wav")
    plain, rate = read_wav(tmp_path / "plain.wav")
    with_bed, _ = read_wav(tmp_path / "bed.wav")
    music_only = (with_bed - plain).astype(np.float64)
    meter = pyloudnorm.Meter(rate)

    def over(kind: str, signal: np.ndarray) -> float:
        pieces = [signal[c.start_ms * rate // 1000 : (c.start_ms + c.duration_ms) * rate // 1000]
                  for c in bed_tl.cues if c.kind == kind and c.chapter == 1]  # fmt: skip
        return float(meter.integrated_loudness(np.concatenate(pieces)))

    assert over("speech", plain.astype(np.float64)) - over("speech", music_only) >= 12
    assert np.max(np.abs(music_only)) > 0.003  # the bed is there
    # RMS over one period of the two-tone bed (220 + 330 Hz repeat every 1/110 s, ~9 ms), so
    # a steady bed measures flat whatever the master's sample rate and only ramps move it
    window = round(rate / 110)
    rms = np.sqrt([np.mean(music_only[i : i + window] ** 2) + 1e-12
                   for i in range(0, len(music_only) - window, window)])  # fmt: skip
    # no jumps: in ~9 ms the bed's level moves by less than a tenth of its full level (an
    # unramped switch between the pause and the ducked level would move it by ~70%)
    assert np.max(np.abs(np.diff(rms))) < 0.1 * np.max(rms)


def test_every_rendition_is_encoded_once(renditions) -> None:  # type: ignore[no-untyped-def]
    _, _, _, stats = renditions
    assert stats.encodes == {"podcast": 1, "loudspeaker": 1, "broadcast": 1}
    assert {"master write", "loudness", "encodes", "verification"} <= set(stats.seconds)


def test_a_missed_rendition_is_re_encoded_and_counted(
    program_and_clips, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    _, program, clips = program_and_clips
    timeline = lay_out(program, clips, ProgramSettings())
    # a wrong prediction of the coder's loss: the first encode lands 3 LU too loud
    monkeypatch.setattr(encode_module, "coding_loss_db", lambda *_: 3.0)
    stats = MasterStats()
    made = render(timeline, ("podcast",), tmp_path, MasterSettings(), None, stats=stats)
    assert stats.encodes == {"podcast": 2}
    samples = decode(tmp_path / made[0].file, 44100)
    loudness = pyloudnorm.Meter(44100).integrated_loudness(samples)
    assert abs(loudness - made[0].target_lufs) <= 0.5


def ebur128_lufs(path: Path) -> float:
    """ffmpeg's BS.1770 meter (the libebur128 design), one decimal."""
    args = ["-nostats", "-i", str(path), "-af", "ebur128=framelog=quiet", "-f", "null", "-"]
    stderr = run_ffmpeg(args).stderr.decode()
    return float(re.findall(r"I:\s*(-?[\d.]+) LUFS", stderr)[-1])


def test_in_process_loudness_agrees_with_reference_meters(
    program_and_clips, renditions, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _, program, clips = program_and_clips
    timeline = lay_out(program, clips, ProgramSettings())
    levels = write_master(timeline, tmp_path / "master.wav", tmp_path / "band.wav")
    # the master runs at 44.1 kHz, the speech band at 22.05 kHz (it stops at 8 kHz)
    for name, stream, rate in (("master", levels.master, 44100), ("band", levels.band, 22050)):
        assert stream is not None and stream.rate_hz == rate
        with wave.open(str(tmp_path / f"{name}.wav")) as w:
            assert w.getframerate() == rate
            samples = np.frombuffer(w.readframes(w.getnframes()), "<i2") / 32768.0
        reference = pyloudnorm.Meter(rate).integrated_loudness(samples)
        assert abs(stream.integrated_lufs - reference) <= 0.05, (name, reference)
        # ffmpeg's meter designs its K-weighting analytically: ~0.1 LU apart at 22.05 kHz
        assert abs(stream.integrated_lufs - ebur128_lufs(tmp_path / f"{name}.wav")) <= 0.15
    # the finished files (44.1 and 48 kHz): what the build measured against pyloudnorm
    out, made, _, _ = renditions
    for rendition in made:
        samples = decode(out / rendition.file, rendition.sample_rate_hz)
        reference = pyloudnorm.Meter(rendition.sample_rate_hz).integrated_loudness(samples)
        assert abs(rendition.integrated_lufs - reference) <= 0.1, rendition.profile
    # a signal where both gates matter: loud and quiet speech-like noise, and silence
    rng = np.random.default_rng(3)
    rate = 48000
    parts = [
        rng.standard_normal(rate * 3) * 0.2,
        np.zeros(rate),
        rng.standard_normal(rate * 2) * 0.01,  # under the relative gate
        rng.standard_normal(rate * 4) * 0.05,
    ]
    signal = np.concatenate(parts).astype(np.float32)
    meter = LoudnessMeter(rate)
    for start in range(0, len(signal), 7777):  # odd chunks: state carries over
        meter.add(signal[start : start + 7777])
    reference = pyloudnorm.Meter(rate).integrated_loudness(signal.astype(np.float64))
    assert abs(meter.integrated_lufs() - reference) <= 0.1
    whole = LoudnessMeter(rate)
    whole.add(signal)
    assert abs(whole.integrated_lufs() - meter.integrated_lufs()) < 1e-6


def test_streamed_true_peak_equals_full_oversampling(renditions) -> None:  # type: ignore[no-untyped-def]
    out, made, _, _ = renditions
    for rendition in made:
        samples = decode(out / rendition.file, rendition.sample_rate_hz)
        meter = TruePeakMeter()
        for start in range(0, len(samples), 5000):
            meter.add(samples[start : start + 5000])
        assert abs(meter.dbtp() - true_peak_dbtp(samples)) < 0.01, rendition.profile
        assert abs(rendition.true_peak_dbtp - true_peak_dbtp(samples)) < 0.02


class RecordingProgress:
    def __init__(self) -> None:
        self.events: list[tuple[str, int, str]] = []
        self.threads: list[tuple[int, int]] = []  # (reporting thread, threads alive)

    def start(self, task: str, total: int) -> None:
        self.events.append(("start", total, task))

    def advance(self, n: int = 1, detail: str = "") -> None:
        self.events.append(("advance", n, detail))
        self.threads.append((threading.get_ident(), threading.active_count()))

    def finish(self) -> None:
        self.events.append(("finish", 0, ""))


def test_mastering_reports_each_cue_and_each_rendition_as_it_goes(  # type: ignore[no-untyped-def]
    program_and_clips, tmp_path: Path
) -> None:
    _root, program, clips = program_and_clips
    timeline = lay_out(program, clips, ProgramSettings())
    progress = RecordingProgress()
    made = render(timeline, ("podcast", "loudspeaker"), tmp_path, MasterSettings(), progress)
    (kind, total, task), *advances, last = progress.events
    assert (kind, task) == ("start", "Mastering") and last[0] == "finish"
    assert all(event == "advance" and n >= 1 for event, n, _ in advances)  # only forward
    assert sum(n for _, n, _ in advances) == total
    seconds = -(-timeline.duration_ms // 1000)
    assert total == len(timeline.cues) + 1 + 2 * (seconds + 2)
    details = [detail for _, _, detail in advances]
    cues = [d for d in details if d.startswith("master: cue ")]
    assert len(cues) == len(timeline.cues) and cues[-1].endswith(
        f"{len(timeline.cues)}/{len(cues)}"
    )
    assert details.index(cues[-1]) < details.index("loudness measured")  # the master comes first
    for rendition in made:
        name = rendition.file
        mine = [(n, d) for _, n, d in advances if d.startswith(f"{name}: ")]
        assert len(mine) >= 3  # calibrated, encoding (seconds), verified
        assert mine[0][1] == f"{name}: calibrated"
        encoding = [n for n, d in mine if d.endswith(" s")]
        assert encoding and sum(encoding) == seconds
        assert mine[-1][1].endswith(" LUFS")  # verified last
    # the encoders are read by the build's own thread, with no thread per encoder (each
    # would keep its own malloc arena: tens of MB on a long program); only the coder-loss
    # probes and the verification of the finished files run, on the pool's few threads
    encoding = [t for t, (_, _, d) in zip(progress.threads, advances, strict=True)
                if d.endswith(" s") and not d.startswith("master")]  # fmt: skip
    assert encoding and {ident for ident, _ in encoding} == {threading.get_ident()}
    assert max(alive for _, alive in encoding) <= threading.active_count() + verify.THREADS


def test_a_jingles_highs_reach_the_podcast_and_broadcast_renditions(
    program_and_clips, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The voice speaks at 22.05 kHz, a jingle carries a 15 kHz tone: the master runs at
    44.1 kHz, so the tone is still there after the encoders (energy above 11 kHz)."""
    _, program, clips = program_and_clips
    rate = 44100
    t = np.arange(rate) / rate
    tone = 0.2 * np.sin(2 * np.pi * 1000 * t) + 0.2 * np.sin(2 * np.pi * 15000 * t)
    jingle = tmp_path / "bright.wav"
    with wave.open(str(jingle), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((tone * 32767).astype("<i2").tobytes())
    speech = program.parts[1]
    bright = Program(
        program.title, program.air_date, ("Mở đầu", "Tin"), (None, None), (1,),
        parts=(Part("jingle", 0, audio=jingle, pause_after_ms=300), speech),
    )  # fmt: skip
    used = clips[: len(speech.segments)]
    timeline = lay_out(bright, used, ProgramSettings())
    assert {c.source.stem for c in timeline.cues if c.kind == "speech" and c.source} and all(
        read_wav(c.source)[1] == 22050 for c in timeline.cues if c.kind == "speech" and c.source
    )
    cue = next(c for c in timeline.cues if c.kind == "jingle")
    made = render(timeline, ("podcast", "broadcast"), tmp_path, MasterSettings(), None)
    for rendition in made:
        sr = rendition.sample_rate_hz
        samples = decode(tmp_path / rendition.file, sr)
        span = samples[(cue.start_ms + 100) * sr // 1000 : (cue.start_ms + 900) * sr // 1000]
        spectrum = np.abs(np.fft.rfft(span)) ** 2
        freqs = np.fft.rfftfreq(len(span), 1 / sr)
        high = spectrum[freqs > 11000].sum() / spectrum.sum()
        assert high > 0.25, (rendition.profile, high)  # the tone holds half the energy


def test_speech_clips_are_resampled_once_and_kept(program_and_clips, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, program, clips = program_and_clips
    timeline = lay_out(program, clips, ProgramSettings())
    write_master(timeline, tmp_path / "first.wav")
    copies = {c.source.parent / "44100" / c.source.name for c in timeline.cues
              if c.kind == "speech" and c.source}  # fmt: skip
    assert copies and all(p.is_file() for p in copies)
    made = {p: p.stat().st_mtime_ns for p in copies}
    some = next(iter(copies))
    with wave.open(str(some)) as w:
        truncated = w.readframes(w.getnframes() // 2)
    with wave.open(str(some), "wb") as w:  # a damaged copy: half its samples
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(truncated)
    write_master(timeline, tmp_path / "second.wav")
    assert all(p.stat().st_mtime_ns == made[p] for p in copies if p != some)  # reused
    assert (tmp_path / "first.wav").read_bytes() == (tmp_path / "second.wav").read_bytes()
