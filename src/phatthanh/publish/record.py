"""episode.json: the record every feed is rebuilt from, and the files written beside it."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from phatthanh.atomic import sha256_of, write_atomic
from phatthanh.errors import PublishError
from phatthanh.i18n import _
from phatthanh.model import (
    Chapter,
    EpisodeRecord,
    ItemRecord,
    Lineup,
    Program,
    Rendition,
    Script,
    Timeline,
    VoiceChoice,
)
from phatthanh.publish.staging import Stage
from phatthanh.publish.transcripts import chapters_json, script_text, srt, vtt
from phatthanh.settings import parse_clock

RECORD = "episode.json"


def record_to_dict(record: EpisodeRecord) -> dict[str, Any]:
    data = dataclasses.asdict(record)
    data["renditions"] = {r["profile"]: r for r in data["renditions"]}
    return data


def record_from_dict(data: dict[str, Any]) -> EpisodeRecord:
    def rendition(d: dict[str, Any]) -> Rendition:
        return Rendition(**d)

    renditions = data.get("renditions", {})
    return EpisodeRecord(
        slug=data["slug"],
        guid=data["guid"],
        title=data["title"],
        published=data["published"],
        description=data.get("description", ""),
        engine=data["engine"],
        voice=data["voice"],
        profile=data["profile"],
        audio=rendition(data["audio"]),
        items=tuple(ItemRecord(**i) for i in data["items"]),
        renditions=tuple(rendition(r) for r in renditions.values()),
        chapters=tuple(Chapter(**c) for c in data.get("chapters", [])),
        voice_fallback=data.get("voice_fallback"),
        residue_count=int(data.get("residue_count", 0)),
        priority=data.get("priority", "thong_thuong"),
        air_slots=tuple(data.get("air_slots", [])),
        publish_at=data.get("publish_at"),
        expires=data.get("expires"),
        extra_files=tuple(data.get("extra_files", [])),
    )


def load_record(path: Path) -> EpisodeRecord:
    """Read one episode.json; PublishError names the file when it is not a valid record."""
    try:
        return record_from_dict(json.loads(path.read_text("utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PublishError(
            _("{path}: not a valid episode record ({exc}); rebuild that episode").format(
                path=path, exc=exc
            )
        ) from None


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write a temporary file beside `path`, then rename it over `path`: readers see the old
    file or the new one, never a part."""
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise PublishError(
            _("{path}: cannot write ({strerror})").format(path=path, strerror=exc.strerror)
        ) from None


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def write_episode(
    stage: Stage,
    program: Program,
    scripts: Sequence[Script],
    timeline: Timeline,
    renditions: Sequence[Rendition],
    choice: VoiceChoice,
    lineup: Lineup,
) -> EpisodeRecord:
    """Write episode.json, script.txt, transcripts and chapters into the staging folder."""
    # The pubDate is the program's air date and slot: two programs a day, two moments.
    slot = parse_clock(program.air_slot)
    published = datetime.combine(program.air_date, slot, stage.site.tz)
    final = tuple(_final(stage.path, r) for r in renditions)
    files = {
        f"{stage.slug}.vtt": vtt(timeline),
        f"{stage.slug}.srt": srt(timeline),
        f"{stage.slug}.chapters.json": chapters_json(timeline.chapters),
        "script.txt": script_text(program),
    }
    for name, text in files.items():
        write_text_atomic(stage.path / name, text)
    items = []
    for script, number in zip(scripts, program.item_chapters, strict=True):
        chapter = timeline.chapters[number]  # one chapter per program chapter, in order
        article = script.article
        items.append(
            ItemRecord(
                title=article.title,
                author=article.author,
                published=article.published.isoformat() if article.published else None,
                source=article.source,
                start_s=chapter.start_ms / 1000,
                end_s=chapter.end_ms / 1000,
                url=article.url,
            )
        )
    lines = [f"{n}. {s.article.title}" for n, s in enumerate(scripts, start=1)]
    record = EpisodeRecord(
        slug=stage.slug,
        guid=stage.guid,
        title=program.title,
        published=published.isoformat(),
        description="Chương trình gồm các tin: " + "; ".join(lines) + ".",
        engine=choice.engine,
        voice=choice.voice,
        profile=final[0].profile,
        audio=final[0],
        items=tuple(items),
        renditions=final,
        chapters=timeline.chapters,
        voice_fallback=choice.fallback_reason,
        residue_count=sum(s.residue_count for s in scripts),
        priority=lineup.priority,
        air_slots=lineup.air_slots,
        publish_at=lineup.publish_at.isoformat() if lineup.publish_at else None,
        expires=lineup.expires.isoformat() if lineup.expires else None,
        extra_files=tuple(files),
    )
    text = json.dumps(record_to_dict(record), ensure_ascii=False, indent=2) + "\n"
    write_text_atomic(stage.path / RECORD, text)
    return record


def _final(folder: Path, rendition: Rendition) -> Rendition:
    """The rendition as published: its file named after its content (so a rebuild with other
    content gets a new URL and a published URL never changes meaning), with the byte length
    and hash of the tagged file."""
    path = folder / rendition.file
    digest = sha256_of(path)
    named = path.with_name(f"{path.stem}-{digest[:10]}{path.suffix}")
    os.replace(path, named)
    return dataclasses.replace(
        rendition, file=named.name, bytes=named.stat().st_size, sha256=digest
    )
