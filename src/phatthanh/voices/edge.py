"""The online voice: Microsoft's read-aloud service through the real edge-tts client.

Designed around ../shared/specs/online-voice.md: the client can hang forever after
`turn.start` (every request gets an outer asyncio timeout), returns partial audio as success
when the connection drops (a clip is complete only when the service said the turn ended and
every word of the text has a word boundary inside the received audio; anything else is
retried and never cached), and raises plain OSErrors for network trouble. Requests are bounded in
concurrency, one segment each, retried with exponential backoff and jitter.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import re
from collections.abc import Callable

from phatthanh.errors import EngineUnavailable, VoiceError
from phatthanh.ffmpeg import run_ffmpeg
from phatthanh.i18n import _
from phatthanh.model import WordBoundary
from phatthanh.voices.engine import RawClip
from phatthanh.voices.settings import EdgeSettings
from phatthanh.voices.throttle import TurnWaitTooLong, wait_turn

log = logging.getLogger(__name__)

DEFAULT_BASE = "wss://speech.platform.bing.com/consumer/speech/synthesize/readaloud"
_TICKS_PER_MS = 10_000
_BOUNDARY_SLACK_MS = 60  # a word's boundary may end this much after the decoded audio
_WORD = re.compile(r"\w+")


class IncompleteClip(Exception):
    """Audio arrived but does not cover the text: the stream was cut."""


def endpoint(settings: EdgeSettings) -> str:
    return os.environ.get("PHATTHANH_EDGE_ENDPOINT") or settings.endpoint or DEFAULT_BASE


def point_client_at(base: str) -> None:
    """Point the edge-tts client (URLs bound at import) at `base` and its voice list."""
    import edge_tts.communicate
    import edge_tts.voices
    from edge_tts.constants import TRUSTED_CLIENT_TOKEN

    base = base.rstrip("/")
    wss = f"{base}/edge/v1?TrustedClientToken={TRUSTED_CLIENT_TOKEN}"
    setattr(edge_tts.communicate, "WSS_URL", wss)  # noqa: B010 - bound at import
    http = base.replace("wss://", "https://", 1).replace("ws://", "http://", 1)
    voices = f"{http}/voices/list?trustedclienttoken={TRUSTED_CLIENT_TOKEN}"
    setattr(edge_tts.voices, "VOICE_LIST", voices)  # noqa: B010


def check_complete(
    text: str, duration_ms: int, words: tuple[WordBoundary, ...], ended: bool
) -> None:
    """Raise IncompleteClip unless the turn ended and every word of `text`, in order, has a
    boundary that lies inside the `duration_ms` of audio received."""
    if not ended:
        raise IncompleteClip(_("the stream ended before the service said the turn was over"))
    inside = [w for w in words if w.offset_ms + w.duration_ms <= duration_ms + _BOUNDARY_SLACK_MS]
    said = iter(t.casefold() for w in inside for t in _WORD.findall(w.text))
    for wanted in _WORD.findall(text):
        if not any(got == wanted.casefold() for got in said):
            reached = inside[-1].text if inside else "nothing"
            raise IncompleteClip(
                _(
                    "no boundary for {wanted!r} in {duration_ms} ms of audio (it ends at "
                    "{reached!r})"
                ).format(wanted=wanted, duration_ms=duration_ms, reached=reached)
            )


class EdgeEngine:
    """vi-VN neural voices; `synthesize_many` runs requests concurrently."""

    name = "edge-tts"

    def __init__(
        self,
        settings: EdgeSettings,
        sleep: Callable[[float], object] | None = None,
        turn_wait_s: float | None = None,
    ):
        import edge_tts

        self.settings = settings
        self.turn_wait_s = turn_wait_s  # bound on the wait for a rate-limit turn (throttle.py)
        self.voice = settings.voice
        self.version = str(edge_tts.__version__)
        if not hasattr(edge_tts.Communicate, _TURN_END_HOOK):
            raise EngineUnavailable(
                _(
                    "edge-tts {version} cannot report the end of a turn; install edge-tts 7.3"
                ).format(version=self.version)
            )
        self.base = endpoint(settings)
        point_client_at(self.base)

    def settings_key(self) -> str:
        s = self.settings
        return f"rate={s.rate};pitch={s.pitch};volume={s.volume}"

    def probe(self) -> None:
        """Ask the service for its voice list; EngineUnavailable says why it cannot be used."""
        try:
            voices = asyncio.run(self._list_voices())
        except Exception as exc:  # every failure here means "not usable now"
            raise EngineUnavailable(
                _("edge-tts is unreachable at {base} ({exc})").format(base=self.base, exc=_why(exc))
            ) from None
        names = {v.get("ShortName") for v in voices}
        if self.voice not in names:
            raise EngineUnavailable(
                _("edge-tts does not offer the voice {voice}").format(voice=self.voice)
            )

    async def _list_voices(self) -> list[dict[str, object]]:
        import edge_tts

        proxy = self.settings.proxy or None
        result = await asyncio.wait_for(edge_tts.list_voices(proxy=proxy), self.settings.timeout_s)
        return [dict(v) for v in result]

    def synthesize_many(self, texts: list[str]) -> list[RawClip]:
        return asyncio.run(self._all(texts))

    async def _all(self, texts: list[str]) -> list[RawClip]:
        gate = asyncio.Semaphore(max(1, self.settings.concurrency))
        return list(await asyncio.gather(*(self._one(text, gate) for text in texts)))

    async def _one(self, text: str, gate: asyncio.Semaphore) -> RawClip:
        attempts = self.settings.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                async with gate:
                    # A province's workers share one rate limit: the wait for a turn has its
                    # own bound, and the request's timeout starts once the turn is granted.
                    await wait_turn("edge", self.turn_wait_s)
                    mp3, words, ended = await asyncio.wait_for(
                        self._request(text), timeout=self.settings.timeout_s
                    )
                loop = asyncio.get_running_loop()  # decoding must not block other requests
                raw = await loop.run_in_executor(None, decode_mp3, mp3, words)
                check_complete(text, raw.duration_ms, raw.words, ended)
                return raw
            except TurnWaitTooLong:
                raise  # waiting again would not be sooner: the bound said how long is too long
            except Exception as exc:
                if not _retryable(exc) or attempt == attempts:
                    raise VoiceError(
                        _(
                            "edge-tts failed on segment {text!r}: {exc} (after {attempt} "
                            "attempts); rerun to continue from the cache"
                        ).format(text=text[:50], exc=_why(exc), attempt=attempt)
                    ) from None
                delay = min(8.0, 0.5 * 2 ** (attempt - 1)) * (0.5 + random.random())
                log.info("edge-tts: %s; retry %d in %.1f s", _why(exc), attempt, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _request(self, text: str) -> tuple[bytes, tuple[WordBoundary, ...], bool]:
        """The audio and word boundaries of one request, and whether the last thing the
        service sent was `turn.end` (the client stops silently when a stream is cut)."""
        import edge_tts

        s = self.settings
        communicate = edge_tts.Communicate(
            text, s.voice, rate=s.rate, pitch=s.pitch, volume=s.volume,
            proxy=s.proxy or None, boundary="WordBoundary",
        )  # fmt: skip
        turn_ended = [False]
        # The client calls this private hook on `turn.end` and nowhere else; wrapping it on
        # the instance is the only way to tell a finished turn from a dropped connection.
        on_turn_end = getattr(communicate, _TURN_END_HOOK)

        def mark_turn_end() -> None:
            turn_ended[0] = True
            on_turn_end()

        setattr(communicate, _TURN_END_HOOK, mark_turn_end)
        audio = bytearray()
        words: list[WordBoundary] = []
        async for chunk in communicate.stream():
            turn_ended[0] = False  # something after a turn.end: a new turn has begun
            if chunk["type"] == "audio":
                audio.extend(chunk["data"])
            elif chunk["type"] == "WordBoundary":
                words.append(
                    WordBoundary(
                        int(chunk["offset"]) // _TICKS_PER_MS,
                        int(chunk["duration"]) // _TICKS_PER_MS,
                        str(chunk["text"]),
                    )
                )
        return bytes(audio), tuple(words), turn_ended[0]


_TURN_END_HOOK = "_Communicate__compensate_offset"  # edge-tts 7.2-7.3 (pyproject pins 7.x)


def decode_mp3(mp3: bytes, words: tuple[WordBoundary, ...]) -> RawClip:
    """The service's MP3 (24 kHz mono) decoded once to PCM at its own rate."""
    if not mp3:
        raise IncompleteClip(_("no audio bytes"))
    pcm = run_ffmpeg(
        ["-f", "mp3", "-i", "pipe:0", "-f", "s16le", "-ac", "1", "-ar", "24000", "pipe:1"],
        input_bytes=mp3,
    ).stdout
    return RawClip(pcm, 24000, words)


def _retryable(exc: BaseException) -> bool:
    import aiohttp
    from edge_tts.exceptions import NoAudioReceived, UnexpectedResponse, WebSocketError

    if isinstance(exc, IncompleteClip | TimeoutError | asyncio.TimeoutError | OSError):
        return True
    if isinstance(exc, aiohttp.WSServerHandshakeError | aiohttp.ClientError):
        return True
    return isinstance(exc, NoAudioReceived | WebSocketError | UnexpectedResponse | VoiceError)


def _why(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = re.sub(r" ssl:(<[^>]*>|\S+)", "", text)  # aiohttp shows the TLS context object
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return _("no answer in time")
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
