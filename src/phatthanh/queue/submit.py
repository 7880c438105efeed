"""Putting a job on the broker, once."""

from __future__ import annotations

from typing import Any

from phatthanh.queue import BULLETINS, PROGRAMS, Job, job_key
from phatthanh.queue.state import Board


def submit_job(app: Any, job: Job) -> bool:
    """Queue `job` unless the same station + episode was already submitted; True if queued.
    Bulletins go on the priority queue."""
    key = job_key(job)
    board = Board.at(str(app.conf.broker_url))
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
