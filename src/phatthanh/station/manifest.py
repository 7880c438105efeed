"""The district's loudspeaker manifest as a station reads it, and the play schedule made
from it (docs/publishing.md; priority classes of Thông tư 39/2020/TT-BTTTT)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from phatthanh.errors import PhatthanhError
from phatthanh.i18n import _

PRIORITIES = {"khẩn cấp": "khan_cap", "ưu tiên": "uu_tien", "thông thường": "thong_thuong"}
ORDER = {"khan_cap": 0, "uu_tien": 1, "thong_thuong": 2}
_SHA256 = re.compile(r"[0-9a-f]{64}")
_SLOT = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,150}\.mp3")


class ManifestError(PhatthanhError):
    """The manifest cannot be read or is not a loudspeaker manifest."""

    exit_code = 6


@dataclass(frozen=True)
class Entry:
    """One program the district lists for its stations."""

    title: str
    url: str
    file: str  # the local file name (the last part of the URL, content-addressed)
    bytes: int
    sha256: str
    duration_s: float
    priority: str  # thong_thuong | uu_tien | khan_cap
    air_slots: tuple[str, ...]
    published: str
    expires: str | None

    def expired(self, now: datetime) -> bool:
        return self.expires is not None and datetime.fromisoformat(self.expires) <= now


def parse_manifest(text: str, where: str) -> list[Entry]:
    """The entries of a loudspeaker.json; ManifestError names what is wrong."""
    try:
        data = json.loads(text)
        return [_entry(raw) for raw in data["episodes"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise ManifestError(
            _("{where}: not a loudspeaker manifest ({exc})").format(where=where, exc=exc)
        ) from None


def _entry(raw: dict[str, Any]) -> Entry:
    url = str(raw["url"])
    file = PurePosixPath(urlsplit(url).path).name
    if not _NAME.fullmatch(file):
        raise ValueError(_("unsafe or non-MP3 file name in {url!r}").format(url=url))
    sha = str(raw["sha256"]).lower()
    if not _SHA256.fullmatch(sha):
        raise ValueError(_("sha256 of {url!r} is not 64 hex digits").format(url=url))
    size = int(raw["bytes"])
    if size <= 0:
        raise ValueError(_("bytes of {url!r} must be above 0").format(url=url))
    priority = PRIORITIES.get(str(raw.get("priority", "")), str(raw.get("priority", "")))
    if priority not in ORDER:
        raise ValueError(
            _("unknown priority {priority!r} for {url!r}").format(
                priority=raw.get("priority"), url=url
            )
        )
    slots = tuple(str(s) for s in raw.get("air_slots") or ())
    if not all(_SLOT.fullmatch(s) for s in slots):
        raise ValueError(_("air_slots of {url!r} must be HH:MM").format(url=url))
    expires = raw.get("expires")
    if expires is not None:
        datetime.fromisoformat(str(expires))
    return Entry(
        title=str(raw["title"]),
        url=url,
        file=file,
        bytes=size,
        sha256=sha,
        duration_s=float(raw["duration_s"]),
        priority=priority,
        air_slots=slots,
        published=str(raw["published"]),
        expires=None if expires is None else str(expires),
    )


def play_order(entries: Sequence[Entry]) -> list[Entry]:
    """khẩn cấp first, then ưu tiên, then thông thường; newest first inside a class."""
    newest = sorted(entries, key=lambda e: e.published, reverse=True)
    return sorted(newest, key=lambda e: ORDER[e.priority])


def schedule(entries: Sequence[Entry], now: datetime) -> dict[str, list[Entry]]:
    """The playlist of each air slot ("HH:MM" -> entries in play order), for the entries
    that are on disk and not expired. Urgent entries are in every slot as well."""
    live = [e for e in entries if not e.expired(now)]
    slots = sorted({s for e in live for s in e.air_slots})
    return {
        slot: play_order([e for e in live if slot in e.air_slots or e.priority == "khan_cap"])
        for slot in slots
    }


def schedule_json(plan: dict[str, list[Entry]], urgent: Sequence[Entry]) -> str:
    data = {
        "slots": {slot: [_item(e) for e in items] for slot, items in plan.items()},
        "urgent": [_item(e) for e in urgent],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _item(entry: Entry) -> dict[str, Any]:
    data = asdict(entry)
    data["path"] = f"media/{entry.file}"
    data["air_slots"] = list(entry.air_slots)
    return data


def m3u(items: Sequence[Entry]) -> str:
    """An extended M3U playlist with paths relative to the schedule/ folder."""
    lines = ["#EXTM3U"]
    for entry in items:
        lines.append(f"#EXTINF:{round(entry.duration_s)},{entry.title}")
        lines.append(f"../media/{entry.file}")
    return "\n".join(lines) + "\n"
