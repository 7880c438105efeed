"""Where a published station lives: the local folder (the default) or an S3-compatible store.

A `Storage` holds objects under keys like `episodes/<slug>/<file>` and `feeds/podcast.xml`,
the same paths the station's base URL serves. Every put is verified (size and sha256) before
it counts; `mirror_station` (phatthanh.storage.mirror) uploads media first and replaces the
feed documents last, so a reader never sees a feed listing an object that is not there.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

__all__ = ["LONG_CACHE", "SHORT_CACHE", "ObjectInfo", "Storage", "content_type", "digests"]

LONG_CACHE = "public, max-age=31536000, immutable"  # media: content-addressed, never change
SHORT_CACHE = "public, max-age=60, must-revalidate"  # feeds, manifests, records

_TYPES = {
    ".mp3": "audio/mpeg",
    ".xml": "application/rss+xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".m3u": "audio/x-mpegurl; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}


@dataclass(frozen=True)
class ObjectInfo:
    """What the store says about one object."""

    key: str
    size: int
    sha256: str
    content_type: str
    cache_control: str


class Storage(Protocol):
    """An object store the station publishes to."""

    def describe(self) -> str:
        """Where this storage is, for messages (a folder or s3://bucket/prefix)."""
        ...

    def head(self, key: str) -> ObjectInfo | None:
        """The object's size, checksum and headers, or None when it is absent."""
        ...

    def put(self, key: str, source: Path, cache_control: str) -> ObjectInfo:
        """Store `source` at `key` and verify it (size and sha256); PublishError otherwise.
        A reader sees the old object or the new one, never a part."""
        ...

    def get(self, key: str, first: int | None = None, last: int | None = None) -> bytes:
        """The object's bytes, or the inclusive byte range first..last served by the store."""
        ...


def content_type(key: str) -> str:
    """The Content-Type published for this key."""
    suffix = Path(key).suffix.lower()
    return _TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"


def digests(path: Path) -> tuple[int, str, str]:
    """(size, sha256 hex, md5 hex) of a file, read once in chunks."""
    sha, md5, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            sha.update(chunk)
            md5.update(chunk)
            size += len(chunk)
    return size, sha.hexdigest(), md5.hexdigest()
