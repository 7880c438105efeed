"""Ingestion: the seed page exactly, page shapes, encodings, errors, lineups."""

from __future__ import annotations

import codecs
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from phatthanh.articles import expand_sources, read_article
from phatthanh.articles.lines import byline, clean_title, is_timestamp_line, widget_rule
from phatthanh.articles.settings import ArticleSettings
from phatthanh.config import StationSettings
from phatthanh.errors import ArticleError
from phatthanh.model import Article, SourceEntry
from tests.fixtures.make_pages import to_cp1258

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "samples" / "000_6cad9bfced467b8c.txt"
ICT = timezone(timedelta(hours=7))


def read(path: Path | str, **overrides: object) -> Article:
    entry = SourceEntry(str(path), **overrides)  # type: ignore[arg-type]
    return read_article(entry, ArticleSettings(), StationSettings())


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed page is not beside this clone")
def test_seed_page_is_read_exactly() -> None:
    article = read(SEED)
    assert article.title == (
        "Kết quả sau 10 năm thực hiện Nghị quyết 25 của Trung ương về công tác dân vận "
        "trong tình hình mới"
    )
    assert article.published == datetime(2023, 9, 15, 15, 4, tzinfo=ICT)
    assert article.author == "Hồ Sỹ Phùng"
    assert len(article.paragraphs) == 5
    assert article.paragraphs[0].startswith("Xác định công tác dân vận")
    assert article.paragraphs[-1].endswith("của toàn huyện.")
    body = "\n".join(article.paragraphs)
    for furniture in ("Chi tiết tin tức", "387 0", "Tổng số điểm", "Click để đánh giá",
                      "Ý kiến bạn đọc", "Video clips", "Thống kê", "Đang truy cập",
                      "Chương trình phát thanh", "plds", "./."):  # fmt: skip
        assert furniture not in body, furniture
    kept = {d.rule for d in article.decisions if d.kept}
    assert kept == {"title", "body", "author"}
    assert sum(1 for d in article.decisions if d.text) == sum(
        1 for line in SEED.read_text("utf-8").split("\n") if line.strip()
    )


PAGE = """Cổng thông tin điện tử - Xã Tân Lập

Thứ Hai, 24/11/2026

Xã Tân Lập ra quân làm đường giao thông nông thôn

Thứ 5, 20/11/2026 | 14:39:56

Sáng nay, hơn hai trăm người dân xã Tân Lập đã ra quân làm đường bê tông liên thôn.

Ảnh: Người dân làm đường.

Con đường dài ba ki-lô-mét nối thôn Một với trung tâm xã, do nhân dân góp công.

Sáng nay, hơn hai trăm người dân xã Tân Lập đã ra quân làm đường bê tông liên thôn.

                                        NGUYỄN VĂN AN.

Các tin khác
Tin liên quan
Những tin cũ hơn
"""


def test_shapes_today_header_caption_repeat_and_allcaps_author(tmp_path: Path) -> None:
    path = tmp_path / "tin.txt"
    path.write_text(PAGE, "utf-8")
    article = read(path)
    assert article.title == "Xã Tân Lập ra quân làm đường giao thông nông thôn"
    assert article.published == datetime(2026, 11, 20, 14, 39, 56, tzinfo=ICT)
    assert article.author == "Nguyễn Văn An"
    assert article.paragraphs == (
        "Sáng nay, hơn hai trăm người dân xã Tân Lập đã ra quân làm đường bê tông liên thôn.",
        "Con đường dài ba ki-lô-mét nối thôn Một với trung tâm xã, do nhân dân góp công.",
    )
    rules = {d.text: d.rule for d in article.decisions}
    assert rules["Ảnh: Người dân làm đường."] == "photo caption"
    assert rules["Các tin khác"] == "widget"


@pytest.mark.parametrize(
    "data",
    [PAGE.encode("utf-8"), codecs.BOM_UTF8 + PAGE.encode("utf-8"), PAGE.encode("utf-16"),
     PAGE.encode("utf-16-le"), to_cp1258(PAGE), unicodedata.normalize("NFD", PAGE).encode()],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "utf-16-le", "windows-1258", "decomposed"],
)  # fmt: skip
def test_encodings_are_detected(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "tin.txt"
    path.write_bytes(data)
    assert read(path).title == "Xã Tân Lập ra quân làm đường giao thông nông thôn"


def test_mojibake_is_repaired(tmp_path: Path) -> None:
    path = tmp_path / "tin.txt"
    path.write_text(PAGE.encode("utf-8").decode("latin-1"), "utf-8")
    assert read(path).title == "Xã Tân Lập ra quân làm đường giao thông nông thôn"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file; check the path"),
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 8, "binary file"),
        ("Chi tiết tin tức - Huyện A\n\nÝ kiến bạn đọc\nVideo clips\n".encode(), "no body text"),
    ],
)
def test_unreadable_pages_fail_with_one_line(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "trang.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ArticleError) as caught:
        read(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_lineup_file_orders_items_and_applies_overrides(tmp_path: Path) -> None:
    (tmp_path / "tin.txt").write_text(PAGE, "utf-8")
    lineup_path = tmp_path / "sang.toml"
    lineup_path.write_text(
        'title = "Bản tin sáng"\ndate = 2026-11-24\npriority = "uu_tien"\n'
        'air_slots = ["06:00"]\n\n[[items]]\nsource = "tin.txt"\ntitle = "Làm đường"\n'
        "skip = [2]\nbyline = false\n",
        "utf-8",
    )
    lineup = expand_sources([str(lineup_path)], ArticleSettings())
    assert lineup.title == "Bản tin sáng" and str(lineup.air_date) == "2026-11-24"
    assert lineup.priority == "uu_tien" and lineup.air_slots == ("06:00",)
    (entry,) = lineup.entries
    article = read_article(entry, ArticleSettings(), StationSettings())
    assert article.title == "Làm đường"
    assert article.byline is False
    assert len(article.paragraphs) == 1


def test_lineup_source_outside_its_folder_is_refused(tmp_path: Path) -> None:
    lineup_path = tmp_path / "x.toml"
    lineup_path.write_text('[[items]]\nsource = "../../etc/passwd"\n', "utf-8")
    with pytest.raises(ArticleError, match="outside the lineup's folder"):
        expand_sources([str(lineup_path)], ArticleSettings())


def test_lineup_holds_and_expires(tmp_path: Path) -> None:
    (tmp_path / "tin.txt").write_text(PAGE, "utf-8")
    lineup_path = tmp_path / "chieu.toml"
    lineup_path.write_text(
        "publish_at = 2026-11-24T17:00:00+07:00\nexpires = 2026-11-25T00:00:00\n\n"
        '[[items]]\nsource = "tin.txt"\n',
        "utf-8",
    )
    lineup = expand_sources([str(lineup_path)], ArticleSettings())
    assert lineup.publish_at == datetime(2026, 11, 24, 17, 0, tzinfo=ICT)
    assert lineup.expires == datetime(2026, 11, 25, 0, 0, tzinfo=ICT)  # local time: +07:00
    lineup_path.write_text('publish_at = "chiều nay"\n[[items]]\nsource = "tin.txt"\n', "utf-8")
    with pytest.raises(ArticleError, match="'publish_at' must be a date-time"):
        expand_sources([str(lineup_path)], ArticleSettings())


FEED_PAGE = """Thứ Hai, 01/01/2024

Sáng ngày 15/11/2026, hơn hai trăm đoàn viên xã Tân Lập đã trồng cây dọc tuyến đường \
liên thôn. Mỗi chi đoàn nhận chăm sóc một đoạn đường trong năm tới.

Lãnh đạo xã đề nghị các thôn tiếp tục phong trào.

Thu Hà
"""


def test_a_feed_entry_gives_its_date_and_serves_a_page_without_a_headline(
    tmp_path: Path,
) -> None:
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    (tmp_path / "tin.txt").write_text(FEED_PAGE, "utf-8")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    link = f"http://127.0.0.1:{server.server_address[1]}/tin.txt"  # feed items are URLs only
    feed = tmp_path / "tin.rss"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Xã</title>'
        f"<item><title>Đoàn viên xã Tân Lập trồng cây</title><link>{link}</link>"
        "<pubDate>Tue, 18 Nov 2026 01:30:00 GMT</pubDate></item></channel></rss>",
        "utf-8",
    )
    local = ArticleSettings(allow_private_hosts=True)  # the test server is on 127.0.0.1
    try:
        (entry,) = expand_sources([str(feed)], local).entries
        article = read_article(entry, local, StationSettings())
    finally:
        server.shutdown()
    # the feed's own time, not 15/11 in the lead nor the header's 01/01/2024
    assert article.published == datetime(2026, 11, 18, 8, 30, tzinfo=ICT)
    assert article.title == "Đoàn viên xã Tân Lập trồng cây"  # the page has no headline
    assert article.paragraphs[0].startswith("Sáng ngày 15/11/2026")


def test_metadata_titles_lose_placeholders_and_portal_names(tmp_path: Path) -> None:
    page = tmp_path / "tin.html"
    page.write_text(
        "<html><head><title>null Xã Tân Lập trồng cây xanh - Cổng thông tin điện tử huyện "
        "Sông Xanh</title></head><body><article><p>Sáng nay, đoàn viên xã Tân Lập đã trồng "
        "hơn năm trăm cây xanh dọc các tuyến đường liên thôn, góp phần làm đẹp cảnh quan."
        "</p><p>Xã sẽ tiếp tục phát động phong trào trong các tháng tới.</p></article>"
        "</body></html>",
        "utf-8",
    )
    article = read(page)
    assert article.title == "Xã Tân Lập trồng cây xanh"


@pytest.mark.parametrize(
    ("line", "stamp"),
    [
        ("Thứ hai - 18/11/2026 20:29 14 0", True),
        ("Ngày đăng: 05/11/2026 - Lượt xem: 120", True),
        ("Monday, 17/11/2026", True),
        ("24/11/2026 05:32:38 PM", True),
        ("07 giờ 30 ngày 20/11/2026 Chủ tịch UBND xã tiếp dân;", False),  # a schedule line
        ("Căn cứ Kế hoạch số: 12/KH-UBND, ngày 01/11/2026", False),  # a sentence's start
        ("thông báo lịch cắt điện ngày 20/11/2026", False),  # a headline
        ("1. Thời gian: Từ 7h00 – 11h00 ngày 20/11/2026.", False),  # a numbered body line
    ],
)
def test_a_timestamp_line_is_a_date_and_nothing_a_listener_needs(line: str, stamp: bool) -> None:
    assert is_timestamp_line(line) is stamp


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Số lượt đọc: 312 Về trang trước Về đầu trang", "view counter"),
        ("Truy cập trong tuần :1.024", "view counter"),
        ("#xatanlap #nongthonmoi", "hashtags"),
        ("A- A A+ | Tăng tương phản Giảm tương phản", "widget"),
        ("Bài trướcXã Tân Lập khánh thành cầu mới", "widget"),
        ("anh tuyen duong 01", "image file name"),
        ("3Tân LậpToàn xã", "flattened table row"),
        ("Chia sẻ tại buổi lễ, ông Lâm cho biết xã đã hoàn thành kế hoạch.", None),
        ("Trong tuần qua, các thôn đã dọn sạch kênh mương nội đồng.", None),
        ("Hình ảnh: Đoàn viên dọn rác bên bờ sông", "photo caption"),
    ],
)
def test_furniture_is_told_by_shape_and_sentences_stay(line: str, rule: str | None) -> None:
    assert widget_rule(line) == rule


@pytest.mark.parametrize(
    ("written", "title"),
    [
        ("null Xã Tân Lập khánh thành cầu mới", "Xã Tân Lập khánh thành cầu mới"),
        ("date 2026-11 Xã Tân Lập khánh thành cầu mới", "Xã Tân Lập khánh thành cầu mới"),
        ("à XÃ TÂN LẬP KHÁNH THÀNH CẦU MỚI", "XÃ TÂN LẬP KHÁNH THÀNH CẦU MỚI"),
        ("thông báo lịch cắt điện tuần tới", "Thông báo lịch cắt điện tuần tới"),
        ("Hội nghị chính trị - xã hội huyện", "Hội nghị chính trị - xã hội huyện"),
    ],
)
def test_titles_lose_glued_metadata_only(written: str, title: str) -> None:
    assert clean_title(written) == title


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("Tin, ảnh: Hồng Nhung", "Hồng Nhung"),
        ("Tác giả: Quốc Việt - Nguồn: Đài Truyền thanh xã", "Quốc Việt"),
        ("Tác giả: bientap02 bientap02", "bientap02"),
        ("Ảnh: Hồng Nhung", None),
    ],
)
def test_byline_lines_name_the_author(line: str, author: str | None) -> None:
    assert byline(line) == author


def test_a_capitals_heading_keeps_its_capitals_in_the_display_text() -> None:
    """Transcripts and chapters show the display text: a heading in capitals keeps the page's
    capitals there (names stay names); only the spoken text is lowered for the voice."""
    from phatthanh.clean import Normalizer
    from phatthanh.clean.settings import SpeechSettings
    from phatthanh.segment import script_article

    heading = "PHƯỜNG AN HÒA TRAO QUÀ CHO HỘ KHÓ KHĂN"
    article = Article(source="x.txt", title=heading, paragraphs=("Chiều qua, phường trao quà.",))
    speech = SpeechSettings()
    title = script_article(article, Normalizer(speech), speech).segments[0]
    assert title.kind == "title"
    assert title.display == heading
    assert title.spoken == "Phường an hòa trao quà cho hộ khó khăn"


def test_a_sentence_case_sub_heading_is_read_and_a_caption_is_not(tmp_path: Path) -> None:
    """Both are short lines without a full stop between paragraphs; a section title opens
    with a section noun (`Kết quả …`, `Những việc cần làm …`), a caption names who or what."""
    path = tmp_path / "tin.txt"
    path.write_text(
        "Phường Hòa Bình tổng kết một năm làm đường hoa\n\n"
        "Chiều qua, phường tổng kết một năm làm đường hoa cùng các tổ dân phố.\n\n"
        "Kết quả sau một năm\n\n"
        "Các tổ đã trồng thêm hai tuyến hoa dọc bờ sông.\n\n"
        "Bà con tổ ba chăm sóc tuyến hoa mới\n\n"
        "Những việc cần làm trong năm tới\n\n"
        "Phường sẽ lắp thêm đèn chiếu sáng cho các tuyến hoa.\n",
        "utf-8",
    )
    paragraphs = read(path).paragraphs
    assert "Kết quả sau một năm" in paragraphs
    assert "Những việc cần làm trong năm tới" in paragraphs
    assert "Bà con tổ ba chăm sóc tuyến hoa mới" not in paragraphs


def test_a_caption_right_above_the_next_paragraph_is_not_joined_to_it(tmp_path: Path) -> None:
    """Portals of other hosts put a caption line straight above the next paragraph, no blank
    line between (`Quang cảnh …` / `Tham gia có …`): a new sentence opening the next line
    shows the short line was a caption, not a sentence the editor wrapped. A real wrap
    (`… ở thôn` / `Tân Lập …`) is still joined."""
    path = tmp_path / "tin.txt"
    path.write_text(
        "Xã Hòa Phong ra quân làm sạch kênh mương\n"
        "Sáng 9/11, xã Hòa Phong ra quân làm sạch kênh mương nội đồng ở thôn\n"
        "Tân Lập và thôn Phú Xuân với hơn 200 người tham gia.\n"
        "Ảnh minh họa\n"
        "Lực lượng đoàn viên vớt bèo trên kênh\n"
        "Tham gia có các hội đoàn thể và người dân hai thôn.\n"
        "Lãnh đạo xã Hòa Phong phát biểu tại buổi ra quân\n"
        "Dịp này, xã phát động phong trào giữ sạch kênh mương.\n"
        "Thu Trang\n"
        "Bài viết cùng chuyên mục\n"
        "Xã Hòa Phong tổng kết vụ mùa\n",
        "utf-8",
    )
    article = read(path)
    assert article.paragraphs == (
        "Sáng 9/11, xã Hòa Phong ra quân làm sạch kênh mương nội đồng ở thôn Tân Lập và thôn"
        " Phú Xuân với hơn 200 người tham gia.",
        "Tham gia có các hội đoàn thể và người dân hai thôn.",
        "Dịp này, xã phát động phong trào giữ sạch kênh mương.",
    )
    assert article.author == "Thu Trang"


@pytest.mark.parametrize(
    "line", ["Ảnh minh họa", "(Ảnh minh hoạ)", "Ảnh tư liệu", "Bài viết cùng chuyên mục"]
)
def test_bare_photo_notes_and_related_lists_are_furniture(line: str) -> None:
    assert widget_rule(line) is not None


def test_a_flattened_table_is_read_row_by_row_and_a_hotline_header_is_no_title(
    tmp_path: Path,
) -> None:
    """A table whose cells lost their separators (`2Thôn BắcHộ nghèo, hộ cận nghèo`) is read
    as one sentence per row, its number and header row left out; a hotline header under the
    stored page's source line is furniture, not the headline."""
    path = tmp_path / "tin.txt"
    path.write_text(
        "SOURCE: https://xa.example.gov.vn/tin/1\n"
        "ĐƯỜNG DÂY NÓNG: (0251) 3822.111\n"
        "Danh sách thôn được hỗ trợ giống lúa vụ đông xuân\n"
        "Xã thông báo các thôn được hỗ trợ giống lúa như sau:\n"
        "STTThônĐối tượng\n"
        "1Thôn ĐôngHộ nghèo, hộ cận nghèo\n"
        "2Thôn BắcToàn thôn\n",
        "utf-8",
    )
    article = read(path)
    assert article.title == "Danh sách thôn được hỗ trợ giống lúa vụ đông xuân"
    assert article.paragraphs[1:] == (
        "Thôn Đông: Hộ nghèo, hộ cận nghèo.",
        "Thôn Bắc: Toàn thôn.",
    )


def test_a_headline_after_a_stray_lower_case_letter_is_not_joined_to_the_source_line(
    tmp_path: Path,
) -> None:
    """A line opening in lower case continues the line above, except a stored page's
    `SOURCE: <url>` line: the headline under it (`à ĐOÀN VIÊN …`, a stray letter left by the
    portal) stays a headline of its own, and no address is read as its first words."""
    path = tmp_path / "tin.txt"
    path.write_text(
        "SOURCE: https://xa.example.gov.vn/tin/7\n"
        "à ĐOÀN VIÊN XÃ RA QUÂN DỌN VỆ SINH ĐƯỜNG LÀNG\n\n"
        "Sáng chủ nhật, đoàn viên các chi đoàn thôn cùng dọn vệ sinh hai tuyến đường làng.\n",
        "utf-8",
    )
    article = read(path)
    assert article.title == "ĐOÀN VIÊN XÃ RA QUÂN DỌN VỆ SINH ĐƯỜNG LÀNG"
    assert article.paragraphs == (
        "Sáng chủ nhật, đoàn viên các chi đoàn thôn cùng dọn vệ sinh hai tuyến đường làng.",
    )


def test_a_caption_line_before_a_sentence_that_opens_with_theo_ke_hoach_is_dropped(
    tmp_path: Path,
) -> None:
    """An unpunctuated photo caption between two paragraphs is not joined to the sentence
    after it when that sentence opens like one (`Theo kế hoạch, …`)."""
    path = tmp_path / "tin.txt"
    path.write_text(
        "Xã Hòa Bình ra quân trồng cây đầu xuân\n"
        "Sáng mùng năm Tết, cán bộ và nhân dân xã trồng hơn 500 cây xanh.\n"
        "Học sinh trồng cây trên tuyến đường vào trường\n"
        "Theo kế hoạch, xã sẽ trồng thêm 1.000 cây trong năm nay.\n",
        "utf-8",
    )
    article = read(path)
    assert article.paragraphs == (
        "Sáng mùng năm Tết, cán bộ và nhân dân xã trồng hơn 500 cây xanh.",
        "Theo kế hoạch, xã sẽ trồng thêm 1.000 cây trong năm nay.",
    )


def test_a_scene_caption_with_a_full_stop_is_not_read(tmp_path: Path) -> None:
    """`Quang cảnh lớp tập huấn.` names what a photo shows, full stop or not."""
    path = tmp_path / "tin.txt"
    path.write_text(
        "Hội Nông dân xã mở lớp tập huấn nuôi ong lấy mật\n"
        "Ngày 12/3, Hội Nông dân xã mở lớp tập huấn nuôi ong cho 40 hội viên.\n"
        "Quang cảnh lớp tập huấn.\n"
        "Các học viên được hướng dẫn cách chia đàn và phòng bệnh cho ong.\n",
        "utf-8",
    )
    assert read(path).paragraphs == (
        "Ngày 12/3, Hội Nông dân xã mở lớp tập huấn nuôi ong cho 40 hội viên.",
        "Các học viên được hướng dẫn cách chia đàn và phòng bệnh cho ong.",
    )


def test_a_name_a_dash_and_a_lower_case_unit_on_the_last_line_is_the_author(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tin.txt"
    path.write_text(
        "Thôn Hạ ra quân phát quang đường làng\n\n"
        "Sáng chủ nhật, người dân thôn Hạ cùng nhau phát quang hai tuyến đường làng.\n\n"
        "Trần Minh Đức - Đài TT xã\n",
        "utf-8",
    )
    article = read(path)
    assert article.author == "Trần Minh Đức"
    assert article.paragraphs == (
        "Sáng chủ nhật, người dân thôn Hạ cùng nhau phát quang hai tuyến đường làng.",
    )
