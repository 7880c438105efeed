"""Settings of the running order ([program] in phatthanh.toml)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ProgramSettings:
    """The running order: jingles, pauses and the spoken templates."""

    opening_jingle: str = field(
        default="", metadata={"help": "station audio file for the opening (empty: generated)"}
    )
    closing_jingle: str = field(
        default="", metadata={"help": "station audio file for the closing (empty: generated)"}
    )
    stinger: str = field(
        default="", metadata={"help": "station audio file between items (empty: generated)"}
    )
    sentence_pause_ms: int = field(default=450, metadata={"help": "silence between sentences"})
    paragraph_pause_ms: int = field(default=900, metadata={"help": "silence between paragraphs"})
    item_pause_ms: int = field(default=1200, metadata={"help": "silence around a stinger"})
    jingle_pause_ms: int = field(
        default=600, metadata={"help": "silence after the opening and before the closing jingle"}
    )
    templates: str = field(
        default="",
        metadata={
            "help": "folder of the station's own templates (opening.j2, lineup.j2, item.j2, "
            "closing.j2; weekday variants like closing.cn.j2); empty: the built-in ones"
        },
    )
    read_byline: bool = field(default=True, metadata={"help": "read each item's author"})
