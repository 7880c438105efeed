"""Build an episode in a staging folder and move it into place only when it is complete."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

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
    return f"{program.air_date.isoformat()}-{slugify(program.title)}"


def existing_guid(final_path: Path) -> str | None:
    try:
        guid = json.loads((final_path / "episode.json").read_text("utf-8"))["guid"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return guid if isinstance(guid, str) and guid else None


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


def _move_into_place(path: Path, final_path: Path) -> None:
    """Replace final_path by path with renames only: the old folder is moved aside first and
    removed last, so a crash leaves either the old or the new episode in place."""
    os.chmod(path, 0o755)
    old: Path | None = None
    try:
        if final_path.exists():
            old = final_path.with_name(f".{final_path.name}.old-{uuid.uuid4().hex[:8]}")
            os.replace(final_path, old)
        os.replace(path, final_path)
    except OSError as exc:
        if old is not None and not final_path.exists():
            os.replace(old, final_path)
        raise PublishError(f"{final_path}: cannot publish the episode ({exc.strerror})") from None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
