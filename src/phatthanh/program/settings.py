"""Settings of the running order ([program] in phatthanh.toml)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ProgramSettings:
    """The running order: jingles, pauses and the spoken templates."""

    def __post_init__(self) -> None:
        if self.bed_duck_db < 12:
            raise ValueError("bed_duck_db must be at least 12 (dB under speech)")

    opening_jingle: str = field(
        default="", metadata={"help": "station audio file for the opening (empty: generated)"}
    )
    closing_jingle: str = field(
        default="", metadata={"help": "station audio file for the closing (empty: generated)"}
    )
    stinger: str = field(
        default="", metadata={"help": "station audio file between items (empty: generated)"}
    )
    bed: str = field(
        default="", metadata={"help": "music bed under the opening and closing (empty: none)"}
    )
    bed_duck_db: float = field(
        default=18.0, metadata={"help": "how far the bed sits under speech, in dB (at least 12)"}
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
