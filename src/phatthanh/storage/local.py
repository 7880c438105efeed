"""The local folder backend: today's behaviour, objects are files under a root folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from phatthanh.atomic import atomic_path
from phatthanh.errors import PublishError
from phatthanh.i18n import gettext
from phatthanh.storage import ObjectInfo, content_type, digests


class LocalStorage:
    """Objects as files under `root`; headers are those a web server derives from the name
    (phatthanh serve), so only the checksum is computed."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def describe(self) -> str:
        return str(self.root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise PublishError(
                gettext("{key}: not a key inside {root}").format(key=key, root=self.root)
            )
        return path

    def head(self, key: str) -> ObjectInfo | None:
        path = self._path(key)
        if not path.is_file():
            return None
        size, sha, _ = digests(path)
        return ObjectInfo(key, size, sha, content_type(key), "")

    def put(self, key: str, source: Path, cache_control: str) -> ObjectInfo:
        size, sha, _ = digests(source)
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.resolve() != source.resolve():
                with atomic_path(path) as tmp:
                    shutil.copyfile(source, tmp)
        except OSError as exc:
            raise PublishError(
                gettext("{path}: cannot write ({strerror})").format(
                    path=path, strerror=exc.strerror
                )
            ) from None
        info = self.head(key)
        if info is None or (info.size, info.sha256) != (size, sha):
            raise PublishError(
                gettext("{path}: written bytes differ from {source}; check the disk").format(
                    path=path, source=source
                )
            )
        return info

    def get(self, key: str, first: int | None = None, last: int | None = None) -> bytes:
        path = self._path(key)
        try:
            with path.open("rb") as f:
                start = first or 0
                f.seek(start)
                return f.read() if last is None else f.read(last - start + 1)
        except OSError as exc:
            raise PublishError(
                gettext("{path}: cannot read ({strerror})").format(path=path, strerror=exc.strerror)
            ) from None
