"""Build an episode in a staging folder and move it into place only when it is complete."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import re
import shutil
import tempfile
import time
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from phatthanh.atomic import fsync_dir, sync_folder
from phatthanh.errors import PublishError
from phatthanh.model import Program

if TYPE_CHECKING:
    from phatthanh.config import Config

STAGING = ".staging"


@dataclass(frozen=True)
class Stage:
    path: Path  # where the episode is being built
    final_path: Path  # episodes/<slug>/
    slug: str
    guid: str
    config: Config


def slugify(text: str, limit: int = 60) -> str:
    """ASCII slug of Vietnamese text: 'Bản tin Đắk Lắk' -> 'ban-tin-dak-lak'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", bare.lower()).strip("-")
    return slug[:limit].rstrip("-") or "chuong-trinh"


def episode_slug(program: Program) -> str:
    """<air date>-<HHMM air slot>-<title>: two programs on one day are two episodes."""
    slot = program.air_slot.replace(":", "")
    return f"{program.air_date.isoformat()}-{slot}-{slugify(program.title)}"


def existing_guid(final_path: Path) -> str | None:
    try:
        guid = json.loads((final_path / "episode.json").read_text("utf-8"))["guid"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return guid if isinstance(guid, str) and guid else None


def published_media(final_path: Path) -> list[str]:
    """The media files the currently published record of this episode lists."""
    try:
        data = json.loads((final_path / "episode.json").read_text("utf-8"))
        return [str(r["file"]) for r in data.get("renditions", {}).values()]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []


@contextmanager
def stage_episode(program: Program, config: Config) -> Iterator[Stage]:
    """A staging folder for the episode; on success it replaces episodes/<slug>/."""
    slug = episode_slug(program)
    episodes = config.episodes_dir
    final_path = episodes / slug
    guid = existing_guid(final_path) or str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"{config.station.base_url.rstrip('/')}/episodes/{slug}")
    )
    try:
        (episodes / STAGING).mkdir(parents=True, exist_ok=True)
        _remove_stale(episodes / STAGING)
        path = Path(tempfile.mkdtemp(prefix=f"{slug}-", dir=episodes / STAGING))
    except OSError as exc:
        raise PublishError(
            f"{episodes}: cannot create the episode folder ({exc.strerror})"
        ) from None
    try:
        yield Stage(path, final_path, slug, guid, config)
        _move_into_place(path, final_path)
    finally:
        shutil.rmtree(path, ignore_errors=True)


STALE_S = 86_400  # a build never takes a day: older staging folders are from killed builds


def _remove_stale(staging: Path) -> None:
    limit = time.time() - STALE_S
    for folder in staging.iterdir():
        with contextlib.suppress(OSError):
            if folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result != 0:
        error = ctypes.get_errno()
        if error in (errno.EINVAL, errno.ENOSYS, errno.EXDEV):
            return False
        raise OSError(error, os.strerror(error), str(b))
    return True


def _carry_previous_media(path: Path, final_path: Path) -> None:
    """Keep the media the published feed still lists: a feed read during the swap, or a
    player that fetched it a minute ago, must find the exact file it was told about."""
    for name in published_media(final_path):
        source, target = final_path / name, path / name
        if source.is_file() and not target.exists():
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)


def _move_into_place(path: Path, final_path: Path) -> None:
    """Replace final_path by path: swapped atomically where the kernel can, else with two
    renames (the old folder moved aside first, removed last)."""
    os.chmod(path, 0o755)
    _carry_previous_media(path, final_path)
    try:
        sync_folder(path)  # the files are on disk before any published name points at them
    except OSError as exc:
        raise PublishError(f"{path}: cannot flush the episode ({exc.strerror})") from None
    if final_path.exists() and _exchange(path, final_path):
        fsync_dir(final_path.parent)
        shutil.rmtree(path, ignore_errors=True)  # the old episode, now at the staging path
        return
    old: Path | None = None
    try:
        if final_path.exists():
            old = final_path.with_name(f".{final_path.name}.old-{uuid.uuid4().hex[:8]}")
            os.replace(final_path, old)
        os.replace(path, final_path)
        fsync_dir(final_path.parent)
    except OSError as exc:
        if old is not None and not final_path.exists():
            os.replace(old, final_path)
        raise PublishError(f"{final_path}: cannot publish the episode ({exc.strerror})") from None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
