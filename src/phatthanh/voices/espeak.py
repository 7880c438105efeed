"""The embedded offline voice: espeak-ng, loaded as a library from the espeakng-loader wheel.

The library is process-global and not thread-safe: one lock serializes every call, so
several workers may share an engine. It synthesizes far faster than real time, so
serializing costs little.
"""

from __future__ import annotations

import ctypes
import os
import threading
from typing import Any

from phatthanh.errors import EngineUnavailable, VoiceError
from phatthanh.i18n import _
from phatthanh.voices.engine import RawClip
from phatthanh.voices.settings import EspeakSettings

_LOCK = threading.Lock()
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_ESPEAK_CHARS_UTF8 = 1
_RATE, _PITCH = 1, 3
_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class _Library:
    """The loaded library, initialized once per process."""

    def __init__(self) -> None:
        try:
            import espeakng_loader

            self.lib: Any = ctypes.CDLL(espeakng_loader.get_library_path())
            data = espeakng_loader.get_data_path()
        except (ImportError, OSError, RuntimeError) as exc:
            raise EngineUnavailable(
                _("espeak-ng cannot be loaded ({exc}); reinstall phatthanh with pip").format(
                    exc=exc
                )
            ) from None
        self.lib.espeak_Initialize.argtypes = [
            ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int
        ]  # fmt: skip
        self.lib.espeak_Synth.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]  # fmt: skip
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.lib.espeak_Info.restype = ctypes.c_char_p
        self.sample_rate_hz = int(
            self.lib.espeak_Initialize(
                _AUDIO_OUTPUT_SYNCHRONOUS, 0, os.path.dirname(data).encode(), 0
            )
        )
        if self.sample_rate_hz <= 0:
            raise EngineUnavailable(_("espeak-ng failed to initialize its data"))
        self.version = (self.lib.espeak_Info(None) or b"unknown").decode()
        self._chunks: list[bytes] = []
        self._callback = _CALLBACK(self._collect)  # kept alive as long as the library
        self.lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav: Any, count: int, _events: Any) -> int:
        if count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0

    def synthesize(self, text: str, voice: str, rate_wpm: int, pitch: int) -> bytes:
        if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise VoiceError(
                _("espeak-ng has no voice {voice!r}; see 'phatthanh voices'").format(voice=voice)
            )
        self.lib.espeak_SetParameter(_RATE, rate_wpm, 0)
        self.lib.espeak_SetParameter(_PITCH, pitch, 0)
        self._chunks = []
        data = text.encode("utf-8")
        status = self.lib.espeak_Synth(
            data, len(data) + 1, 0, _POS_CHARACTER, 0, _ESPEAK_CHARS_UTF8, None, None
        )
        if status != 0:
            raise VoiceError(
                _("espeak-ng failed (status {status}) on: {text!r}").format(
                    status=status, text=text[:60]
                )
            )
        return b"".join(self._chunks)


_library: _Library | None = None


def _load() -> _Library:
    global _library
    if _library is None:
        _library = _Library()
    return _library


class EspeakEngine:
    """espeak-ng reading Vietnamese; safe to call from several threads."""

    name = "espeak-ng"

    def __init__(self, settings: EspeakSettings) -> None:
        self.settings = settings
        self.voice = settings.voice
        with _LOCK:
            self.version = _load().version

    def settings_key(self) -> str:
        return f"rate={self.settings.rate_wpm};pitch={self.settings.pitch}"

    def probe(self) -> None:
        with _LOCK:
            if _load().lib.espeak_SetVoiceByName(self.voice.encode()) != 0:
                raise VoiceError(
                    _(
                        "espeak-ng has no voice {voice!r}; set [voices.espeak] voice, e.g. 'vi'"
                    ).format(voice=self.voice)
                )

    def synthesize_many(self, texts: list[str]) -> list[RawClip]:
        clips = []
        for text in texts:
            with _LOCK:
                library = _load()
                pcm = library.synthesize(
                    text, self.voice, self.settings.rate_wpm, self.settings.pitch
                )
                rate = library.sample_rate_hz
            if not pcm:
                raise VoiceError(
                    _("espeak-ng produced no audio for: {text!r}").format(text=text[:60])
                )
            clips.append(RawClip(pcm, rate))
        return clips
