"""`phatthanh review`, `script --residue` and pages without a headline, at the command line:
exact output, exit codes, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from phatthanh.articles import read_article
from phatthanh.articles.settings import ArticleSettings
from phatthanh.cli import main
from phatthanh.config import StationSettings
from phatthanh.model import SourceEntry
from phatthanh.review import is_syllable, spoken_risks

PAGE = """Xã Tân Lập đón đoàn kiểm tra

8:00, Thứ Ba, 18-11-2026 90 0

Đoàn công tác của VTV đã làm việc với xã về dự án ABC.

Ông Lê Văn Bình, Bí thư xã cho biết nhhieemj vụ năm nay là làm đường.

Người dân xã Tân Lập cùng đoàn kiểm tra thăm tuyến đường mới làm xong ở thôn Hai

Các thôn sẽ tiếp tục duy tu đường vào tháng tới.

Thu Hà
"""
UNTITLED = """Sáng ngày 18/11/2026, hơn hai trăm người dân xã Tân Lập đã ra quân làm đường \
giao thông nông thôn, đổ bê tông hơn một cây số đường liên thôn. Các hộ dân tự nguyện \
hiến đất và góp ngày công.

Lãnh đạo xã biểu dương tinh thần của bà con và đề nghị các thôn duy trì phong trào.

Thu Hà
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    # the example-station warning of every build is tested in test_init.py
    err = "".join(ln for ln in err.splitlines(True) if not ln.startswith("warning: [station]"))
    return code, out, err


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tin.txt").write_text(PAGE, "utf-8")
    (tmp_path / "khong-tieu-de.txt").write_text(UNTITLED, "utf-8")
    return tmp_path


def test_review_shows_only_risky_segments_with_the_token_marked(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "review", "tin.txt")
    assert code == 0
    assert out.splitlines() == [
        "== tin.txt",
        "title: Xã Tân Lập đón đoàn kiểm tra",
        "date: 2026-11-18T08:00:00+07:00",
        "author: Thu Hà",
        "segment 2 [body]: Đoàn công tác của [[VTV]] đã làm việc với xã về dự án [[ABC]].",
        "   -> Đoàn công tác của vê tê vê đã làm việc với xã về dự án a bê xê.",
        "   ! [[VTV]]: unknown abbreviation, spelled out",
        "   ! [[ABC]]: unknown abbreviation, spelled out",
        "segment 3 [body]: Ông Lê Văn Bình, Bí thư xã cho biết [[nhhieemj]] vụ năm nay là làm "
        "đường.",
        "   -> Ông Lê Văn Bình, Bí thư xã cho biết nhiệm vụ năm nay là làm đường.",
        "   ! [[nhhieemj]]: typing repair: 'nhhieemj' -> 'nhiệm' (Telex residue)",
        "dropped line 9 (short caption line), check it is not body: [[Người dân xã Tân Lập "
        "cùng đoàn kiểm tra thăm tuyến đường mới làm xong ở thôn Hai]]",
        "",
    ]


def test_review_of_a_page_without_a_headline_says_so_and_lists_nothing_else(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "review", "khong-tieu-de.txt")
    assert code == 0
    assert out.splitlines()[:2] == [
        "== khong-tieu-de.txt",
        "title: [[no title]]: give one with --title or a lineup item's title",
    ]
    assert "no title on the page" in err
    assert "nothing risky" not in out  # an untitled page is not ready for air


def test_script_shows_no_title_marker_and_never_a_title_from_the_file_name(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "script", "khong-tieu-de.txt")
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith(
        "== khong-tieu-de.txt: [no title: give one with --title or a lineup item's title] ("
    )
    assert "[title]" not in out and "Khong tieu de" not in out
    code, out, _ = run(capsys, "script", "khong-tieu-de.txt", "--format", "json")
    assert '"title": null' in out


def test_build_refuses_a_page_without_a_headline_in_one_line(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "build-episode", "khong-tieu-de.txt", "tin.txt")
    assert code == 3
    # (the example-station warning of the config may come first: only the error is checked)
    assert err.splitlines()[-1] == (
        "error: khong-tieu-de.txt: the page has no headline; give it a title "
        '(title = "..." in its lineup item, or --title when it is the only article)'
    )
    assert "Traceback" not in err and err.count("error:") == 1
    assert not (here / "episodes").exists() or not any((here / "episodes").iterdir())


def test_the_only_article_takes_the_title_the_user_gave(here: Path) -> None:
    entry = SourceEntry("khong-tieu-de.txt", fallback_title="Xã Tân Lập ra quân làm đường")
    article = read_article(entry, ArticleSettings(), StationSettings())
    assert article.title == "Xã Tân Lập ra quân làm đường"
    titled = SourceEntry("tin.txt", fallback_title="Không dùng")
    assert read_article(titled, ArticleSettings(), StationSettings()).title == (
        "Xã Tân Lập đón đoàn kiểm tra"
    )


def test_residue_lists_normalizer_residue_and_what_is_left_in_speech(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "script", "tin.txt", "--residue")
    assert code == 0
    assert out.splitlines() == [
        "tin.txt: segment 2, char 18: 'VTV' (unknown abbreviation, spelled out)",
        "tin.txt: segment 2, char 50: 'ABC' (unknown abbreviation, spelled out)",
        "tin.txt: segment 3, written: 'nhhieemj' (typing repair: 'nhhieemj' -> 'nhiệm' "
        "(Telex residue))",
    ]


def test_spoken_risks_name_digits_capitals_and_non_vietnamese_tokens() -> None:
    risks = spoken_risks("Ngày 5 tại THÔN Hai, khóaXII, dân 50% và virus")
    assert [(r.token, r.reason.split(":")[0]) for r in risks] == [
        ("5", "digit or symbol left in speech"),
        ("50", "digit or symbol left in speech"),
        ("%", "digit or symbol left in speech"),
        ("THÔN", "ALL CAPS"),
        ("khóaXII", "not a Vietnamese word"),
        ("virus", "not a Vietnamese word"),
    ]
    assert all(is_syllable(w) for w in ("Nghiêng", "đường", "ủy", "khuya", "quốc", "gì"))
    assert not any(is_syllable(w) for w in ("Thc", "dng", "OCOP", "km", "Bok"))


def test_the_lexicon_example_in_the_editors_doc_works(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/editors.md's [speech.lexicon] block and its normalize line, run as written."""
    doc = (Path(__file__).resolve().parents[1] / "docs" / "editors.md").read_text("utf-8")
    block = doc.split("```toml\n[speech.lexicon]\n", 1)[1].split("```", 1)[0]
    (here / "phatthanh.toml").write_text("[speech.lexicon]\n" + block, "utf-8")
    command, expected = doc.split('phatthanh normalize "Đồng chí Hà', 1)[1].split("\n")[:2]
    code, out, _ = run(capsys, "normalize", "Đồng chí Hà" + command.rstrip('"'))
    assert code == 0
    assert out == expected.removeprefix("# ") + "\n"
    assert expected == "# Đồng chí Hà, Huyện ủy viên, về xã Bốc Tới"
