"""A lineup item's keep and drop (input line numbers, as `script --explain` shows them):
the editor's word over the extraction rules, honoured wherever a lineup is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from phatthanh.articles import read_article
from phatthanh.articles.lineup import load_lineup
from phatthanh.articles.settings import ArticleSettings
from phatthanh.cli import main
from phatthanh.errors import ArticleError
from phatthanh.settings import StationSettings

# Written for these tests: a title, a date, two body paragraphs, a "see also" line the rules
# drop, and an author line.
PAGE = """Huyện mở lớp tập huấn phòng chống cháy rừng

08:00, Thứ Tư, 25-11-2026

Sáng nay, cán bộ kiểm lâm hướng dẫn người dân ba xã cách dập lửa khi trời hanh khô.

Mỗi thôn sẽ có một tổ xung kích trực trong suốt mùa khô năm nay.

Xem thêm: lịch trực của các tổ xung kích

Nguyễn Thị Hoa
"""


def lineup(tmp_path: Path, extra: str) -> Path:
    (tmp_path / "tin.txt").write_text(PAGE, "utf-8")
    path = tmp_path / "sang.toml"
    path.write_text(f'[[items]]\nsource = "tin.txt"\n{extra}\n', "utf-8")
    return path


def read(path: Path) -> tuple[str, ...]:
    entry = load_lineup(path).entries[0]
    return read_article(entry, ArticleSettings(), StationSettings()).paragraphs


def line_of(tmp_path: Path, start: str) -> int:
    article = read_article(
        load_lineup(lineup(tmp_path, "")).entries[0], ArticleSettings(), StationSettings()
    )
    return next(d.line_no for d in article.decisions if d.text.startswith(start))


def test_keep_reads_a_dropped_line_in_page_order_and_drop_leaves_a_paragraph_out(
    tmp_path: Path,
) -> None:
    extra, first = line_of(tmp_path, "Xem thêm"), line_of(tmp_path, "Sáng nay")
    assert not any("Xem thêm" in p for p in read(lineup(tmp_path, "")))
    paragraphs = read(lineup(tmp_path, f"keep = [{extra}]\ndrop = [{first}]"))
    assert paragraphs == (
        "Mỗi thôn sẽ có một tổ xung kích trực trong suốt mùa khô năm nay.",
        "Xem thêm: lịch trực của các tổ xung kích",
    )


def test_explain_names_the_editors_choices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra, first = line_of(tmp_path, "Xem thêm"), line_of(tmp_path, "Sáng nay")
    path = lineup(tmp_path, f"keep = [{extra}]\ndrop = [{first}]")
    assert main(["script", "--explain", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{extra:4d} keep kept by the editor" in out
    assert f"{first:4d} drop dropped by the editor" in out


def test_bad_keep_and_drop_are_refused_with_the_line(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="'keep' must be a list of line numbers"):
        load_lineup(lineup(tmp_path, 'keep = ["7"]'))
    with pytest.raises(ArticleError, match="'keep' names line 99"):
        read(lineup(tmp_path, "keep = [99]"))
    title = line_of(tmp_path, "Huyện mở lớp")
    with pytest.raises(ArticleError, match=f"'drop' names line {title}, which does not start"):
        read(lineup(tmp_path, f"drop = [{title}]"))
    both = f"drop = [{line_of(tmp_path, 'Sáng nay')}, {line_of(tmp_path, 'Mỗi thôn')}]"
    with pytest.raises(ArticleError, match="skips every paragraph"):
        read(lineup(tmp_path, both))
