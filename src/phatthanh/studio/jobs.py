"""Builds started from the studio: each runs `build_episode` (or `build_bulletin`) in its own
thread, like one CLI build, and records the progress events the CLI draws (model.Progress)
for the page to stream. Cancelling makes the next progress event raise, so the build stops
at its next step and its staging folder is removed as on any failed build."""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from phatthanh.errors import PhatthanhError
from phatthanh.model import Progress
from phatthanh.pipeline import BuildResult

log = logging.getLogger(__name__)

State = Literal["running", "done", "published", "failed", "cancelled", "discarded"]
Work = Callable[[Progress], BuildResult]  # build_episode or build_bulletin, given a Progress


class BuildCancelled(PhatthanhError):
    """The editor cancelled the build."""


@dataclass(frozen=True)
class Event:
    """One progress step: `task` is the stage's own description (the CLI's bar label)."""

    task: str
    done: int
    total: int
    detail: str = ""


@dataclass
class BuildJob:
    """One build and everything the page shows of it. Mutated by its own thread until it
    ends; then only its state moves on (published or discarded, from a page)."""

    number: int
    replace: bool = False  # publishing it may replace an episode published for its slot
    label: str = "Lần dựng"  # the page's heading, before the number
    events: list[Event] = field(default_factory=list)
    state: State = "running"
    error: str = ""
    result: BuildResult | None = None
    cancel: threading.Event = field(default_factory=threading.Event)

    # model.Progress
    def start(self, task: str, total: int) -> None:
        self._check()
        self.events.append(Event(task, 0, total))

    def advance(self, n: int = 1, detail: str = "") -> None:
        self._check()
        last = self.events[-1] if self.events else Event("", 0, 0)
        self.events.append(Event(last.task, last.done + n, last.total, detail or last.detail))

    def finish(self) -> None:
        self._check()

    def _check(self) -> None:
        if self.cancel.is_set():
            raise BuildCancelled(f"build {self.number} was cancelled")


class Builds:
    """The studio's builds by number; several may run at once."""

    def __init__(self) -> None:
        self._jobs: dict[int, BuildJob] = {}
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    def start(self, work: Work, replace: bool = False, label: str = "Lần dựng") -> BuildJob:
        with self._lock:
            job = BuildJob(next(self._numbers), replace, label)
            self._jobs[job.number] = job
        thread = threading.Thread(target=_run, args=(job, work), name=f"studio-build-{job.number}")
        thread.daemon = True
        thread.start()
        return job

    def get(self, number: int) -> BuildJob | None:
        return self._jobs.get(number)

    def published(self, folder: Path) -> None:
        """The unpublished build in `folder` was published (from whichever page)."""
        self._moved(folder, "published")

    def discarded(self, folder: Path) -> None:
        self._moved(folder, "discarded")

    def _moved(self, folder: Path, state: State) -> None:
        for job in self.all():
            if job.result is not None and job.result.episode_dir == folder:
                job.state = state

    def all(self) -> list[BuildJob]:
        return sorted(self._jobs.values(), key=lambda j: j.number, reverse=True)


def _run(job: BuildJob, work: Work) -> None:
    try:
        job.result = work(job)
        job.state = "published" if job.result.published else "done"
    except BuildCancelled:
        job.state = "cancelled"
    except PhatthanhError as exc:
        job.error, job.state = str(exc), "failed"
    except Exception as exc:  # a bug must reach the page, not die silently in a thread
        log.exception("studio build %d failed", job.number)
        job.error, job.state = f"{type(exc).__name__}: {exc}", "failed"
