"""Segmenting: paragraphs -> sentences -> segments of bounded length, display + spoken."""

from __future__ import annotations

import pytest

from phatthanh.clean import Normalizer
from phatthanh.clean.settings import SpeechSettings
from phatthanh.model import Article
from phatthanh.segment import script_article, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Xã đã hoàn thành kế hoạch. Năm sau sẽ tiếp tục! Còn gì nữa?",
            ["Xã đã hoàn thành kế hoạch.", "Năm sau sẽ tiếp tục!", "Còn gì nữa?"],
        ),
        (
            "Đoàn công tác đến TP. Huế vào buổi sáng. Sau đó về xã.",
            ["Đoàn công tác đến TP. Huế vào buổi sáng.", "Sau đó về xã."],
        ),
        (
            "Tổng giá trị đạt 1.250 tỷ đồng, tăng 5,2%. Thu nhập tăng.",
            ["Tổng giá trị đạt 1.250 tỷ đồng, tăng 5,2%.", "Thu nhập tăng."],
        ),
        (
            "Người dân phản ánh… tình trạng ngập úng kéo dài. Xã đã xử lý.",
            ["Người dân phản ánh… tình trạng ngập úng kéo dài.", "Xã đã xử lý."],
        ),
        (
            "Ông nói: “Chúng tôi sẽ làm ngay.” Sau đó ông rời đi.",
            ["Ông nói: “Chúng tôi sẽ làm ngay.”", "Sau đó ông rời đi."],
        ),
        ("Ngày 03.6.2013 là mốc quan trọng.", ["Ngày 03.6.2013 là mốc quan trọng."]),
    ],
)
def test_sentences_split_at_ends_not_at_abbreviations_numbers_or_ellipses(
    text: str, expected: list[str]
) -> None:
    assert split_sentences(text) == expected


def _article(*paragraphs: str, author: str | None = "Minh Tâm", byline: bool = True) -> Article:
    return Article(
        source="tin.txt",
        title="Xã Tân Lập thu hoạch lúa",
        paragraphs=paragraphs,
        author=author,
        byline=byline,
    )


def test_script_has_title_body_and_byline_segments_in_order() -> None:
    speech = SpeechSettings()
    script = script_article(
        _article("Câu thứ nhất. Câu thứ hai.", "Đoạn hai."), Normalizer(speech), speech
    )
    kinds = [s.kind for s in script.segments]
    assert kinds == ["title", "body", "body", "body", "byline"]
    assert [s.paragraph for s in script.segments] == [0, 1, 1, 2, 3]
    assert script.segments[-1].display == "Minh Tâm"
    assert "Minh Tâm" in script.segments[-1].spoken


def test_no_byline_segment_when_byline_is_off_or_author_unknown() -> None:
    speech = SpeechSettings()
    for article in (_article("Một câu."), _article("Một câu.", author=None)):
        article = Article(**{**article.__dict__, "byline": article.author is None})
        script = script_article(article, Normalizer(speech), speech)
        assert [s.kind for s in script.segments] == ["title", "body"]


def test_long_sentences_are_cut_at_clauses_within_the_limit() -> None:
    speech = SpeechSettings(max_segment_chars=80)
    clause = "các xã đã triển khai kế hoạch phòng chống dịch bệnh cho đàn gia súc"
    sentence = ", ".join([clause] * 6) + "."
    script = script_article(_article(sentence, author=None), Normalizer(speech), speech)
    body = [s for s in script.segments if s.kind == "body"]
    assert len(body) >= 6
    assert all(len(s.display) <= 80 for s in body)
    rejoined = " ".join(s.display for s in body)
    assert rejoined.replace(" ", "") == sentence.replace(" ", "")


def test_spoken_text_is_normalized_and_display_text_kept_as_written() -> None:
    speech = SpeechSettings()
    script = script_article(
        _article("Tỷ lệ tiêm đạt 62,5% trong tháng 11/2026."), Normalizer(speech), speech
    )
    body = script.segments[1]
    assert body.display == "Tỷ lệ tiêm đạt 62,5% trong tháng 11/2026."
    assert "phần trăm" in body.spoken
    assert not any(ch.isdigit() for ch in body.spoken)
