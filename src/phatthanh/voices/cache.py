"""The clip cache: content-addressed by engine, engine version, voice, settings and spoken
text; one WAV (mono s16) and one JSON of word boundaries per clip; written atomically
(temporary file + rename), so two builds at once never see a half-written clip.

Verified, not trusted: the JSON holds the WAV's byte length and sha256. The length is checked
on every read, the hash the first time one ClipCache (one build) uses the clip. A clip that
fails (truncated, garbled, half deleted) is removed with one log line and the caller
synthesizes it again.

Processes sharing the folder (queue workers) change a clip's files one at a time: put, drop
and a fetch from the bucket hold an advisory lock on the clip's shard folder, and a reader
that finds a clip damaged looks again under that lock before removing it. A complete clip is
never replaced: two workers synthesizing the same text keep the first one's (the offline
voice's samples can differ with what it read before, so the second may not be the same WAV).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import time
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from phatthanh.atomic import atomic_path, open_lock, sha256_of, write_atomic
from phatthanh.i18n import gettext
from phatthanh.model import Clip, WordBoundary
from phatthanh.voices.engine import RawClip

log = logging.getLogger(__name__)
_WAV_HEADER = 44  # bytes before the samples in the WAV files this cache writes


class _Damaged(Exception):
    pass


@dataclass(frozen=True)
class CacheStats:
    clips: int
    bytes: int
    oldest_s: float | None


class ClipCache:
    """Clips shared by all episodes, under one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._hashed: set[str] = set()  # keys whose WAV this instance has hashed

    @staticmethod
    def key(engine: str, version: str, voice: str, settings: str, text: str) -> str:
        blob = json.dumps([engine, version, voice, settings, text], ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def _paths(self, key: str) -> tuple[Path, Path]:
        base = self.folder / key[:2] / key
        return base.with_suffix(".wav"), base.with_suffix(".json")

    def get(self, key: str) -> Clip | None:
        """The cached clip, or None when there is none or it failed its check (then it is
        removed, and said in one log line)."""
        _, meta_path = self._paths(key)
        try:
            text = meta_path.read_text("utf-8")
        except FileNotFoundError:
            # A WAV without its record is not dropped: another process sharing the cache may
            # be between writing the two (put writes the record last); the next put of this
            # clip replaces the WAV.
            return None
        except OSError as exc:
            self._drop(
                key, gettext("its record cannot be read ({strerror})").format(strerror=exc.strerror)
            )
            return None
        try:
            clip = self._check(key, text)
        except _Damaged:
            # Another process may be between writing this clip's WAV and its record: look
            # again once it is done (it holds the lock), and drop only what is still damaged.
            with self._locked(key):
                found = self._current(key, drop=True)
            if found is None:
                return None
            clip = found
        now = time.time()
        with contextlib.suppress(OSError):
            os.utime(meta_path, (now, now))  # last use, for `cache prune`
        return clip

    @contextlib.contextmanager
    def _locked(self, key: str) -> Iterator[None]:
        """Hold the advisory lock of the clip's shard folder (one writer of its files at a
        time, across the processes sharing the cache)."""
        shard = self.folder / key[:2]
        shard.mkdir(parents=True, exist_ok=True)
        fd = open_lock(shard / ".lock")  # never through a symbolic link planted there
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    def _current(self, key: str, *, drop: bool) -> Clip | None:
        """The clip if its record and WAV agree now, else None; with `drop` (under the lock)
        a damaged one is removed."""
        text = _read(self._paths(key)[1])
        if text is None:
            return None
        try:
            return self._check(key, text)
        except _Damaged as exc:
            if drop:
                self._drop(key, str(exc))
            return None

    def _check(self, key: str, text: str) -> Clip:
        wav_path, _ = self._paths(key)
        try:
            meta = json.loads(text)
            if isinstance(meta, dict) and "wav_bytes" not in meta:
                meta = self._upgrade(key, meta)
            size, digest = int(meta["wav_bytes"]), str(meta["wav_sha256"])
            rate, duration = int(meta["sample_rate_hz"]), int(meta["duration_ms"])
            words = tuple(WordBoundary(int(a), int(b), str(c)) for a, b, c in meta["words"])
        except (ValueError, KeyError, TypeError) as exc:
            raise _Damaged(
                gettext("its record is not valid ({error})").format(error=type(exc).__name__)
            ) from None
        try:
            actual = wav_path.stat().st_size
        except OSError:
            raise _Damaged(gettext("its WAV is missing")) from None
        if actual != size:
            raise _Damaged(
                gettext("its WAV is {actual} bytes, its record says {size}").format(
                    actual=actual, size=size
                )
            )
        if rate <= 0 or abs((size - _WAV_HEADER) // 2 * 1000 // rate - duration) > 1:
            raise _Damaged(gettext("its record's length and duration disagree"))
        if key not in self._hashed:
            if sha256_of(wav_path) != digest:
                raise _Damaged(gettext("its WAV's sha256 is not the one recorded"))
            self._hashed.add(key)
        return Clip(wav_path, rate, duration, words)

    def _upgrade(self, key: str, meta: dict[str, Any]) -> dict[str, Any]:
        """A clip cached before lengths and hashes were recorded: kept if its WAV is as long
        as its duration says, and its length and hash recorded from now on."""
        wav_path, meta_path = self._paths(key)
        try:
            size = wav_path.stat().st_size
            expected = int(meta["duration_ms"]) * int(meta["sample_rate_hz"]) // 1000 * 2
        except (OSError, KeyError, TypeError, ValueError):
            return meta  # reported as damaged by the caller
        if abs(size - _WAV_HEADER - expected) > int(meta["sample_rate_hz"]) // 500 + 2:
            return meta
        meta = {**meta, "wav_bytes": size, "wav_sha256": sha256_of(wav_path)}
        write_atomic(meta_path, json.dumps(meta, ensure_ascii=False))
        self._hashed.add(key)
        return meta

    def _drop(self, key: str, reason: str) -> None:
        wav_path, meta_path = self._paths(key)
        log.warning(
            gettext("clip cache: {name}: {reason}; synthesizing it again").format(
                name=wav_path.name, reason=reason
            )
        )
        meta_path.unlink(missing_ok=True)
        wav_path.unlink(missing_ok=True)
        _drop_copies(wav_path)
        self._hashed.discard(key)

    def put(self, key: str, raw: RawClip) -> Clip:
        """Cache `raw` under `key`; if another process cached a sound clip for the key
        meanwhile, that one is kept and returned (a build may already be reading it)."""
        with self._locked(key):
            kept = self._current(key, drop=False)
            return kept if kept is not None else self._write(key, raw)

    def _write(self, key: str, raw: RawClip) -> Clip:
        wav_path, meta_path = self._paths(key)
        wav_path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(wav_path) as tmp_wav:
            with wave.open(str(tmp_wav), "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(2)
                out.setframerate(raw.sample_rate_hz)
                out.writeframes(raw.pcm)
            # measured before the rename, from our own file
            size = tmp_wav.stat().st_size
            digest = sha256_of(tmp_wav)
        meta = {
            "sample_rate_hz": raw.sample_rate_hz,
            "duration_ms": raw.duration_ms,
            "wav_bytes": size,
            "wav_sha256": digest,
            "words": [[w.offset_ms, w.duration_ms, w.text] for w in raw.words],
        }
        # the JSON last: a clip exists once its JSON does
        write_atomic(meta_path, json.dumps(meta, ensure_ascii=False))
        self._hashed.add(key)
        return Clip(wav_path, raw.sample_rate_hz, raw.duration_ms, raw.words)

    def stats(self) -> CacheStats:
        metas = list(self.folder.glob("*/*.json")) if self.folder.is_dir() else []
        size = sum(p.stat().st_size for p in self.folder.glob("*/*") if p.is_file())
        oldest = min((p.stat().st_mtime for p in metas), default=None)
        return CacheStats(len(metas), size, oldest)

    def prune(self, older_than_days: float) -> int:
        """Remove clips not used for `older_than_days`; return how many were removed."""
        limit = time.time() - older_than_days * 86400
        removed = 0
        for meta in list(self.folder.glob("*/*.json")) if self.folder.is_dir() else []:
            if meta.stat().st_mtime < limit:
                meta.unlink(missing_ok=True)
                meta.with_suffix(".wav").unlink(missing_ok=True)
                _drop_copies(meta.with_suffix(".wav"))
                removed += 1
        return removed


def _drop_copies(wav_path: Path) -> None:
    """Remove the copies mastering resampled from this clip (<rate>/<key>.wav beside it) and
    the loudness it noted there (<rate>/<key>.lufs)."""
    for name in (wav_path.name, wav_path.with_suffix(".lufs").name):
        for copy in wav_path.parent.glob(f"*/{name}"):
            copy.unlink(missing_ok=True)


def _read(path: Path) -> str | None:
    try:
        return path.read_text("utf-8")
    except OSError:
        return None
