"""Build an episode in a staging folder and move it into place only when it is complete."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
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

from phatthanh.atomic import fsync_dir, sync_folder
from phatthanh.errors import PublishError
from phatthanh.i18n import _
from phatthanh.model import Program

if TYPE_CHECKING:
    from phatthanh.publish.commit import Fence
    from phatthanh.settings import PublishSettings, Site

STAGING = ".staging"


@dataclass(frozen=True)
class Stage:
    path: Path  # where the episode is being built
    final_path: Path  # episodes/<slug>/
    slug: str
    guid: str
    site: Site  # the station: identity, folders, URLs
    publish: PublishSettings


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


@contextmanager
def stage_episode(
    program: Program,
    site: Site,
    publish: PublishSettings,
    hold: bool = False,
    fence: Fence | None = None,
    slug: str | None = None,
    unique: bool = False,
) -> Iterator[Stage]:
    """A staging folder for the episode, locked while this build lives; on success the
    episode and the feeds that list it are published together (publish/commit.py), or, with
    `hold`, the episode is kept unpublished for `publish_built` (publish/built.py). `fence` may
    refuse the publish at its last moment (publish/commit.py). `slug` replaces
    `episode_slug(program)`; with `unique` (a bulletin), a slug already published or being
    built gets -2, -3 ...: chosen under the staging lock with its folder, so two builds
    started together never share one (the second would replace the first)."""
    from phatthanh.publish.built import keep_unpublished
    from phatthanh.publish.commit import commit

    episodes = site.episodes_dir
    try:
        path, held, slug = _new_staging(episodes, slug or episode_slug(program), unique)
    except OSError as exc:
        raise PublishError(
            _("{episodes}: cannot create the episode folder ({strerror})").format(
                episodes=episodes, strerror=exc.strerror
            )
        ) from None
    final_path = episodes / slug
    guid = existing_guid(final_path) or str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"{site.base_url}/episodes/{slug}")
    )
    try:
        stage = Stage(path, final_path, slug, guid, site, publish)
        yield stage
        if hold:
            keep_unpublished(stage)
        else:
            commit(stage, fence)
    finally:
        shutil.rmtree(path, ignore_errors=True)
        os.close(held)


def _new_staging(episodes: Path, slug: str, unique: bool) -> tuple[Path, int, str]:
    """A new staging folder, a descriptor holding its lock, and the slug it is for. Folders
    whose lock nobody holds belong to dead builds and are removed first; choosing a `unique`
    slug, creating its folder and taking its lock happen under staging/.lock, so a cleaner
    never sees a live folder unlocked and two builds never pick one slug."""
    from phatthanh.atomic import open_lock

    staging = episodes / STAGING
    staging.mkdir(parents=True, exist_ok=True)
    guard = open_lock(staging / ".lock")
    try:
        fcntl.flock(guard, fcntl.LOCK_EX)
        remove_dead(staging)
        if unique:
            slug = _untaken(episodes, slug)
        path = Path(tempfile.mkdtemp(prefix=f"{slug}-", dir=staging))
        held = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return path, held, slug
    finally:
        os.close(guard)


def _untaken(episodes: Path, base: str) -> str:
    """`base`, or `base`-2, -3 ...: the first that is neither published nor being built
    (a live staging folder is <slug>-<mkdtemp's 8 characters>)."""
    building = [p.name for p in (episodes / STAGING).iterdir()]

    def taken(slug: str) -> bool:
        live = re.compile(re.escape(slug) + r"-[a-z0-9_]{8}")
        return (episodes / slug).exists() or any(map(live.fullmatch, building))

    slug, number = base, 1
    while taken(slug):
        number += 1
        slug = f"{base}-{number}"
    return slug


def remove_dead(staging: Path) -> list[str]:
    """Remove the staging folders no living build holds (whatever their age)."""
    removed = []
    for folder in staging.iterdir():
        if folder.name.startswith(".") or folder.is_symlink() or not folder.is_dir():
            continue
        try:
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a build is working in it
        finally:
            os.close(fd)
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder.name)
    return removed


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


@dataclass(frozen=True)
class Swapped:
    """A staged folder now in place: `undo` puts the old one back, `finish` removes it."""

    path: Path  # the staging path
    final_path: Path
    old: Path | None  # where the old episode folder is now
    exchanged: bool

    def undo(self) -> None:
        with contextlib.suppress(OSError):
            if self.exchanged:
                _exchange(self.path, self.final_path)
                return
            os.replace(self.final_path, self.path)
            if self.old is not None:
                os.replace(self.old, self.final_path)

    def finish(self) -> None:
        if self.old is not None and self.old != self.path:
            shutil.rmtree(self.old, ignore_errors=True)


def swap_in(path: Path, final_path: Path) -> Swapped:
    """Put path at final_path: swapped atomically where the kernel can, else with two
    renames (the old folder moved aside first). The old folder is kept until finish()."""
    try:
        sync_folder(path)  # the files are on disk before any published name points at them
    except OSError as exc:
        raise PublishError(
            _("{path}: cannot flush the episode ({strerror})").format(
                path=path, strerror=exc.strerror
            )
        ) from None
    try:
        os.chmod(path, 0o755)
        if final_path.exists() and _exchange(path, final_path):
            fsync_dir(final_path.parent)
            return Swapped(path, final_path, path, True)
        old: Path | None = None
        if final_path.exists():
            old = final_path.with_name(f".{final_path.name}.old-{uuid.uuid4().hex[:8]}")
            os.replace(final_path, old)
        try:
            os.replace(path, final_path)
        except OSError:
            if old is not None:
                os.replace(old, final_path)
            raise
        fsync_dir(final_path.parent)
    except OSError as exc:
        raise PublishError(
            _("{path}: cannot publish the episode ({strerror})").format(
                path=final_path, strerror=exc.strerror
            )
        ) from None
    return Swapped(path, final_path, old, False)
