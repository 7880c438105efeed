"""[publish]: the feed, the loudspeaker manifest and serving."""

from __future__ import annotations

from dataclasses import field
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic.dataclasses import dataclass

from phatthanh.i18n import _
from phatthanh.settings._base import SECTION, Clock, help_line

# Apple Podcasts categories (the 2019 list, top level), as the feed must spell them.
APPLE_CATEGORIES = (
    "Arts", "Business", "Comedy", "Education", "Fiction", "Government", "Health & Fitness",
    "History", "Kids & Family", "Leisure", "Music", "News", "Religion & Spirituality",
    "Science", "Society & Culture", "Sports", "Technology", "True Crime", "TV & Film",
)  # fmt: skip


def _category(value: str) -> str:
    if value not in APPLE_CATEGORIES:
        raise ValueError(
            _(
                "{value!r} is not an Apple Podcasts category; use its English name, e.g. "
                '"Government" or "News"'
            ).format(value=value)
        )
    return value


@dataclass(frozen=True, config=SECTION)
class PublishSettings:
    """The feed, the loudspeaker manifest and serving."""

    category: Annotated[str, AfterValidator(_category)] = field(
        default="Government",
        metadata=help_line("Apple Podcasts category, in English (e.g. Government, News)"),
    )
    retention: Annotated[int, Field(ge=0)] = field(
        default=50, metadata=help_line("newest episodes kept in the feed (0: all)")
    )
    explicit: bool = field(default=False, metadata=help_line("itunes:explicit"))
    publish_time: Clock = field(
        default="06:00",
        metadata=help_line(
            "time of day (24-hour HH:MM) of an episode built for another day without --slot"
        ),
    )
    locked: bool = field(
        default=True, metadata=help_line("podcast:locked: forbid other platforms to import it")
    )
    cover_max_kb: Annotated[int, Field(ge=16, le=4096)] = field(
        default=300, metadata=help_line("largest cover embedded in the MP3 (APIC), in KB")
    )
    port: Annotated[int, Field(ge=1, le=65535)] = field(
        default=8765, metadata=help_line("port for 'phatthanh serve'")
    )
