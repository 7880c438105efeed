"""The online voice through the real edge-tts client, against tests/edge_server.py on
127.0.0.1, with every fault of ../shared/specs/online-voice.md injected."""

from __future__ import annotations

import itertools
import json
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from edge_tts.drm import DRM

from phatthanh.errors import EngineUnavailable, VoiceError
from phatthanh.model import Segment, WordBoundary
from phatthanh.voices import ClipCache, choose_voice, synthesize
from phatthanh.voices.edge import EdgeEngine
from phatthanh.voices.settings import EdgeSettings, VoiceSettings
from tests.edge_server import EdgeServer

TEXTS = [
    "Ủy ban nhân dân xã tổ chức hội nghị tổng kết năm.",
    "Người dân tích cực tham gia xây dựng nông thôn mới.",
    "Các thôn hoàn thành làm đường bê tông liên thôn.",
]


@pytest.fixture(autouse=True)
def reset_clock_skew() -> Iterator[None]:
    DRM.clock_skew_seconds = 0.0  # process-global state in the client
    yield
    DRM.clock_skew_seconds = 0.0


@pytest.fixture
def server() -> Iterator[EdgeServer]:
    with EdgeServer() as running:
        yield running


def engine(server: EdgeServer, **overrides: object) -> EdgeEngine:
    settings = {"endpoint": server.endpoint, "timeout_s": 5.0, "retries": 3, **overrides}
    return EdgeEngine(EdgeSettings(**settings))  # type: ignore[arg-type]


def test_reads_every_segment_with_word_boundaries(server: EdgeServer) -> None:
    clips = engine(server).synthesize_many(TEXTS)
    assert server.texts == TEXTS or sorted(server.texts) == sorted(TEXTS)
    for text, clip in zip(TEXTS, clips, strict=True):
        assert clip.sample_rate_hz == 24000
        assert clip.duration_ms > 1500
        assert [w.text for w in clip.words] == text.split()
        assert all(a.offset_ms < b.offset_ms for a, b in itertools.pairwise(clip.words))


def test_probe_and_choice_record_the_online_voice(server: EdgeServer, tmp_path: Path) -> None:
    settings = VoiceSettings(engine="auto", edge=EdgeSettings(endpoint=server.endpoint))
    voice = choose_voice(settings, None, False, tmp_path)
    assert voice.choice.engine == "edge-tts" and voice.choice.voice == "vi-VN-HoaiMyNeural"
    assert voice.choice.fallback_reason is None


def test_endpoint_comes_from_the_environment(
    server: EdgeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PHATTHANH_EDGE_ENDPOINT", server.endpoint)
    edge = EdgeEngine(EdgeSettings(endpoint="wss://nowhere.invalid/x"))
    assert edge.base == server.endpoint
    edge.probe()


def test_403_once_is_absorbed(server: EdgeServer) -> None:
    server.fault, server.fault_count = "403", 1
    (clip,) = engine(server).synthesize_many(TEXTS[:1])
    assert clip.duration_ms > 1500
    assert server.handshakes == 2 and server.requests == 1


def test_403_always_fails_cleanly_after_retries(server: EdgeServer) -> None:
    server.fault = "403"
    with pytest.raises(VoiceError, match="after 3 attempts"):
        engine(server, retries=2).synthesize_many(TEXTS[:1])
    assert server.requests == 0


def test_a_stall_is_cut_by_the_outer_timeout_and_retried(server: EdgeServer) -> None:
    server.fault, server.fault_count = "stall", 1
    server.audio_for(TEXTS[0])  # made beforehand: a busy machine must not time the retry out
    started = time.monotonic()
    (clip,) = engine(server, timeout_s=8).synthesize_many(TEXTS[:1])
    assert clip.duration_ms > 1500
    assert time.monotonic() - started < 50  # the stall lasts 60 s: it was cut, not waited out
    assert server.requests == 2


def test_a_dropped_stream_is_caught_retried_and_never_cached(
    server: EdgeServer, tmp_path: Path
) -> None:
    server.fault, server.fault_count = "drop", 1
    (clip,) = engine(server).synthesize_many(TEXTS[:1])
    assert server.requests == 2
    assert len(clip.words) == len(TEXTS[0].split())
    server.fault, server.fault_count = "drop", None
    settings = VoiceSettings(engine="edge", edge=EdgeSettings(endpoint=server.endpoint,
                                                              retries=1, timeout_s=5))  # fmt: skip
    voice = choose_voice(settings, None, True, tmp_path)
    cache = ClipCache(tmp_path / "cache")
    with pytest.raises(VoiceError, match="IncompleteClip"):
        synthesize([Segment("body", TEXTS[1], TEXTS[1])], voice, cache, None)
    assert cache.stats().clips == 0


@pytest.mark.parametrize("fault", ["cut_last", "cut_75"])
def test_a_stream_cut_before_its_end_is_retried_and_never_cached(
    server: EdgeServer, tmp_path: Path, fault: str
) -> None:
    text = "Sáng nay, hội nghị tổng kết công tác năm của huyện Sông Xanh đã diễn ra tại hội trường."
    full = engine(server).synthesize_many([text])[0]
    server.handshakes, server.requests = 0, 0
    server.fault, server.fault_count = fault, 1
    (clip,) = engine(server).synthesize_many([text])
    assert server.requests == 2  # the cut stream was not taken
    assert abs(clip.duration_ms - full.duration_ms) <= 50
    assert [w.text for w in clip.words] == text.split()
    server.fault, server.fault_count = fault, None
    settings = VoiceSettings(engine="edge", edge=EdgeSettings(endpoint=server.endpoint,
                                                              retries=1, timeout_s=5))  # fmt: skip
    voice = choose_voice(settings, None, True, tmp_path)
    cache = ClipCache(tmp_path / "cache")
    with pytest.raises(VoiceError, match="IncompleteClip"):
        synthesize([Segment("body", text, text)], voice, cache, None)
    assert cache.stats().clips == 0


def test_no_audio_is_retried(server: EdgeServer) -> None:
    server.fault, server.fault_count = "no_audio", 2
    (clip,) = engine(server).synthesize_many(TEXTS[:1])
    assert clip.duration_ms > 1500 and server.requests == 3


def test_an_unknown_message_fails_with_a_clear_error(server: EdgeServer) -> None:
    server.fault = "unknown"
    with pytest.raises(VoiceError, match="UnknownResponse"):
        engine(server, retries=1).synthesize_many(TEXTS[:1])


def test_slow_responses_run_four_at_a_time(server: EdgeServer) -> None:
    server.latency_s = 0.3
    texts = [f"{t} Bản tin số {i}." for i, t in enumerate(TEXTS * 3)]
    for text in texts:
        server.audio_for(text)  # make the audio first: measure the client, not espeak
    clips = engine(server, concurrency=4).synthesize_many(texts)
    assert len(clips) == 9
    assert server.max_in_flight == 4  # four requests were open at once


def test_a_failure_mid_build_keeps_the_clips_made_so_far(
    server: EdgeServer, tmp_path: Path
) -> None:
    edge = EdgeSettings(endpoint=server.endpoint, retries=0, concurrency=1)
    settings = VoiceSettings(engine="edge", edge=edge)
    voice = choose_voice(settings, None, True, tmp_path)
    cache = ClipCache(tmp_path / "cache")
    segments = [Segment("body", f"Câu số {n} của bản tin.", f"Câu số {n} của bản tin.")
                for n in range(20)]  # fmt: skip
    server.fault, server.fault_from = "403", 17  # requests 17 and later are refused
    with pytest.raises(VoiceError):
        synthesize(segments, voice, cache, None)
    kept = cache.stats().clips
    assert kept >= 16  # the first batch of 16 was cached before the failure
    server.fault = None
    rerun = synthesize(segments, voice, cache, None)
    assert rerun.cache_hits == kept and rerun.synthesized == 20 - kept


def test_faults_mid_build_end_in_complete_audio_or_a_clean_failure(
    server: EdgeServer, tmp_path: Path
) -> None:
    from datetime import date

    from phatthanh.articles import expand_sources
    from phatthanh.config import config_from_dict
    from phatthanh.errors import VoiceError
    from phatthanh.pipeline import BuildOptions, build_episode
    from phatthanh.voices.edge import check_complete
    from tests.conftest import SAMPLES

    def config(root: Path) -> object:
        return config_from_dict(
            {"voices": {"engine": "edge", "edge": {"endpoint": server.endpoint, "retries": 3,
                                                   "timeout_s": 3.0}},
             "master": {"renditions": ["podcast"]}}, root)  # fmt: skip

    options = BuildOptions(air_date=date(2026, 11, 24), strict_engine=True)
    server.fault, server.fault_from, server.fault_count = "drop", 3, 4  # cut streams mid-build
    good = config(tmp_path / "a")
    result = build_episode(expand_sources([str(SAMPLES[1])], good.articles), good, options)  # type: ignore[attr-defined]
    assert result.record.engine == "edge-tts"
    cache = tmp_path / "a" / ".cache" / "clips"
    metas = list(cache.glob("*/*.json"))
    assert metas and server.requests > len(metas)  # some streams were cut and redone
    for meta in metas:  # every clip that reached the cache (and the MP3) is whole
        data = json.loads(meta.read_text("utf-8"))
        words = tuple(WordBoundary(*w) for w in data["words"])
        spoken = " ".join(w.text for w in words)
        assert spoken in server.texts  # every word of a request the server was sent
        check_complete(spoken, data["duration_ms"], words, True)
    server.fault, server.fault_from, server.fault_count = "drop", 1, None  # every stream cut
    bad = config(tmp_path / "b")
    with pytest.raises(VoiceError, match="IncompleteClip"):
        build_episode(expand_sources([str(SAMPLES[1])], bad.articles), bad, options)  # type: ignore[attr-defined]
    assert not (tmp_path / "b" / "feeds" / "podcast.xml").exists()
    episodes = tmp_path / "b" / "episodes"
    assert not episodes.exists() or [p.name for p in episodes.iterdir()] in ([], [".staging"])


def test_an_unreachable_service_is_named_without_python_object_reprs() -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    edge = EdgeEngine(EdgeSettings(endpoint=f"wss://127.0.0.1:{port}/x", timeout_s=5.0))
    with pytest.raises(EngineUnavailable) as caught:
        edge.probe()
    message = str(caught.value)
    assert message.startswith(f"edge-tts is unreachable at wss://127.0.0.1:{port}/x (")
    assert f"127.0.0.1:{port}" in message.split("(", 1)[1]
    assert "ssl:" not in message and "object at 0x" not in message, message


@pytest.fixture
def limiter() -> Iterator[list[object]]:
    """A shared rate limit installed as a worker installs it; the test sets what it answers
    (seconds to the turn, or a threading.Event it blocks on) in `answers[0]`."""
    import threading

    from phatthanh.voices import throttle

    answers: list[object] = []

    def turn(engine: str) -> float:
        answer = answers[0]
        if isinstance(answer, threading.Event):
            answer.wait()  # a broker that does not answer
            return 0.0
        return float(answer)  # type: ignore[arg-type]

    throttle.install(turn)
    try:
        yield answers
    finally:
        throttle.install(None)
        for answer in answers:
            if isinstance(answer, threading.Event):
                answer.set()


def test_the_request_timeout_starts_once_the_rate_limit_grants_the_turn(
    server: EdgeServer, limiter: list[object]
) -> None:
    server.audio_for(TEXTS[0])  # made beforehand: a busy machine must not time the call out
    limiter.append(6.0)  # the turn comes after the 5 s request timeout would have run out
    (clip,) = engine(server, timeout_s=5.0, retries=0).synthesize_many(TEXTS[:1])
    assert clip.duration_ms > 1500 and [w.text for w in clip.words] == TEXTS[0].split()
    assert server.requests == 1  # one turn, one request, no timeout and no retry


def test_a_turn_further_away_than_its_bound_fails_at_once_in_its_own_words(
    server: EdgeServer, limiter: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    from phatthanh.voices.throttle import TurnWaitTooLong

    monkeypatch.setenv("PHATTHANH_VOICE_MAX_WAIT_S", "30")
    limiter.append(45.0)
    with pytest.raises(TurnWaitTooLong) as caught:
        engine(server, retries=3).synthesize_many(TEXTS[:1])
    assert str(caught.value) == (
        "edge: its turn in the shared rate limit is 45 s away, over 30 s; the province's "
        "workers make more online voice calls than PHATTHANH_VOICE_RATE allows: raise it, run "
        "fewer workers, or set PHATTHANH_VOICE_MAX_WAIT_S higher"
    )
    assert server.requests == 0 and server.handshakes == 0  # not retried, nothing was sent


def test_a_rate_limit_that_does_not_answer_is_cut_at_the_bound(
    server: EdgeServer, limiter: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from phatthanh.voices.throttle import TurnWaitTooLong

    monkeypatch.setenv("PHATTHANH_VOICE_MAX_WAIT_S", "0.5")
    limiter.append(threading.Event())  # never set while the call waits
    wanted = "edge: the shared rate limit did not answer in 0.5 s; "
    with pytest.raises(TurnWaitTooLong, match=re.escape(wanted)):
        engine(server, retries=3).synthesize_many(TEXTS[:1])
    assert server.requests == 0


def test_the_breaker_bounds_the_turn_wait_as_it_bounds_the_request(
    server: EdgeServer, tmp_path: Path
) -> None:
    settings = VoiceSettings(engine="auto", chain=("edge:vi-VN-HoaiMyNeural", "espeak"),
                             edge=EdgeSettings(endpoint=server.endpoint))  # fmt: skip
    voice = choose_voice(settings, None, False, tmp_path, online_timeout_s=8.0)
    assert isinstance(voice.engine, EdgeEngine) and voice.fallback is not None
    assert voice.engine.turn_wait_s == 8.0 and voice.engine.settings.timeout_s == 8.0
    assert voice.engine.voice == "vi-VN-HoaiMyNeural" and voice.engine.settings.retries == 0
