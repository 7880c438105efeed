"""Stage 8: the episode record and its side files, the podcast feed, the loudspeaker
manifest, and serving them (RSS 2.0, Apple podcast tags, Podcasting 2.0; TT 39/2020)."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from phatthanh.errors import PublishError
from phatthanh.i18n import _
from phatthanh.model import EpisodeRecord
from phatthanh.publish.commit import feeds_lock, install, prepare
from phatthanh.publish.documents import make_documents
from phatthanh.publish.feed import keep_podcast_guid
from phatthanh.publish.record import load_record, write_episode
from phatthanh.publish.staging import Stage, stage_episode
from phatthanh.site import write_site

if TYPE_CHECKING:
    from phatthanh.settings import PublishSettings, Site

__all__ = ["Stage", "current_records", "load_record", "rebuild_feeds", "stage_episode",
           "write_episode"]  # fmt: skip
log = logging.getLogger(__name__)


def current_records(
    site: Site, publish: PublishSettings, now: datetime | None = None
) -> list[EpisodeRecord]:
    """Published episodes, newest first: held ones (publish_at later), expired ones and ones
    whose files are missing or damaged left out, at most `retention` of them."""
    return list(make_documents(site, publish, None, now).records)


def rebuild_feeds(site: Site, publish: PublishSettings) -> Path:
    """Rewrite feeds/podcast.xml, loudspeaker.json/.m3u and the cover from verified
    episode records, under the feeds lock. An episode whose files are missing or damaged is
    left out and named in the PublishError raised once the others are published."""
    feeds = site.feeds_dir
    with feeds_lock(feeds):
        keep_podcast_guid(site)
        documents = make_documents(site, publish)
        install(prepare(feeds, documents.files))
        write_site(site, documents.records)  # the section page, same records (phatthanh.site)
    if documents.problems:
        more = len(documents.problems) - 1
        raise PublishError(
            documents.problems[0]
            + (_(" (and {more} more damaged episodes)").format(more=more) if more else "")
            + "; left out of the feeds: rebuild that episode"
        )
    return feeds / "podcast.xml"
