"""A rich progress bar implementing model.Progress, drawn on stderr."""

from __future__ import annotations

import sys
import time
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from phatthanh.i18n import _


class _Remaining(ProgressColumn):
    """The time left, once it can be estimated: rich's own column shows "-:--:--" until two
    steps are timed, which for mastering (a few long, uneven steps) is most of the step."""

    def render(self, task: Task) -> Text:
        left = task.time_remaining
        if task.finished or left is None:
            return Text("")
        minutes, seconds = divmod(int(left), 60)
        left_text = _("ETA {minutes}:{seconds:02d}").format(minutes=minutes, seconds=seconds)
        return Text(left_text, style="progress.remaining")


class RichProgress:
    """Progress of long stages (synthesis, mastering): a bar on a terminal, a line otherwise.
    The spinner and the elapsed time show a long step is alive while its count cannot move."""

    def __init__(self) -> None:
        self._console = Console(stderr=True)
        self._live = sys.stderr.isatty()
        self._bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            _Remaining(),
            console=self._console,
            disable=not self._live,
            transient=False,
        )
        self._task: TaskID | None = None
        self._name = ""
        self._total = 0
        self._done = 0
        self._detail = ""
        self._started = 0.0

    def __enter__(self) -> RichProgress:
        self._bar.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.finish()
        self._bar.stop()

    def start(self, task: str, total: int) -> None:
        self.finish()
        self._name, self._total, self._done, self._detail = task, total, 0, ""
        self._started = time.monotonic()
        self._task = self._bar.add_task(task, total=total, detail="")

    def advance(self, n: int = 1, detail: str = "") -> None:
        self._done += n
        if detail:
            self._detail = detail
        if self._task is not None:
            self._bar.update(self._task, advance=n, detail=self._detail)

    def finish(self) -> None:
        if self._task is None:
            return
        if not self._live:
            elapsed = time.monotonic() - self._started
            detail = f" ({self._detail})" if self._detail else ""
            line = _("{task}: {done}/{total} in {seconds:.1f} s{detail}").format(
                task=self._name, done=self._done, total=self._total, seconds=elapsed, detail=detail
            )
            self._console.print(line, highlight=False)
        self._task = None
