"""Air time enforced: `phatthanh serve` answers 404 for a held episode's files until its
publish_at, and `publish --due` brings it into feed, manifest and section page when its time
comes (and drops expired ones), rebuilding nothing when nothing changed."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from phatthanh.cli import main
from phatthanh.config import Config
from phatthanh.pipeline import BuildResult
from phatthanh.publish import rebuild_feeds
from phatthanh.publish.airtime import now_in, publish_due
from phatthanh.publish.record import RECORD
from phatthanh.site import site_dir
from tests.serving import free_port, serving
from tests.sitecheck import copy_station


def add_episode(config: Config, source: BuildResult, slug: str, **fields: str | None) -> Path:
    """A second episode: the shared build's files under another slug, its record changed."""
    original = config.episodes_dir / source.record.slug
    folder = config.episodes_dir / slug
    folder.mkdir()
    for file in original.iterdir():
        if file.name != RECORD:
            os.link(file, folder / file.name)
    data = json.loads((original / RECORD).read_text("utf-8"))
    data.update(slug=slug, guid=slug, title=f"Tin {slug}", published=f"{slug[:10]}T06:00:00+07:00")
    data.update(fields)
    (folder / RECORD).write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return folder


def set_field(folder: Path, name: str, value: str) -> None:
    data = json.loads((folder / RECORD).read_text("utf-8"))
    data[name] = value
    (folder / RECORD).write_text(json.dumps(data, ensure_ascii=False), "utf-8")


def wait_past(config: Config, moment: datetime) -> None:
    """Until the real clock passes `moment` (rebuild_feeds judges by the real clock)."""
    while now_in(config) <= moment:
        time.sleep(0.1)


def listed(config: Config) -> list[str]:
    manifest = json.loads((config.feeds_dir / "loudspeaker.json").read_text("utf-8"))
    return [e["url"].split("/")[-2] for e in manifest["episodes"]]


def in_feed(config: Config, slug: str) -> bool:
    return f"/{slug}/" in (config.feeds_dir / "podcast.xml").read_text("utf-8")


def test_due_episode_enters_feed_manifest_and_site(
    first_build: BuildResult, tmp_path: Path
) -> None:
    config = copy_station(first_build, tmp_path)
    later = now_in(config) + timedelta(hours=1)
    folder = add_episode(config, first_build, "2026-11-25-sang", publish_at=later.isoformat())
    rebuild_feeds(config.site, config.publish)
    assert "2026-11-25-sang" not in listed(config)
    assert not (site_dir(config.site) / "2026-11-25-sang.html").exists()

    early = publish_due(config)
    assert (early.published, early.rebuilt) == ((), False)
    at = now_in(config) + timedelta(milliseconds=300)  # set after the feed was written
    set_field(folder, "publish_at", at.isoformat())
    wait_past(config, at)
    due = publish_due(config)
    assert due.published == ("2026-11-25-sang",) and due.rebuilt
    assert listed(config) == ["2026-11-25-sang", first_build.record.slug]
    assert in_feed(config, "2026-11-25-sang")
    assert (site_dir(config.site) / "2026-11-25-sang.html").is_file()
    again = publish_due(config)
    assert (again.published, again.rebuilt) == ((), False)


def test_expired_episode_leaves_everything(first_build: BuildResult, tmp_path: Path) -> None:
    config = copy_station(first_build, tmp_path)
    later = now_in(config) + timedelta(hours=1)
    folder = add_episode(config, first_build, "2026-11-25-bao", expires=later.isoformat())
    rebuild_feeds(config.site, config.publish)
    assert "2026-11-25-bao" in listed(config)
    end = now_in(config) + timedelta(milliseconds=300)
    set_field(folder, "expires", end.isoformat())
    wait_past(config, end)
    result = publish_due(config)
    assert result.expired == ("2026-11-25-bao",) and result.rebuilt
    assert listed(config) == [first_build.record.slug]
    assert not in_feed(config, "2026-11-25-bao")
    assert not (site_dir(config.site) / "2026-11-25-bao.html").exists()


def test_publish_due_command(first_build: BuildResult, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    config = copy_station(first_build, tmp_path)
    toml = config.root / "phatthanh.toml"
    toml.write_text('[station]\nbase_url = "https://radio.example.vn/songxanh"\n', "utf-8")
    past = (now_in(config) - timedelta(minutes=5)).isoformat()
    add_episode(config, first_build, "2026-11-25-chieu", publish_at=past)
    os.utime(config.feeds_dir / "podcast.xml", (0, 0))  # the feed was written long before
    assert main(["publish", "--due", "--config", str(toml)]) == 0
    assert capsys.readouterr().out == "published: 2026-11-25-chieu\nfeeds rebuilt\n"
    assert main(["publish", "--due", "--config", str(toml)]) == 0
    assert capsys.readouterr().out == "nothing due\n"
    assert main(["publish", "--config", str(toml)]) == 2
    assert "say --due" in capsys.readouterr().err


@pytest.fixture()
def served(first_build: BuildResult, tmp_path: Path) -> Iterator[tuple[str, Config]]:
    config = copy_station(first_build, tmp_path)
    port = free_port()
    toml = config.root / "phatthanh.toml"
    toml.write_text('[station]\nbase_url = "https://radio.example.vn/songxanh"\n', "utf-8")
    with serving(toml, port) as url:
        yield url, config


def test_serve_refuses_held_media_until_publish_at(
    first_build: BuildResult, served: tuple[str, Config]
) -> None:
    url, config = served
    held = add_episode(config, first_build, "2026-11-25-held",
                       publish_at=(now_in(config) + timedelta(hours=3)).isoformat())  # fmt: skip
    mp3 = f"/episodes/2026-11-25-held/{first_build.record.audio.file}"
    with httpx.Client(base_url=url) as client:
        for path in (mp3, "/episodes/2026-11-25-held/episode.json"):
            assert client.get(path).status_code == 404, path
            assert client.head(path).status_code == 404, path
        ranged = client.get(mp3, headers={"Range": "bytes=0-1"})
        assert ranged.status_code == 404
        public = f"/episodes/{first_build.record.slug}/{first_build.record.audio.file}"
        assert client.get(public, headers={"Range": "bytes=0-1"}).status_code == 206
        data = json.loads((held / RECORD).read_text("utf-8"))
        data["publish_at"] = (
            datetime.now(now_in(config).tzinfo) - timedelta(seconds=1)
        ).isoformat()
        (held / RECORD).write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        response = client.get(mp3)
        assert response.status_code == 200
        assert len(response.content) == first_build.record.audio.bytes
