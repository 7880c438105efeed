"""The studio's routes through starlette's TestClient: the draft lineup, the reading check
and the station lexicon, the running order, builds (progress stream, two at once, cancel),
publishing, the password gate. Real articles, the real espeak voice, real ffmpeg."""

from __future__ import annotations

import base64
import threading
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from phatthanh.articles import read_article
from phatthanh.articles.lineup import load_lineup
from phatthanh.articles.settings import ArticleSettings
from phatthanh.cli import main
from phatthanh.config import load_config
from phatthanh.settings import StationSettings
from phatthanh.studio import make_app
from phatthanh.studio.draft import draft_lineup, draft_path
from tests.studio_client import ARTICLE, CONFIG, StudioClient, paste

SETTINGS = (ArticleSettings(allow_private_hosts=True), StationSettings())


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "phatthanh.toml").write_text(CONFIG, "utf-8")
    return tmp_path


@pytest.fixture
def client(project: Path) -> StudioClient:
    return StudioClient(project / "phatthanh.toml")


def test_every_page_is_in_vietnamese(client: TestClient) -> None:
    for path, heading in [
        ("/bai-viet", "Bài viết"),
        ("/doc", "Kiểm tra cách đọc"),
        ("/chuong-trinh", "Chương trình"),
        ("/dung", "Dựng và phát hành"),
        ("/ban-tin-khan", "Bản tin khẩn"),
        ("/da-phat", "Các chương trình đã phát"),
    ]:
        page = client.get(path)
        assert page.status_code == 200
        assert '<html lang="vi">' in page.text
        assert f"<h1>{heading}</h1>" in page.text
    assert client.get("/static/studio.css").status_code == 200


def test_pasted_article_shows_its_metadata_and_line_decisions(
    client: TestClient, project: Path
) -> None:
    paste(client)
    lineup = load_lineup(draft_path(project))  # an ordinary lineup file
    assert len(lineup.entries) == 1
    assert Path(lineup.entries[0].source).read_text("utf-8") == ARTICLE.strip()
    page = client.get("/bai-viet").text
    assert "Xã Bình An khánh thành cầu dân sinh mới" in page
    assert "24/11/2026 10:15" in page
    assert "Lê Văn Tâm" in page
    assert page.count('class="mark">Giữ<') >= 2
    assert "Bỏ dòng này" in page


def test_a_dropped_line_can_be_kept_and_a_kept_one_dropped_and_the_build_reads_it(
    client: TestClient, project: Path
) -> None:
    paste(
        client,
        ARTICLE.replace("Lê Văn Tâm", "Xem thêm: lịch tiếp dân của xã tuần này\n\nLê Văn Tâm"),
    )
    page = client.get("/bai-viet").text
    assert "Giữ lại dòng này" in page and "Bỏ dòng này" in page
    lines = {
        d.line_no: d for d in read_article(draft_lineup(project).entries[0], *SETTINGS).decisions
    }
    extra = next(n for n, d in lines.items() if d.text.startswith("Xem thêm") and not d.kept)
    second = next(n for n, d in lines.items() if d.text.startswith("Cây cầu") and d.kept)
    assert client.post(f"/bai-viet/0/dong/{extra}", data={"giu": "1"}).status_code == 200
    assert client.post(f"/bai-viet/0/dong/{second}", data={"giu": "0"}).status_code == 200
    entry = load_lineup(draft_path(project)).entries[0]
    assert (entry.keep_lines, entry.drop_lines) == ((extra,), (second,))
    article = read_article(entry, *SETTINGS)  # what build-episode reads from the draft
    assert article.paragraphs[-1] == "Xem thêm: lịch tiếp dân của xã tuần này"
    assert not any("học sinh hai thôn" in p for p in article.paragraphs)
    reading = client.get("/doc").text
    assert "học sinh hai thôn" not in reading and "lịch tiếp dân" in reading
    page = client.get("/bai-viet").text
    assert "người biên tập giữ lại" in page and "người biên tập bỏ" in page
    client.post(f"/bai-viet/0/dong/{extra}", data={"giu": "0"})  # both undone
    client.post(f"/bai-viet/0/dong/{second}", data={"giu": "1"})
    entry = load_lineup(draft_path(project)).entries[0]
    assert (entry.keep_lines, entry.drop_lines) == ((), ())
    assert "học sinh hai thôn" in client.get("/doc").text


def test_risky_token_is_highlighted_and_a_lexicon_entry_fixes_it(
    client: TestClient, project: Path
) -> None:
    paste(client)
    paste(client, ARTICLE.replace("Xã Bình An khánh", "Xã Bình Minh khánh"))
    page = client.get("/doc").text
    assert (
        page.count('<mark class="risk" title="chữ viết tắt lạ, máy sẽ đánh vần">HTXQ</mark>') == 2
    )
    response = client.post("/doc/tu-dien", data={"viet": "HTXQ", "doc": "hợp tác xã Quyết Tiến"})
    assert response.status_code == 200
    config_text = (project / "phatthanh.toml").read_text("utf-8")
    assert "# the station's config, with a comment the studio must keep" in config_text
    assert load_config(project / "phatthanh.toml").speech.lexicon == {
        "HTXQ": "hợp tác xã Quyết Tiến"
    }
    page = response.text  # applied at once, to both articles
    assert '<mark class="risk" title=' not in page
    assert page.count("do hợp tác xã Quyết Tiến góp vốn") == 2


def test_a_bad_lexicon_entry_is_refused_and_the_config_kept(
    client: TestClient, project: Path
) -> None:
    before = (project / "phatthanh.toml").read_text("utf-8")
    response = client.post("/doc/tu-dien", data={"viet": "  ", "doc": "gì đó"})
    assert response.status_code == 400
    assert "[speech.lexicon] cần cả chữ viết và cách đọc" in response.text
    assert (project / "phatthanh.toml").read_text("utf-8") == before


def test_one_sentence_is_heard_through_the_clip_cache(client: TestClient, project: Path) -> None:
    paste(client)
    first = client.get("/doc/0/1.wav")
    assert first.status_code == 200
    assert first.headers["content-type"] == "audio/wav"
    assert first.content[:4] == b"RIFF" and len(first.content) > 8000
    cached = sorted((project / ".cache").rglob("*.wav"))
    assert len(cached) == 1
    assert client.get("/doc/0/1.wav").content == first.content
    assert sorted((project / ".cache").rglob("*.wav")) == cached  # no second synthesis
    assert client.get("/doc/0/99.wav").status_code == 400


def test_program_settings_land_in_the_lineup_and_the_preview(
    client: TestClient, project: Path
) -> None:
    paste(client)
    paste(client, ARTICLE.replace("Xã Bình An khánh", "Xã Bình Minh khánh"))
    client.post("/chuong-trinh/1/len")
    response = client.post(
        "/chuong-trinh",
        data={
            "tieu_de": "Bản tin chiều",
            "ngay": "2026-11-25",
            "khung_gio": "17:00, 20:00",
            "uu_tien": "uu_tien",
            "phat_luc": "2026-11-25T16:30",
            "het_han": "",
            "tieu_de_0": "",
            "tieu_de_1": "Cầu mới ở Bình An",
        },
    )
    assert response.status_code == 200
    lineup = draft_lineup(project)
    assert (lineup.title, str(lineup.air_date), lineup.air_slots) == (
        "Bản tin chiều", "2026-11-25", ("17:00", "20:00"),
    )  # fmt: skip
    assert lineup.priority == "uu_tien"
    assert lineup.publish_at is not None and lineup.publish_at.isoformat() == (
        "2026-11-25T16:30:00+07:00"
    )
    assert [e.title for e in lineup.entries] == [None, "Cầu mới ở Bình An"]
    assert "Bình Minh" in Path(lineup.entries[0].source).read_text("utf-8")  # moved up
    page = response.text
    assert "Phát lúc <strong>2026-11-25 17:00</strong>" in page
    assert "Nhạc hiệu" in page and "Cầu mới ở Bình An" in page
    assert "thời lượng ước tính" in page


def test_a_bad_air_date_is_refused_in_vietnamese(client: TestClient) -> None:
    paste(client)
    response = client.post("/chuong-trinh", data={"ngay": "25/11/2026"})
    assert response.status_code == 400
    assert "viết dạng 2026-11-24" in response.text


def test_the_cli_builds_the_studio_draft(
    client: TestClient,
    project: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    paste(client)
    monkeypatch.chdir(project)
    assert main(["script", ".studio/draft.toml"]) == 0
    assert "Xã Bình An khánh thành" in capsys.readouterr().out


def test_password_gate_beyond_loopback(project: Path) -> None:
    gated = TestClient(make_app(project / "phatthanh.toml", password="mật-khẩu"))
    assert gated.get("/bai-viet").status_code == 401
    token = base64.b64encode("studio:mật-khẩu".encode()).decode()
    assert gated.get("/bai-viet", headers={"authorization": f"Basic {token}"}).status_code == 200
    wrong = base64.b64encode(b"studio:sai").decode()
    assert gated.get("/bai-viet", headers={"authorization": f"Basic {wrong}"}).status_code == 401


def test_cli_refuses_a_network_host_without_password(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    assert main(["studio", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert "set [studio] password first" in err and "phatthanh.toml" in err
    config = tomllib.loads((project / "phatthanh.toml").read_text("utf-8"))
    assert "studio" not in config


# Written for these tests: a portal-like article page and the portal's RSS feed listing it.
PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Nông dân Tân Phú thu hoạch lúa đông xuân</title>
<meta property="article:published_time" content="2026-11-23T07:30:00+07:00"></head>
<body><nav><a href="/">Trang chủ</a></nav><article><h1>Nông dân Tân Phú thu hoạch lúa đông xuân</h1>
<p>Những ngày này, nông dân xã Tân Phú tranh thủ nắng ráo để thu hoạch lúa đông xuân trên
những cánh đồng đã chín vàng, năng suất năm nay được đánh giá cao hơn mọi năm.</p>
<p>Cán bộ khuyến nông xã cho biết giống lúa mới chịu được rét và ít sâu bệnh, nhờ vậy bà con
giảm được chi phí thuốc bảo vệ thực vật và yên tâm mở rộng diện tích ở vụ sau.</p>
</article></body></html>"""


class Portal(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        port = self.server.server_address[1]
        if self.path == "/rss":
            body = (
                '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                "<title>Cổng thông tin</title><link>http://127.0.0.1/</link><description>x"
                f"</description><item><title>Lúa</title><link>http://127.0.0.1:{port}/tin/lua"
                "</link><pubDate>Mon, 23 Nov 2026 07:30:00 +0700</pubDate></item></channel></rss>"
            ).encode()
            kind = "application/rss+xml"
        else:
            body, kind = PAGE.encode(), "text/html; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def portal() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Portal)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_articles_come_from_a_url_and_from_the_portal_feed(
    client: TestClient, project: Path, portal: str
) -> None:
    page = client.post("/bai-viet/url", data={"url": f"{portal}/rss"})
    assert page.status_code == 200
    assert f'value="{portal}/tin/lua"' in page.text  # the feed's entry, offered to pick
    assert "Thêm bài này" in page.text
    page = client.post("/bai-viet/url", data={"url": f"{portal}/tin/lua"})
    assert [e.source for e in draft_lineup(project).entries] == [f"{portal}/tin/lua"]
    assert "Nông dân Tân Phú thu hoạch lúa đông xuân" in page.text
    assert "23/11/2026 07:30" in page.text
    refused = client.post("/bai-viet/url", data={"url": "tin/lua"})
    assert refused.status_code == 400 and "không phải địa chỉ http(s)" in refused.text


def test_an_uploaded_page_is_kept_in_the_project(client: TestClient, project: Path) -> None:
    page = client.post("/bai-viet/tai-len", files={"tep": ("cau.txt", ARTICLE.encode("utf-8"))})
    assert page.status_code == 200
    assert (project / ".studio" / "articles" / "001.txt").read_bytes() == ARTICLE.encode()
    assert "Xã Bình An khánh thành cầu dân sinh mới" in page.text
    refused = client.post("/bai-viet/tai-len", files={"tep": ("cau.pdf", b"%PDF-1.4")})
    assert refused.status_code == 400 and "tải lên tệp .txt hoặc .html" in refused.text
    assert len(draft_lineup(project).entries) == 1


def test_program_settings_saved_before_any_article_are_kept(client: TestClient) -> None:
    client.post(
        "/chuong-trinh", data={"tieu_de": "Tin tối", "ngay": "2026-11-26", "khung_gio": "19:00"}
    )
    page = client.get("/chuong-trinh").text
    assert 'value="Tin tối"' in page and 'value="2026-11-26"' in page and 'value="19:00"' in page
    paste(client)
    lineup = draft_lineup(client.app.state.studio.root)  # type: ignore[attr-defined]
    assert (lineup.title, str(lineup.air_date), lineup.air_slots) == (
        "Tin tối", "2026-11-26", ("19:00",),
    )  # fmt: skip
