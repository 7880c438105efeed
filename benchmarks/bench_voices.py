"""Voices (issue 5): online concurrency against the local protocol server with 300 ms added
per request, espeak-ng speed against real time, and a cached rebuild making no engine call."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from phatthanh.model import Segment
from phatthanh.voices import ClipCache, choose_voice, synthesize
from phatthanh.voices.edge import EdgeEngine
from phatthanh.voices.espeak import EspeakEngine
from phatthanh.voices.settings import EdgeSettings, EspeakSettings, VoiceSettings
from tests.edge_server import EdgeServer

LATENCY_S = 0.3
SEGMENTS = 100
CONCURRENCY = 4
_WORDS = "xã huyện nhân dân cán bộ hội nghị nông thôn kế hoạch triển khai kết quả".split()


def sentences(n: int) -> list[str]:
    return [
        f"Bản tin số {i}: " + " ".join(_WORDS[(i + k) % len(_WORDS)] for k in range(8)) + "."
        for i in range(n)
    ]


def online() -> None:
    texts = sentences(SEGMENTS)
    with EdgeServer(latency_s=LATENCY_S) as server:
        for text in texts:
            server.audio_for(text)  # the server's own audio is made before timing
        engine = EdgeEngine(EdgeSettings(endpoint=server.endpoint, concurrency=CONCURRENCY))
        started = time.monotonic()
        clips = engine.synthesize_many(texts)
        elapsed = time.monotonic() - started
    bound = 1.25 * SEGMENTS * LATENCY_S / CONCURRENCY
    verdict = "ok" if elapsed <= bound and len(clips) == SEGMENTS else "OVER"
    print(
        f"edge-tts: {SEGMENTS} segments at concurrency {CONCURRENCY}, +{LATENCY_S} s each: "
        f"{elapsed:.2f} s (bound {bound:.2f} s, {server.max_in_flight} in flight) {verdict}"
    )


def offline() -> None:
    engine = EspeakEngine(EspeakSettings())
    texts = sentences(200)
    started = time.monotonic()
    clips = engine.synthesize_many(texts)
    elapsed = time.monotonic() - started
    audio_s = sum(c.duration_ms for c in clips) / 1000
    speed = audio_s / elapsed
    verdict = "ok" if speed >= 100 else "UNDER"
    print(
        f"espeak-ng: {audio_s:.0f} s of speech in {elapsed:.2f} s = {speed:.0f}x real time "
        f"(bound 100x) {verdict}"
    )


def cached_rebuild() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        voice = choose_voice(VoiceSettings(engine="espeak"), None, False, root)
        cache = ClipCache(root / "cache")
        segments: list[Segment] = []
        minutes = 0.0
        n = 0
        while minutes < 30:
            batch = [Segment("body", t, t) for t in sentences(n + 50)[n:]]
            made = synthesize(batch, voice, cache, None)
            minutes += sum(c.duration_ms for c in made.clips) / 60000
            segments.extend(batch)
            n += 50
        calls = []
        original = voice.engine.synthesize_many
        voice.engine.synthesize_many = lambda texts: calls.append(texts) or original(texts)  # type: ignore[method-assign]
        started = time.monotonic()
        again = synthesize(segments, voice, cache, None)
        elapsed = time.monotonic() - started
    verdict = "ok" if not calls and again.synthesized == 0 else "FAIL"
    print(
        f"cached rebuild of a {minutes:.0f}-minute program ({len(segments)} segments): "
        f"{len(calls)} engine calls, {again.cache_hits} cache hits in {elapsed:.2f} s "
        f"(bound 0 calls) {verdict}"
    )


def main() -> None:
    online()
    offline()
    cached_rebuild()


if __name__ == "__main__":
    main()
