"""The build job as a Celery task, and what each worker process sets up."""

from __future__ import annotations

import dataclasses
import logging
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from celery.signals import worker_init, worker_process_init

from phatthanh.errors import PhatthanhError
from phatthanh.queue import Job, job_key
from phatthanh.queue.app import app
from phatthanh.queue.state import Board

if TYPE_CHECKING:
    from phatthanh.config import Config

log = logging.getLogger(__name__)
# A dead holder's lock frees after this many seconds; a live holder renews it.
LOCK_TTL_S = float(os.environ.get("PHATTHANH_LOCK_TTL_S", "120"))
RETRY_S = 2  # a job whose station (or itself) is busy elsewhere comes back after this
VOICE_RATE_ENV = "PHATTHANH_VOICE_RATE"  # online voice calls per second, all workers together
VOICE_BURST_ENV = "PHATTHANH_VOICE_BURST"  # calls the bucket saves up while idle


def board() -> Board:
    return Board.at(str(app.conf.broker_url))


# Prefork children run worker_process_init; a solo pool builds in the main process, which
# only runs worker_init.
@worker_init.connect  # type: ignore[untyped-decorator]
@worker_process_init.connect  # type: ignore[untyped-decorator]
def _limit_online_voices(**_: Any) -> None:
    from phatthanh.voices import throttle

    rate = float(os.environ.get(VOICE_RATE_ENV, "2"))
    burst = int(os.environ.get(VOICE_BURST_ENV, "4"))
    shared = board()
    throttle.install(lambda engine: shared.take_token(engine, rate, burst=burst))


@app.task(bind=True, name="phatthanh.build", max_retries=None, acks_late=True)  # type: ignore[untyped-decorator]
def build(self: Any, payload: str) -> str:
    """Build one episode once: skip a job already done, wait while the same job or another
    job of its station runs elsewhere, mark it running/done/failed."""
    job = Job.from_json(payload)
    key = job_key(job)
    shared = board()
    if shared.is_done(key):
        return "duplicate"
    with shared.hold(f"job:{key}", LOCK_TTL_S) as mine:
        if not mine:
            raise self.retry(countdown=RETRY_S)
        if shared.is_done(key):
            return "duplicate"
        with shared.hold(f"station:{job.station}", LOCK_TTL_S) as station_free:
            if not station_free:
                raise self.retry(countdown=RETRY_S)
            shared.mark(job.station, key, "running")
            # A job started before and killed may have published already: it replaces
            # its own episode rather than refusing the slot.
            again = not shared.client.set(f"phatthanh:started:{key}", "1", nx=True)
            try:
                run_build(dataclasses.replace(job, replace=job.replace or again))
            except PhatthanhError as exc:
                log.error("%s: %s", key, exc)
                shared.mark(job.station, key, "failed")
                return f"failed: {exc}"
            except Exception:
                shared.mark(job.station, key, "failed")
                raise
            count = shared.finish(job.station, key)
    return "built" if count == 1 else f"built again ({count})"


def run_build(job: Job) -> None:
    """The single-machine build of this job, then the publish to the station's bucket
    ([storage] backend "s3", or the worker's PHATTHANH_S3_* variables)."""
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
