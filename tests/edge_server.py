"""A local server on 127.0.0.1 that speaks the edge-tts read-aloud protocol, with faults.

The real edge-tts client talks to it (../shared/specs/online-voice.md, "Testing the client
offline"): the voice list over HTTP, and per request a websocket that receives
`speech.config` and `ssml` text frames and answers `turn.start`, `response`, binary audio
frames (MP3 of the text read by espeak-ng, 24 kHz 48 kbit/s mono), `audio.metadata` word
boundaries, a final empty audio frame and `turn.end`.

Faults (`server.fault`, applied to the first `server.fault_count` requests, or to all when it
is None): "403" (handshake refused with a Date header), "stall" (silence after turn.start),
"drop" (connection closed after the first audio chunk), "no_audio" (turn.end with no audio),
"unknown" (a message with an unknown path), "cut_last" (one audio chunk per word, each
followed by its boundary, and the connection closed before the last one: no turn.end),
"cut_75" (every boundary first, then the audio cut at 75%, no turn.end).
`server.latency_s` delays every answer.

    with EdgeServer() as server:
        settings = EdgeSettings(endpoint=server.endpoint)
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import socket
import threading
import time
import uuid
from email.utils import formatdate
from types import TracebackType

from aiohttp import WSMsgType, web

from phatthanh.ffmpeg import run_ffmpeg
from phatthanh.voices.espeak import EspeakEngine
from phatthanh.voices.settings import EspeakSettings

PATH = "/consumer/speech/synthesize/readaloud"
VOICES = [
    {"Name": f"Microsoft Server Speech Text to Speech Voice (vi-VN, {n})",
     "ShortName": f"vi-VN-{n}", "Gender": g, "Locale": "vi-VN",
     "SuggestedCodec": "audio-24khz-48kbitrate-mono-mp3", "FriendlyName": n, "Status": "GA",
     "VoiceTag": {"ContentCategories": ["News"], "VoicePersonalities": ["Friendly"]}}
    for n, g in (("HoaiMyNeural", "Female"), ("NamMinhNeural", "Male"))
]  # fmt: skip
_PROSODY = re.compile(r"<prosody[^>]*>(.*)</prosody>", re.S)
_TICKS_PER_S = 10_000_000


class EdgeServer:
    def __init__(self, fault: str | None = None, fault_count: int | None = None,
                 latency_s: float = 0.0) -> None:  # fmt: skip
        self.fault = fault
        self.fault_count = fault_count
        self.latency_s = latency_s
        self.fault_from = 1  # the first handshake the fault applies to
        self.requests = 0
        self.voice_lists = 0  # voice-list requests: what a probe asks
        self.handshakes = 0
        self.stamps: list[float] = []  # time.monotonic() of each handshake, in order
        self.in_flight = 0
        self.max_in_flight = 0
        self.texts: list[str] = []
        self._audio: dict[str, tuple[bytes, float]] = {}
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]

    @property
    def endpoint(self) -> str:
        return f"ws://127.0.0.1:{self.port}{PATH}"

    def __enter__(self) -> EdgeServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, a: type[BaseException] | None, b: BaseException | None,
                 c: TracebackType | None) -> None:  # fmt: skip
        if self._runner is not None:
            for task in asyncio.all_tasks(self._loop):  # stalled handlers
                self._loop.call_soon_threadsafe(task.cancel)
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get(f"{PATH}/voices/list", self._voices)
        app.router.add_get(f"{PATH}/edge/v1", self._synthesize)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    def _faulty(self, number: int) -> str | None:
        if self.fault is None or number < self.fault_from:
            return None
        if self.fault_count is None or number < self.fault_from + self.fault_count:
            return self.fault
        return None

    async def _voices(self, request: web.Request) -> web.Response:
        self.voice_lists += 1
        await asyncio.sleep(self.latency_s)
        return web.json_response(VOICES)

    def audio_for(self, text: str) -> tuple[bytes, float]:
        """MP3 (24 kHz, 48 kbit/s, mono) of `text` read by espeak-ng, and its duration."""
        with self._lock:
            if text not in self._audio:
                raw = EspeakEngine(EspeakSettings()).synthesize_many([text])[0]
                mp3 = run_ffmpeg(
                    ["-f", "s16le", "-ar", str(raw.sample_rate_hz), "-ac", "1", "-i", "pipe:0",
                     "-ar", "24000", "-b:a", "48k", "-f", "mp3", "pipe:1"],
                    input_bytes=raw.pcm,
                ).stdout  # fmt: skip
                self._audio[text] = (mp3, len(raw.pcm) / 2 / raw.sample_rate_hz)
            return self._audio[text]

    async def _synthesize(self, request: web.Request) -> web.StreamResponse:
        self.handshakes += 1
        self.stamps.append(time.monotonic())
        fault = self._faulty(self.handshakes)
        if fault == "403":
            return web.Response(status=403, headers={"Date": formatdate(usegmt=True)})
        ws = web.WebSocketResponse(compress=False)
        await ws.prepare(request)
        self.requests += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await self._answer(ws, fault)
        finally:
            self.in_flight -= 1
        return ws

    async def _answer(self, ws: web.WebSocketResponse, fault: str | None) -> None:
        ssml = ""
        while not ssml:
            message = await ws.receive()
            if message.type != WSMsgType.TEXT:
                return
            if "Path:ssml" in message.data:
                ssml = message.data
        match = _PROSODY.search(ssml)
        text = html.unescape(match.group(1)) if match else ""
        self.texts.append(text)
        request_id = uuid.uuid4().hex
        await asyncio.sleep(self.latency_s)
        await ws.send_str(_text(request_id, "turn.start", '{"context":{}}'))
        await ws.send_str(_text(request_id, "response", '{"context":{}}'))
        if fault == "stall":
            await asyncio.sleep(60)  # longer than any client timeout in the tests
        if fault == "unknown":
            await ws.send_str(_text(request_id, "something.new", "{}"))
        if fault in ("cut_last", "cut_75"):
            await self._cut(ws, request_id, text, fault)
            return
        if fault != "no_audio":
            mp3, duration = await asyncio.get_running_loop().run_in_executor(
                None, self.audio_for, text
            )
            words = text.split()
            chunks = 4
            size = -(-len(mp3) // chunks)
            for i in range(chunks):
                await ws.send_bytes(_audio(request_id, mp3[i * size : (i + 1) * size]))
                for k in range(i * len(words) // chunks, (i + 1) * len(words) // chunks):
                    offset = int(duration * k / len(words) * _TICKS_PER_S)
                    length = int(duration / len(words) * 0.9 * _TICKS_PER_S)
                    await ws.send_str(_metadata(request_id, words[k], offset, length))
                if fault == "drop":
                    await ws.close()
                    return
            await ws.send_bytes(_audio(request_id, b"", content_type=False))
        await ws.send_str(_text(request_id, "turn.end", "{}"))
        await ws.close()

    async def _cut(self, ws: web.WebSocketResponse, request_id: str, text: str, fault: str) -> None:
        """A stream that ends early without turn.end, in one of two shapes."""
        mp3, duration = await asyncio.get_running_loop().run_in_executor(None, self.audio_for, text)
        words = text.split()
        step = duration / len(words)

        async def boundary(k: int) -> None:
            offset, length = int(step * k * _TICKS_PER_S), int(step * 0.9 * _TICKS_PER_S)
            await ws.send_str(_metadata(request_id, words[k], offset, length))

        if fault == "cut_last":  # chunk k holds word k's audio; the last never comes
            size = -(-len(mp3) // len(words))
            for k in range(len(words) - 1):
                await ws.send_bytes(_audio(request_id, mp3[k * size : (k + 1) * size]))
                await boundary(k)
        else:
            for k in range(len(words)):
                await boundary(k)
            await ws.send_bytes(_audio(request_id, mp3[: len(mp3) * 3 // 4]))
        await ws.close()


def _text(request_id: str, path: str, body: str) -> str:
    return (f"X-RequestId:{request_id}\r\nContent-Type:application/json; charset=utf-8\r\n"
            f"Path:{path}\r\n\r\n{body}")  # fmt: skip


def _audio(request_id: str, data: bytes, content_type: bool = True) -> bytes:
    # The client reads the header block from offset 0 (so the first key is garbled by the
    # two length bytes: neither Path nor Content-Type may come first) and the data from
    # offset length + 2.
    kind = "Content-Type:audio/mpeg\r\n" if content_type else ""
    headers = f"X-RequestId:{request_id}\r\n{kind}Path:audio\r\n".encode()
    return len(headers).to_bytes(2, "big") + headers + data


def _metadata(request_id: str, word: str, offset: int, duration: int) -> str:
    body = {"Metadata": [{"Type": "WordBoundary", "Data": {
        "Offset": offset, "Duration": duration,
        "text": {"Text": word, "Length": len(word), "BoundaryType": "WordBoundary"}}}]}  # fmt: skip
    return _text(request_id, "audio.metadata", json.dumps(body, ensure_ascii=False))
