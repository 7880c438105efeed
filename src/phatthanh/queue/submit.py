"""Putting a job on the broker, once."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain, zip_longest
from typing import Any

from phatthanh.queue import BULLETINS, PROGRAMS, Job, job_key
from phatthanh.queue.state import Board


def submit_job(app: Any, job: Job, board: Board | None = None) -> bool:
    """Queue `job` unless the same station + episode was already submitted; True if queued.
    Bulletins go on the priority queue. `board`: the broker's, when the caller has it."""
    key = job_key(job)
    board = board or Board.at(str(app.conf.broker_url))
    if board.is_done(key) or not board.claim_submit(key):
        return False
    board.mark(job.station, key, "queued")
    app.send_task(
        "phatthanh.build",
        args=[job.to_json()],
        queue=BULLETINS if job.bulletin else PROGRAMS,
        task_id=key,
    )
    return True


def interleave(jobs: Iterable[Job]) -> list[Job]:
    """The jobs round-robin across stations (each station's in their given order): one
    station's jobs cannot run at once anyway (its lock), so adjacent ones would only make
    idle workers take a job they must put back."""
    by_station: dict[str, list[Job]] = {}
    for job in jobs:
        by_station.setdefault(job.station, []).append(job)
    rounds = zip_longest(*by_station.values())
    return [job for job in chain.from_iterable(rounds) if job is not None]


def submit_jobs(app: Any, jobs: Iterable[Job]) -> int:
    """Queue a batch (`submit_job` each, stations interleaved); returns how many were queued."""
    board = Board.at(str(app.conf.broker_url))  # one connection for the batch
    return sum(submit_job(app, job, board) for job in interleave(jobs))
