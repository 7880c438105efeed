"""URLs and portal feeds, fetched from a real HTTP server on 127.0.0.1: pages, redirects,
and each failure (slow server, 404, redirect loop, 50 MB response, non-HTML) as a clear error."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import threading
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from phatthanh.articles import expand_sources, read_article
from phatthanh.articles.settings import ArticleSettings
from phatthanh.config import StationSettings
from phatthanh.errors import ArticleError, FetchError
from phatthanh.model import SourceEntry

ICT = timezone(timedelta(hours=7))
ARTICLE_HTML = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="windows-1258"><title>Tin tức - Huyện Sông Xanh</title>
<meta property="article:published_time" content="2026-11-20T08:30:00+07:00"></head>
<body><nav>Trang chủ | Tin tức | Liên hệ</nav>
<article><h1>Xã Tân Lập khánh thành nhà văn hóa thôn Hai</h1>
<p>Sáng nay, xã Tân Lập tổ chức lễ khánh thành nhà văn hóa thôn Hai với sự tham dự của đông
đảo bà con nhân dân trong thôn và lãnh đạo xã.</p>
<p>Công trình có tổng kinh phí hơn một tỷ đồng, trong đó nhân dân đóng góp ngày công và tiền
mặt, là nơi sinh hoạt cộng đồng khang trang của bà con.</p>
<p>Ảnh: Lễ cắt băng khánh thành.</p>
<p>Dịp này, xã biểu dương các hộ gia đình có nhiều đóng góp cho công trình.</p>
</article><footer>Bản quyền thuộc UBND huyện Sông Xanh</footer></body></html>"""


def rss(port: int) -> bytes:
    items = "".join(
        f"<item><title>Tin {n}</title><link>http://127.0.0.1:{port}/tin/{n}</link>"
        f"<pubDate>{day} Nov 2026 08:00:00 +0700</pubDate></item>"
        for n, day in ((1, "Thu, 20"), (2, "Fri, 21"), (3, "Sat, 22"))
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Cổng thông tin</title><link>http://127.0.0.1:{port}/</link>"
        f"<description>Tin</description>{items}</channel></rss>"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def _send(self, body: bytes, kind: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)  # the client may give up, as the slow-server test wants

    def do_GET(self) -> None:
        port = self.server.server_address[1]
        page = ARTICLE_HTML.encode("cp1258", errors="ignore")
        if self.path.startswith("/tin/") or self.path == "/bai.html":
            self._send(ARTICLE_HTML.encode("utf-8"), "text/html; charset=utf-8")
        elif self.path == "/cu":
            self.send_response(301)
            self.send_header("Location", "/bai.html")
            self.end_headers()
        elif self.path.startswith("/vong"):
            self.send_response(302)
            self.send_header("Location", "/vong2" if self.path == "/vong1" else "/vong1")
            self.end_headers()
        elif self.path == "/cham":
            time.sleep(3)
            self._send(page, "text/html")
        elif self.path == "/lon":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()  # no length: the client must stop by itself
            chunk = b"<p>" + b"x" * 65_000 + b"</p>"
            try:
                for _ in range(800):  # 52 MB, stopped early by the client
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif self.path == "/anh.jpg":
            self._send(b"\xff\xd8\xff\xe0" + bytes(2000), "image/jpeg")
        elif self.path == "/rss":
            self._send(rss(port), "application/rss+xml")
        elif self.path == "/rss-hostile":
            feed = HOSTILE_RSS.replace("PORT", str(port)).replace("SECRET", HOSTILE["secret"])
            self._send(feed.encode(), "application/rss+xml")
        elif self.path == "/tin/feed-gia-suc.html":
            self._send(ARTICLE_HTML.encode("utf-8"), "text/html; charset=utf-8")
        else:
            self._send(b"<h1>Not found</h1>", "text/html", 404)


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


# The test server is on 127.0.0.1: a private address, allowed explicitly.
FAST = ArticleSettings(
    fetch_timeout_s=1.0, fetch_retries=1, max_bytes=2_000_000, allow_private_hosts=True
)
HOSTILE_RSS = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>
<title>Cổng</title><link>http://127.0.0.1:PORT/</link><description>Tin</description>
<item><title>Bí mật</title><link>SECRET</link></item>
<item><title>Tương đối</title><link>tin/1</link></item>
<item><title>Tệp</title><link>file:///etc/hostname</link></item>
<item><title>Thật</title><link>http://127.0.0.1:PORT/tin/2</link></item>
</channel></rss>"""
HOSTILE = {"secret": "/srv/secret.txt"}  # a local file the hostile feed names


def read(url: str, settings: ArticleSettings = FAST):  # type: ignore[no-untyped-def]
    return read_article(SourceEntry(url), settings, StationSettings())


def test_an_html_page_is_extracted_without_furniture(base: str) -> None:
    article = read(f"{base}/bai.html")
    assert article.title == "Xã Tân Lập khánh thành nhà văn hóa thôn Hai"
    assert article.url == f"{base}/bai.html"
    assert article.published == datetime(2026, 11, 20, 8, 30, tzinfo=ICT)
    text = " ".join(article.paragraphs)
    assert article.paragraphs[0].startswith("Sáng nay, xã Tân Lập")
    assert "Dịp này, xã biểu dương" in text
    for furniture in ("Trang chủ", "Bản quyền", "Ảnh: Lễ cắt băng"):
        assert furniture not in text


def test_a_redirect_is_followed(base: str) -> None:
    assert read(f"{base}/cu").title == "Xã Tân Lập khánh thành nhà văn hóa thôn Hai"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/khong-co", "the server answered 404 Not Found; check the address"),
        ("/vong1", "too many redirects (a redirect loop?)"),
        ("/cham", "no answer within 1 s (after 2 attempts)"),
        ("/lon", "the response is larger than 2000000 bytes"),
        ("/anh.jpg", "is image/jpeg, not a web page"),
    ],
)
def test_each_failure_is_a_clear_one_line_error(base: str, path: str, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        read(f"{base}{path}")
    text = str(caught.value)
    assert text.startswith(f"{base}{path}: ") and message in text and "\n" not in text
    assert time.monotonic() - started < 8


def test_a_portal_feed_gives_its_entries_with_since_and_latest(base: str) -> None:
    lineup = expand_sources([f"{base}/rss"], FAST)
    assert [e.source for e in lineup.entries] == [f"{base}/tin/{n}" for n in (1, 2, 3)]
    latest = expand_sources([f"{base}/rss"], FAST, latest=2)
    assert [e.source for e in latest.entries] == [f"{base}/tin/2", f"{base}/tin/3"]
    since = expand_sources([f"{base}/rss"], FAST, since=date(2026, 11, 22))
    assert [e.source for e in since.entries] == [f"{base}/tin/3"]
    article = read_article(lineup.entries[0], FAST, StationSettings())
    assert article.title == "Xã Tân Lập khánh thành nhà văn hóa thôn Hai"


def test_a_feed_item_is_only_ever_an_http_url(
    base: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("mật khẩu", "utf-8")
    HOSTILE["secret"] = str(secret)
    with caplog.at_level(logging.WARNING, logger="phatthanh"):
        lineup = expand_sources([f"{base}/rss-hostile"], FAST)
    assert [e.source for e in lineup.entries] == [f"{base}/tin/2"]
    for refused in (str(secret), "tin/1", "etc/hostname"):
        assert refused in caplog.text


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/x", "http://localhost/x", "http://10.1.2.3/x", "http://192.168.1.1/x",
     "http://169.254.169.254/latest/meta-data", "http://[::1]/x", "http://0.0.0.0/x",
     "http://[::ffff:127.0.0.1]/x", "http://100.64.0.1/x"],
)  # fmt: skip
def test_local_and_private_addresses_are_refused_unless_allowed(url: str) -> None:
    from phatthanh.articles.fetch import check_host

    strict = dataclasses.replace(FAST, allow_private_hosts=False)
    with pytest.raises(FetchError, match="allow_private_hosts"):
        check_host(url, strict)
    check_host(url, FAST)  # allowed: no error
    check_host("http://93.184.216.34/tin", strict)  # a public address passes the check


def test_a_private_portal_needs_the_allowance(base: str) -> None:
    strict = dataclasses.replace(FAST, allow_private_hosts=False)
    with pytest.raises(FetchError, match="allow_private_hosts"):
        read(f"{base}/bai.html", strict)
    with pytest.raises(FetchError, match="allow_private_hosts"):
        expand_sources([f"{base}/rss"], strict)
    assert read(f"{base}/bai.html").title.startswith("Xã Tân Lập")


def test_a_missing_feed_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="no such file"):
        expand_sources([str(tmp_path / "cong-thong-tin.rss")], FAST)


def test_an_article_named_feed_is_read_as_an_article(base: str, tmp_path: Path) -> None:
    page = tmp_path / "feed-back-cua-nguoi-dan.txt"
    page.write_text("Người dân góp ý về đường thôn\n\nBà con đề nghị sửa đường.\n", "utf-8")
    url = f"{base}/tin/feed-gia-suc.html"
    lineup = expand_sources([str(page), url], FAST)
    assert [e.source for e in lineup.entries] == [str(page), url]
    assert read(url).title.startswith("Xã Tân Lập")
    feed = tmp_path / "cong.xml"
    feed.write_bytes(rss(1))  # a feed is known by its content, whatever its name
    assert len(expand_sources([str(feed)], FAST).entries) == 3
