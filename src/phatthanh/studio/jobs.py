"""Builds started from the studio: each runs `build_episode` in its own thread, like one CLI
build, and records the progress events the CLI draws (model.Progress) for the page to stream.
Cancelling makes the next progress event raise, so the build stops at its next step and its
staging folder is removed as on any failed build."""

from __future__ import annotations

import itertools
import logging
import threading
from dataclasses import dataclass, field
from typing import Literal

from phatthanh.config import Config
from phatthanh.errors import PhatthanhError
from phatthanh.model import Lineup
from phatthanh.pipeline import BuildOptions, BuildResult, build_episode

log = logging.getLogger(__name__)

State = Literal["running", "done", "failed", "cancelled"]


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
    """One build and everything the page shows of it. Mutated only by its own thread."""

    number: int
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

    def start(self, lineup: Lineup, config: Config, options: BuildOptions) -> BuildJob:
        with self._lock:
            job = BuildJob(next(self._numbers))
            self._jobs[job.number] = job
        thread = threading.Thread(
            target=_run, args=(job, lineup, config, options), name=f"studio-build-{job.number}"
        )
        thread.daemon = True
        thread.start()
        return job

    def get(self, number: int) -> BuildJob | None:
        return self._jobs.get(number)

    def all(self) -> list[BuildJob]:
        return sorted(self._jobs.values(), key=lambda j: j.number, reverse=True)


def _run(job: BuildJob, lineup: Lineup, config: Config, options: BuildOptions) -> None:
    try:
        job.result = build_episode(lineup, config, options, job)
        job.state = "done"
    except BuildCancelled:
        job.state = "cancelled"
    except PhatthanhError as exc:
        job.error, job.state = str(exc), "failed"
    except Exception as exc:  # a bug must reach the page, not die silently in a thread
        log.exception("studio build %d failed", job.number)
        job.error, job.state = f"{type(exc).__name__}: {exc}", "failed"
