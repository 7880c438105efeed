"""Atomic, durable file replacement: the one way phatthanh writes a file others may read.

A reader (a podcast app, a loudspeaker station, the next build) sees the old file or the
new one, never a part; and after a power cut the name points at complete bytes, never at
an empty file. The steps are the ones POSIX needs for that: write a temporary file in the
same folder, fsync it, rename it over the target, fsync the folder so the rename itself is
on disk (rename(2) is atomic but not durable until its directory is synced).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from phatthanh.errors import PublishError
from phatthanh.i18n import _

__all__ = [
    "atomic_path", "fsync_dir", "open_lock", "sha256_of", "sync_folder", "write_atomic",
]  # fmt: skip
log = logging.getLogger(__name__)


def sha256_of(path: Path) -> str:
    """The file's sha256, read in 1 MiB blocks (what feeds, manifests and caches announce)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (renames, new names) to disk."""
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_folder(folder: Path) -> None:
    """Flush every file of a folder (written by tools: ffmpeg, the tagger) and the folder
    itself, before the folder is renamed into place."""
    for path in folder.iterdir():
        if path.is_file() and not path.is_symlink():
            _fsync_file(path)
    fsync_dir(folder)


@contextlib.contextmanager
def atomic_path(target: Path, mode: int = 0o644) -> Iterator[Path]:
    """Yield a temporary path beside `target` for the caller (or a tool) to write; on a clean
    exit it is fsynced, given `mode`, renamed over `target` and the folder is fsynced. On an
    exception the temporary file is removed and `target` is left as it was."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        _fsync_file(tmp)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)


def write_atomic(target: Path, data: bytes | str, mode: int = 0o644) -> None:
    """Replace `target` with `data` (str is written as UTF-8), atomically and durably."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(target, mode) as tmp:
        tmp.write_bytes(payload)


def open_lock(path: Path) -> int:
    """Open (creating) the lock file `path`, never following a symbolic link planted there:
    a link is replaced by a plain file, with a warning."""
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    for _attempt in range(3):
        try:
            fd = os.open(path, flags, 0o644)
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise
            log.warning(
                _("{path}: was a symbolic link; replaced by a plain lock file").format(path=path)
            )
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            continue
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise PublishError(_("{path}: is not a plain file; remove it").format(path=path))
        return fd
    raise PublishError(
        _("{path}: keeps being replaced by a symbolic link; check who writes it").format(path=path)
    )
