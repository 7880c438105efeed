"""Publishing as one transaction: a staged episode, the feed, the manifest and every file they
list move together, under the feeds lock.

1. prepare: every document is made from verified records and written to a temporary file
   in feeds/ (flushed to disk); the media the live documents list, and the ones retired less
   than GRACE_S ago, are linked into the staged folder. Any failure here changes nothing.
2. commit: the staged folder is swapped into episodes/<slug>/, then each document is renamed
   into place. If a rename fails, the documents already renamed get their old bytes back and
   the folders are swapped back.
A process killed between the swap and the renames leaves the old documents live; every file
they list is still there (linked in step 1), and the next run publishes the new episode.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from phatthanh.atomic import fsync_dir, open_lock
from phatthanh.errors import PublishError
from phatthanh.i18n import _
from phatthanh.publish.record import RECORD, load_record, record_from_dict
from phatthanh.publish.staging import Stage, swap_in
from phatthanh.publish.verify import listed_files, load_snapshot, media_of

log = logging.getLogger(__name__)

# Called under the feeds lock just before the swap: raises to refuse the publish (a queue
# worker whose station lock was taken by another worker, phatthanh.queue.run).
Fence = Callable[[], None]
GRACE_S = 7 * 86_400  # a media file no document lists any more is kept this long
RETIRED = ".retired.json"  # in an episode folder: {file name: when it stopped being listed}


@contextmanager
def feeds_lock(feeds: Path) -> Iterator[None]:
    """Hold feeds/.lock: one publication at a time; a dead holder's lock is released."""
    try:
        feeds.mkdir(parents=True, exist_ok=True)
        fd = open_lock(feeds / ".lock")
    except OSError as exc:
        raise PublishError(
            _("{feeds}: cannot write the feeds ({strerror})").format(
                feeds=feeds, strerror=exc.strerror
            )
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        for temp in feeds.glob(".tmp-*"):  # left by a killed holder: only holders make them
            temp.unlink(missing_ok=True)
        yield
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Prepared:
    tmp: Path  # the new content, flushed to disk
    target: Path
    old: bytes | None  # what target held, to put back if the commit fails


def prepare(feeds: Path, files: dict[str, bytes]) -> list[Prepared]:
    """Each document written to a temporary file beside its place and flushed to disk."""
    prepared: list[Prepared] = []
    try:
        for name, data in files.items():
            target = feeds / name
            try:
                old: bytes | None = target.read_bytes()
            except (FileNotFoundError, IsADirectoryError):
                old = None
            fd, tmp = tempfile.mkstemp(dir=feeds, prefix=".tmp-", suffix=Path(name).suffix)
            prepared.append(Prepared(Path(tmp), target, old))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
    except OSError as exc:
        discard(prepared)
        raise PublishError(
            _("{path}: cannot write the feeds ({strerror})").format(
                path=exc.filename or feeds, strerror=exc.strerror
            )
        ) from None
    return prepared


def discard(prepared: list[Prepared]) -> None:
    for item in prepared:
        item.tmp.unlink(missing_ok=True)


def install(prepared: list[Prepared]) -> None:
    """Rename every prepared document into place; on failure put the old ones back."""
    done: list[Prepared] = []
    try:
        for item in prepared:
            os.replace(item.tmp, item.target)
            done.append(item)
    except OSError as exc:
        discard(prepared)
        for item in done:
            _restore(item.target, item.old)
        raise PublishError(
            _("{filename}: cannot publish ({strerror})").format(
                filename=exc.filename, strerror=exc.strerror
            )
        ) from None
    if prepared:
        with contextlib.suppress(OSError):  # the renames are done; flushing them is best effort
            fsync_dir(prepared[0].target.parent)


def _restore(target: Path, data: bytes | None) -> None:
    with contextlib.suppress(OSError):
        if data is None:
            target.unlink(missing_ok=True)
        else:
            tmp = target.with_name(f".tmp-restore-{target.name}")
            tmp.write_bytes(data)
            os.replace(tmp, target)


def commit(stage: Stage, fence: Fence | None = None) -> None:
    """Publish the staged episode and the documents that list it, as one step; `fence`, if
    given, may refuse it at the last moment (nothing is then published)."""
    from phatthanh.publish.documents import make_documents
    from phatthanh.publish.feed import keep_podcast_guid
    from phatthanh.site import write_site

    site = stage.site
    feeds = site.feeds_dir
    with feeds_lock(feeds):
        keep_podcast_guid(site)
        record = load_record(stage.path / RECORD)
        listed = set(listed_files(feeds, site.base_url).get(stage.slug, set()))
        kept = load_snapshot(feeds).get(stage.slug)
        if kept is not None:
            with contextlib.suppress(KeyError, TypeError, ValueError):
                old = record_from_dict(kept)
                listed |= {r.file for r in media_of(old)} | set(old.extra_files)
        _carry(stage, listed)
        documents = make_documents(site, stage.publish, (record, stage.path))
        prepared = prepare(feeds, documents.files)
        try:
            if fence is not None:
                fence()
            swapped = swap_in(stage.path, stage.final_path)
        except Exception:
            discard(prepared)
            raise
        try:
            install(prepared)
        except PublishError:
            swapped.undo()
            raise
        swapped.finish()
        write_site(site, documents.records)  # the section page lists what the feed lists
    for problem in documents.problems:
        log.error(
            _("{problem}; left out of the feeds until that episode is rebuilt").format(
                problem=problem
            )
        )


def _carry(stage: Stage, listed: set[str]) -> None:
    """Link into the staged folder the old files a live document lists (they become
    retired once the new documents are live) and the retired ones still in their grace
    period; record when each stopped being listed."""
    now = time.time()
    final = stage.final_path
    try:
        retired = json.loads((final / RETIRED).read_text("utf-8"))
        retired = {str(k): float(v) for k, v in retired.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        retired = {}
    staged = set(os.listdir(stage.path))
    keep: dict[str, float] = {}
    for name in sorted(listed | set(retired)):
        since = now if name in listed else retired[name]
        if name in staged or now - since >= GRACE_S or "/" in name or name.startswith("."):
            continue
        source = final / name
        if not source.is_file() or source.is_symlink():
            continue
        try:
            os.link(source, stage.path / name)
        except OSError:
            shutil.copy2(source, stage.path / name)
        keep[name] = since
    if keep:
        (stage.path / RETIRED).write_text(json.dumps(keep, sort_keys=True), "utf-8")
