"""The Celery application: broker, queues and the delivery rules the promises rest on."""

from __future__ import annotations

import os

from celery import Celery
from kombu.entity import Queue

from phatthanh.queue import BROKER_ENV, BULLETINS, PROGRAMS

# An unacknowledged job (its worker died) is given to another worker after this long; a
# redelivery of a job still running elsewhere finds its lock held and waits its turn.
VISIBILITY_ENV = "PHATTHANH_VISIBILITY_S"


def make_app(broker: str | None = None) -> Celery:
    visibility = float(os.environ.get(VISIBILITY_ENV, "3600"))
    url = broker or os.environ.get(BROKER_ENV) or "redis://127.0.0.1:6379/0"
    app = Celery("phatthanh", broker=url, backend=None, include=["phatthanh.queue.tasks"])
    app.conf.update(
        task_acks_late=True,  # acknowledged after the build: a killed worker's job comes back
        task_reject_on_worker_lost=True,  # a lost pool process requeues its job at once
        worker_prefetch_multiplier=1,  # a worker holds no job it is not running
        task_queues=(Queue(BULLETINS), Queue(PROGRAMS)),  # type: ignore[no-untyped-call]
        task_default_queue=PROGRAMS,
        broker_transport_options={
            "visibility_timeout": visibility,
            # Sweep for abandoned jobs every few seconds (one cheap Redis scan each).
            "unacked_restore_interval": max(1, min(10, int(visibility / 2))),
            "unacked_restore_throttle": 1,
            "queue_order_strategy": "priority",  # BRPOP bulletins before programs
        },
        broker_connection_retry_on_startup=True,
        task_serializer="json",
        accept_content=["json"],
        worker_hijack_root_logger=False,
    )
    return app


app = make_app()
