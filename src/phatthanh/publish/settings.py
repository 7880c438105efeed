"""Settings of publishing ([publish] in phatthanh.toml)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PublishSettings:
    """The feed, the loudspeaker manifest and serving."""

    category: str = field(
        default="Government", metadata={"help": "Apple podcast category (2019 list)"}
    )
    retention: int = field(
        default=50, metadata={"help": "newest episodes kept in the feed (0: all)"}
    )
    explicit: bool = field(default=False, metadata={"help": "itunes:explicit"})
    publish_time: str = field(
        default="06:00", metadata={"help": "time of day (HH:MM) an episode is published"}
    )
    locked: bool = field(
        default=True, metadata={"help": "podcast:locked: forbid other platforms to import it"}
    )
    cover_max_kb: int = field(
        default=300, metadata={"help": "largest cover embedded in the MP3 (APIC), in KB"}
    )
    port: int = field(default=8765, metadata={"help": "port for 'phatthanh serve'"})
