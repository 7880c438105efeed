"""The bytes of every published document, made from records whose files were verified.

An episode whose episode.json cannot be read keeps the entry the live documents were made
from (feeds/.published.json), with a warning; an episode whose media are missing or damaged
is left out and named. Neither stops the other episodes from being published.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from phatthanh.errors import PublishError
from phatthanh.i18n import _
from phatthanh.model import EpisodeRecord
from phatthanh.publish.cover import cover_name, draw_cover, station_cover
from phatthanh.publish.feed import feed_xml
from phatthanh.publish.manifest import manifest, manifest_json, manifest_m3u
from phatthanh.publish.record import RECORD, load_record, record_from_dict, record_to_dict
from phatthanh.publish.verify import (
    SNAPSHOT,
    VERIFIED,
    DamagedFile,
    HashCache,
    load_snapshot,
    verify_record,
)

if TYPE_CHECKING:
    from phatthanh.settings import PublishSettings, Site

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Documents:
    files: dict[str, bytes]  # name in feeds/ -> content, written in this order
    records: tuple[EpisodeRecord, ...]  # newest first
    problems: tuple[str, ...]  # episodes left out, naming the damaged file


def candidates(
    site: Site, override: tuple[EpisodeRecord, Path] | None
) -> list[tuple[EpisodeRecord, Path]]:
    """Every episode that could be listed, with the folder its files are in."""
    episodes = site.episodes_dir
    snapshot = load_snapshot(site.feeds_dir)
    slugs = {p.parent.name for p in episodes.glob(f"*/{RECORD}")}
    slugs |= {s for s in snapshot if (episodes / s).is_dir()}
    if override is not None:
        slugs.add(override[0].slug)
    found: list[tuple[EpisodeRecord, Path]] = []
    for slug in sorted(s for s in slugs if not s.startswith(".")):
        if override is not None and slug == override[0].slug:
            found.append(override)
            continue
        try:
            record = load_record(episodes / slug / RECORD)
        except PublishError as exc:
            kept = _kept(snapshot.get(slug))
            if kept is None:
                log.warning(_("WARNING: {error}; it is not in the feeds").format(error=exc))
                continue
            log.warning(
                _("WARNING: {error}; its published entry is kept as it was").format(error=exc)
            )
            record = kept
        found.append((record, episodes / slug))
    return found


def _kept(data: dict[str, Any] | None) -> EpisodeRecord | None:
    if data is None:
        return None
    try:
        return record_from_dict(data)
    except (KeyError, TypeError, ValueError):
        return None


def make_documents(
    site: Site,
    publish: PublishSettings,
    override: tuple[EpisodeRecord, Path] | None = None,
    now: datetime | None = None,
) -> Documents:
    """The feed, the manifest, the m3u list, the cover, and the state files beside them.
    `override` is a staged episode (record, folder) that replaces the published one."""
    now = now or datetime.now(site.tz)
    feeds = site.feeds_dir
    hashes = HashCache.load(feeds / VERIFIED)
    live = []
    for record, folder in candidates(site, override):
        if record.publish_at and datetime.fromisoformat(record.publish_at) > now:
            continue
        if record.expires and datetime.fromisoformat(record.expires) <= now:
            continue
        live.append((record, folder))
    live.sort(key=lambda rf: rf[0].published, reverse=True)
    keep = publish.retention
    records: list[EpisodeRecord] = []
    problems: list[str] = []
    for record, folder in live:
        if 0 < keep <= len(records):
            break
        try:
            verify_record(record, folder, hashes)
        except DamagedFile as exc:
            if override is not None and record is override[0]:
                raise PublishError(
                    _("{exc}; the episode was not published").format(exc=exc)
                ) from None
            problems.append(str(exc))
            continue
        records.append(record)
    files: dict[str, bytes] = {}
    cover_url = _cover(site, files)
    files["podcast.xml"] = feed_xml(site, publish, records, cover_url)
    generated = records[0].published if records else "1970-01-01T00:00:00+00:00"
    data = manifest(site, records, generated)
    files["loudspeaker.json"] = manifest_json(data).encode("utf-8")
    files["loudspeaker.m3u"] = manifest_m3u(data).encode("utf-8")
    snapshot = {r.slug: record_to_dict(r) for r in records}
    files[SNAPSHOT] = json.dumps(snapshot, ensure_ascii=False, sort_keys=True).encode("utf-8")
    files[VERIFIED] = hashes.payload()
    return Documents(files, tuple(records), tuple(problems))


def _cover(site: Site, files: dict[str, bytes]) -> str:
    if site.cover is not None:
        data, ext = station_cover(site.cover)
    else:
        data, ext = draw_cover(site.name, site.program), "jpg"
    name = cover_name(data, ext)
    if not (site.feeds_dir / name).is_file():
        files[name] = data  # content-addressed: written once, before the documents
    return f"{site.base_url}/feeds/{name}"
