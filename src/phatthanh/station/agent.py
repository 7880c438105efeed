"""The station agent: sync the district's manifest into verified files and a play schedule,
play each air slot's playlist through a command, report its state.

Folder layout (`--dir`):
    media/               verified MP3s only (length and sha256 checked before the rename)
    .partial/            downloads in progress (resumed with HTTP Range)
    schedule.json        per air slot, the ordered playlist; urgent (khẩn cấp) items
    schedule/HH-MM.m3u   the same playlists for any player
    manifest.json        the last manifest read (used when the district cannot be reached)
    state.json           last sync, errors, what was played
    play.log             one line per played file
"""

from __future__ import annotations

import json
import logging
import os
import shlex
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx

from phatthanh.atomic import fsync_dir
from phatthanh.station.fetch import DownloadError, Policy, download, make_client
from phatthanh.station.manifest import (
    Entry,
    ManifestError,
    m3u,
    parse_manifest,
    play_order,
    schedule,
    schedule_json,
)

log = logging.getLogger(__name__)
TZ = timezone(timedelta(hours=7))  # air slots are HH:MM in +07:00 (docs/publishing.md)


@dataclass(frozen=True)
class SyncReport:
    downloaded: tuple[str, ...]
    kept: tuple[str, ...]  # already on disk, not fetched again
    deleted: tuple[str, ...]  # expired or no longer listed
    errors: tuple[str, ...]
    manifest_fresh: bool  # False: the district could not be reached; the last copy was used


def write_atomic(path: Path, text: str) -> None:
    """Temporary file, fsync, rename: readers see the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_state(folder: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads((folder / "state.json").read_text("utf-8"))
        return data
    except (OSError, ValueError):
        return {}


def save_state(folder: Path, state: dict[str, Any]) -> None:
    write_atomic(folder / "state.json", json.dumps(state, ensure_ascii=False, indent=2) + "\n")


def sync(
    url: str, folder: Path, policy: Policy | None = None, now: datetime | None = None
) -> SyncReport:
    """Read the manifest at `url`, fetch what is new, delete what expired, write the
    schedule. A district that cannot be reached leaves files and schedule as they were."""
    policy = policy or Policy()
    now = now or datetime.now(TZ)
    folder.mkdir(parents=True, exist_ok=True)
    state = load_state(folder)
    errors: list[str] = []
    with make_client(policy) as client:
        entries, fresh = _manifest(client, url, folder, state, errors)
        live = [e for e in entries if not e.expired(now)]
        downloaded, kept, ready = [], [], []
        for entry in play_order(live):
            target = folder / "media" / entry.file
            if target.is_file() and target.stat().st_size == entry.bytes:
                kept.append(entry.file)
                ready.append(entry)
                continue
            try:
                download(client, entry, folder / "media", folder / ".partial", policy)
            except DownloadError as exc:
                errors.append(str(exc))
                continue
            downloaded.append(entry.file)
            ready.append(entry)
    deleted = _delete_unlisted(folder, {e.file for e in live}, keep_all=not fresh and not entries)
    _write_schedule(folder, ready, now)
    state.update(
        url=url,
        last_sync=now.isoformat(),
        last_sync_ok=not errors,
        errors=errors,
        files=sorted(e.file for e in ready),
    )
    save_state(folder, state)
    return SyncReport(tuple(downloaded), tuple(kept), tuple(deleted), tuple(errors), fresh)


def _manifest(
    client: httpx.Client, url: str, folder: Path, state: dict[str, Any], errors: list[str]
) -> tuple[list[Entry], bool]:
    """The manifest from the district (If-None-Match), else the last copy on disk."""
    cached = folder / "manifest.json"
    headers = {}
    if state.get("etag") and state.get("url") == url and cached.is_file():
        headers["If-None-Match"] = str(state["etag"])
    try:
        response = client.get(url, headers=headers)
        if response.status_code == 304:
            return parse_manifest(cached.read_text("utf-8"), str(cached)), True
        response.raise_for_status()
        entries = parse_manifest(response.text, url)
        write_atomic(cached, response.text)
        state["etag"] = response.headers.get("etag")
        return entries, True
    except (httpx.HTTPError, ManifestError) as exc:
        why = f"HTTP {exc.response.status_code}" if isinstance(exc, httpx.HTTPStatusError) else exc
        errors.append(f"{url}: manifest unavailable ({why}); kept the last schedule")
    if cached.is_file():
        try:
            return parse_manifest(cached.read_text("utf-8"), str(cached)), False
        except ManifestError as exc:
            errors.append(str(exc))
    return [], False


def _delete_unlisted(folder: Path, listed: set[str], keep_all: bool) -> list[str]:
    media = folder / "media"
    if keep_all or not media.is_dir():
        return []
    gone = []
    for path in sorted(media.iterdir()):
        if path.name not in listed:
            path.unlink()
            gone.append(path.name)
    partial = folder / ".partial"
    if partial.is_dir():
        for path in partial.iterdir():
            if path.name.removesuffix(".part") not in listed:
                path.unlink()
    if gone:
        fsync_dir(media)
    return gone


def _write_schedule(folder: Path, ready: Sequence[Entry], now: datetime) -> None:
    plan = schedule(ready, now)
    urgent = [e for e in play_order(ready) if e.priority == "khan_cap"]
    out = folder / "schedule"
    out.mkdir(exist_ok=True)
    for slot, items in plan.items():
        write_atomic(out / f"{slot.replace(':', '-')}.m3u", m3u(items))
    for old in out.glob("*.m3u"):
        if old.stem.replace("-", ":") not in plan:
            old.unlink()
    write_atomic(folder / "schedule.json", schedule_json(plan, urgent))


@dataclass(frozen=True)
class Status:
    url: str | None
    last_sync: str | None
    last_sync_ok: bool
    files: tuple[str, ...]
    next_slot: str | None  # "2026-11-24 17:00"
    errors: tuple[str, ...]
    played: tuple[str, ...] = field(default=())


def status(folder: Path, now: datetime | None = None) -> Status:
    now = now or datetime.now(TZ)
    state = load_state(folder)
    slots = sorted(read_schedule(folder).get("slots", {}))
    return Status(
        url=state.get("url"),
        last_sync=state.get("last_sync"),
        last_sync_ok=bool(state.get("last_sync_ok")),
        files=tuple(sorted(p.name for p in (folder / "media").glob("*.mp3"))),
        next_slot=next_slot(slots, now),
        errors=tuple(state.get("errors", [])),
        played=tuple(state.get("played", [])[-5:]),
    )


def next_slot(slots: Sequence[str], now: datetime) -> str | None:
    if not slots:
        return None
    today = now.astimezone(TZ)
    later = [s for s in sorted(slots) if s > today.strftime("%H:%M")]
    if later:
        return f"{today:%Y-%m-%d} {later[0]}"
    return f"{today + timedelta(days=1):%Y-%m-%d} {sorted(slots)[0]}"


def read_schedule(folder: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads((folder / "schedule.json").read_text("utf-8"))
        return data
    except (OSError, ValueError):
        return {}


def play_command(template: str, path: Path) -> list[str]:
    """The player command with the file appended (or put where `{}` stands)."""
    args = shlex.split(template)
    if "{}" in args:
        return [str(path) if a == "{}" else a for a in args]
    return [*args, str(path)]
