"""One job as a worker runs it: its locks, the fence at the commit point, its state marks.

The job's lock and its station's lock are renewed by a heartbeat while the build runs; a
heartbeat starved longer than the lock's lifetime lets the lock expire, and another worker
may then take it and build the same job (or another program of the station). So the
publish itself is fenced: at the commit point, under the feeds lock and just before the
episode is swapped into place, one atomic step in Redis checks that both locks still carry
this worker's tokens and marks the job done (Board.fence). A worker that fails the check
discards its build: nothing of it is published and the job is not counted again.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from contextlib import suppress
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import redis

from phatthanh.errors import PhatthanhError
from phatthanh.queue import Job, job_key
from phatthanh.queue.state import Board

if TYPE_CHECKING:
    from phatthanh.config import Config
    from phatthanh.publish.commit import Fence

log = logging.getLogger(__name__)

BUILT, DUPLICATE, BUSY, LOST, FAILED = "built", "duplicate", "busy", "lost", "failed"
_WHY = {
    "done": "another worker already published this job",
    "lost": "another worker holds its lock (ours expired while its renewal was starved)",
}


class LockLost(PhatthanhError):
    """The fence refused the publish: the build is discarded."""

    def __init__(self, verdict: str) -> None:
        super().__init__(_WHY.get(verdict, verdict))
        self.verdict = verdict


def run_job(shared: Board, job: Job, ttl_s: float) -> str:
    """Build `job` once: BUILT, DUPLICATE (done elsewhere), BUSY (the job or its station is
    held elsewhere: try again later), LOST (the fence refused the publish: try again later)
    or FAILED (the job's own error, logged; the job may be submitted again)."""
    key = job_key(job)
    if shared.is_done(key) and not shared.interrupted(key):
        return DUPLICATE
    with shared.hold(f"job:{key}", ttl_s) as job_lock:
        if job_lock is None:
            return BUSY
        if shared.interrupted(key):  # its worker died mid-publish: build and publish again
            shared.unfence(key)
        if shared.is_done(key):
            return DUPLICATE
        with shared.hold(f"station:{job.station}", ttl_s) as station_lock:
            if station_lock is None:
                return BUSY
            shared.mark(job.station, key, "running")
            # A job started before and killed may have published already: it replaces
            # its own episode rather than refusing the slot.
            again = not shared.client.set(f"phatthanh:started:{key}", "1", nx=True)
            fenced: list[bool] = []

            def fence() -> None:
                fenced.append(True)  # called: it may pass even if its reply is lost
                verdict = shared.fence(key, [job_lock, station_lock], ttl_s)
                if verdict != "ok":
                    raise LockLost(verdict)

            try:
                run_build(dataclasses.replace(job, replace=job.replace or again), fence)
            except LockLost as exc:
                log.warning("%s: build discarded, nothing published: %s", key, exc)
                shared.mark(job.station, key, "queued" if exc.verdict == "lost" else "done")
                return LOST if exc.verdict == "lost" else DUPLICATE
            except Exception as exc:
                if fenced:  # a done mark of ours is taken back: the publish did not complete
                    with suppress(redis.RedisError):  # else: left as a publish in flight
                        shared.unfence(key, owner=job_lock.local.token)
                reason = (str(exc).splitlines() or [type(exc).__name__])[0]
                when = f"{job.air_date} {job.slot}" if job.slot else job.air_date
                shared.mark(job.station, key, "failed", f"{job.title} ({when}): {reason}")
                if isinstance(exc, PhatthanhError):
                    log.error("%s: %s", key, exc)
                    return FAILED
                raise
            shared.finish(job.station, key)
    return BUILT


def run_build(job: Job, fence: Fence | None = None) -> None:
    """The single-machine build of this job (its publish fenced), then the publish to the
    station's bucket ([storage] backend "s3", or the worker's PHATTHANH_S3_* variables)."""
    from phatthanh.articles import expand_sources
    from phatthanh.pipeline import BuildOptions, build_episode
    from phatthanh.storage.station import publish_station

    config = _config(job)
    lineup = expand_sources(list(job.articles), config.articles)
    options = BuildOptions(
        title=job.title,
        air_date=date.fromisoformat(job.air_date),
        slot=job.slot,
        replace=job.replace,
        fence=fence,
    )
    build_episode(lineup, config, options)
    if publish_station(config) is not None:
        return
    bucket = os.environ.get("PHATTHANH_S3_BUCKET")
    if bucket:
        from phatthanh.storage.mirror import mirror_station
        from phatthanh.storage.s3 import S3Location, S3Storage

        prefix = os.environ.get("PHATTHANH_S3_PREFIX", f"{job.station}/")
        where = S3Location(os.environ.get("PHATTHANH_S3_ENDPOINT"), bucket, prefix)
        mirror_station(config.root, config.site.base_url, S3Storage(where))


def _config(job: Job) -> Config:
    """The station's config as the registry gives it (storage, shared clip cache)."""
    from phatthanh.config import load_config
    from phatthanh.queue.registry import load_registry

    if job.registry:
        return load_registry(Path(job.registry)).config(job.station)
    config = load_config(Path(job.config))  # a job queued before jobs named their registry
    if job.clip_cache:
        voices = dataclasses.replace(config.voices, cache_dir=job.clip_cache)
        config = dataclasses.replace(config, voices=voices)
    return config
