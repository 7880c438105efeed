"""`phatthanh serve` over real HTTP on 127.0.0.1: ranges, HEAD, ETag/304, types, traversal."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from phatthanh.config import Config
from phatthanh.publish.serve import make_app

DATA = bytes(range(256)) * 40  # 10240 bytes, every slice distinct


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("station")
    episode = root / "episodes" / "2026-11-24-ban-tin"
    episode.mkdir(parents=True)
    (episode / "ban-tin.mp3").write_bytes(DATA)
    (episode / "ban-tin.vtt").write_text("WEBVTT\n", "utf-8")
    (episode / "ban-tin.chapters.json").write_text('{"version": "1.2.0"}', "utf-8")
    (root / "episodes" / ".staging").mkdir()
    (root / "episodes" / ".staging" / "half.mp3").write_bytes(b"partial")
    (root / "feeds").mkdir()
    (root / "feeds" / "podcast.xml").write_text("<rss version='2.0'/>", "utf-8")
    (root / "secret.txt").write_text("outside", "utf-8")
    (episode / "loop.mp3").symlink_to("loop.mp3")
    (episode / "a.mp3").symlink_to("b.mp3")
    (episode / "b.mp3").symlink_to("a.mp3")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(make_app(Config(root=root)), host="127.0.0.1", port=port,
                            log_level="error")  # fmt: skip
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not instance.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", root
    instance.should_exit = True
    thread.join(timeout=5)


MP3 = "/episodes/2026-11-24-ban-tin/ban-tin.mp3"


def get(server: tuple[str, Path], path: str, **headers: str) -> httpx.Response:
    return httpx.get(server[0] + path, headers=headers, timeout=60)


def test_whole_file_with_length_type_and_accept_ranges(server: tuple[str, Path]) -> None:
    r = get(server, MP3)
    assert r.status_code == 200 and r.content == DATA
    assert r.headers["content-type"] == "audio/mpeg"
    assert r.headers["content-length"] == str(len(DATA))
    assert r.headers["accept-ranges"] == "bytes"
    assert "content-encoding" not in r.headers


@pytest.mark.parametrize(
    ("spec", "start", "end"),
    [("bytes=0-1", 0, 1), ("bytes=100-", 100, len(DATA) - 1), ("bytes=-500", len(DATA) - 500,
     len(DATA) - 1), ("bytes=10-99999", 10, len(DATA) - 1)],
)  # fmt: skip
def test_single_ranges_get_206_with_the_right_slice(
    server: tuple[str, Path], spec: str, start: int, end: int
) -> None:
    r = get(server, MP3, Range=spec)
    assert r.status_code == 206
    assert r.content == DATA[start : end + 1]
    assert r.headers["content-range"] == f"bytes {start}-{end}/{len(DATA)}"
    assert r.headers["content-length"] == str(end - start + 1)


def test_multiple_ranges_get_a_multipart_answer(server: tuple[str, Path]) -> None:
    r = get(server, MP3, Range="bytes=0-9,20-29")
    assert r.status_code == 206
    assert r.headers["content-type"].startswith("multipart/byteranges")
    assert DATA[0:10] in r.content and DATA[20:30] in r.content


@pytest.mark.parametrize("spec", [f"bytes={len(DATA)}-", f"bytes={len(DATA) + 5}-{len(DATA) + 9}"])
def test_unsatisfiable_range_is_416(server: tuple[str, Path], spec: str) -> None:
    r = get(server, MP3, Range=spec)
    assert r.status_code == 416
    assert r.headers["content-range"] == f"bytes */{len(DATA)}"


@pytest.mark.parametrize(
    "spec", ["bytes=abc", "pages=1-2", "bytes=5-1", "bytes=", "bytes=0-1,9-3", "bytes=--5"]
)
def test_an_invalid_range_is_ignored_with_the_whole_file(
    server: tuple[str, Path], spec: str
) -> None:
    r = get(server, MP3, Range=spec)  # RFC 9110 14.2: a server ignores an invalid Range
    assert r.status_code == 200, spec
    assert r.content == DATA


def test_head_has_the_get_headers_and_no_body(server: tuple[str, Path]) -> None:
    r = httpx.head(server[0] + MP3)
    assert r.status_code == 200 and r.content == b""
    assert r.headers["content-length"] == str(len(DATA))
    assert r.headers["content-type"] == "audio/mpeg"


def test_conditional_get_answers_304(server: tuple[str, Path]) -> None:
    first = get(server, "/feeds/podcast.xml")
    assert first.headers["content-type"] == "application/rss+xml; charset=utf-8"
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert get(server, "/feeds/podcast.xml", **{"If-None-Match": etag}).status_code == 304
    assert get(server, "/feeds/podcast.xml", **{"If-Modified-Since": modified}).status_code == 304
    assert get(server, "/feeds/podcast.xml", **{"If-None-Match": '"other"'}).status_code == 200


def test_transcripts_and_chapters_have_types_and_cors(server: tuple[str, Path]) -> None:
    vtt = get(server, "/episodes/2026-11-24-ban-tin/ban-tin.vtt")
    assert vtt.headers["content-type"] == "text/vtt; charset=utf-8"
    assert vtt.headers["access-control-allow-origin"] == "*"
    chapters = get(server, "/episodes/2026-11-24-ban-tin/ban-tin.chapters.json")
    assert chapters.headers["content-type"] == "application/json+chapters"


@pytest.mark.parametrize(
    "path",
    ["/episodes/../secret.txt", "/episodes/%2e%2e/secret.txt", "/episodes/..%2fsecret.txt",
     "/feeds/%2e%2e%2fsecret.txt", "/episodes//etc/passwd", "/episodes/%2Fetc%2Fpasswd",
     "/secret.txt", "/episodes/", "/episodes/2026-11-24-ban-tin", "/episodes/.staging/half.mp3",
     "/", "/feeds/nope.xml", "/episodes/2026-11-24-ban-tin/loop.mp3",
     "/episodes/2026-11-24-ban-tin/a.mp3", "/episodes/" + "x" * 300 + ".mp3",
     "/episodes/2026-11-24-ban-tin/" + "ê" * 200 + ".mp3", "/feeds/" + "a/" * 3000 + "b"],
)  # fmt: skip
def test_nothing_outside_the_two_folders_and_no_listings(
    server: tuple[str, Path], path: str
) -> None:
    with httpx.Client(timeout=60) as client:
        request = client.build_request("GET", server[0] + path)
        request.url = httpx.URL(server[0] + path)  # keep the encoded form as sent
        r = client.send(request)
    assert r.status_code == 404, path
    assert b"outside" not in r.content and b"partial" not in r.content


@pytest.mark.parametrize("port", ["70000", "-1"])
def test_a_port_out_of_range_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], port: str
) -> None:
    from phatthanh.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["serve", "--port", port]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: port {port}: use a port between 1 and 65535 (--port or [publish] port)"]
