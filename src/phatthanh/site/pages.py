"""What the section pages show, built from episode records (the data the feeds use).

Every value a template needs is computed here, in Vietnamese, so the templates only lay it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from phatthanh.model import EpisodeRecord, Rendition

RENDITION_NAMES = {
    "podcast": "Bản nghe trên mạng",
    "loudspeaker": "Bản cho loa truyền thanh",
    "broadcast": "Bản phát sóng",
}
PRIORITY_NAMES = {"thong_thuong": "Thông thường", "uu_tien": "Ưu tiên", "khan_cap": "Khẩn cấp"}


@dataclass(frozen=True)
class Seek:
    """A point in the audio a link can move the player to (a chapter or a transcript cue)."""

    start_s: float
    end_s: float
    text: str
    clock: str  # "mm:ss" as shown


@dataclass(frozen=True)
class Download:
    label: str
    href: str  # relative to the site folder
    detail: str


@dataclass(frozen=True)
class EpisodePage:
    slug: str
    title: str
    air_date: str  # "Thứ Ba, 24/11/2026"
    iso_date: str
    slots: str  # "06:00, 17:00" or ""
    duration: str  # "4 phút 32 giây"
    duration_iso: str  # "PT272S"
    priority: str
    audio_href: str
    chapters: tuple[Seek, ...]
    cues: tuple[Seek, ...]
    downloads: tuple[Download, ...]
    lineup: tuple[str, ...]
    embed_src: str  # absolute URL of the embeddable player


_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


def air_date_text(when: datetime) -> str:
    return f"{_WEEKDAYS[when.weekday()]}, {when:%d/%m/%Y}"


def duration_text(seconds: float) -> str:
    total = round(seconds)
    minutes, secs = divmod(total, 60)
    if minutes == 0:
        return f"{secs} giây"
    return f"{minutes} phút {secs} giây" if secs else f"{minutes} phút"


def clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes:02d}:{secs:02d}"


def size_text(n_bytes: int) -> str:
    return f"{n_bytes / 1_000_000:.1f} MB".replace(".", ",")


def read_cues(vtt: Path) -> tuple[Seek, ...]:
    """The timed display text of the episode's WebVTT transcript (empty when missing)."""
    import webvtt

    if not vtt.is_file():
        return ()
    return tuple(
        Seek(start, end, " ".join(c.text.split()), clock(start))
        for c in webvtt.read(str(vtt)).captions
        for start, end in [(c.start_time.in_milliseconds() / 1000,
                            c.end_time.in_milliseconds() / 1000)]
    )  # fmt: skip


def _media(record: EpisodeRecord) -> Rendition:
    """What the page plays: the podcast rendition (made for headphones and phones)."""
    return next((r for r in record.renditions if r.profile == "podcast"), record.audio)


def episode_page(record: EpisodeRecord, episode_dir: Path, base_url: str) -> EpisodePage:
    media = _media(record)
    folder = f"../episodes/{record.slug}"
    published = datetime.fromisoformat(record.published)
    chapters = tuple(
        Seek(c.start_ms / 1000, c.end_ms / 1000, c.title, clock(c.start_ms / 1000))
        for c in record.chapters
    )
    downloads = [
        Download(
            RENDITION_NAMES.get(r.profile, r.profile),
            f"{folder}/{r.file}",
            f"MP3, {r.bitrate_kbps} kbps, {size_text(r.bytes)}",
        )
        for r in record.renditions or (record.audio,)
    ]
    for name in record.extra_files:
        if name.endswith(".vtt"):
            downloads.append(Download("Lời đọc có mốc thời gian", f"{folder}/{name}", "WebVTT"))
        elif name.endswith(".srt"):
            downloads.append(Download("Phụ đề", f"{folder}/{name}", "SRT"))
    return EpisodePage(
        slug=record.slug,
        title=record.title,
        air_date=air_date_text(published),
        iso_date=published.isoformat(),
        slots=", ".join(record.air_slots),
        duration=duration_text(media.duration_s),
        duration_iso=f"PT{round(media.duration_s)}S",
        priority=PRIORITY_NAMES.get(record.priority, record.priority),
        audio_href=f"{folder}/{media.file}",
        chapters=chapters,
        cues=read_cues(episode_dir / f"{record.slug}.vtt"),
        downloads=tuple(downloads),
        lineup=tuple(item.title for item in record.items),
        embed_src=f"{base_url.rstrip('/')}/site/nhung/{record.slug}.html",
    )


def episode_pages(
    records: Sequence[EpisodeRecord], episodes_dir: Path, base_url: str
) -> list[EpisodePage]:
    """One page per record, newest first (the order of the index)."""
    ordered = sorted(records, key=lambda r: r.published, reverse=True)
    return [episode_page(r, episodes_dir / r.slug, base_url) for r in ordered]
