"""What the published documents list, and checking files against their records.

Every feed document is rebuilt from records whose files are checked first: each listed file
exists, each media file has the byte length its record gives, and its sha256 matches. Hashes
are cached by (inode, size, mtime): a file is hashed again only when it changed, so a feed
rebuild over many episodes costs a stat per file.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from phatthanh.atomic import sha256_of
from phatthanh.i18n import _
from phatthanh.model import EpisodeRecord, Rendition

VERIFIED = ".verified.json"  # in feeds/: the hash cache
SNAPSHOT = ".published.json"  # in feeds/: the records the live documents were made from


class DamagedFile(Exception):
    """A file a record lists is missing or is not the file the record describes."""


@dataclass
class HashCache:
    """sha256 of files by (inode, size, mtime_ns); only entries used again are kept."""

    path: Path
    known: dict[str, str]
    used: dict[str, str]

    @classmethod
    def load(cls, path: Path) -> HashCache:
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            data = {}
        known = {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
        return cls(path, known, {})

    def sha256(self, path: Path, stat: os.stat_result) -> str:
        key = f"{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}"
        digest = self.known.get(key) or sha256_of(path)
        self.used[key] = digest
        return digest

    def payload(self) -> bytes:
        return json.dumps(self.used, sort_keys=True).encode("utf-8")


def media_of(record: EpisodeRecord) -> tuple[Rendition, ...]:
    seen: dict[str, Rendition] = {record.audio.file: record.audio}
    for rendition in record.renditions:
        seen.setdefault(rendition.file, rendition)
    return tuple(seen.values())


def verify_record(record: EpisodeRecord, folder: Path, hashes: HashCache) -> None:
    """Raise DamagedFile naming the first listed file that is missing or not as recorded."""
    for rendition in media_of(record):
        path = folder / rendition.file
        try:
            stat = path.stat()
        except OSError:
            raise DamagedFile(_("{path}: missing").format(path=path)) from None
        if stat.st_size != rendition.bytes:
            raise DamagedFile(
                _("{path}: {size} bytes, its record says {expected}").format(
                    path=path, size=stat.st_size, expected=rendition.bytes
                )
            )
        if hashes.sha256(path, stat) != rendition.sha256:
            raise DamagedFile(
                _("{path}: its sha256 is not the one its record gives").format(path=path)
            )
    for name in record.extra_files:
        if not (folder / name).is_file():
            raise DamagedFile(_("{path}: missing").format(path=folder / name))


def listed_files(feeds: Path, base_url: str) -> dict[str, set[str]]:
    """slug -> file names the live podcast.xml, loudspeaker.json and .m3u point at."""
    prefix = urlsplit(base_url.rstrip("/") + "/episodes/").path
    urls: list[str] = []
    with contextlib.suppress(OSError, etree.XMLSyntaxError):
        root = etree.fromstring((feeds / "podcast.xml").read_bytes())
        urls += [str(e.get("url", "")) for e in root.iter("enclosure")]
        urls += [str(e.get("url", "")) for e in root.iter("{*}transcript", "{*}chapters")]
    with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
        data = json.loads((feeds / "loudspeaker.json").read_text("utf-8"))
        urls += [str(e["url"]) for e in data.get("episodes", [])]
    with contextlib.suppress(OSError, UnicodeDecodeError):
        text = (feeds / "loudspeaker.m3u").read_text("utf-8")
        urls += [line for line in text.splitlines() if line and not line.startswith("#")]
    found: dict[str, set[str]] = {}
    for url in urls:
        path = urlsplit(url).path
        if not path.startswith(prefix):
            continue
        slug, _, name = path[len(prefix) :].partition("/")
        if slug and name and "/" not in name:
            found.setdefault(slug, set()).add(name)
    return found


def load_snapshot(feeds: Path) -> dict[str, dict[str, Any]]:
    """slug -> the record (as a dict) each live entry was made from."""
    try:
        data = json.loads((feeds / SNAPSHOT).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, dict)}
