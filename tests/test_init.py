"""`phatthanh init` then the documented commands, unedited, in a fresh folder: the config it
writes loads, a real station identity goes in, the example one is flagged on every build and
publish, and two programs on one day are two feed entries."""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree

from phatthanh.cli import main
from phatthanh.config import load_config
from phatthanh.settings.station import derived_guid

ROOT = Path(__file__).resolve().parents[1]
SHORTEST = min((ROOT / "samples" / "articles").glob("*.txt"), key=lambda p: p.stat().st_size)
EXAMPLE_WARNING = (
    "warning: [station] name, district, copyright, base_url, website, email are still the example"
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.slow
def test_init_then_two_builds_on_one_day_unedited(
    fresh: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "init")[0] == 0
    build = ("build-episode", str(SHORTEST), "--date", "2026-11-24", "--profile", "podcast")
    code, out, err = run(capsys, *build, "--slot", "17:00")
    assert code == 0, err
    assert "Episode: Chương trình phát thanh (2026-11-24 17:00), 1 items" in out
    assert err.count(EXAMPLE_WARNING) == 1  # loud, one line, on every build
    code, _, err = run(capsys, *build, "--slot", "06:00")
    assert code == 0, err
    assert EXAMPLE_WARNING in err

    channel = etree.fromstring((fresh / "feeds" / "podcast.xml").read_bytes()).find("channel")
    assert channel is not None
    items = channel.findall("item")
    stamps = [datetime.strptime(i.findtext("pubDate", ""), "%a, %d %b %Y %H:%M:%S %z")
              for i in items]  # fmt: skip
    assert [s.isoformat() for s in stamps] == [
        "2026-11-24T17:00:00+07:00",  # newest first
        "2026-11-24T06:00:00+07:00",
    ]
    assert len({i.findtext("guid") for i in items}) == 2
    assert sorted(p.name for p in (fresh / "episodes").iterdir() if p.name[0] != ".") == [
        "2026-11-24-0600-chuong-trinh-phat-thanh",
        "2026-11-24-1700-chuong-trinh-phat-thanh",
    ]

    feed_before = (fresh / "feeds" / "podcast.xml").read_bytes()
    code, _, err = run(capsys, *build, "--slot", "06:00")
    assert code == 2
    assert err.count("\n") == 2  # the warning and the error, one line each
    assert "is already published for 2026-11-24 06:00; give --replace to rebuild it" in err
    assert (fresh / "feeds" / "podcast.xml").read_bytes() == feed_before


def test_init_writes_a_real_station_that_builds_without_a_warning(
    fresh: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "init", "--station", "Đài Truyền thanh xã Tân Lập",
        "--base-url", "https://radio.tanlap.vn/", "--email", "dai@tanlap.gov.vn",
    )  # fmt: skip
    assert code == 0 and err == ""
    config = load_config(fresh / "phatthanh.toml")
    site = config.site
    assert (site.name, site.base_url, site.email) == (
        "Đài Truyền thanh xã Tân Lập",
        "https://radio.tanlap.vn",
        "dai@tanlap.gov.vn",
    )
    assert site.website == "https://radio.tanlap.vn"
    assert site.examples == ()
    assert config.station.podcast_guid == derived_guid("https://radio.tanlap.vn/feeds/podcast.xml")
    code, out, err = run(capsys, "feed")
    assert (code, out, err) == (0, "Feed: feeds/podcast.xml\n", "")
    feed = (fresh / "feeds" / "podcast.xml").read_text("utf-8")
    assert "<itunes:author>Đài Truyền thanh xã Tân Lập</itunes:author>" in feed
    assert "https://radio.tanlap.vn/feeds/podcast.xml" in feed


def test_publishing_the_example_station_warns_on_every_run(
    fresh: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "init")[0] == 0
    for _ in range(2):
        code, _, err = run(capsys, "feed")
        assert code == 0
        (line,) = err.splitlines()
        assert line.startswith(EXAMPLE_WARNING)
        assert "http://127.0.0.1:8765/feeds/podcast.xml" in line


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--base-url", "radio.tanlap.vn", "'station.base_url': 'radio.tanlap.vn' is not an http"),
    ("--email", "dai-at-tanlap", "'station.email': 'dai-at-tanlap' is not an e-mail"),
])  # fmt: skip
def test_init_refuses_a_bad_identity_and_writes_nothing(
    fresh: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, message: str
) -> None:
    code, _, err = run(capsys, "init", option, value)
    assert code == 2
    assert err.startswith("error: phatthanh init: ") and message in err
    assert err.count("\n") == 1
    assert not (fresh / "phatthanh.toml").exists()


def test_init_asks_for_the_identity_in_a_terminal(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from phatthanh.cli import build, cli

    monkeypatch.setattr(build, "_interactive", lambda: True)
    build.register(cli)
    answers = (
        "Đài Truyền thanh xã Tân Lập\nhttps://radio.tanlap.vn\ndai@tanlap.gov.vn\nxã Tân Lập\n"
    )
    result = CliRunner().invoke(cli, ["init"], input=answers)
    assert result.exit_code == 0, result.output
    assert "Station name [Đài Truyền thanh huyện Sông Xanh]:" in result.output
    station = tomllib.loads((fresh / "phatthanh.toml").read_text("utf-8"))["station"]
    assert station["name"] == "Đài Truyền thanh xã Tân Lập"
    assert station["base_url"] == "https://radio.tanlap.vn"
    assert station["email"] == "dai@tanlap.gov.vn"
    assert station["district"] == "xã Tân Lập"


def test_a_bad_publish_time_fails_before_anything_is_read(
    fresh: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (fresh / "phatthanh.toml").write_text('[publish]\npublish_time = "25:00"\n', "utf-8")
    code, _, err = run(capsys, "build-episode", str(SHORTEST))
    assert code == 2
    assert err == (
        f"error: {fresh / 'phatthanh.toml'}: 'publish.publish_time': '25:00' is not a 24-hour "
        'time HH:MM, e.g. "06:00" or "17:30"\n'
    )
    assert not (fresh / "episodes").exists() and not (fresh / ".cache").exists()


def test_init_over_a_published_feed_keeps_its_guid(
    fresh: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (fresh / "phatthanh.toml").write_text(
        '[station]\nbase_url = "https://radio.tanlap.vn"\n', "utf-8"
    )
    assert run(capsys, "feed")[0] == 0
    published = (fresh / "feeds" / ".podcast-guid").read_text("ascii").strip()
    code, _, _ = run(capsys, "init", "--force", "--base-url", "https://tanlap.gov.vn/radio")
    assert code == 0
    assert load_config(fresh / "phatthanh.toml").station.podcast_guid == published
    run(capsys, "feed")
    feed = (fresh / "feeds" / "podcast.xml").read_text("utf-8")
    assert f"<podcast:guid>{published}</podcast:guid>" in feed
    assert "https://tanlap.gov.vn/radio/feeds/podcast.xml" in feed
