"""Readings decided from real pages: capitals, the abbreviation inventory, the lexicon's
context rules, and a check over the real-page corpus (read from ../shared, never copied)."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest

from phatthanh.clean import Normalizer
from phatthanh.clean.settings import SpeechSettings
from phatthanh.clean.syllable import has_marks, is_syllable

NORMALIZER = Normalizer(SpeechSettings())
LEXICON = tomllib.loads(
    resources.files("phatthanh.clean").joinpath("lexicon.toml").read_text("utf-8")
)
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pages"


@pytest.mark.parametrize(
    "word",
    ["KHÔNG", "NÊN", "LỄ", "LOA", "CÔNG", "QUYẾT", "GIỮ", "GÌ", "KHUỶU", "NGHIÊNG", "TUYET",
     "thuở", "xoong", "oanh"],
)  # fmt: skip
def test_vietnamese_syllables_are_recognised(word: str) -> None:
    assert is_syllable(word)


@pytest.mark.parametrize(
    "token", ["UBND", "HĐND", "TT", "BCH", "HUV", "TTYT", "OCOP", "CAX", "HIV", "CI", "CE", "GHA"]
)
def test_abbreviations_are_not_syllables(token: str) -> None:
    assert not is_syllable(token)


def test_marks_are_tones_and_vowel_letters_not_d_bar() -> None:
    assert has_marks("LỄ") and has_marks("ÂN") and not has_marks("ĐU") and not has_marks("TU")


def test_no_plain_lexicon_word_is_a_syllable() -> None:
    """A syllable-shaped abbreviation (CA, TƯ, TU) must be a context rule, or every heading
    that uses the word (`ĐỘI CA NHẠC`, `TƯ VẤN`) would be expanded."""
    assert [w for w in LEXICON["words"] if is_syllable(w)] == []


@pytest.mark.parametrize("word", sorted(LEXICON["words"]))
def test_every_shipped_abbreviation_is_read_not_spelled(word: str) -> None:
    for text in (f"theo {word} huyện", f"HỘI NGHỊ {word} TỈNH"):
        spoken = NORMALIZER.normalize(text)
        assert spoken.residue == (), (text, spoken.text)
        assert word not in spoken.text.split()


@pytest.mark.parametrize(
    ("written", "spoken"),
    [("TƯ VẤN PHÁP LUẬT", "Tư vấn pháp luật"),
     ("Nghị quyết TƯ 5", "Nghị quyết Trung ương năm"),
     ("BTV TU", "Ban Thường vụ Tỉnh ủy"),
     ("TU SỬA ĐÌNH LÀNG", "Tu sửa đình làng")],
)  # fmt: skip
def test_syllable_shaped_abbreviations_follow_their_context(written: str, spoken: str) -> None:
    assert NORMALIZER.normalize(written).text == spoken


def test_station_words_still_win_and_count_as_abbreviations() -> None:
    normalizer = Normalizer(SpeechSettings(lexicon={"HTXNN": "hợp tác xã nông nghiệp"}))
    spoken = normalizer.normalize("HTXNN THÔN ĐÔNG HỌP")
    assert spoken.text == "hợp tác xã nông nghiệp thôn đông họp"
    assert spoken.residue == ()


def test_roman_numerals_in_a_heading_stay_numerals() -> None:
    assert NORMALIZER.normalize("ĐẠI HỘI KHÓA VI").text == "Đại hội khóa sáu"
    assert NORMALIZER.normalize("NÊN VI PHẠM").text == "Nên vi phạm"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="real-page corpus ../shared/corpus absent")
def test_no_marked_capital_word_on_real_pages_is_spelled() -> None:
    """Every capital token carrying Vietnamese marks on the corpus pages is a word: none may
    come back as an unknown abbreviation, and no zero-padded count reads `không`."""
    spelled: list[str] = []
    for page in sorted(CORPUS.glob("*.txt")):
        for line in page.read_text("utf-8").splitlines()[1:]:
            spoken = NORMALIZER.normalize(line)
            spelled += [f"{page.name}: {r.text}" for r in spoken.residue if has_marks(r.text)]
    assert spelled == []


@pytest.mark.skipif(not CORPUS.is_dir(), reason="real-page corpus ../shared/corpus absent")
def test_real_page_lines_read_the_same_when_read_again() -> None:
    """Spoken text is a fixed point: no rule undoes or re-reads another's output."""
    unstable = []
    for page in sorted(CORPUS.glob("*.txt")):
        for line in page.read_text("utf-8").splitlines()[1:]:
            once = NORMALIZER.normalize(line).text
            if NORMALIZER.normalize(once).text != once:
                unstable.append(f"{page.name}: {once[:80]}")
    assert unstable == []


@pytest.mark.parametrize(
    ("written", "spoken"),
    [("Tổ T6 dọn vệ sinh", "Tổ tê sáu dọn vệ sinh"),
     ("xã gọi 113 thanh niên nhập ngũ", "xã gọi một trăm mười ba thanh niên nhập ngũ"),
     ("họ thắng 3-4 trận liền", "họ thắng ba đến bốn trận liền"),
     ("ấp Tân Hòa 1-2", "ấp Tân Hòa một đến hai"),
     ("ngày 1/6, 3/5 lớp đi học", "ngày mồng một tháng sáu, ba trên năm lớp đi học"),
     ("đạt 17/19 tiêu chí", "đạt mười bảy trên mười chín tiêu chí"),
     ("có 7/12 số xã", "có bảy trên mười hai số xã")],
)  # fmt: skip
def test_context_rules_do_not_read_a_name_or_a_count_as_something_else(
    written: str, spoken: str
) -> None:
    """Weekday, score, hotline, fraction rules need their context: a hamlet `T6`, a call-up of
    113 people, a range of matches, a count out of a total stay what they are."""
    assert NORMALIZER.normalize(written).text == spoken
