"""What loudspeaker stations read: feeds/loudspeaker.json and feeds/loudspeaker.m3u.

Priority classes follow Thông tư 39/2020/TT-BTTTT (standards.md V3): thông thường,
ưu tiên, khẩn cấp. Expired episodes drop out; URLs point at the loudspeaker rendition.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from phatthanh.model import EpisodeRecord

if TYPE_CHECKING:
    from phatthanh.settings import Site

PRIORITY_WORDS = {"thong_thuong": "thông thường", "uu_tien": "ưu tiên", "khan_cap": "khẩn cấp"}


def manifest(site: Site, records: Sequence[EpisodeRecord], generated: str) -> dict[str, Any]:
    base = site.base_url
    episodes = []
    for record in sorted(records, key=lambda r: r.published, reverse=True):
        rendition = next((r for r in record.renditions if r.profile == "loudspeaker"), record.audio)
        episodes.append(
            {
                "title": record.title,
                "url": f"{base}/episodes/{record.slug}/{rendition.file}",
                "bytes": rendition.bytes,
                "sha256": rendition.sha256,
                "duration_s": rendition.duration_s,
                "priority": PRIORITY_WORDS[record.priority],
                "air_slots": list(record.air_slots),
                "published": record.published,
                "expires": record.expires,
            }
        )
    return {
        "station": site.name,
        "program": site.program,
        "generated": generated,
        "episodes": episodes,
    }


def manifest_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def manifest_m3u(data: dict[str, Any]) -> str:
    lines = ["#EXTM3U"]
    for episode in data["episodes"]:
        lines.append(f"#EXTINF:{round(episode['duration_s'])},{episode['title']}")
        lines.append(episode["url"])
    return "\n".join(lines) + "\n"
