"""[program]: the running order: jingles, pauses and the spoken templates."""

from __future__ import annotations

from dataclasses import field
from typing import Annotated

from pydantic import Field
from pydantic.dataclasses import dataclass

from phatthanh.settings._base import SECTION, help_line

PauseMs = Annotated[int, Field(ge=0, le=10_000)]


@dataclass(frozen=True, config=SECTION)
class ProgramSettings:
    """The running order: jingles, pauses and the spoken templates."""

    opening_jingle: str = field(
        default="", metadata=help_line("station audio file for the opening (empty: generated)")
    )
    closing_jingle: str = field(
        default="", metadata=help_line("station audio file for the closing (empty: generated)")
    )
    stinger: str = field(
        default="", metadata=help_line("station audio file between items (empty: generated)")
    )
    bed: str = field(
        default="", metadata=help_line("music bed under the opening and closing (empty: none)")
    )
    bed_duck_db: Annotated[float, Field(ge=12, le=60)] = field(
        default=18.0,
        metadata=help_line("how far the bed sits under speech, in dB (at least 12)"),
    )
    sentence_pause_ms: PauseMs = field(default=450, metadata=help_line("silence between sentences"))
    paragraph_pause_ms: PauseMs = field(
        default=900, metadata=help_line("silence between paragraphs")
    )
    item_pause_ms: PauseMs = field(default=1200, metadata=help_line("silence around a stinger"))
    jingle_pause_ms: PauseMs = field(
        default=600, metadata=help_line("silence after the opening and before the closing jingle")
    )
    templates: str = field(
        default="",
        metadata=help_line(
            "folder of the station's own templates (any of opening.j2, lineup.j2, item.j2, "
            "closing.j2; weekday variants like closing.cn.j2); the others stay built in"
        ),
    )
    read_byline: bool = field(default=True, metadata=help_line("read each item's author"))
