"""Stage 8: the episode record and its side files, the podcast feed, the loudspeaker
manifest, and serving them (RSS 2.0, Apple podcast tags, Podcasting 2.0; TT 39/2020)."""

from __future__ import annotations

import fcntl
import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from phatthanh.articles.text import parse_offset
from phatthanh.errors import PublishError
from phatthanh.model import EpisodeRecord
from phatthanh.publish.cover import cover_name, draw_cover, station_cover
from phatthanh.publish.feed import feed_xml, keep_podcast_guid
from phatthanh.publish.manifest import manifest, manifest_json, manifest_m3u
from phatthanh.publish.record import (
    RECORD,
    load_record,
    write_bytes_atomic,
    write_episode,
    write_text_atomic,
)
from phatthanh.publish.staging import Stage, stage_episode
from phatthanh.site import write_site

if TYPE_CHECKING:
    from phatthanh.config import Config

__all__ = ["Stage", "current_records", "load_record", "rebuild_feeds", "stage_episode",
           "write_episode"]  # fmt: skip
log = logging.getLogger(__name__)


def current_records(config: Config, now: datetime | None = None) -> list[EpisodeRecord]:
    """Published episodes, newest first: held ones (publish_at later) and expired ones left
    out, at most `retention` of them."""
    now = now or datetime.now(parse_offset(config.station.timezone))
    records = []
    for path in sorted(config.episodes_dir.glob(f"*/{RECORD}")):
        if path.parent.name.startswith("."):
            continue
        record = load_record(path)
        if record.publish_at and datetime.fromisoformat(record.publish_at) > now:
            continue
        if record.expires and datetime.fromisoformat(record.expires) <= now:
            continue
        records.append(record)
    records.sort(key=lambda r: r.published, reverse=True)
    keep = config.publish.retention
    return records[:keep] if keep > 0 else records


def rebuild_feeds(config: Config) -> Path:
    """Rewrite feeds/podcast.xml, loudspeaker.json/.m3u and the cover from episode.json files,
    under a lock: two builds finishing at once must not publish a list missing either."""
    feeds = config.feeds_dir
    try:
        feeds.mkdir(parents=True, exist_ok=True)
        with (feeds / ".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            return _rebuild(config, feeds)
    except OSError as exc:
        raise PublishError(f"{feeds}: cannot write the feeds ({exc.strerror})") from None


def _rebuild(config: Config, feeds: Path) -> Path:
    records = current_records(config)
    keep_podcast_guid(config.site)
    cover_url = _write_cover(config)
    write_bytes_atomic(feeds / "podcast.xml", feed_xml(config, records, cover_url))
    generated = records[0].published if records else "1970-01-01T00:00:00+00:00"
    data = manifest(config, records, generated)
    write_text_atomic(feeds / "loudspeaker.json", manifest_json(data))
    write_text_atomic(feeds / "loudspeaker.m3u", manifest_m3u(data))
    write_site(config, records)  # the section page, from the same records (phatthanh.site)
    return feeds / "podcast.xml"


def _write_cover(config: Config) -> str:
    station = config.station
    if station.cover:
        data, ext = station_cover(config.resolve(station.cover))
    else:
        data, ext = draw_cover(station.name, station.program), "jpg"
    name = cover_name(data, ext)
    path = config.feeds_dir / name
    if not path.is_file():
        write_bytes_atomic(path, data)
    return f"{station.base_url.rstrip('/')}/feeds/{name}"
