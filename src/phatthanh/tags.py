"""Stage 7: ID3 tags on every rendition.

ID3v2.3 (the version cheap players and car radios read) with UTF-16 text, no ID3v1
(standards.md §6.1, D1-D2): title, station, program, date, language, genre, a comment
naming the voice that read the episode, iTunes podcast frames (PCST, TGID = guid, WFED), and
chapters per the ID3v2 Chapter Frame Addendum 1.0 (§6.3): one top-level ordered CTOC and one
CHAP per chapter with its title and a WXXX link to the article. The cover (APIC, at most
`cover_max_kb`) goes on every rendition but the loudspeaker one (D3).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import mutagen.id3

from phatthanh.errors import PublishError
from phatthanh.model import Program, Rendition, Timeline, VoiceChoice
from phatthanh.publish.cover import draw_cover, small_cover, station_cover
from phatthanh.publish.staging import Stage

id3: Any = mutagen.id3  # mutagen's frame classes are untyped
UTF16 = 1  # ID3v2.3 has no UTF-8; Vietnamese needs UTF-16 with BOM


class _ChaptersInTimeOrder(mutagen.id3.ID3):
    """mutagen stores frames sorted by size; players that read CHAP frames as stored (not via
    the CTOC) would list chapters out of order. This writes them last, by start time."""

    def __init__(self) -> None:
        parent: Any = super()
        parent.__init__()

    def _write(self, config: Any) -> bytes:
        from mutagen.id3._tags import save_frame  # mutagen's own frame writer

        tags: Any = self
        parent: Any = super()
        write_frame: Any = save_frame
        chapters = sorted(tags.getall("CHAP"), key=lambda frame: frame.start_time)
        tags.delall("CHAP")
        try:
            others: bytes = parent._write(config)
        finally:
            for frame in chapters:
                tags.add(frame)
        return others + b"".join(write_frame(frame, config=config) for frame in chapters)


def voice_comment(choice: VoiceChoice) -> str:
    """The COMM text, for listeners: which voice read this episode."""
    text = f"Giọng đọc: {choice.engine} ({choice.voice})"
    if choice.fallback_reason:
        text += " - giọng dự phòng"
    return text


def write_tags(
    stage: Stage,
    renditions: Sequence[Rendition],
    program: Program,
    timeline: Timeline,
    choice: VoiceChoice,
) -> None:
    station = stage.site
    feed_url = station.feed_url
    if station.cover is not None:
        cover, _ = station_cover(station.cover)
    else:
        cover = draw_cover(station.name, station.program)
    apic = small_cover(cover, stage.publish.cover_max_kb * 1024)
    for rendition in renditions:
        path = stage.path / rendition.file
        tags: Any = _ChaptersInTimeOrder()
        tags.add(id3.TIT2(encoding=UTF16, text=program.title))
        tags.add(id3.TPE1(encoding=UTF16, text=station.name))
        tags.add(id3.TALB(encoding=UTF16, text=station.program))
        tags.add(id3.TDRC(encoding=UTF16, text=program.air_date.isoformat()))
        tags.add(id3.TLAN(encoding=UTF16, text="vie"))
        tags.add(id3.TCON(encoding=UTF16, text="Podcast"))
        tags.add(id3.COMM(encoding=UTF16, lang="vie", desc="", text=voice_comment(choice)))
        tags.add(id3.PCST(value=1))
        tags.add(id3.TGID(encoding=UTF16, text=stage.guid))
        tags.add(id3.WFED(encoding=UTF16, url=feed_url))
        ids = [f"chp{n}" for n in range(len(timeline.chapters))]
        tags.add(
            id3.CTOC(
                element_id="toc",
                flags=id3.CTOCFlags.TOP_LEVEL | id3.CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[id3.TIT2(encoding=UTF16, text=program.title)],
            )
        )
        for element_id, chapter in zip(ids, timeline.chapters, strict=True):
            sub: list[Any] = [id3.TIT2(encoding=UTF16, text=chapter.title)]
            if chapter.url:
                sub.append(id3.WXXX(encoding=UTF16, desc="Bài viết", url=chapter.url))
            tags.add(
                id3.CHAP(
                    element_id=element_id,
                    start_time=chapter.start_ms,
                    end_time=chapter.end_ms,
                    sub_frames=sub,
                )
            )
        if rendition.profile != "loudspeaker":
            tags.add(id3.APIC(encoding=UTF16, mime="image/jpeg", type=3, desc="", data=apic))
        try:
            tags.update_to_v23()
            tags.save(str(path), v1=0, v2_version=3)
        except OSError as exc:
            raise PublishError(
                _("{path}: cannot write the ID3 tags ({strerror})").format(
                    path=path, strerror=exc.strerror
                )
            ) from None
