"""Province scale: builds as jobs on a Celery queue with a Redis-protocol broker.

`phatthanh submit` puts a `Job` on the broker; `phatthanh worker` processes run them on any
machine pointed at the same broker. A job is keyed by station + episode identity (date, slot,
title): a duplicate submit is refused, a redelivered job that already finished is skipped.
Jobs are acknowledged late, so a worker killed mid-build leaves its job to another worker,
and the staging folder leaves no half-published episode. One station's builds and feed
updates run one at a time across all workers (a lock held in Redis), and the publish is
fenced: it happens only if this worker still holds its locks (queue/run.py). Online voice
calls share a token bucket in Redis. Bulletins go on their own queue, consumed before programs.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass

__all__ = ["BROKER_ENV", "BULLETINS", "PROGRAMS", "Job", "job_key", "lock_ttl_s"]

BULLETINS = "phatthanh.bulletins"  # emergency bulletins: always taken first
PROGRAMS = "phatthanh.programs"  # daily programs
BROKER_ENV = "PHATTHANH_BROKER"  # e.g. redis://queue.province.vn:6379/0


def lock_ttl_s() -> float:
    """How long a job's or a station's lock in the broker lives without its holder renewing
    it (PHATTHANH_LOCK_TTL_S, 120 s): the workers' and a hand-run build's."""
    return float(os.environ.get("PHATTHANH_LOCK_TTL_S", "120"))


@dataclass(frozen=True)
class Job:
    """One episode to build for one station."""

    station: str  # the registry name
    config: str  # the station's phatthanh.toml, as the workers see it
    articles: tuple[str, ...]
    title: str
    air_date: str  # YYYY-MM-DD
    slot: str | None = None  # HH:MM
    bulletin: bool = False
    replace: bool = False
    clip_cache: str | None = None  # the registry's shared clip cache, if any
    registry: str | None = None  # the registry file: the station's config is read through it

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Job:
        data = json.loads(text)
        data["articles"] = tuple(data["articles"])
        return cls(**data)


def job_key(job: Job) -> str:
    """The job's identity: station + air date + slot + title (what names the episode)."""
    ident = f"{job.station}\n{job.air_date}\n{job.slot or ''}\n{job.title}"
    return f"{job.station}:{hashlib.sha256(ident.encode('utf-8')).hexdigest()[:16]}"
