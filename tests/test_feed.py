"""The published feed, transcripts, chapters and manifest of a real build, checked against
../shared/specs/standards.md: every MUST with lxml, plus podcastparser, feedparser and
webvtt-py reading what we wrote (the ID3 tags: test_tags.py)."""

from __future__ import annotations

import email.utils
import hashlib
import json
import re
import shutil
from pathlib import Path

import feedparser
import podcastparser
import pytest
import webvtt
from lxml import etree
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from PIL import Image

from phatthanh.pipeline import BuildResult
from phatthanh.publish import rebuild_feeds
from phatthanh.publish.feed import podcast_guid
from tests.conftest import BASE_URL, make_config

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "atom": "http://www.w3.org/2005/Atom",
}
FEED_URL = f"{BASE_URL}/feeds/podcast.xml"
CATEGORIES_2019 = {"Government", "News", "Society & Culture", "Education"}


def seconds(stamp: str) -> float:
    hours, minutes, rest = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


@pytest.fixture(scope="module")
def channel(first_build: BuildResult) -> etree._Element:
    root = etree.fromstring(first_build.feed.read_bytes())
    assert root.tag == "rss" and root.get("version") == "2.0"  # R1
    (found,) = root.findall("channel")
    return found


def test_document_namespaces_and_self_link(
    first_build: BuildResult, channel: etree._Element
) -> None:
    root = channel.getparent()
    assert root.nsmap["itunes"] == NS["itunes"]  # R2
    assert root.nsmap["podcast"] == NS["podcast"]  # P1
    assert channel.xpath("atom:link[@rel='self']/@href", namespaces=NS) == [FEED_URL]  # R3
    assert feedparser.parse(first_build.feed.read_bytes()).bozo == 0
    for node in channel.xpath("//title | //itunes:*", namespaces=NS):  # R4
        if len(node) == 0 and node.text:  # leaf values, not pretty-printing whitespace
            assert len(node.text) <= 255 and node.text == node.text.strip()


def test_channel_tags(first_build: BuildResult, channel: etree._Element) -> None:
    def text(path: str) -> str:
        values = channel.xpath(path, namespaces=NS)
        assert len(values) == 1, path
        return str(values[0].text if hasattr(values[0], "text") else values[0])

    assert text("title")  # C1
    assert 0 < len(text("description").encode()) <= 4000  # C2
    assert text("language") == "vi"  # C5
    assert channel.xpath("itunes:category/@text", namespaces=NS)[0] in CATEGORIES_2019  # C6
    assert channel.xpath("itunes:category/@text", namespaces=NS)[0] == "Government"
    assert text("itunes:explicit") == "false"  # C7
    assert text("itunes:author") and text("link") != FEED_URL  # C8
    assert text("itunes:owner/itunes:name")  # C9
    assert re.fullmatch(r"[^@]+@[^@]+", text("itunes:owner/itunes:email"))
    assert text("itunes:type") == "episodic"  # C10
    assert text("copyright")  # C11
    assert len(channel.findall("item")) >= 1  # C13


def test_cover_art_follows_apple(first_build: BuildResult, channel: etree._Element) -> None:
    (href,) = channel.xpath("itunes:image/@href", namespaces=NS)  # C3
    assert href.startswith(f"{BASE_URL}/feeds/") and href.endswith((".jpg", ".png"))
    path = first_build.feed.parent / href.rsplit("/", 1)[1]
    with Image.open(path) as image:
        assert image.format == "JPEG" and image.mode == "RGB"
        assert image.size[0] == image.size[1] and 1400 <= image.size[0] <= 3000
    assert path.stat().st_size <= 512 * 1024  # C4


def test_podcasting20_channel_tags(channel: etree._Element) -> None:
    (guid,) = channel.xpath("podcast:guid/text()", namespaces=NS)  # P2
    assert guid == podcast_guid(FEED_URL)
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", guid
    )
    (locked,) = channel.xpath("podcast:locked", namespaces=NS)  # P3
    assert locked.text == "yes" and "@" in locked.get("owner")
    (location,) = channel.xpath("podcast:location", namespaces=NS)  # P7
    assert location.get("country") == "VN" and location.text
    assert re.fullmatch(r"geo:-?\d+(\.\d+)?,-?\d+(\.\d+)?", location.get("geo"))


@pytest.mark.parametrize(
    ("url", "guid"),
    [("https://podnews.net/rss", "9b024349-ccf0-5f69-a609-6b82873eab3c"),
     ("http://mp3s.nashownotes.com/pc20rss.xml", "917393e3-1b1e-5cef-ace4-edaa54e1f810"),
     ("https://podnews.net/rss/", "9b024349-ccf0-5f69-a609-6b82873eab3c")],
)  # fmt: skip
def test_podcast_guid_matches_the_published_vectors(url: str, guid: str) -> None:
    assert podcast_guid(url) == guid


def test_item_tags(first_build: BuildResult, channel: etree._Element) -> None:
    record = first_build.record
    (item,) = channel.findall("item")
    assert item.findtext("title") == record.title  # I1
    assert channel.findtext("title") not in item.findtext("title")
    (enclosure,) = item.findall("enclosure")  # I2
    mp3 = first_build.episode_dir / record.audio.file
    assert enclosure.get("url") == f"{BASE_URL}/episodes/{record.slug}/{record.audio.file}"
    assert enclosure.get("url").endswith(".mp3") and enclosure.get("type") == "audio/mpeg"
    assert int(enclosure.get("length")) == mp3.stat().st_size
    guid = item.find("guid")  # I4
    assert guid.text == record.guid and guid.get("isPermaLink") == "false"
    stamp = email.utils.parsedate_to_datetime(item.findtext("pubDate"))  # I5
    assert stamp.utcoffset() is not None and stamp.isoformat() == record.published
    assert item.findtext("pubDate").endswith("+0700")
    duration = item.findtext("itunes:duration", namespaces=NS)  # I6
    assert duration.isdigit() and abs(int(duration) - MP3(mp3).info.length) <= 1
    assert len(item.findtext("description").encode()) <= 4000  # I7
    assert item.findtext("itunes:explicit", namespaces=NS) == "false"  # I8
    assert item.findtext("itunes:episodeType", namespaces=NS) == "full"  # I10


def test_transcripts_and_chapters_are_linked_and_valid(
    first_build: BuildResult, channel: etree._Element
) -> None:
    (item,) = channel.findall("item")
    folder = first_build.episode_dir
    duration = MP3(folder / first_build.record.audio.file).info.length
    transcripts = {t.get("type"): t for t in item.xpath("podcast:transcript", namespaces=NS)}
    assert set(transcripts) == {"text/vtt", "application/x-subrip"}  # P4
    vtt_path = folder / transcripts["text/vtt"].get("url").rsplit("/", 1)[1]
    assert transcripts["text/vtt"].get("language") == "vi"
    captions = webvtt.read(str(vtt_path))
    starts = [seconds(c.start) for c in captions]
    assert starts == sorted(starts)
    assert abs(seconds(captions[-1].end) - duration) <= 0.5
    assert any("Tân Lập" in c.text for c in captions)  # display text, not spoken text
    assert any("0912.345.678" in c.text for c in captions)
    srt_path = folder / transcripts["application/x-subrip"].get("url").rsplit("/", 1)[1]
    assert len(webvtt.from_srt(str(srt_path))) == len(captions)
    (chapters_tag,) = item.xpath("podcast:chapters", namespaces=NS)  # P5
    assert chapters_tag.get("type") == "application/json+chapters"
    data = json.loads((folder / chapters_tag.get("url").rsplit("/", 1)[1]).read_text("utf-8"))
    assert data["version"] == "1.2.0"
    times = [c["startTime"] for c in data["chapters"]]
    assert times == sorted(set(times)) and times[0] == 0 and times[-1] < duration


def test_loudspeaker_rendition_has_no_cover_and_the_manifest_lists_it(
    first_build: BuildResult,
) -> None:
    record = first_build.record
    feeds = first_build.feed.parent
    data = json.loads((feeds / "loudspeaker.json").read_text("utf-8"))
    assert set(data) == {"station", "program", "generated", "episodes"}
    (episode,) = data["episodes"]
    loa = next(r for r in record.renditions if r.profile == "loudspeaker")
    path = first_build.episode_dir / loa.file
    assert episode["url"] == f"{BASE_URL}/episodes/{record.slug}/{loa.file}"
    assert episode["bytes"] == path.stat().st_size
    assert episode["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert episode["priority"] == "thông thường" and episode["expires"] is None
    assert set(episode) >= {"url", "bytes", "sha256", "duration_s", "priority", "air_slots",
                            "expires"}  # fmt: skip
    assert ID3(path).getall("APIC") == []
    assert episode["url"] in (feeds / "loudspeaker.m3u").read_text("utf-8")


def test_podcastparser_reads_what_apps_need(first_build: BuildResult) -> None:
    record = first_build.record
    with first_build.feed.open("rb") as fh:
        parsed = podcastparser.parse(FEED_URL, fh)
    assert parsed["type"] == "episodic"
    (episode,) = parsed["episodes"]
    assert episode["guid"] == record.guid and episode["published"] > 0
    assert episode["total_time"] == round(record.audio.duration_s)


def test_feed_is_deterministic_and_rebuildable(first_build: BuildResult, station: Path) -> None:
    before = first_build.feed.read_bytes()
    config = make_config(station, ("podcast", "loudspeaker"))
    rebuild_feeds(config.site, config.publish)
    assert first_build.feed.read_bytes() == before


def test_retention_hold_and_expiry(first_build: BuildResult, tmp_path: Path) -> None:
    episodes = tmp_path / "episodes"
    source = first_build.episode_dir
    variants = {
        "2026-11-20-cu": {"published": "2026-11-20T06:00:00+07:00"},
        "2026-11-22-moi": {"published": "2026-11-22T06:00:00+07:00"},
        "2099-01-01-cho": {"published": "2099-01-01T06:00:00+07:00",
                           "publish_at": "2099-01-01T06:00:00+07:00"},
        "2026-11-21-het-han": {"published": "2026-11-21T06:00:00+07:00",
                               "expires": "2026-11-23T00:00:00+07:00"},
    }  # fmt: skip
    for slug, changes in variants.items():
        shutil.copytree(source, episodes / slug)
        data = json.loads((episodes / slug / "episode.json").read_text("utf-8"))
        data.update(slug=slug, guid=f"guid-{slug}", **changes)
        (episodes / slug / "episode.json").write_text(json.dumps(data), "utf-8")
    config = make_config(tmp_path)
    feed = feedparser.parse(rebuild_feeds(config.site, config.publish).read_bytes())
    assert [e.id for e in feed.entries] == ["guid-2026-11-22-moi", "guid-2026-11-20-cu"]
    from dataclasses import replace

    limited = replace(config, publish=replace(config.publish, retention=1))
    feed = feedparser.parse(rebuild_feeds(limited.site, limited.publish).read_bytes())
    assert [e.id for e in feed.entries] == ["guid-2026-11-22-moi"]


def test_chapters_link_to_their_articles(first_build: BuildResult, tmp_path: Path) -> None:
    import dataclasses

    from phatthanh.model import Chapter, Timeline
    from phatthanh.publish.staging import Stage
    from phatthanh.tags import write_tags

    mp3 = tmp_path / "a.mp3"
    shutil.copy(first_build.episode_dir / first_build.record.audio.file, mp3)
    rendition = dataclasses.replace(first_build.record.audio, file="a.mp3")
    url = "https://songxanh.example.gov.vn/tin-tuc/tan-lap-thu-hoach-lua"
    timeline = Timeline((), (Chapter("Mở đầu", 0, 1000), Chapter("Tin", 1000, 2000, url)))
    from datetime import date

    from phatthanh.model import Program, VoiceChoice

    program = Program("Thử", date(2026, 11, 24), ("Mở đầu", "Tin"), (None, url), (1,), ())
    config = make_config(tmp_path)
    stage = Stage(tmp_path, tmp_path, "thu", "guid-1", config.site, config.publish)
    write_tags(stage, [rendition], program, timeline, VoiceChoice("espeak-ng", "vi"))
    chaps = {c.element_id: c for c in ID3(mp3).getall("CHAP")}
    assert chaps["chp1"].sub_frames["WXXX:Bài viết"].url == url
    assert "WXXX:Bài viết" not in chaps["chp0"].sub_frames


def test_a_station_cover_is_checked_against_apples_rules(tmp_path: Path) -> None:
    from phatthanh.errors import ConfigError
    from phatthanh.publish.cover import station_cover

    good = tmp_path / "bia.png"
    Image.new("RGB", (1400, 1400), (10, 80, 140)).save(good)
    data, ext = station_cover(good)
    assert ext == "png" and data == good.read_bytes()
    for size, mode, message in (((1400, 1000), "RGB", "must be square"),
                                ((800, 800), "RGB", "1400 to 3000 px"),
                                ((1400, 1400), "RGBA", "must be RGB")):  # fmt: skip
        bad = tmp_path / f"bad-{size[0]}-{mode}.png"
        Image.new(mode, size).save(bad)
        with pytest.raises(ConfigError, match=message):
            station_cover(bad)
    text = tmp_path / "bia.jpg"
    text.write_text("không phải ảnh", "utf-8")
    with pytest.raises(ConfigError, match="not an image"):
        station_cover(text)
