"""Settings of Vietnamese speech text ([speech] in phatthanh.toml)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class SpeechSettings:
    """How written Vietnamese becomes spoken text."""

    mong: bool = field(
        default=True, metadata={"help": "read days 1-10 as 'mồng ba' (false: 'ngày ba')"}
    )
    zero_tens: Literal["linh", "lẻ"] = field(
        default="linh", metadata={"help": "word for a zero tens digit: 105 = một trăm linh năm"}
    )
    thousand: Literal["nghìn", "ngàn"] = field(
        default="nghìn", metadata={"help": "word for thousand"}
    )
    document_codes: Literal["drop", "spell", "expand"] = field(
        default="drop", metadata={"help": "document codes like 25-NQ/TW: drop, spell or expand"}
    )
    addresses: Literal["read", "drop"] = field(
        default="drop", metadata={"help": "e-mail and web addresses: read them or drop them"}
    )
    lexicon: dict[str, str] = field(
        default_factory=dict,
        metadata={"help": "station words: written form -> spoken form (names, local terms)"},
    )
    max_segment_chars: int = field(
        default=300, metadata={"help": "longest segment (one synthesis request), in characters"}
    )
