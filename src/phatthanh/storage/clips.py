"""The clip cache shared in a bucket: every station and every machine finds a clip any of
them synthesized (same engine, voice, settings and text = same key, so the same object).

The local clip cache ([voices] cache_dir) stays the read-through copy: a clip is read from
it, else fetched from the bucket into it (WAV first, record last, as ClipCache writes) and
checked there like any local clip (length and sha256 against its record); a new clip is
written locally, then uploaded (WAV first, record last: a clip exists in the bucket once its
record does). The bucket is a cache: when it cannot be reached, the build goes on with the
local copy and synthesis, after one warning.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from phatthanh.atomic import write_atomic
from phatthanh.errors import PhatthanhError
from phatthanh.model import Clip
from phatthanh.storage import LONG_CACHE, Storage
from phatthanh.voices.cache import ClipCache
from phatthanh.voices.engine import RawClip

if TYPE_CHECKING:
    from phatthanh.config import Config

log = logging.getLogger(__name__)


class SharedClipCache(ClipCache):
    """A ClipCache in `folder` reading through to, and writing back to, `store`."""

    def __init__(self, folder: Path, store: Storage) -> None:
        super().__init__(folder)
        self.store = store
        self.fetched = 0  # clips this instance copied from the bucket
        self._broken = False  # the bucket failed once: local only from then on

    @staticmethod
    def _keys(key: str) -> tuple[str, str]:
        return f"{key[:2]}/{key}.wav", f"{key[:2]}/{key}.json"

    def get(self, key: str) -> Clip | None:
        clip = super().get(key)
        if clip is not None or self._broken:
            return clip
        wav_key, meta_key = self._keys(key)
        wav_path, meta_path = self._paths(key)
        try:
            if self.store.head(meta_key) is None:
                return None
            record = self.store.get(meta_key)
            wav = self.store.get(wav_key)
        except PhatthanhError as exc:
            self._give_up(exc)
            return None
        with self._locked(key):  # not over a clip another process completed meanwhile
            if self._current(key, drop=False) is None:
                wav_path.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(wav_path, wav)
                write_atomic(meta_path, record)
        clip = super().get(key)  # checked like any local clip; a bad copy is dropped
        if clip is not None:
            self.fetched += 1
        return clip

    def put(self, key: str, raw: RawClip) -> Clip:
        clip = super().put(key, raw)
        if not self._broken:
            wav_key, meta_key = self._keys(key)
            wav_path, meta_path = self._paths(key)
            try:
                self.store.put(wav_key, wav_path, LONG_CACHE)
                self.store.put(meta_key, meta_path, LONG_CACHE)
            except PhatthanhError as exc:
                self._give_up(exc)
        return clip

    def _give_up(self, exc: PhatthanhError) -> None:
        log.warning("shared clip cache: %s; using the local copy only for this build", exc)
        self._broken = True


def open_clip_cache(config: Config) -> ClipCache:
    """The station's clip cache: the local folder, shared through the bucket when
    [storage] clip_cache is "s3"."""
    folder = config.resolve(config.voices.cache_dir)
    if config.storage.clip_cache != "s3":
        return ClipCache(folder)
    from phatthanh.storage.station import s3_storage

    return SharedClipCache(folder, s3_storage(config.storage, config.storage.clip_prefix))
