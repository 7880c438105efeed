"""Dựng và phát hành, Bản tin khẩn through the studio's routes: a build is staged, listened
to, then published with the same publish_built as `publish --built`; builds run like CLI
builds (two at once, cancel); the bulletin form calls build_bulletin. Real espeak, ffmpeg."""

from __future__ import annotations

import threading
from functools import partial
from pathlib import Path

import feedparser
import pytest

from phatthanh.config import load_config
from phatthanh.pipeline import BuildOptions, build_episode
from phatthanh.publish.built import list_built
from phatthanh.studio.draft import draft_lineup
from phatthanh.studio.jobs import BuildJob, _run
from tests.studio_client import StudioClient, new_project, paste, wait


@pytest.fixture
def client(tmp_path: Path) -> StudioClient:
    return new_project(tmp_path)


def feed_titles(root: Path) -> list[str]:
    feed = root / "feeds" / "podcast.xml"
    return [e.title for e in feedparser.parse(feed.read_bytes()).entries] if feed.is_file() else []


def build(client: StudioClient, slot: str = "06:00") -> int:
    response = client.post("/dung", data={"khung_gio": slot}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def test_a_build_is_heard_first_and_reaches_the_feed_only_when_published(
    client: StudioClient,
) -> None:
    paste(client)
    client.post("/chuong-trinh", data={"tieu_de": "Tin sáng", "ngay": "2026-11-24"})
    number = build(client)
    last = wait(client, number)
    assert last["state"] == "done", last
    assert str(last["task"]).startswith("Xử lý âm thanh") and last["done"] == last["total"]
    assert last["steps"] >= 4  # synthesis and mastering steps were streamed
    page = client.get(f"/dung/{number}").text
    assert "chưa phát hành" in page and 'id="phat-hanh"' in page
    assert "LUFS" in page and "dBTP" in page and "Mở đầu" in page  # loudness, chapters
    audio = page.split('<audio controls preload="metadata" src="', 1)[1].split('"', 1)[0]
    assert audio.startswith("/dung/ban/")
    mp3 = client.get(audio, headers={"range": "bytes=0-99"})
    assert mp3.status_code == 206 and len(mp3.content) == 100
    assert feed_titles(client.root) == []  # staged: no feed, no manifest, no section page
    assert not (client.root / "feeds" / "loudspeaker.json").exists()
    (built,) = list_built(load_config(client.root / "phatthanh.toml").site)
    assert "Tin sáng" in client.get("/dung").text  # listed as waiting
    form = {"lan": str(number)}
    published = client.post(f"/dung/ban/{built.folder.name}/phat-hanh", data=form)
    assert published.status_code == 200 and "Đã phát hành." in published.text
    assert feed_titles(client.root) == ["Tin sáng"]
    assert (client.root / "feeds" / "loudspeaker.json").is_file()
    assert f"/episodes/{built.record.slug}/" in published.text  # now heard from its place
    listed = client.get("/da-phat").text
    assert "Tin sáng" in listed and "có trong nguồn tin" in listed
    again = client.post(f"/dung/ban/{built.folder.name}/phat-hanh", data=form)
    assert again.status_code == 400 and "no unpublished build by that name" in again.text


def test_two_tabs_build_at_once_and_both_publish(client: StudioClient, tmp_path: Path) -> None:
    paste(client)
    client.post("/chuong-trinh", data={"tieu_de": "Tin", "ngay": "2026-11-24"})
    other = StudioClient(tmp_path / "phatthanh.toml", client.app)  # a second tab, own cookie
    first, second = build(client, "06:00"), build(other, "17:00")
    assert wait(client, first)["state"] == "done"
    assert wait(other, second)["state"] == "done"
    studio = client.app.state.studio  # type: ignore[attr-defined]
    folders = [studio.builds.get(n).result.episode_dir.name for n in (first, second)]
    codes: list[int] = []
    tabs = [
        threading.Thread(
            target=lambda c, f: codes.append(c.post(f"/dung/ban/{f}/phat-hanh").status_code),
            args=(tab, folder),
        )
        for tab, folder in zip((client, other), folders, strict=True)
    ]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join()
    assert codes == [200, 200]
    assert feed_titles(client.root) == ["Tin", "Tin"]
    assert {studio.builds.get(n).state for n in (first, second)} == {"published"}


def test_a_waiting_build_can_be_discarded(client: StudioClient) -> None:
    paste(client)
    number = build(client)
    assert wait(client, number)["state"] == "done"
    folder = client.app.state.studio.builds.get(number).result.episode_dir  # type: ignore[attr-defined]
    assert client.get(f"/dung/ban/{folder.name}/episode.json").status_code == 200
    for missing in ("khong-co.mp3", "..%2Fphatthanh.toml", ".retired.json"):
        assert client.get(f"/dung/ban/{folder.name}/{missing}").status_code == 404, missing
    page = client.post(f"/dung/ban/{folder.name}/bo", data={"lan": str(number)})
    assert "Đã bỏ bản dựng này" in page.text
    assert not folder.exists() and feed_titles(client.root) == []
    gone = client.get(f"/dung/ban/{folder.name}/episode.json")
    assert gone.status_code == 400 and "no unpublished build by that name" in gone.text


def test_a_cancelled_build_publishes_nothing(client: StudioClient) -> None:
    paste(client)
    config = load_config(client.root / "phatthanh.toml")
    job = BuildJob(1)
    job.cancel.set()
    options = BuildOptions(publish=False)  # as the studio builds
    _run(job, partial(build_episode, draft_lineup(client.root), config, options))
    assert job.state == "cancelled"
    assert not [p for p in (client.root / "episodes").glob("*") if p.is_dir()]
    assert list_built(config.site) == []
    assert not (client.root / "feeds" / "podcast.xml").exists()


def test_cancel_route_stops_a_running_build(client: StudioClient) -> None:
    paste(client)
    number = build(client)
    client.post(f"/dung/{number}/huy")
    assert wait(client, number)["state"] in ("cancelled", "done")  # done if it beat the click
    studio = client.app.state.studio  # type: ignore[attr-defined]
    assert studio.builds.get(number).cancel.is_set()


def test_the_bulletin_form_builds_and_publishes_at_once(client: StudioClient) -> None:
    page = client.get("/ban-tin-khan").text
    assert 'name="noi_dung"' in page and 'name="uu_tien"' in page and 'name="lap"' in page
    form = {"noi_dung": "Nước sông Đồng Nai đang lên nhanh. Bà con ven sông chuyển đồ lên cao.",
            "tieu_de": "Cảnh báo lũ", "uu_tien": "khan_cap", "lap": "1"}  # fmt: skip
    response = client.post("/ban-tin-khan", data=form, follow_redirects=False)
    number = int(response.headers["location"].rsplit("/", 1)[1])
    assert wait(client, number)["state"] == "published"
    page = client.get(f"/dung/{number}").text
    assert "Bản tin khẩn" in page and "Đã phát hành." in page and "Cảnh báo lũ" in page
    assert feed_titles(client.root) == ["Cảnh báo lũ"]
    record = client.app.state.studio.builds.get(number).result.record  # type: ignore[attr-defined]
    assert record.priority == "khan_cap"
    empty = client.post("/ban-tin-khan", data={**form, "noi_dung": "  "})
    assert empty.status_code == 400 and "đang trống; viết thông báo" in empty.text
    too_many = client.post("/ban-tin-khan", data={**form, "lap": "9"})
    assert too_many.status_code == 400 and "chọn từ 1 đến 5 lần" in too_many.text


def test_publishing_over_a_published_slot_needs_the_replace_box(client: StudioClient) -> None:
    paste(client)
    first, second = build(client), build(client)  # the same slot: the same episode
    assert wait(client, first)["state"] == wait(client, second)["state"] == "done"
    studio = client.app.state.studio  # type: ignore[attr-defined]
    names = [studio.builds.get(n).result.episode_dir.name for n in (first, second)]
    assert client.post(f"/dung/ban/{names[0]}/phat-hanh").status_code == 200
    assert 'name="thay" type="checkbox"' in client.get("/dung").text  # the waiting one
    refused = client.post(f"/dung/ban/{names[1]}/phat-hanh")
    assert refused.status_code == 400 and "already published for this slot" in refused.text
    assert client.post(f"/dung/ban/{names[1]}/phat-hanh", data={"thay": "on"}).status_code == 200
    assert len(feed_titles(client.root)) == 1
    assert studio.builds.get(second).state == "published"
