"""The clip cache: content-addressed by engine, engine version, voice, settings and spoken
text; one WAV (mono s16) and one JSON of word boundaries per clip; written atomically
(temporary file + rename), so two builds at once never see a half-written clip.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import wave
from dataclasses import dataclass
from pathlib import Path

from phatthanh.atomic import atomic_path, write_atomic
from phatthanh.model import Clip, WordBoundary
from phatthanh.voices.engine import RawClip


@dataclass(frozen=True)
class CacheStats:
    clips: int
    bytes: int
    oldest_s: float | None


class ClipCache:
    """Clips shared by all episodes, under one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @staticmethod
    def key(engine: str, version: str, voice: str, settings: str, text: str) -> str:
        blob = json.dumps([engine, version, voice, settings, text], ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def _paths(self, key: str) -> tuple[Path, Path]:
        base = self.folder / key[:2] / key
        return base.with_suffix(".wav"), base.with_suffix(".json")

    def get(self, key: str) -> Clip | None:
        wav_path, meta_path = self._paths(key)
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not wav_path.is_file():
            return None
        now = time.time()
        os.utime(meta_path, (now, now))  # last use, for `cache prune`
        words = tuple(WordBoundary(*w) for w in meta.get("words", []))
        return Clip(wav_path, int(meta["sample_rate_hz"]), int(meta["duration_ms"]), words)

    def put(self, key: str, raw: RawClip) -> Clip:
        wav_path, meta_path = self._paths(key)
        wav_path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(wav_path) as tmp_wav, wave.open(str(tmp_wav), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(raw.sample_rate_hz)
            out.writeframes(raw.pcm)
        meta = {
            "sample_rate_hz": raw.sample_rate_hz,
            "duration_ms": raw.duration_ms,
            "words": [[w.offset_ms, w.duration_ms, w.text] for w in raw.words],
        }
        # the JSON last: a clip exists once its JSON does
        write_atomic(meta_path, json.dumps(meta, ensure_ascii=False))
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
                removed += 1
        return removed
