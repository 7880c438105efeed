"""[speech]: how written Vietnamese becomes spoken text."""

from __future__ import annotations

from dataclasses import field
from typing import Annotated, Literal

from pydantic import AfterValidator, Field
from pydantic.dataclasses import dataclass

from phatthanh.i18n import _
from phatthanh.settings._base import SECTION, help_line


def _lexicon(words: dict[str, str]) -> dict[str, str]:
    for written in words:
        if not written.strip():
            raise ValueError(_('an entry has an empty written form; write e.g. "UBND" = "ủy ban"'))
    return words


@dataclass(frozen=True, config=SECTION)
class SpeechSettings:
    """How written Vietnamese becomes spoken text."""

    mong: bool = field(
        default=True, metadata=help_line("read days 1-10 as 'mồng ba' (false: 'ngày ba')")
    )
    zero_tens: Literal["linh", "lẻ"] = field(
        default="linh", metadata=help_line("word for a zero tens digit: 105 = một trăm linh năm")
    )
    thousand: Literal["nghìn", "ngàn"] = field(
        default="nghìn", metadata=help_line("word for thousand")
    )
    document_codes: Literal["drop", "spell", "expand"] = field(
        default="drop", metadata=help_line("document codes like 25-NQ/TW: drop, spell or expand")
    )
    addresses: Literal["read", "drop"] = field(
        default="drop", metadata=help_line("e-mail and web addresses: read them or drop them")
    )
    lexicon: Annotated[dict[str, str], AfterValidator(_lexicon)] = field(
        default_factory=dict,
        metadata=help_line("station words: written form -> spoken form (names, local terms)"),
    )
    max_segment_chars: Annotated[int, Field(ge=40, le=5000)] = field(
        default=300,
        metadata=help_line("longest segment (one synthesis request), in characters (40-5000)"),
    )
