"""Transcripts: display text timed by the voice's word boundaries when they line up with the
display words, by proportion otherwise; music marked; SRT and VTT agree."""

from __future__ import annotations

import re
from pathlib import Path

import webvtt

from phatthanh.model import Chapter, Cue, Segment, Timeline, WordBoundary
from phatthanh.publish.transcripts import MAX_CUE_CHARS, srt, vtt

SENTENCE = (
    "Người dân xã Tân Lập tích cực tham gia làm đường giao thông nông thôn, "
    "trồng cây xanh và giữ gìn vệ sinh môi trường ở khu dân cư trong suốt cả năm qua"
)
WORDS = SENTENCE.split()


def timeline(words: tuple[WordBoundary, ...]) -> Timeline:
    text = " ".join(WORDS)
    segment = Segment("body", text, text)
    return Timeline(
        (Cue("jingle", 0, 2000, 0), Cue("speech", 2000, 9000, 0, segment=segment, words=words)),
        (Chapter("Tin", 0, 11000),),
    )


def captions(text: str, folder: Path, name: str) -> list[webvtt.Caption]:
    path = folder / name
    path.write_text(text, "utf-8")
    return list(webvtt.read(str(path)) if name.endswith(".vtt") else webvtt.from_srt(str(path)))


def test_word_boundaries_time_the_caption_groups(tmp_path: Path) -> None:
    # a slow start: the first half of the words takes 6 s, the rest 3 s
    half = len(WORDS) // 2
    bounds = tuple(
        WordBoundary(i * 6000 // half if i < half else 6000 + (i - half) * 3000 // half, 200, w)
        for i, w in enumerate(WORDS)
    )
    cues = captions(vtt(timeline(bounds)), tmp_path, "a.vtt")
    assert cues[0].text == "[Nhạc hiệu]" and cues[0].end == "00:00:02.000"
    speech = cues[1:]
    assert len(speech) == 2 and all(len(c.text) <= MAX_CUE_CHARS for c in speech)
    second_first_word = len(speech[0].text.split())
    expected_ms = 2000 + bounds[second_first_word].offset_ms
    assert speech[1].start == f"00:00:{expected_ms // 1000:02d}.{expected_ms % 1000:03d}"
    assert speech[-1].end == "00:00:11.000"


def test_without_matching_boundaries_time_is_shared_by_length(tmp_path: Path) -> None:
    cues = captions(vtt(timeline(())), tmp_path, "b.vtt")[1:]
    total = sum(len(c.text) for c in cues)
    first_ms = 9000 * len(cues[0].text) // total
    assert cues[1].start == f"00:00:{(2000 + first_ms) // 1000:02d}.{(2000 + first_ms) % 1000:03d}"
    assert " ".join(c.text for c in cues) == " ".join(WORDS)


def test_srt_and_vtt_agree(tmp_path: Path) -> None:
    tl = timeline(())
    a = captions(vtt(tl), tmp_path, "c.vtt")
    b = captions(srt(tl), tmp_path, "c.srt")
    assert [(c.start, c.end, c.text) for c in a] == [(c.start, c.end, c.text) for c in b]


_TIMING = re.compile(r"(\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3} --> (\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}")


def strict_webvtt_cues(text: str) -> list[list[str]]:
    """Parse by the W3C WebVTT file syntax (§4.1), refusing what it does not allow: the
    "WEBVTT" line, one line terminator, then blocks separated by blank lines, each a cue
    (optional identifier without "-->", a timing line, payload) or a NOTE comment."""
    lines = text.split("\n")
    assert lines[0] == "WEBVTT" or lines[0].startswith(("WEBVTT ", "WEBVTT\t")), lines[0]
    blocks = [b for b in "\n".join(lines[1:]).strip("\n").split("\n\n") if b]
    cues = []
    for block in blocks:
        rows = block.split("\n")
        if rows[0].startswith("NOTE"):
            continue
        if "-->" not in rows[0]:
            assert len(rows) > 1, f"not a cue or comment block: {block!r}"
            rows = rows[1:]  # a cue identifier
        assert _TIMING.fullmatch(rows[0]), f"not a cue timing line: {rows[0]!r}"
        assert all(row and "-->" not in row for row in rows[1:]), block
        cues.append(rows)
    return cues


def test_vtt_is_valid_by_the_strict_webvtt_syntax(tmp_path: Path) -> None:
    text = vtt(timeline(()))
    assert text.startswith("WEBVTT\n\n")
    cues = strict_webvtt_cues(text)
    assert cues[0] == ["00:00:00.000 --> 00:00:02.000", "[Nhạc hiệu]"]
    assert len(cues) == len(captions(text, tmp_path, "d.vtt"))
