"""The podcast feed: RSS 2.0 + Apple's itunes tags (feedgen's podcast extension) + the
Podcasting 2.0 namespace (our own feedgen extension below), per ../shared/specs/standards.md
§1-§4: itunes:explicit as true/false (G1), the self link before the website link (G4),
lengths and tz-aware dates always given (G5), no "now" in the output.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from phatthanh.model import EpisodeRecord
from phatthanh.publish.record import write_text_atomic
from phatthanh.settings.site import GUID_FILE, Site
from phatthanh.settings.station import derived_guid

if TYPE_CHECKING:
    from phatthanh.settings import PublishSettings, Site

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
podcast_guid = derived_guid  # podcast:guid of a feed URL (UUIDv5, the spec's namespace)


def keep_podcast_guid(site: Site) -> None:
    """Store the feed's podcast:guid beside the feeds the first time it is derived from a real
    address: from then on it is the feed's identity, kept when base_url changes (Podcasting
    2.0: the guid must not change when the feed moves)."""
    if site.guid_unstored:
        path = site.feeds_dir / GUID_FILE
        if not path.exists():
            write_text_atomic(path, site.podcast_guid + "\n")


class Podcast20(BaseExtension):  # type: ignore[misc]
    """Channel tags feedgen lacks: podcast:guid, locked, location; itunes:explicit true/false."""

    def __init__(self) -> None:
        self.guid: str | None = None
        self.locked: tuple[bool, str] | None = None
        self.location: tuple[str, str] | None = None  # (name, geo URI)
        self.explicit = False

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def extend_rss(self, rss_feed: Any) -> Any:
        channel = rss_feed[0]
        xml_elem(f"{{{ITUNES_NS}}}explicit", channel).text = "true" if self.explicit else "false"
        if self.guid:
            xml_elem(f"{{{PODCAST_NS}}}guid", channel).text = self.guid
        if self.locked is not None:
            locked = xml_elem(f"{{{PODCAST_NS}}}locked", channel)
            locked.text = "yes" if self.locked[0] else "no"
            locked.set("owner", self.locked[1])
        if self.location is not None:
            location = xml_elem(f"{{{PODCAST_NS}}}location", channel)
            location.text = self.location[0][:128]
            location.set("country", "VN")
            if self.location[1]:
                location.set("geo", self.location[1])
        return rss_feed


class Podcast20Entry(BaseEntryExtension):  # type: ignore[misc]
    """Item tags feedgen lacks: podcast:transcript, podcast:chapters, itunes:explicit."""

    def __init__(self) -> None:
        self.transcripts: list[tuple[str, str]] = []  # (url, mime type)
        self.chapters: str | None = None
        self.explicit = False

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def extend_rss(self, entry: Any) -> Any:
        xml_elem(f"{{{ITUNES_NS}}}explicit", entry).text = "true" if self.explicit else "false"
        for url, kind in self.transcripts:
            element = xml_elem(f"{{{PODCAST_NS}}}transcript", entry)
            element.set("url", url)
            element.set("type", kind)
            element.set("language", "vi")
            if kind in ("text/vtt", "application/x-subrip"):
                element.set("rel", "captions")
        if self.chapters:
            element = xml_elem(f"{{{PODCAST_NS}}}chapters", entry)
            element.set("url", self.chapters)
            element.set("type", "application/json+chapters")
        return entry


def feed_xml(
    station: Site, publish: PublishSettings, records: Sequence[EpisodeRecord], cover_url: str
) -> bytes:
    """The feed for these records (newest first), deterministic for the same input."""
    base, feed_url = station.base_url, station.feed_url
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("podcast20", Podcast20, Podcast20Entry)
    fg.title(station.program)
    fg.description(station.description)
    fg.link(href=feed_url, rel="self", type="application/rss+xml")
    fg.link(href=station.website, rel="alternate")  # last: it becomes <link> (G4)
    fg.language("vi")
    fg.copyright(station.copyright)
    fg.author({"name": station.name, "email": station.email})
    fg.image(url=cover_url, title=station.program, link=station.website)
    fg.generator("phatthanh")
    fg.podcast.itunes_author(station.name)
    fg.podcast.itunes_owner(name=station.name, email=station.email)
    fg.podcast.itunes_category(publish.category)
    fg.podcast.itunes_image(cover_url)
    fg.podcast.itunes_type("episodic")
    fg.podcast.itunes_summary(station.description)
    fg.podcast20.guid = station.podcast_guid
    fg.podcast20.locked = (publish.locked, station.email)
    fg.podcast20.explicit = publish.explicit
    if station.district:
        fg.podcast20.location = (station.district, station.location_geo)
    newest = max((datetime.fromisoformat(r.published) for r in records), default=None)
    if newest is not None:
        fg.lastBuildDate(newest)
        fg.pubDate(newest)
    # Oldest first (add_entry prepends); two programs in one slot keep a stable order.
    for record in sorted(records, key=lambda r: (datetime.fromisoformat(r.published), r.slug)):
        _entry(fg, record, base, publish.explicit)
    xml: bytes = fg.rss_str(pretty=True)
    return xml


def _entry(fg: FeedGenerator, record: EpisodeRecord, base: str, explicit: bool) -> None:
    folder = f"{base}/episodes/{record.slug}"
    entry = fg.add_entry()
    entry.guid(record.guid, permalink=False)
    entry.title(record.title)
    entry.description(record.description)
    entry.link(href=f"{folder}/{record.audio.file}")
    entry.published(datetime.fromisoformat(record.published))
    entry.enclosure(f"{folder}/{record.audio.file}", str(record.audio.bytes), "audio/mpeg")
    entry.podcast.itunes_duration(round(record.audio.duration_s))
    entry.podcast.itunes_episode_type("full")
    entry.podcast.itunes_summary(record.description)
    entry.podcast20.explicit = explicit
    for name in record.extra_files:
        if name.endswith(".vtt"):
            entry.podcast20.transcripts.append((f"{folder}/{name}", "text/vtt"))
        elif name.endswith(".srt"):
            entry.podcast20.transcripts.append((f"{folder}/{name}", "application/x-subrip"))
        elif name.endswith(".chapters.json"):
            entry.podcast20.chapters = f"{folder}/{name}"
