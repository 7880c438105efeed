"""One change to the draft at a time, and none made from a stale page.

Every page that edits the draft carries the version (a hash of `.studio/draft.toml`) it was
shown; an edit is applied under a lock (a thread lock for this studio, `.studio/.lock` for
another studio process on the same project) only if the draft is still that version, so
two tabs editing at once cannot silently undo each other: the second is asked to reload.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from phatthanh.atomic import open_lock
from phatthanh.errors import ArticleError
from phatthanh.publish.record import write_bytes_atomic
from phatthanh.studio.draft import FOLDER, Draft, draft_lineup, draft_path, load_draft, save_draft

_LOCK = threading.Lock()


class DraftConflict(ArticleError):
    """The draft changed since the page that sent the edit was shown."""


def draft_version(root: Path) -> str:
    """What the editor saw: a hash of the draft file ("" before there is one)."""
    path = draft_path(root)
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else ""


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    folder = root / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    with _LOCK:
        fd = open_lock(folder / ".lock")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)


def edit_draft(root: Path, version: str | None, change: Callable[[Draft], Draft]) -> Draft:
    """Apply `change` to the draft and save it, then read it back as a lineup so the
    lineup's own checks apply (a refused value keeps the previous draft). `version` None:
    the change does not depend on what the page showed (adding an article)."""
    path = draft_path(root)
    with _locked(root):
        if version is not None and version != draft_version(root):
            raise DraftConflict(
                f"{FOLDER}/{path.name} vừa được sửa ở một thẻ hoặc cửa sổ khác nên thay đổi "
                "này chưa được lưu; tải lại trang (F5) để xem bản mới rồi làm lại"
            )
        before = path.read_bytes() if path.is_file() else None
        draft = change(load_draft(root))
        save_draft(root, draft)
        try:
            if draft.items:
                draft_lineup(root)
        except ArticleError:
            if before is None:
                path.unlink()
            else:
                write_bytes_atomic(path, before)
            raise
        return draft
