"""Settings of the voices ([voices] in phatthanh.toml)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class EspeakSettings:
    """The embedded offline voice (espeak-ng)."""

    voice: str = field(default="vi", metadata={"help": "espeak-ng voice name, e.g. 'vi+f3'"})
    rate_wpm: int = field(default=150, metadata={"help": "speaking rate, words per minute"})
    pitch: int = field(default=50, metadata={"help": "pitch 0-100"})


@dataclass(frozen=True)
class EdgeSettings:
    """The online voice (edge-tts)."""

    voice: str = field(default="vi-VN-HoaiMyNeural", metadata={"help": "edge-tts voice"})
    rate: str = field(default="+0%", metadata={"help": "speaking rate, e.g. '-10%'"})
    pitch: str = field(default="+0Hz", metadata={"help": "pitch, e.g. '+2Hz'"})
    volume: str = field(default="+0%", metadata={"help": "volume, e.g. '+0%'"})
    endpoint: str = field(
        default="",
        metadata={"help": "service base URL (empty: Microsoft's; env PHATTHANH_EDGE_ENDPOINT)"},
    )
    proxy: str = field(default="", metadata={"help": "proxy URL for the service"})
    concurrency: int = field(default=4, metadata={"help": "requests in flight"})
    timeout_s: float = field(default=30.0, metadata={"help": "outer timeout per request"})
    retries: int = field(default=4, metadata={"help": "retries per segment"})


@dataclass(frozen=True)
class PiperSettings:
    """The optional offline neural voice (pip install 'phatthanh[piper]')."""

    model: str = field(
        default="", metadata={"help": "piper voice model (.onnx, its .onnx.json beside it)"}
    )
    length_scale: float = field(
        default=1.0, metadata={"help": "speaking slowness: 1.1 is 10% slower"}
    )


@dataclass(frozen=True)
class VoiceSettings:
    """Which engine reads, and the cache of clips."""

    engine: Literal["auto", "espeak", "edge", "piper"] = field(
        default="espeak",
        metadata={
            "help": "espeak: the embedded offline voice; edge: the online neural voice; piper: "
            "an offline neural voice model; "
            "auto: edge-tts when it answers, else espeak-ng"
        },
    )
    chain: tuple[str, ...] = field(
        default=("edge:vi-VN-HoaiMyNeural", "edge:vi-VN-NamMinhNeural", "espeak"),
        metadata={
            "help": "engines 'auto' tries in order, as engine or engine:voice (edge, piper, espeak)"
        },
    )
    cache_dir: str = field(
        default=".cache/clips", metadata={"help": "clip cache folder (relative to this file)"}
    )
    espeak: EspeakSettings = field(default_factory=EspeakSettings)
    edge: EdgeSettings = field(default_factory=EdgeSettings)
    piper: PiperSettings = field(default_factory=PiperSettings)
