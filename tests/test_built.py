"""Build now, publish after listening: `build-episode --no-publish` keeps the episode in
episodes/.unpublished/ (no feed lists it, `serve` refuses it), `publish --built NAME`
publishes it with the build's own transaction, `--discard` throws it away."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import feedparser
import pytest
from starlette.testclient import TestClient

from phatthanh.cli import main
from phatthanh.config import Config
from phatthanh.errors import PublishError
from phatthanh.model import EpisodeRecord, Program, Rendition
from phatthanh.publish import stage_episode
from phatthanh.publish.built import discard_built, find_built, list_built, publish_built
from phatthanh.publish.record import record_to_dict
from phatthanh.publish.serve import make_app
from tests.conftest import BASE_URL, make_config


def build_held(config: Config, title: str, payload: bytes) -> Path:
    """Stage a small made-up episode and keep it unpublished, as a --no-publish build does."""
    program = Program(title, date(2026, 11, 24), ("Mở đầu",), (None,), (), ())
    with stage_episode(program, config.site, config.publish, hold=True) as stage:
        digest = hashlib.sha256(payload).hexdigest()
        name = f"{stage.slug}-{digest[:10]}.mp3"
        (stage.path / name).write_bytes(payload)
        audio = Rendition("podcast", name, len(payload), digest, 1.0, 44100, 1, 64, -16.0,
                          -2.0, -16.0, -1.0)  # fmt: skip
        record = EpisodeRecord(
            slug=stage.slug, guid=stage.guid, title=title,
            published="2026-11-24T06:00:00+07:00", description="Tin.", engine="espeak-ng",
            voice="vi", profile="podcast", audio=audio, items=(), renditions=(audio,),
        )  # fmt: skip
        text = json.dumps(record_to_dict(record), ensure_ascii=False)
        (stage.path / "episode.json").write_text(text, "utf-8")
        staged = stage.path
    assert not staged.exists()
    (held,) = list_built(config.site)
    return held.folder


def titles(config: Config) -> list[str]:
    feed = config.feeds_dir / "podcast.xml"
    return [e.title for e in feedparser.parse(feed.read_bytes()).entries] if feed.is_file() else []


def test_a_held_build_is_invisible_until_published(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    folder = build_held(config, "Tin sáng", b"ID3 first")
    assert titles(config) == []
    assert not [p for p in config.episodes_dir.iterdir() if not p.name.startswith(".")]
    served = TestClient(make_app(config))
    name = next(folder.glob("*.mp3")).name
    assert served.get(f"/episodes/.unpublished/{folder.name}/{name}").status_code == 404
    record = publish_built(folder, config.site, config.publish)
    assert titles(config) == ["Tin sáng"]
    assert (config.episodes_dir / record.slug / name).read_bytes() == b"ID3 first"
    assert served.get(f"/episodes/{record.slug}/{name}").status_code == 200
    assert list_built(config.site) == []
    with pytest.raises(PublishError, match="no such unpublished build"):
        publish_built(folder, config.site, config.publish)  # a second click


def test_a_published_slot_needs_replace_and_discard_throws_a_build_away(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    publish_built(build_held(config, "Tin sáng", b"ID3 first"), config.site, config.publish)
    again = build_held(config, "Tin sáng", b"ID3 second")
    with pytest.raises(PublishError, match="already published for this slot; publish with"):
        publish_built(again, config.site, config.publish)
    record = publish_built(again, config.site, config.publish, replace=True)
    mp3s = [p.read_bytes() for p in (config.episodes_dir / record.slug).glob("*.mp3")]
    assert b"ID3 second" in mp3s
    assert list_built(config.site) == []
    third = build_held(config, "Tin sáng", b"ID3 third")
    discard_built(third)
    assert not third.exists() and list_built(config.site) == []
    with pytest.raises(PublishError, match="no unpublished build by that name"):
        find_built(config.site, third.name)


def test_cli_builds_without_publishing_then_publishes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "phatthanh.toml").write_text(
        f'[station]\nbase_url = "{BASE_URL}"\n[voices]\nengine = "espeak"\n'
        '[master]\nrenditions = ["podcast"]\n',
        "utf-8",
    )
    (tmp_path / "tin.txt").write_text(
        "Xã Tân Hòa sửa đường liên thôn\n\nCông nhân đang trải nhựa đoạn đường dài một cây số.\n",
        "utf-8",
    )
    monkeypatch.chdir(tmp_path)
    args = ["build-episode", "tin.txt", "--date", "2026-11-24", "--slot", "06:00"]
    assert main([*args, "--no-publish"]) == 0
    out = capsys.readouterr().out
    name = out.split("phatthanh publish --built ", 1)[1].split()[0]
    assert not (tmp_path / "feeds" / "podcast.xml").exists()
    assert main(["publish", "--list-built"]) == 0
    assert name in capsys.readouterr().out
    assert main(["publish", "--built", name]) == 0
    slug = capsys.readouterr().out.split("published: ", 1)[1].split()[0]
    assert slug.startswith("2026-11-24-0600-")
    feed = feedparser.parse((tmp_path / "feeds" / "podcast.xml").read_bytes())
    assert len(feed.entries) == 1
    assert f"/episodes/{slug}/" in feed.entries[0].enclosures[0].href
    assert main(["publish", "--built", name]) != 0
    assert "no unpublished build by that name" in capsys.readouterr().err
