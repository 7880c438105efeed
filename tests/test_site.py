"""The section page: built from episode records beside the feed, valid HTML (Nu Html
Checker), readable without JavaScript, held and expired episodes left out, swapped in whole."""

from __future__ import annotations

import json
import os
from pathlib import Path

import lxml.html

from phatthanh.pipeline import BuildResult
from phatthanh.publish import rebuild_feeds
from phatthanh.publish.record import RECORD
from phatthanh.site import site_dir
from tests.sitecheck import copy_station, vnu_messages


def _page(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def test_build_writes_index_and_episode_page(first_build: BuildResult) -> None:
    record = first_build.record
    site = first_build.episode_dir.parent.parent / "site"
    index = _page(site / "index.html")
    assert index.get("lang") == "vi"
    links = index.xpath("//a[@href=$h]", h=f"{record.slug}.html")
    assert [a.text_content() for a in links] == [record.title]
    info = index.xpath("//p[@class='thong-tin']")[0].text_content()
    assert "Thứ Ba, 24/11/2026" in info and "phút" in info
    lineup = [li.text_content() for li in index.xpath("//ul[@class='cac-tin']/li")]
    assert lineup == [item.title for item in record.items]

    page = _page(site / f"{record.slug}.html")
    audio = page.xpath("//audio")[0]
    assert audio.get("controls") is not None and audio.get("aria-label")
    media = (site / audio.get("src")).resolve()
    assert media.name == record.audio.file and media.stat().st_size == record.audio.bytes
    chapters = page.xpath("//nav[@class='muc']//a[@data-seek]")
    assert [float(a.get("data-seek")) for a in chapters] == [
        round(c.start_ms / 1000, 3) for c in record.chapters
    ]
    assert all(a.get("href").startswith(audio.get("src") + "#t=") for a in chapters)


def test_transcript_is_on_the_page_without_javascript(first_build: BuildResult) -> None:
    """The audio element and every transcript line are in the HTML itself, in order."""
    import webvtt

    record = first_build.record
    site = first_build.episode_dir.parent.parent / "site"
    page = _page(site / f"{record.slug}.html")
    lines = page.xpath("//ol[@class='cac-doan']/li")
    captions = webvtt.read(str(first_build.episode_dir / f"{record.slug}.vtt")).captions
    assert len(lines) == len(captions) > 5
    for li, caption in zip(lines, captions, strict=True):
        assert li.xpath("string(span[@class='chu'])") == " ".join(caption.text.split())
        assert float(li.get("data-start")) == caption.start_time.in_milliseconds() / 1000
    starts = [float(li.get("data-start")) for li in lines]
    assert starts == sorted(starts)


def test_downloads_feed_subscribe_and_embed(first_build: BuildResult) -> None:
    record = first_build.record
    site = first_build.episode_dir.parent.parent / "site"
    page = _page(site / f"{record.slug}.html")
    downloads = page.xpath("//section[@class='tai-ve']//a/@href")
    for rendition in record.renditions:
        href = f"../episodes/{record.slug}/{rendition.file}"
        assert href in downloads
        assert (site / href).stat().st_size == rendition.bytes
    assert f"../episodes/{record.slug}/{record.slug}.vtt" in downloads
    feed = "https://radio.example.vn/songxanh/feeds/podcast.xml"
    assert feed in page.xpath("//link[@rel='alternate']/@href")
    assert "podcast://radio.example.vn/songxanh/feeds/podcast.xml" in page.xpath("//a/@href")
    snippet = lxml.html.fromstring(page.xpath("string(//section[@class='nhung']//code)"))
    assert snippet.tag == "iframe" and snippet.get("title") == record.title
    embed = snippet.get("src").removeprefix("https://radio.example.vn/songxanh/site/")
    embedded = _page(site / embed)
    assert (site / embed).parent.joinpath(embedded.xpath("//audio/@src")[0]).resolve() == (
        first_build.episode_dir / record.audio.file
    ).resolve()


def test_pages_are_valid_html(first_build: BuildResult) -> None:
    site = (first_build.episode_dir.parent.parent / "site").resolve()
    files = sorted(site.rglob("*.html"))
    assert len(files) == 3
    messages = vnu_messages([*files, site / "static" / "site.css"])
    assert [(m["url"].rsplit("/", 1)[-1], m.get("lastLine"), m["message"]) for m in messages] == []


def test_held_and_expired_episodes_never_appear(first_build: BuildResult, tmp_path: Path) -> None:
    config = copy_station(first_build, tmp_path)
    source = config.episodes_dir / first_build.record.slug
    for name, field, when in (
        ("2026-11-25-held", "publish_at", "2999-01-01T06:00:00+07:00"),
        ("2026-11-26-gone", "expires", "2000-01-01T06:00:00+07:00"),
        ("2026-11-27-due", "publish_at", "2001-01-01T06:00:00+07:00"),
    ):
        folder = config.episodes_dir / name
        folder.mkdir()
        for file in source.iterdir():
            os.link(file, folder / file.name)
        data = json.loads((source / RECORD).read_text("utf-8"))
        data.update(slug=name, guid=name, title=f"Tin {name}", published=f"{name[:10]}T06:00+07:00")
        data[field] = when
        (folder / RECORD).unlink()
        (folder / RECORD).write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    rebuild_feeds(config.site, config.publish)
    site = site_dir(config.site)
    pages = sorted(p.name for p in site.glob("*.html"))
    assert pages == sorted(["index.html", f"{first_build.record.slug}.html", "2026-11-27-due.html"])
    index = (site / "index.html").read_text("utf-8")
    assert "held" not in index and "gone" not in index
    order = _page(site / "index.html").xpath("//ol[@class='danh-sach-ct']//h3/a/@href")
    assert order == ["2026-11-27-due.html", f"{first_build.record.slug}.html"]  # newest first


def test_site_is_swapped_whole(first_build: BuildResult, tmp_path: Path) -> None:
    """`site` is a link to one complete tree; a rebuild points it at a new one and keeps only
    the previous tree besides."""
    config = copy_station(first_build, tmp_path)
    trees = []
    for _ in range(3):
        rebuild_feeds(config.site, config.publish)
        link = site_dir(config.site)
        assert link.is_symlink()
        trees.append(os.readlink(link))
        assert (link / "index.html").is_file() and (link / "static" / "player.js").is_file()
    assert len(set(trees)) == 3
    left = sorted(p.name for p in config.root.glob(".site-*"))
    assert left == sorted(Path(t).name for t in trees[1:])
