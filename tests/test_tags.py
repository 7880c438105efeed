"""ID3 tags of a real build (standards.md §6, ID3v2.3 and the Chapter Frame Addendum 1.0):
v2.3 with UTF-16 text, no ID3v1, the episode's identity, chapters equal to the JSON chapters
and stored in time order, a cover within its size limit."""

from __future__ import annotations

import itertools
import json
import struct
from pathlib import Path

from mutagen.id3 import ID3, CTOCFlags
from mutagen.mp3 import MP3

from phatthanh.pipeline import BuildResult
from tests.conftest import BASE_URL

FEED_URL = f"{BASE_URL}/feeds/podcast.xml"


def stored_frames(path: Path) -> list[tuple[str, bytes]]:
    """(frame id, payload) of an ID3v2.3 tag in the order the file stores them, read from
    the bytes (not through mutagen, which is what writes them)."""
    raw = path.read_bytes()
    assert raw[:4] == b"ID3\x03", raw[:5]
    size = 0
    for byte in raw[6:10]:  # syncsafe: 7 bits a byte
        size = (size << 7) | byte
    frames, at, end = [], 10, 10 + size
    while at + 10 <= end and raw[at : at + 4] != b"\x00\x00\x00\x00":  # padding follows
        frame_id = raw[at : at + 4].decode("ascii")
        (length,) = struct.unpack(">I", raw[at + 4 : at + 8])
        frames.append((frame_id, raw[at + 10 : at + 10 + length]))
        at += 10 + length
    return frames


def chap_starts_ms(path: Path) -> list[int]:
    """Start times of the CHAP frames, in stored order (payload: element id, NUL, start)."""
    starts = []
    for frame_id, payload in stored_frames(path):
        if frame_id == "CHAP":
            after_id = payload.index(b"\x00") + 1
            (start_ms,) = struct.unpack(">I", payload[after_id : after_id + 4])
            starts.append(start_ms)
    return starts


def test_id3_is_v23_utf16_with_chapters_equal_to_the_json(first_build: BuildResult) -> None:
    record = first_build.record
    mp3 = first_build.episode_dir / record.audio.file
    raw = mp3.read_bytes()
    assert raw.startswith(b"ID3\x03\x00")  # D1
    assert not raw[-128:].startswith(b"TAG")  # D2
    tags = ID3(mp3, translate=False)
    assert all(getattr(f, "encoding", 1) != 3 for f in tags.values())
    assert str(tags["TIT2"]) == record.title and str(tags["TALB"]) == "Chương trình phát thanh"
    assert str(tags["TPE1"]) == "Đài Truyền thanh huyện Sông Xanh"
    assert str(tags["TGID"]) == record.guid and tags["WFED"].url == FEED_URL
    (toc,) = [f for f in tags.getall("CTOC") if f.flags & CTOCFlags.TOP_LEVEL]  # K2
    assert toc.flags & CTOCFlags.ORDERED
    chaps = {c.element_id: c for c in tags.getall("CHAP")}
    ordered = [chaps[i] for i in toc.child_element_ids]  # K1
    assert len(chaps) == len(ordered) > 0
    json_chapters = json.loads(
        (first_build.episode_dir / f"{record.slug}.chapters.json").read_text("utf-8")
    )["chapters"]
    assert [(c.start_time, c.end_time, c.sub_frames["TIT2"].text[0]) for c in ordered] == [
        (round(j["startTime"] * 1000), round(j["endTime"] * 1000), j["title"])
        for j in json_chapters
    ]
    assert ordered[0].start_time == 0  # K3
    assert all(a.end_time == b.start_time for a, b in itertools.pairwise(ordered))
    assert abs(ordered[-1].end_time - MP3(mp3).info.length * 1000) <= 100
    (apic,) = tags.getall("APIC")
    assert len(apic.data) <= 300 * 1024 and apic.type == 3


def test_chapter_frames_are_stored_in_time_order(first_build: BuildResult) -> None:
    for rendition in first_build.record.renditions:
        starts = chap_starts_ms(first_build.episode_dir / rendition.file)
        assert len(starts) == len(first_build.record.items) + 2  # opening, items, closing
        assert starts == sorted(starts) and starts[0] == 0, rendition.file
