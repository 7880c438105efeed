"""Mirror a published station folder (episodes/ and feeds/, as rebuild_feeds leaves them) to a
Storage, in the order that keeps the feed valid at every moment:

1. media: content-addressed, immutable files (renditions `name-<sha>.mp3`, `cover-<sha>.jpg`),
   skipped when the store already holds the same bytes, refused when it holds other bytes;
2. the other episode files (episode.json, transcripts, chapters), then the section pages
   (`site/`: stylesheet, script, one page and one embed per episode), short-cached;
3. a check that every URL under the base URL the new feed and manifest list is in the store
   at the listed size (and sha256, where the manifest gives it);
4. the documents last: the manifest, the section's `site/index.html`, the RSS feed at the
   very end.

A publish killed anywhere before step 4 leaves the old documents and index in place, and they
only list objects an earlier publish verified; nothing is ever deleted here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from phatthanh.errors import PublishError
from phatthanh.i18n import gettext
from phatthanh.storage import LONG_CACHE, SHORT_CACHE, ObjectInfo, Storage, digests

DOCUMENTS = ("loudspeaker.m3u", "loudspeaker.json", "podcast.xml")  # podcast.xml last
SITE_INDEX = "site/index.html"  # the section's front page: replaced with the documents
_ADDRESSED = re.compile(r"-[0-9a-f]{10,64}\.[a-z0-9]+$")  # a name carrying its own hash

Phase = Callable[[str], None]


@dataclass
class MirrorReport:
    uploaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _episode_files(root: Path) -> tuple[list[Path], list[Path]]:
    media: list[Path] = []
    other: list[Path] = []
    episodes = root / "episodes"
    for record in sorted(episodes.glob("*/episode.json")):
        if record.parent.name.startswith("."):
            continue
        for path in sorted(record.parent.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                (media if _ADDRESSED.search(path.name) else other).append(path)
    return media, other


def _listed_urls(feeds: Path, base_url: str) -> dict[str, tuple[int | None, str | None]]:
    """Every URL under base_url the feed and the manifest name -> (bytes, sha256) if given."""
    prefix = base_url.rstrip("/") + "/"
    wanted: dict[str, tuple[int | None, str | None]] = {}
    tree = etree.parse(str(feeds / "podcast.xml"))
    for element in tree.iter():
        length = element.get("length")
        for value in [*element.attrib.values(), element.text or ""]:
            value = value.strip()
            if value.startswith(prefix):
                size = int(length) if length and length.isdigit() else None
                wanted[value.removeprefix(prefix)] = (size, None)
    manifest = json.loads((feeds / "loudspeaker.json").read_text("utf-8"))
    for episode in manifest.get("episodes", []):
        url = str(episode.get("url", ""))
        if url.startswith(prefix):
            wanted[url.removeprefix(prefix)] = (episode.get("bytes"), episode.get("sha256"))
    for document in DOCUMENTS:
        wanted.pop(f"feeds/{document}", None)
    return wanted


def _key(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _site_files(root: Path) -> dict[str, Path]:
    """key -> file of the section pages, read through the `site` link to its current tree."""
    site = root / "site"
    if not site.is_dir():
        return {}
    tree = site.resolve()
    return {
        f"site/{path.relative_to(tree).as_posix()}": path
        for path in sorted(tree.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def mirror_station(
    root: Path, base_url: str, storage: Storage, phase: Phase | None = None
) -> MirrorReport:
    """Publish the station folder `root` to `storage` (see the module doc for the order).
    `phase` is called with "media", "records", "verified" and "documents" as each step ends."""
    feeds = root / "feeds"
    if not (feeds / "podcast.xml").is_file() or not (feeds / "loudspeaker.json").is_file():
        raise PublishError(
            gettext("{feeds}: no feed to publish; build an episode first").format(feeds=feeds)
        )
    report = MirrorReport()
    media, other = _episode_files(root)
    media += sorted(p for p in feeds.glob("cover-*") if p.is_file())
    for path in media:
        key = _key(root, path)
        size, sha, _ = digests(path)
        held = storage.head(key)
        if held is not None and (held.size, held.sha256) == (size, sha):
            report.unchanged.append(key)
            continue
        if held is not None:
            raise PublishError(
                gettext(
                    "{describe}{key}: the store holds other bytes under this "
                    "content-addressed name; media are immutable, remove the object by hand"
                ).format(describe=storage.describe(), key=key)
            )
        storage.put(key, path, LONG_CACHE)
        report.uploaded.append(key)
    _tell(phase, "media")
    for path in other:
        storage.put(_key(root, path), path, SHORT_CACHE)
        report.uploaded.append(_key(root, path))
    pages = _site_files(root)
    index = pages.pop(SITE_INDEX, None)
    for key, path in pages.items():
        storage.put(key, path, SHORT_CACHE)
        report.uploaded.append(key)
    _tell(phase, "records")
    for key, (listed_size, listed_sha) in _listed_urls(feeds, base_url).items():
        _check_listed(storage, key, listed_size, listed_sha)
    _tell(phase, "verified")
    last = [(f"feeds/{name}", feeds / name) for name in DOCUMENTS]
    if index is not None:
        last.insert(-1, (SITE_INDEX, index))  # before podcast.xml, after the manifest
    for key, path in last:
        if path.is_file():
            storage.put(key, path, SHORT_CACHE)
            report.uploaded.append(key)
    _tell(phase, "documents")
    return report


def _check_listed(storage: Storage, key: str, size: int | None, sha: str | None) -> ObjectInfo:
    info = storage.head(key)
    where = f"{storage.describe()}{key}"
    if info is None:
        raise PublishError(
            gettext("{where}: listed by the feed but not in the store; publish again").format(
                where=where
            )
        )
    if size is not None and info.size != size:
        raise PublishError(
            gettext("{where}: {size} bytes, the feed lists {listed}; publish again").format(
                where=where, size=info.size, listed=size
            )
        )
    if sha is not None and info.sha256 != sha:
        raise PublishError(
            gettext("{where}: checksum differs from the manifest; publish again").format(
                where=where
            )
        )
    return info


def _tell(phase: Phase | None, name: str) -> None:
    if phase is not None:
        phase(name)
