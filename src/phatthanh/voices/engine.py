"""What every voice engine provides, and the raw audio it returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from phatthanh.model import WordBoundary


@dataclass(frozen=True)
class RawClip:
    """One segment's audio straight from an engine: mono signed 16-bit PCM."""

    pcm: bytes
    sample_rate_hz: int
    words: tuple[WordBoundary, ...] = ()

    @property
    def duration_ms(self) -> int:
        return len(self.pcm) // 2 * 1000 // self.sample_rate_hz


class Engine(Protocol):
    """A text-to-speech engine. `probe` raises EngineUnavailable when it cannot be used."""

    name: str  # "espeak-ng", "edge-tts", "piper"
    version: str
    voice: str

    def settings_key(self) -> str:
        """Everything besides the text that changes the audio (rate, pitch, ...)."""
        ...

    def probe(self) -> None: ...

    def synthesize_many(self, texts: list[str]) -> list[RawClip]:
        """Synthesize each text (one request each); raise VoiceError naming the text."""
        ...
