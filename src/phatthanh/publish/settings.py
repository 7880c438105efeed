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
    port: int = field(default=8765, metadata={"help": "port for 'phatthanh serve'"})
