"""The station: its files checked once at the start of a build (prepare_station), the
ffmpeg the config names used by every run, the feed's podcast:guid fixed once and kept
across a move, and the air moment an episode is stamped with."""

from __future__ import annotations

import stat
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import etree

from phatthanh.config import Config, config_from_dict
from phatthanh.errors import ConfigError
from phatthanh.ffmpeg import ffmpeg_binary, run_ffmpeg, use_ffmpeg
from phatthanh.model import Lineup, SourceEntry
from phatthanh.prepare import air_moment, prepare_station
from phatthanh.publish import rebuild_feeds
from phatthanh.settings.station import derived_guid

PODCAST = "{https://podcastindex.org/namespace/1.0}guid"
ICT = timezone(timedelta(hours=7))


def config_with(root: Path, **sections: dict[str, object]) -> Config:
    return config_from_dict(dict(sections), root)


def test_station_audio_is_checked_when_the_build_starts(tmp_path: Path) -> None:
    run_ffmpeg(["-f", "lavfi", "-i", "sine=duration=2", str(tmp_path / "nhac.wav")])
    (tmp_path / "sai.mp3").write_text("không phải âm thanh", "utf-8")
    kit = prepare_station(config_with(tmp_path, program={"opening_jingle": "nhac.wav"}))
    assert kit.opening.is_file() and kit.opening.parent == tmp_path / ".cache" / "assets"
    assert kit.bed is None and kit.templates is None
    with pytest.raises(ConfigError, match=r"sai\.mp3: stinger is not audio ffmpeg can read"):
        prepare_station(config_with(tmp_path, program={"stinger": "sai.mp3"}))
    with pytest.raises(ConfigError, match=r"bed file not found"):
        prepare_station(config_with(tmp_path, program={"bed": "khong-co.wav"}))


def test_station_templates_are_checked_when_the_build_starts(tmp_path: Path) -> None:
    folder = tmp_path / "mau"
    with pytest.raises(ConfigError, match="template folder not found"):
        prepare_station(config_with(tmp_path, program={"templates": "mau"}))
    folder.mkdir()
    (folder / "closing.j2").write_text("Xin chào {{ station }}.\n", "utf-8")
    kit = prepare_station(config_with(tmp_path, program={"templates": "mau"}))
    assert kit.templates == folder
    (folder / "opening.j2").write_text("Xin chào {{ station \n", "utf-8")
    with pytest.raises(ConfigError, match=r"opening\.j2: line 1: .*; fix the template"):
        prepare_station(config_with(tmp_path, program={"templates": "mau"}))
    (folder / "opening.j2").unlink()
    (folder / "openning.j2").write_text("Xin chào.\n", "utf-8")
    with pytest.raises(ConfigError, match=r"openning\.j2: not a template phatthanh reads"):
        prepare_station(config_with(tmp_path, program={"templates": "mau"}))


def test_one_station_template_replaces_only_its_own(tmp_path: Path) -> None:
    from phatthanh.clean import Normalizer
    from phatthanh.model import Article, Script, Segment
    from phatthanh.program import arrange

    (tmp_path / "mau").mkdir()
    (tmp_path / "mau" / "closing.j2").write_text("Hẹn gặp lại quý vị.\n", "utf-8")
    config = config_with(tmp_path, program={"templates": "mau"})
    kit = prepare_station(config)
    article = Article("a.txt", "Tin một", ("Nội dung.",))
    scripts = [Script(article, (Segment("title", "Tin một", "Tin một"),))]
    when = datetime(2026, 11, 24, 6, 0, tzinfo=ICT)
    program = arrange(scripts, Lineup(()), None, when, config.program, kit,
                      Normalizer(config.speech))  # fmt: skip
    spoken = [s.display for p in program.parts for s in p.segments]
    assert spoken[-1] == "Hẹn gặp lại quý vị."  # the station's closing
    assert spoken[0].startswith("Đây là Đài Truyền thanh")  # the built-in opening
    assert program.air_slot == "06:00"


def test_a_bad_cover_fails_the_build_at_its_start(tmp_path: Path) -> None:
    (tmp_path / "bia.png").write_bytes(b"not an image")
    with pytest.raises(ConfigError, match="the cover is not an image"):
        prepare_station(config_with(tmp_path, station={"cover": "bia.png"}))


def test_every_ffmpeg_run_uses_the_configured_binary(tmp_path: Path) -> None:
    """A wrapper named in [master] ffmpeg logs each call, then runs the real ffmpeg."""
    real = ffmpeg_binary()
    log = tmp_path / "calls.log"
    wrapper = tmp_path / "my-ffmpeg"
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec "{real}" "$@"\n', "utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    try:
        prepare_station(config_with(tmp_path, master={"ffmpeg": str(wrapper)}))
        assert ffmpeg_binary() == str(wrapper)
        run_ffmpeg(["-f", "lavfi", "-i", "sine=duration=0.5", str(tmp_path / "a.wav")])
        assert str(tmp_path / "a.wav") in log.read_text("utf-8")
        with pytest.raises(ConfigError, match=r"\[master\] ffmpeg: ffmpeg 'khong-co' not found"):
            prepare_station(config_with(tmp_path, master={"ffmpeg": "khong-co"}))
        assert ffmpeg_binary() == str(wrapper)  # a refused name changes nothing
    finally:
        use_ffmpeg("")
    assert ffmpeg_binary() == real


def feed_guid(config: Config) -> str:
    root = etree.fromstring(rebuild_feeds(config.site, config.publish).read_bytes())
    (guid,) = root.iter(PODCAST)
    return str(guid.text)


def test_podcast_guid_survives_a_base_url_change(tmp_path: Path) -> None:
    first = config_with(tmp_path, station={"base_url": "https://radio.tanlap.vn"})
    guid = feed_guid(first)
    assert guid == derived_guid("https://radio.tanlap.vn/feeds/podcast.xml")
    assert (tmp_path / "feeds" / ".podcast-guid").read_text("ascii").strip() == guid
    moved = config_with(tmp_path, station={"base_url": "https://tanlap.gov.vn/radio"})
    assert moved.site.feed_url == "https://tanlap.gov.vn/radio/feeds/podcast.xml"
    assert feed_guid(moved) == guid
    set_in_config = "0b8a8f6e-6d3a-4a3e-9f0e-2f1e5e0c9b7a"
    pinned = config_with(tmp_path, station={"podcast_guid": set_in_config})
    assert feed_guid(pinned) == set_in_config


def test_the_example_address_never_fixes_the_guid(tmp_path: Path) -> None:
    example = Config(root=tmp_path)
    assert "base_url" in example.site.examples
    feed_guid(example)
    assert not (tmp_path / "feeds" / ".podcast-guid").exists()
    real = config_with(tmp_path, station={"base_url": "https://radio.tanlap.vn"})
    assert feed_guid(real) == derived_guid("https://radio.tanlap.vn/feeds/podcast.xml")


def test_example_values_are_named_and_a_real_station_has_none(tmp_path: Path) -> None:
    assert Config(root=tmp_path).site.examples == (
        "name",
        "district",
        "copyright",
        "base_url",
        "website",
        "email",
    )
    real = config_with(tmp_path, station={
        "name": "Đài Truyền thanh xã Tân Lập", "base_url": "https://radio.tanlap.vn",
        "website": "https://tanlap.gov.vn", "email": "dai@tanlap.gov.vn",
        "district": "xã Tân Lập", "copyright": "Đài Truyền thanh xã Tân Lập",
    })  # fmt: skip
    assert real.site.examples == ()
    half = config_with(tmp_path, station={"name": "Đài Truyền thanh xã Tân Lập"})
    assert half.site.examples == ("district", "copyright", "base_url", "website", "email")


NOW = datetime(2026, 11, 24, 19, 42, 31, tzinfo=ICT)


@pytest.mark.parametrize(("air_date", "slot", "slots", "expected"), [
    (None, None, (), datetime(2026, 11, 24, 19, 42, tzinfo=ICT)),  # today: the real moment
    (date(2026, 11, 25), None, (), datetime(2026, 11, 25, 6, 0, tzinfo=ICT)),  # publish_time
    (date(2026, 11, 25), None, ("17:00", "06:00"), datetime(2026, 11, 25, 17, 0, tzinfo=ICT)),
    (None, "11:30", ("17:00",), datetime(2026, 11, 24, 11, 30, tzinfo=ICT)),  # --slot wins
])  # fmt: skip
def test_the_air_moment_comes_from_date_and_slot(
    tmp_path: Path,
    air_date: date | None,
    slot: str | None,
    slots: tuple[str, ...],
    expected: datetime,
) -> None:
    site = Config(root=tmp_path).site
    lineup = Lineup((SourceEntry("a.txt"),), air_slots=slots)
    assert air_moment(site, "06:00", air_date, slot, lineup, NOW) == expected


def test_a_bad_slot_is_one_line_naming_where_it_came_from(tmp_path: Path) -> None:
    site = Config(root=tmp_path).site
    with pytest.raises(ConfigError, match=r"^--slot: '6h' is not a 24-hour time"):
        air_moment(site, "06:00", None, "6h", Lineup(()), NOW)
    lineup = Lineup((), air_slots=("25:99",), origin="sang.toml")
    with pytest.raises(ConfigError, match=r"^sang\.toml: air_slots: '25:99' is not"):
        air_moment(site, "06:00", None, None, lineup, NOW)
    later = Lineup((), air_slots=("06:00", "6h"), origin="sang.toml")  # every slot, any --slot
    with pytest.raises(ConfigError, match=r"^sang\.toml: air_slots: '6h' is not"):
        air_moment(site, "06:00", None, "17:00", later, NOW)
