"""[voices]: which engine reads, its voice settings, and the cache of clips."""

from __future__ import annotations

import re
from dataclasses import field
from typing import Annotated, Literal

from pydantic import AfterValidator, Field
from pydantic.dataclasses import dataclass

from phatthanh.i18n import _
from phatthanh.settings._base import SECTION, help_line

ENGINES = ("edge", "piper", "espeak")


def _pattern(regex: str, example: str) -> AfterValidator:
    def check(value: str) -> str:
        if not re.fullmatch(regex, value):
            raise ValueError(
                _("{value!r} has the wrong form; write e.g. {example!r}").format(
                    value=value, example=example
                )
            )
        return value

    return AfterValidator(check)


def _optional_url(value: str) -> str:
    if value and not re.fullmatch(r"(wss?|https?|socks5h?)://[^\s/]+\S*", value):
        raise ValueError(
            _("{value!r} is not a URL; write e.g. 'http://127.0.0.1:3128' or ''").format(
                value=value
            )
        )
    return value


def _chain(value: tuple[str, ...]) -> tuple[str, ...]:
    for link in value:
        if link.partition(":")[0] not in ENGINES:
            raise ValueError(
                _(
                    "{link!r} names no engine; write engine or engine:voice, e.g. "
                    "'edge:vi-VN-HoaiMyNeural', 'espeak'"
                ).format(link=link)
            )
    return value


def _folder(value: str) -> str:
    if not value.strip():
        raise ValueError(_("must not be empty; name a folder, e.g. '.cache/clips'"))
    return value


@dataclass(frozen=True, config=SECTION)
class EspeakSettings:
    """The embedded offline voice (espeak-ng)."""

    voice: Annotated[str, Field(min_length=1)] = field(
        default="vi", metadata=help_line("espeak-ng voice name, e.g. 'vi+f3'")
    )
    rate_wpm: Annotated[int, Field(ge=80, le=450)] = field(
        default=150, metadata=help_line("speaking rate, words per minute (80-450)")
    )
    pitch: Annotated[int, Field(ge=0, le=100)] = field(
        default=50, metadata=help_line("pitch 0-100")
    )


@dataclass(frozen=True, config=SECTION)
class EdgeSettings:
    """The online voice (edge-tts)."""

    voice: Annotated[str, Field(min_length=1)] = field(
        default="vi-VN-HoaiMyNeural", metadata=help_line("edge-tts voice")
    )
    rate: Annotated[str, _pattern(r"[+-]\d{1,3}%", "-10%")] = field(
        default="+0%", metadata=help_line("speaking rate, e.g. '-10%'")
    )
    pitch: Annotated[str, _pattern(r"[+-]\d{1,3}Hz", "+2Hz")] = field(
        default="+0Hz", metadata=help_line("pitch, e.g. '+2Hz'")
    )
    volume: Annotated[str, _pattern(r"[+-]\d{1,3}%", "+0%")] = field(
        default="+0%", metadata=help_line("volume, e.g. '+0%'")
    )
    endpoint: Annotated[str, AfterValidator(_optional_url)] = field(
        default="",
        metadata=help_line("service base URL (empty: Microsoft's; env PHATTHANH_EDGE_ENDPOINT)"),
    )
    proxy: Annotated[str, AfterValidator(_optional_url)] = field(
        default="", metadata=help_line("proxy URL for the service")
    )
    concurrency: Annotated[int, Field(ge=1, le=32)] = field(
        default=4, metadata=help_line("requests in flight")
    )
    timeout_s: Annotated[float, Field(gt=0, le=600)] = field(
        default=30.0, metadata=help_line("outer timeout per request")
    )
    retries: Annotated[int, Field(ge=0, le=20)] = field(
        default=4, metadata=help_line("retries per segment")
    )


@dataclass(frozen=True, config=SECTION)
class PiperSettings:
    """The optional offline neural voice (pip install 'phatthanh[piper]')."""

    model: str = field(
        default="", metadata=help_line("piper voice model (.onnx, its .onnx.json beside it)")
    )
    length_scale: Annotated[float, Field(ge=0.5, le=2.0)] = field(
        default=1.0, metadata=help_line("speaking slowness: 1.1 is 10% slower (0.5-2)")
    )


@dataclass(frozen=True, config=SECTION)
class VoiceSettings:
    """Which engine reads, and the cache of clips."""

    engine: Literal["auto", "espeak", "edge", "piper"] = field(
        default="espeak",
        metadata=help_line(
            "espeak: the embedded offline voice; edge: the online neural voice; piper: "
            "an offline neural voice model; auto: edge-tts when it answers, else espeak-ng"
        ),
    )
    chain: Annotated[tuple[str, ...], Field(min_length=1), AfterValidator(_chain)] = field(
        default=("edge:vi-VN-HoaiMyNeural", "edge:vi-VN-NamMinhNeural", "espeak"),
        metadata=help_line(
            "engines 'auto' tries in order, as engine or engine:voice (edge, piper, espeak)"
        ),
    )
    cache_dir: Annotated[str, AfterValidator(_folder)] = field(
        default=".cache/clips", metadata=help_line("clip cache folder (relative to this file)")
    )
    espeak: EspeakSettings = field(default_factory=EspeakSettings)
    edge: EdgeSettings = field(default_factory=EdgeSettings)
    piper: PiperSettings = field(default_factory=PiperSettings)
