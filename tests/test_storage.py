"""The storage layer against a real S3 server (SeaweedFS started from its wheel): uploads are
verified, media carry long cache headers and the feed a short one, the store serves byte
ranges, and a publish SIGKILLed between the media and the documents leaves the old feed
valid with every URL it lists served."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
    # The section pages go with the records, their index with the documents, before the feed.
    order = report.uploaded
    (page,) = [k for k in order if k.startswith("site/") and k.count("/") == 1
               and k != "site/index.html"]  # fmt: skip
    assert order.index(page) < order.index("feeds/loudspeaker.json")
    assert order.index("feeds/loudspeaker.json") < order.index("site/index.html")
    assert order.index("site/index.html") == len(order) - 2  # the RSS feed is the last
    for name, kind in ((page, "text/html"), ("site/index.html", "text/html"),
                       ("site/static/site.css", "text/css")):  # fmt: skip
        held = storage.head(name)
        assert held is not None and held.content_type == f"{kind}; charset=utf-8", name
        assert held.cache_control == SHORT_CACHE
        assert storage.get(name) == (published / name).read_bytes()
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
    index_before = storage.get("site/index.html")  # type: ignore[attr-defined]
    assert len(served_feed(storage)) == 1

    tiny_build(root, "Bản tin chiều", TINY_ARTICLES[1])
    child = multiprocessing.get_context("fork").Process(
        target=_killed_publish, args=(root, s3.endpoint)
    )
    child.start()
    child.join()
    assert child.exitcode == -signal.SIGKILL
    assert storage.get("feeds/podcast.xml") == before  # type: ignore[attr-defined]
    assert storage.get("site/index.html") == index_before  # type: ignore[attr-defined]
    assert len(served_feed(storage)) == 1
    new_media = sorted(p.relative_to(root).as_posix() for p in root.glob("episodes/*/*.mp3"))
    assert all(storage.head(k) is not None for k in new_media)  # type: ignore[attr-defined]

    mirror_station(root, BASE, storage)  # type: ignore[arg-type]
    assert sorted(served_feed(storage)) == new_media
    index = storage.get("site/index.html").decode("utf-8")  # type: ignore[attr-defined]
    assert "Bản tin chiều" in index and "Bản tin chiều" not in index_before.decode("utf-8")


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


def _province(root: Path, s3: S3Server) -> Path:
    """Two stations in one install: a registry whose [storage] puts both in one bucket, binhan
    under a prefix of its own, tanlap with a lexicon word of its own."""
    tiny_station(root / "tanlap", "https://radio.example.vn/tanlap")
    tiny_station(root / "binhan", "https://radio.example.vn/binhan")
    with (root / "tanlap" / "phatthanh.toml").open("a", encoding="utf-8") as f:
        f.write('[speech.lexicon]\n"PQX" = "phòng quản lý xã"\n')
    registry = root / "stations.toml"
    registry.write_text(
        f'[storage]\nbackend = "s3"\nbucket = "province"\nendpoint_url = "{s3.endpoint}"\n'
        'access_key_env = "PT_S3_KEY"\nsecret_key_env = "PT_S3_SECRET"\n'
        '[[stations]]\nname = "tanlap"\nconfig = "tanlap/phatthanh.toml"\n'
        '[[stations]]\nname = "binhan"\nconfig = "binhan/phatthanh.toml"\n'
        'storage = { prefix = "huyen/binhan/" }\n',
        "utf-8",
    )
    for i, text in enumerate(TINY_ARTICLES):
        (root / f"article{i}.txt").write_text(text, "utf-8")
    return registry


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    from phatthanh.cli import main

    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_two_stations_in_one_install_each_with_its_own_feed_page_and_prefix(
    s3: S3Server,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    registry = _province(tmp_path, s3)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PT_S3_KEY", s3.access_key)
    monkeypatch.setenv("PT_S3_SECRET", s3.secret_key)
    client: Any = s3.client()
    client.create_bucket(Bucket="province")
    reg = ["--registry", str(registry)]
    titles = {"tanlap": "Bản tin Tân Lập", "binhan": "Bản tin Bình An"}
    for i, (name, title) in enumerate(titles.items()):
        args = ["--title", title, "--date", "2026-11-24", "--engine", "espeak", f"article{i}.txt"]
        code, out, err = run(capsys, "build-episode", "--station", name, *reg, *args)
        assert code == 0, err
        prefix = "tanlap/" if name == "tanlap" else "huyen/binhan/"
        assert f"Bucket:  s3://province/{prefix} (" in out
    for name, title in titles.items():
        station = tmp_path / name
        other = next(t for n, t in titles.items() if n != name)
        feed = feedparser.parse((station / "feeds" / "podcast.xml").read_bytes())
        assert [e.title for e in feed.entries] == [title]
        (enclosure,) = feed.entries[0].enclosures
        assert enclosure.href.startswith(f"https://radio.example.vn/{name}/episodes/")
        manifest = json.loads((station / "feeds" / "loudspeaker.json").read_text("utf-8"))
        assert [e["title"] for e in manifest["episodes"]] == [title]
        index = (station / "site" / "index.html").read_text("utf-8")
        assert title in index and other not in index
        prefix = "tanlap/" if name == "tanlap" else "huyen/binhan/"
        for key in ("feeds/podcast.xml", "feeds/loudspeaker.json", "site/index.html"):
            stored = client.get_object(Bucket="province", Key=prefix + key)["Body"].read()
            assert stored == (station / key).read_bytes(), prefix + key
    # `feed --station` rebuilds that station only and publishes it again: nothing new.
    code, out, err = run(capsys, "feed", "--station", "binhan", *reg)
    assert code == 0 and "Bucket:  s3://province/huyen/binhan/" in out, err
    # The lexicon is the station's: only tanlap reads PQX as its own word.
    (tmp_path / "pqx.txt").write_text("PQX mở lớp\n\nPQX Tân Lập mở lớp học nghề.\n", "utf-8")
    spoken = {name: run(capsys, "script", "--station", name, *reg, "pqx.txt")[1]
              for name in titles}  # fmt: skip
    assert "phòng quản lý xã" in spoken["tanlap"]
    assert "phòng quản lý xã" not in spoken["binhan"] and "pê quy ích-xì" in spoken["binhan"]
    code, out, err = run(capsys, "cache", "stats", "--station", "binhan", *reg)
    assert code == 0 and out.startswith(f"{tmp_path / 'binhan' / '.cache' / 'clips'}: "), err
    code, _, err = run(capsys, "feed", "--station", "tanlap", "--config", "x.toml", *reg)
    assert code != 0 and err.count("\n") == 1 and "not both" in err
    code, _, err = run(capsys, "serve", "--station", "nowhere", *reg)
    assert code != 0 and "no station named 'nowhere' (known: binhan, tanlap)" in err


def test_the_clip_cache_is_shared_through_the_bucket(
    s3: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two stations on two machines (each its own local cache): what one synthesized, the
    other reads from the bucket into its local copy; a damaged object is not trusted."""
    from datetime import date

    from phatthanh.articles import expand_sources
    from phatthanh.config import load_config
    from phatthanh.pipeline import BuildOptions, build_episode
    from phatthanh.storage.clips import SharedClipCache, open_clip_cache

    client: Any = s3.client()
    client.create_bucket(Bucket="clips")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", s3.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", s3.secret_key)
    article = tmp_path / "tin.txt"
    article.write_text(TINY_ARTICLES[0], "utf-8")
    results = {}
    for name in ("tanlap", "binhan"):
        root = tiny_station(tmp_path / name, f"https://radio.example.vn/{name}")
        with (root / "phatthanh.toml").open("a", encoding="utf-8") as f:
            f.write(f'[storage]\nclip_cache = "s3"\nbucket = "clips"\nendpoint_url = '
                    f'"{s3.endpoint}"\n')  # fmt: skip
        config = load_config(root / "phatthanh.toml")
        lineup = expand_sources([str(article)], config.articles)
        options = BuildOptions(title="Tin", air_date=date(2026, 11, 24), engine="espeak")
        results[name] = build_episode(lineup, config, options)
    first, second = results["tanlap"], results["binhan"]
    assert first.synthesized > 0 and second.synthesized == 0
    assert second.cache_hits == first.synthesized + first.cache_hits
    stored = client.list_objects_v2(Bucket="clips", Prefix="clips/")["Contents"]
    assert len(stored) == 2 * first.synthesized  # one WAV and one record per clip
    root = tmp_path / "binhan" / ".cache" / "clips"
    # the read-through copy (`<xx>/<key>.*`); the master's resampled copies
    # (`<xx>/<rate>/<key>.wav`) are local only
    local = sorted(  # the clips, not the shard folders' lock files
        p.name
        for p in root.rglob("*.*")
        if len(p.relative_to(root).parts) == 2 and not p.name.startswith(".")
    )
    assert local == sorted(Path(o["Key"]).name for o in stored)

    wav = next(o["Key"] for o in stored if o["Key"].endswith(".wav"))
    client.put_object(Bucket="clips", Key=wav, Body=b"RIFF not this clip")
    config = load_config(tmp_path / "binhan" / "phatthanh.toml")
    fresh = open_clip_cache(dataclasses.replace(
        config, voices=dataclasses.replace(config.voices, cache_dir=str(tmp_path / "third"))
    ))  # fmt: skip
    assert isinstance(fresh, SharedClipCache)
    assert fresh.get(Path(wav).stem) is None  # its record disagrees: dropped, synthesized anew
    assert not any((tmp_path / "third").rglob(f"{Path(wav).stem}.*"))


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('backend = "s3"', '\'storage\': backend = "s3" needs bucket, e.g. bucket = "radio"'),
        ('backend = "ftp"', "'storage.backend' must be 'local' or 's3', not \"ftp\""),
        ('bucket = "Radio_1"', "'storage.bucket': 'Radio_1' is not a bucket name"),
        ('prefix = "tanlap"', "'storage.prefix': 'tanlap' is not a key prefix"),
        ('endpoint_url = "s3.tinh.vn"', "'storage.endpoint_url': 's3.tinh.vn' is not an http(s)"),
        ('access_key_env = "my key"', "'storage.access_key_env': 'my key' is not an environment"),
        ('public_base_url = "cdn"', "'storage.public_base_url': 'cdn' is not an http(s) URL"),
        ('clip_cache = "s3"', "'storage': clip_cache = \"s3\" needs bucket"),
        ("secret = 1", "unknown key 'storage.secret'"),
    ],
)
def test_storage_settings_errors_are_one_line_naming_the_key(
    tmp_path: Path, table: str, message: str
) -> None:
    from phatthanh.config import load_config
    from phatthanh.errors import ConfigError

    path = tmp_path / "phatthanh.toml"
    path.write_text(f"[storage]\n{table}\n", "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}: {message}")
    assert "\n" not in str(caught.value)


def test_registry_storage_layers_and_the_public_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """[storage] is the registry's, then the station file's, then its entry's; a bucket prefix
    defaults to the station's name; public_base_url is where feeds point; a credential
    variable that is not set is named."""
    from phatthanh.errors import ConfigError
    from phatthanh.queue.registry import load_registry
    from phatthanh.storage.station import s3_storage

    for name in ("tanlap", "binhan", "songxanh"):
        tiny_station(tmp_path / name, f"https://radio.example.vn/{name}")
    with (tmp_path / "songxanh" / "phatthanh.toml").open("a", encoding="utf-8") as f:
        f.write('[storage]\nbackend = "local"\n')
    path = tmp_path / "stations.toml"
    path.write_text(
        '[storage]\nbackend = "s3"\nbucket = "province"\nregion = "vn-north"\n'
        '[[stations]]\nname = "tanlap"\nconfig = "tanlap/phatthanh.toml"\n'
        '[[stations]]\nname = "binhan"\nconfig = "binhan/phatthanh.toml"\n'
        'storage = { prefix = "b/", public_base_url = "https://cdn.tinh.vn/b" }\n'
        '[[stations]]\nname = "songxanh"\nconfig = "songxanh/phatthanh.toml"\n',
        "utf-8",
    )
    registry = load_registry(path)
    tanlap, binhan = registry.config("tanlap"), registry.config("binhan")
    assert (tanlap.storage.backend, tanlap.storage.prefix, tanlap.storage.region) == (
        "s3", "tanlap/", "vn-north"
    )  # fmt: skip
    assert tanlap.site.feed_url == "https://radio.example.vn/tanlap/feeds/podcast.xml"
    assert binhan.storage.prefix == "b/"
    assert binhan.site.feed_url == "https://cdn.tinh.vn/b/feeds/podcast.xml"
    assert registry.config("songxanh").storage.backend == "local"  # its own file wins
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    with pytest.raises(ConfigError, match=r"access_key_env: the variable AWS_ACCESS_KEY_ID is not"):
        s3_storage(tanlap.storage, tanlap.storage.prefix)
    path.write_text(path.read_text("utf-8") + 'storage = "s3"\n', "utf-8")
    with pytest.raises(ConfigError, match=r"stations\[2\] \(songxanh\) storage must be a table"):
        load_registry(path)
