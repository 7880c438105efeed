"""`Site`: the station's identity, folders and URLs, resolved once when the config is
loaded, so no stage recomputes a URL or a folder from raw settings."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path

from phatthanh.settings.station import StationSettings, derived_guid, parse_offset

GUID_FILE = ".podcast-guid"  # in feeds/: the feed's podcast:guid, fixed once


@dataclass(frozen=True)
class Site:
    """Who publishes, where the files are, and the URLs they are served at."""

    name: str
    program: str
    district: str
    website: str
    base_url: str  # without a trailing slash
    email: str
    description: str
    copyright: str
    air_time: str
    frequency: str
    location_geo: str
    timezone: str  # the offset as written, e.g. "+07:00"
    tz: dt.timezone
    cover: Path | None  # the station's image, resolved; None: one is drawn
    root: Path  # the config's folder: every relative path is relative to it
    feed_url: str
    podcast_guid: str
    guid_unstored: bool  # True: the next feed build writes podcast_guid to feeds/GUID_FILE
    examples: tuple[str, ...]  # [station] keys still holding the example station's values

    @property
    def episodes_dir(self) -> Path:
        return self.root / "episodes"

    @property
    def feeds_dir(self) -> Path:
        return self.root / "feeds"

    @property
    def site_dir(self) -> Path:
        """The section pages: `site/` beside `episodes/` and `feeds/`."""
        return self.root / "site"

    @property
    def assets_dir(self) -> Path:
        return self.root / ".cache" / "assets"

    def resolve(self, path: str | Path) -> Path:
        """A path from the config, relative to the config's folder."""
        p = Path(path).expanduser()
        return p if p.is_absolute() else self.root / p


def resolve_site(settings: StationSettings, root: Path) -> Site:
    """The Site of these settings under `root`; reads the stored podcast:guid, if any."""
    base = settings.base_url.rstrip("/")
    feed_url = f"{base}/feeds/podcast.xml"
    examples = settings.examples()
    guid, unstored = settings.podcast_guid, False
    if not guid:
        guid = stored_guid(root / "feeds") or ""
    if not guid:
        # Derived from the first real address and then kept; the example address is shared
        # by every fresh install, so a guid derived from it is never stored.
        guid, unstored = derived_guid(feed_url), "base_url" not in examples
    return Site(
        name=settings.name,
        program=settings.program,
        district=settings.district,
        website=settings.website,
        base_url=base,
        email=settings.email,
        description=settings.description,
        copyright=settings.copyright,
        air_time=settings.air_time,
        frequency=settings.frequency,
        location_geo=settings.location_geo,
        timezone=settings.timezone,
        tz=parse_offset(settings.timezone),
        cover=(root / Path(settings.cover).expanduser()) if settings.cover else None,
        root=root,
        feed_url=feed_url,
        podcast_guid=guid,
        guid_unstored=unstored,
        examples=examples,
    )


def stored_guid(feeds: Path) -> str | None:
    """The podcast:guid kept in this feeds folder, if there is one."""
    try:
        text = (feeds / GUID_FILE).read_text("ascii").strip()
        return str(uuid.UUID(text))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
