"""Episodes built but not yet published (`build-episode --no-publish`, the studio's build).

A finished staging folder is moved to `episodes/.unpublished/<slug>-<random>/` instead of
being committed: no feed, manifest or section page lists it, and `phatthanh serve` refuses
hidden folders, so listeners and stations cannot see it. `publish_built` later publishes it
with the same transaction a build uses (publish/commit.py); `discard_built` throws it away.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from phatthanh.atomic import fsync_dir
from phatthanh.errors import PublishError
from phatthanh.i18n import _
from phatthanh.model import EpisodeRecord
from phatthanh.publish.record import RECORD, load_record
from phatthanh.publish.staging import Stage

if TYPE_CHECKING:
    from phatthanh.settings import PublishSettings, Site

UNPUBLISHED = ".unpublished"


@dataclass(frozen=True)
class Built:
    folder: Path  # episodes/.unpublished/<name>/
    record: EpisodeRecord


def unpublished_dir(site: Site) -> Path:
    return site.episodes_dir / UNPUBLISHED


def keep_unpublished(stage: Stage) -> Path:
    """Move a finished staging folder aside, unpublished; its new place."""
    target = unpublished_dir(stage.site) / stage.path.name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(stage.path, 0o755)
        os.replace(stage.path, target)
        fsync_dir(target.parent)
    except OSError as exc:
        raise PublishError(
            _("{target}: cannot keep the built episode ({strerror})").format(
                target=target, strerror=exc.strerror
            )
        ) from None
    return target


def find_built(site: Site, name: str) -> Path:
    """The unpublished build called `name` (a folder name, as listed), or a PublishError."""
    folder = unpublished_dir(site) / name
    if "/" in name or name.startswith(".") or not (folder / RECORD).is_file():
        raise PublishError(
            _(
                "{folder}: no unpublished build by that name (already published or discarded?)"
            ).format(folder=folder)
        )
    return folder


def list_built(site: Site) -> list[Built]:
    """Every unpublished build, newest first; a damaged one is left out."""
    folder = unpublished_dir(site)
    found = []
    for path in folder.glob(f"*/{RECORD}") if folder.is_dir() else ():
        try:
            found.append(Built(path.parent, load_record(path)))
        except PublishError:
            continue
    return sorted(found, key=lambda b: b.folder.stat().st_mtime, reverse=True)


@contextmanager
def _claimed(folder: Path) -> Iterator[None]:
    """Only one publisher or discarder of a build at a time (two clicks, two tabs)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        raise PublishError(_("{folder}: no such unpublished build").format(folder=folder)) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublishError(
                _("{folder}: is being published or discarded already").format(folder=folder)
            ) from None
        if not (folder / RECORD).is_file():  # published by whoever held it before us
            raise PublishError(_("{folder}: already published or discarded").format(folder=folder))
        yield
    finally:
        os.close(fd)


def publish_built(
    folder: Path, site: Site, publish: PublishSettings, replace: bool = False
) -> EpisodeRecord:
    """Publish an unpublished build: the episode, the feeds, the manifest and the section
    page in one transaction, as at the end of `build-episode`."""
    from phatthanh.publish.commit import commit

    with _claimed(folder):
        record = load_record(folder / RECORD)
        final = site.episodes_dir / record.slug
        if not replace and (final / RECORD).is_file():
            raise PublishError(
                _(
                    "{final}: '{title}' is already published for this slot; publish with "
                    "--replace to put this build in its place"
                ).format(final=final, title=record.title)
            )
        commit(Stage(folder, final, record.slug, record.guid, site, publish))
        if folder.is_dir():  # what is left here now is the episode it replaced
            (folder / RECORD).unlink(missing_ok=True)
            shutil.rmtree(folder, ignore_errors=True)
    return record


def discard_built(folder: Path) -> None:
    with _claimed(folder):
        (folder / RECORD).unlink()  # no longer a build, even if the removal stops halfway
        shutil.rmtree(folder, ignore_errors=True)
