"""The build job as a Celery task, and what each worker process sets up."""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from celery.signals import worker_init, worker_process_init

from phatthanh.queue import Job, lock_ttl_s
from phatthanh.queue.app import app
from phatthanh.queue.run import BUSY, LOST, run_job
from phatthanh.queue.state import Board

log = logging.getLogger(__name__)
# A dead holder's lock frees after this many seconds; a live holder renews it.
LOCK_TTL_S = lock_ttl_s()
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


@worker_init.connect  # type: ignore[untyped-decorator]
def _warm_up(**_: Any) -> None:
    """Load once, before the worker takes jobs, what every build needs: the pipeline's
    modules and the typing-repair word list (about 1.6 CPU-s). A daemon's first job
    would otherwise pay it; prefork pool processes inherit it from this parent process."""
    started = time.process_time()
    import phatthanh.pipeline
    import phatthanh.storage.station  # noqa: F401
    from phatthanh.clean.repair.wordlist import load_wordlist

    load_wordlist()
    log.info("warmed up in %.1f CPU-s", time.process_time() - started)


@app.task(bind=True, name="phatthanh.build", max_retries=None, acks_late=True)  # type: ignore[untyped-decorator]
def build(self: Any, payload: str) -> str:
    """Build one episode once (phatthanh.queue.run); a job whose station or itself is held
    elsewhere, or whose publish was fenced off, comes back after RETRY_S."""
    outcome = run_job(board(), Job.from_json(payload), LOCK_TTL_S)
    if outcome in (BUSY, LOST):
        raise self.retry(countdown=RETRY_S)
    return outcome
