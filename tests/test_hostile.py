"""Hostile input and a full disk: refused clearly, nothing published changes, nothing
written outside the output folders; fuzzing of cleaning, segmentation and the HTTP server."""

from __future__ import annotations

import dataclasses
import os
import resource
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from phatthanh.articles import read_article
from phatthanh.articles.settings import ArticleSettings
from phatthanh.articles.text import parse_offset, parse_text_page
from phatthanh.clean import Normalizer
from phatthanh.clean.settings import SpeechSettings
from phatthanh.config import Config, StationSettings
from phatthanh.errors import ArticleError
from phatthanh.model import Article, SourceEntry
from phatthanh.pipeline import BuildResult
from phatthanh.publish.feed import feed_xml
from phatthanh.segment import script_article
from tests.conftest import ROOT, SAMPLES

STATION = StationSettings()


def read(path: Path) -> Article:
    return read_article(SourceEntry(str(path)), ArticleSettings(), STATION)


def test_a_20_mb_page_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "lon.txt"
    page.write_bytes(b"Tin dai\n\n" + b"a " * 10_000_000)
    with pytest.raises(ArticleError, match="larger than the 5000000-byte limit"):
        read(page)


def test_whitespace_only_page_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "trang.txt"
    page.write_text(" \t\n \u00a0\n\u200b\n", "utf-8")
    with pytest.raises(ArticleError, match=r"no body text|empty"):
        read(page)


def test_invalid_utf8_is_read_or_refused_never_crashes(tmp_path: Path) -> None:
    page = tmp_path / "hong.txt"
    good = SAMPLES[0].read_bytes()
    page.write_bytes(good[:300] + b"\xff\xfe\xc3\x28" + good[300:])
    article = read(page)
    assert article.title and article.paragraphs


def test_html_scripts_are_never_read(tmp_path: Path) -> None:
    page = tmp_path / "tin.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>Tin</title><script>var x = 'đọc cái này';"
        "</script></head><body><h1>Xã Tân Lập trồng cây xanh</h1>"
        "<script>document.write('quảng cáo bật lên')</script>"
        "<p>Sáng nay, đoàn viên thanh niên xã Tân Lập trồng hơn năm trăm cây xanh dọc các "
        "tuyến đường liên thôn, góp phần tạo cảnh quan xanh, sạch, đẹp.</p>"
        "<style>p { color: red }</style><p>Hoạt động này được duy trì hằng năm vào dịp "
        "đầu xuân với sự tham gia của đông đảo bà con.</p></body></html>",
        "utf-8",
    )
    article = read(page)
    text = " ".join(article.paragraphs)
    assert "trồng hơn năm trăm cây xanh" in text
    for hostile in ("đọc cái này", "quảng cáo", "document.write", "color: red"):
        assert hostile not in text


def test_titles_with_xml_specials_and_control_characters_keep_the_feed_valid(
    tmp_path: Path, first_build: BuildResult
) -> None:
    page = tmp_path / "tin.txt"
    page.write_text(
        'Tin <b>"đặc biệt"</b> & \x07 ]]> \x1b[31m\n\n8:00, Thứ Ba, 18-11-2026 90 0\n\n'
        "Nội dung của bản tin đặc biệt được viết cho phép thử này.\n",
        "utf-8",
    )
    article = read(page)
    assert "\x07" not in article.title and "\x1b" not in article.title
    record = dataclasses.replace(first_build.record, title=article.title)
    config = Config(root=tmp_path)
    xml = feed_xml(config.site, config.publish, [record], "https://example.vn/c.jpg")
    items = etree.fromstring(xml).findall("channel/item")
    assert items[0].findtext("title") == article.title


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes fail with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (1_500_000, 1_500_000))


def test_a_full_disk_is_a_clear_error_and_changes_nothing_published(tmp_path: Path) -> None:
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "podcast.xml").write_text("<rss>previous</rss>", "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "phatthanh", "build-episode", str(SAMPLES[1]),
         "--engine", "espeak", "--profile", "podcast"],
        cwd=tmp_path, capture_output=True, text=True, preexec_fn=_limit_file_size,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, timeout=300,
    )  # fmt: skip
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: ") and "File too large" in lines[-1], result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "feeds" / "podcast.xml").read_text("utf-8") == "<rss>previous</rss>"
    published = [p for p in (tmp_path / "episodes").iterdir() if not p.name.startswith(".")]
    assert published == []
    assert [p.name for p in (tmp_path / "episodes" / ".staging").iterdir()] == [".lock"]


# --- fuzzing --------------------------------------------------------------------------


@given(st.text(max_size=3000))
@example("0A0aA")  # a flattened table row ('1Bình PhướcKhu vực …'): read 'A0a: A.'
@settings(max_examples=200, deadline=None)
def test_page_cleaning_never_raises_and_stays_bounded(text: str) -> None:
    page = parse_text_page(text, parse_offset("+07:00"))
    # Cleaning only drops and joins, except that a flattened table row gets ': ' and ', '
    # between its glued cells (a cell starts at a capital) and a full stop at its end.
    separators = 2 * sum(ch.isupper() for ch in text)
    assert sum(len(p) for p in page.paragraphs) <= len(text) + separators + len(page.paragraphs)
    assert len(page.decisions) == len(text.split("\n"))


_SPEECH = SpeechSettings(max_segment_chars=120)
_NORMALIZER = Normalizer(_SPEECH)


_TOKEN = st.text(st.characters(blacklist_categories=("Z", "C")), min_size=100, max_size=400)
_PARAGRAPH = st.one_of(st.text(min_size=1, max_size=600), _TOKEN.map(lambda t: f"Xem {t} nhé."))


@given(st.lists(_PARAGRAPH, min_size=1, max_size=5), st.text(max_size=80))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_segmentation_never_raises_and_bounds_segments(paragraphs: list[str], title: str) -> None:
    article = Article("x.txt", title or "Tin", tuple(paragraphs), author="Thu Hà")
    try:
        script = script_article(article, _NORMALIZER, _SPEECH)
    except ArticleError as exc:
        assert "nothing to read aloud" in str(exc)
        return
    assert any(s.kind == "body" for s in script.segments)
    for segment in script.segments:
        assert len(segment.display) <= _SPEECH.max_segment_chars
        assert len(segment.spoken) <= 40 * len(segment.display) + 40


@pytest.mark.parametrize("body", ["🎉🎉🎉 👍👍", "🌾🌾\n\n🚜 🚜 … !!!", "• • •\n\n— — —"])
def test_an_article_with_nothing_to_read_is_refused(tmp_path: Path, body: str) -> None:
    page = tmp_path / "emoji.txt"
    page.write_text(f"🎉🎉\n\n{body}\n", "utf-8")
    with pytest.raises(ArticleError, match=r"nothing to read aloud|no body text"):
        script_article(read(page), _NORMALIZER, _SPEECH)


def test_a_token_longer_than_a_segment_is_cut_not_a_crash() -> None:
    url = "https://songxanh.gov.vn/tai-lieu/" + "quyet-dinh-so-123-ubnd" * 30 + ".pdf"
    article = Article("x.txt", "Tin", (f"Xem toàn văn tại {url} để biết thêm.",))
    script = script_article(article, _NORMALIZER, _SPEECH)
    body = [s.display for s in script.segments if s.kind == "body"]
    assert all(len(d) <= _SPEECH.max_segment_chars for d in body)
    assert body[0] == "Xem toàn văn tại" and body[-1].endswith("để biết thêm.")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    import threading
    import time

    import uvicorn

    from phatthanh.publish.serve import make_app

    root = tmp_path_factory.mktemp("serve")
    (root / "feeds").mkdir()
    (root / "feeds" / "podcast.xml").write_text("<rss/>", "utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(make_app(Config(root=root)), host="127.0.0.1",
                                           port=port, log_level="critical"))  # fmt: skip
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    yield port
    server.should_exit = True


_HEADER_VALUE = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\r\n"),
    max_size=200,
)


@given(st.sampled_from(["Range", "If-None-Match", "If-Modified-Since", "Host", "X-Y"]),
       _HEADER_VALUE)  # fmt: skip
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_the_server_never_errors_on_malformed_headers(served: int, name: str, value: str) -> None:
    request = (f"GET /feeds/podcast.xml HTTP/1.1\r\nHost: 127.0.0.1\r\n{name}: {value}\r\n"
               "Connection: close\r\n\r\n").encode("latin-1")  # fmt: skip
    with socket.create_connection(("127.0.0.1", served), timeout=5) as conn:
        conn.sendall(request)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    status = int(answer.split(b" ", 2)[1])
    assert status < 500, answer[:200]


@pytest.mark.parametrize("title", ["../../etc/passwd", "/tmp/x", "..", "\x00\x07", "   "])
def test_titles_cannot_make_paths_outside_the_episodes_folder(title: str) -> None:
    from phatthanh.publish.staging import slugify

    slug = slugify(title)
    assert slug and "/" not in slug and ".." not in slug and not slug.startswith(".")


def _lineup(folder: Path, *sources: str) -> Path:
    path = folder / "sang.toml"
    items = "".join(f'[[items]]\nsource = "{s}"\n' for s in sources)
    path.write_text(items, "utf-8")
    return path


def test_lineup_sources_stay_inside_the_lineup_folder(tmp_path: Path) -> None:
    from phatthanh.articles.lineup import load_lineup

    outside = tmp_path / "secret.txt"
    outside.write_text("Mật khẩu của đài\n\nKhông được đọc.\n", "utf-8")
    folder = tmp_path / "lineups"
    folder.mkdir()
    (folder / "tin.txt").symlink_to(outside)  # a link leaving the folder
    (folder / "tin-that.txt").write_text("Tin\n\nNội dung.\n", "utf-8")
    with pytest.raises(ArticleError, match="absolute path"):
        load_lineup(_lineup(folder, str(outside)))
    with pytest.raises(ArticleError, match="outside the lineup's folder"):
        load_lineup(_lineup(folder, "tin.txt"))
    with pytest.raises(ArticleError, match="outside the lineup's folder"):
        load_lineup(_lineup(folder, "../secret.txt"))
    assert load_lineup(_lineup(folder, "tin-that.txt")).entries[0].source.endswith("tin-that.txt")


def test_lineup_size_is_bounded(tmp_path: Path) -> None:
    from phatthanh.articles import lineup

    (tmp_path / "tin.txt").write_text("Tin\n\nNội dung.\n", "utf-8")
    with pytest.raises(ArticleError, match=f"at most {lineup.MAX_ITEMS}"):
        lineup.load_lineup(_lineup(tmp_path, *["tin.txt"] * (lineup.MAX_ITEMS + 1)))
    big = tmp_path / "dai.txt"
    with big.open("wb") as fh:
        fh.truncate(lineup.MAX_TOTAL_BYTES // 3 + 1)
    with pytest.raises(ArticleError, match="split the lineup"):
        lineup.load_lineup(_lineup(tmp_path, "dai.txt", "dai.txt", "dai.txt"))


@pytest.mark.parametrize("slot", ["25:99", "6:00", "06:60", "0600", "06:00:00", "٠٦:٠٠"])
def test_lineup_air_slots_are_real_times(tmp_path: Path, slot: str) -> None:
    from phatthanh.articles.lineup import load_lineup

    (tmp_path / "tin.txt").write_text("Tin\n\nNội dung.\n", "utf-8")
    lineup = _lineup(tmp_path, "tin.txt")
    lineup.write_text(f'air_slots = ["06:00", "{slot}"]\n' + lineup.read_text("utf-8"), "utf-8")
    with pytest.raises(ArticleError, match="air_slots"):
        load_lineup(lineup)
    lineup.write_text(lineup.read_text("utf-8").replace(f'"{slot}"', '"23:59"'), "utf-8")
    assert load_lineup(lineup).air_slots == ("06:00", "23:59")
