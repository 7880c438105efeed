"""The storage layer against a real S3 server (SeaweedFS started from its wheel): uploads are
verified, media carry long cache headers and the feed a short one, the store serves byte
ranges, and a publish SIGKILLed between the media and the documents leaves the old feed
valid with every URL it lists served."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import feedparser
import httpx
import pytest

from phatthanh.errors import PublishError
from phatthanh.storage import LONG_CACHE, SHORT_CACHE
from phatthanh.storage.local import LocalStorage
from phatthanh.storage.mirror import mirror_station
from tests.scale_servers import (
    TINY_ARTICLES,
    S3Server,
    seaweedfs,
    tiny_build,
    tiny_station,
)

BASE = "https://radio.example.vn/tanlap"


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    with seaweedfs(tmp_path_factory.mktemp("weed")) as server:
        yield server


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A station with one real tiny episode and its feeds."""
    root = tiny_station(tmp_path_factory.mktemp("tanlap"), BASE)
    tiny_build(root, "Bản tin sáng", TINY_ARTICLES[0])
    return root


def storage_for(server: S3Server, bucket: str) -> object:
    from phatthanh.storage.s3 import S3Location, S3Storage

    client = server.client()
    client.create_bucket(Bucket=bucket)  # type: ignore[attr-defined]
    return S3Storage(S3Location(server.endpoint, bucket, "tanlap/"), client=client)


def test_mirror_uploads_verified_objects_with_headers_and_ranges(
    s3: S3Server, published: Path
) -> None:
    from phatthanh.storage.s3 import S3Storage

    storage = storage_for(s3, "one")
    assert isinstance(storage, S3Storage)
    report = mirror_station(published, BASE, storage)
    (mp3,) = published.glob("episodes/*/*.mp3")
    key = mp3.relative_to(published).as_posix()
    assert key in report.uploaded and report.uploaded[-1] == "feeds/podcast.xml"
    media = storage.head(key)
    assert media is not None and media.size == mp3.stat().st_size
    assert (media.content_type, media.cache_control) == ("audio/mpeg", LONG_CACHE)
    feed = storage.head("feeds/podcast.xml")
    assert feed is not None and feed.cache_control == SHORT_CACHE
    assert feed.content_type.startswith("application/rss+xml")
    data = mp3.read_bytes()
    assert storage.get(key, 100, 199) == data[100:200]
    # The store itself answers a Range request over HTTP with 206 and the right bytes.
    url = storage.client.generate_presigned_url(
        "get_object", Params={"Bucket": "one", "Key": f"tanlap/{key}"}
    )
    r = httpx.get(url, headers={"Range": "bytes=1000-1499"})
    assert r.status_code == 206 and r.content == data[1000:1500]
    assert r.headers["content-range"] == f"bytes 1000-1499/{len(data)}"
    assert r.headers["cache-control"] == LONG_CACHE
    # A second publish uploads no media again: they are immutable and already verified.
    again = mirror_station(published, BASE, storage)
    assert key in again.unchanged and key not in again.uploaded


def test_media_under_a_content_addressed_name_are_never_overwritten(
    s3: S3Server, published: Path, tmp_path: Path
) -> None:
    storage = storage_for(s3, "immutable")
    (mp3,) = published.glob("episodes/*/*.mp3")
    key = mp3.relative_to(published).as_posix()
    other = tmp_path / "other.mp3"
    other.write_bytes(b"not the episode")
    storage.put(key, other, LONG_CACHE)  # type: ignore[attr-defined]
    with pytest.raises(PublishError, match="immutable"):
        mirror_station(published, BASE, storage)  # type: ignore[arg-type]
    assert storage.head("feeds/podcast.xml") is None  # type: ignore[attr-defined]


def _killed_publish(root: Path, endpoint: str) -> None:
    from phatthanh.storage.s3 import S3Location, S3Storage
    from tests.scale_servers import S3Server

    client = S3Server(endpoint).client()
    storage = S3Storage(S3Location(endpoint, "killed", "tanlap/"), client=client)

    def phase(name: str) -> None:
        if name == "verified":  # media and records are up, the documents not yet
            os.kill(os.getpid(), signal.SIGKILL)

    mirror_station(root, BASE, storage, phase)


def served_feed(storage: object) -> list[str]:
    """The episode media URLs the stored feed lists, each checked to be served whole."""
    raw = storage.get("feeds/podcast.xml")  # type: ignore[attr-defined]
    feed = feedparser.parse(raw)
    assert feed.bozo == 0
    keys = []
    for entry in feed.entries:
        (enclosure,) = entry.enclosures
        key = enclosure.href.removeprefix(BASE + "/")
        info = storage.head(key)  # type: ignore[attr-defined]
        assert info is not None and info.size == int(enclosure.length), key
        keys.append(key)
    return keys


def test_a_killed_publish_leaves_the_previous_feed_valid(
    s3: S3Server, published: Path, tmp_path: Path
) -> None:
    root = tmp_path / "station"
    shutil.copytree(published, root)
    storage = storage_for(s3, "killed")
    mirror_station(root, BASE, storage)  # type: ignore[arg-type]
    before = storage.get("feeds/podcast.xml")  # type: ignore[attr-defined]
    assert len(served_feed(storage)) == 1

    tiny_build(root, "Bản tin chiều", TINY_ARTICLES[1])
    child = multiprocessing.get_context("fork").Process(
        target=_killed_publish, args=(root, s3.endpoint)
    )
    child.start()
    child.join()
    assert child.exitcode == -signal.SIGKILL
    assert storage.get("feeds/podcast.xml") == before  # type: ignore[attr-defined]
    assert len(served_feed(storage)) == 1
    new_media = sorted(p.relative_to(root).as_posix() for p in root.glob("episodes/*/*.mp3"))
    assert all(storage.head(k) is not None for k in new_media)  # type: ignore[attr-defined]

    mirror_station(root, BASE, storage)  # type: ignore[arg-type]
    assert sorted(served_feed(storage)) == new_media


def test_local_storage_round_trip_and_ranges(tmp_path: Path) -> None:
    source = tmp_path / "src.bin"
    source.write_bytes(bytes(range(256)) * 4)
    storage = LocalStorage(tmp_path / "out")
    info = storage.put("episodes/a/x-0123456789.mp3", source, LONG_CACHE)
    assert info.size == 1024 and info.content_type == "audio/mpeg"
    assert storage.get("episodes/a/x-0123456789.mp3", 10, 19) == bytes(range(10, 20))
    assert storage.head("episodes/a/missing.mp3") is None
    with pytest.raises(PublishError, match="not a key inside"):
        storage.head("../escape")
