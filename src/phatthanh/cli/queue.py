"""`phatthanh worker`, `phatthanh submit` and `phatthanh queue status`: the province's job
queue (Celery on a Redis-protocol broker; needs the `scale` extra)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from phatthanh.cli.scale import need_scale
from phatthanh.errors import ConfigError
from phatthanh.i18n import N_, _, _l

# `queue status` column heads, by job state (phatthanh.queue.state.STATES)
STATE_HEADS = {"queued": N_("queued"), "running": N_("running"), "done": N_("done"),
               "failed": N_("failed")}  # fmt: skip

BROKER_HELP = _l("Broker URL, e.g. redis://127.0.0.1:6379/0. [default: $PHATTHANH_BROKER]")


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    for command in (worker, submit, queue):
        group.add_command(command)


def _app(broker: str | None, export: bool = False) -> Any:
    """The queue's Celery app on `broker`. `export` (the worker, a process of its own) also
    puts it in the environment for what the worker starts; submit and status leave the
    environment alone (a command run in-process must not change it for what follows)."""
    need_scale("celery")
    from phatthanh.queue import BROKER_ENV

    if broker and export:
        os.environ[BROKER_ENV] = broker
    from phatthanh.queue.app import app

    if broker:
        app.conf.broker_url = broker
    if not app.conf.broker_url or not str(app.conf.broker_url).startswith(("redis", "valkey")):
        raise ConfigError(_("no broker: give --broker redis://HOST:6379/0 or set PHATTHANH_BROKER"))
    return app


@click.command(
    help=_l("Run builds from the queue until stopped; bulletins are always taken first.")
)
@click.option("--broker", envvar="PHATTHANH_BROKER", help=BROKER_HELP)
@click.option(
    "--concurrency", "-c", default=1, type=click.IntRange(1, 64), help=_l("Builds at once.")
)
@click.option("--name", help=_l("Worker name. [default: phatthanh-<pid>@<host>]"))
def worker(broker: str | None, concurrency: int, name: str | None) -> None:
    app = _app(broker, export=True)
    from phatthanh.queue import BULLETINS, PROGRAMS

    app.worker_main([
        "worker", "--loglevel", "INFO", "-Q", f"{BULLETINS},{PROGRAMS}",
        "--pool", "solo" if concurrency == 1 else "prefork", "-c", str(concurrency),
        "-n", name or f"phatthanh-{os.getpid()}@%h", "--without-gossip", "--without-mingle",
    ])  # fmt: skip


@click.command(
    help=_l(
        "Queue a build (ARTICLES for --station), or every job of a --plan file "
        "(station, articles, title, date, slot, bulletin keys); a job already "
        "submitted is not queued again."
    )
)
@click.argument("articles", nargs=-1)
@click.option("--registry", type=click.Path(path_type=Path), default="stations.toml",
              help=_l("The province's station registry."))  # fmt: skip
@click.option("--station", help=_l("Registry name of the station."))
@click.option("--title", help=_l("Program title."))
@click.option("--date", "air_date", help=_l("Air date YYYY-MM-DD."))
@click.option("--slot", help=_l("Air slot HH:MM."))
@click.option("--bulletin", is_flag=True, help=_l("An emergency bulletin: the priority queue."))
@click.option("--plan", type=click.Path(path_type=Path), help=_l("A TOML plan of [[jobs]]."))
@click.option("--broker", envvar="PHATTHANH_BROKER", help=BROKER_HELP)
def submit(
    articles: tuple[str, ...],
    registry: Path,
    station: str | None,
    title: str | None,
    air_date: str | None,
    slot: str | None,
    bulletin: bool,
    plan: Path | None,
    broker: str | None,
) -> None:
    from phatthanh.queue.plan import check_job, read_plan
    from phatthanh.queue.registry import load_registry

    reg = load_registry(registry)
    entries: list[tuple[Any, str | None]]
    if plan:
        base = plan.parent
        entries = [(entry, f"{plan}: jobs[{i}]") for i, entry in enumerate(read_plan(plan))]
    else:
        base = Path.cwd()
        entry = dict(station=station, articles=list(articles), title=title, date=air_date,
                     slot=slot, bulletin=bulletin)  # fmt: skip
        entries = [({k: v for k, v in entry.items() if v is not None}, None)]
    for entry, where in entries:
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: each job is a [[jobs]] table")
    jobs = [check_job(reg, entry, base, where) for entry, where in entries]
    app = _app(broker)
    from phatthanh.queue.submit import interleave, submit_job

    for job in interleave(jobs):  # stations round-robin: one station's jobs run one at a time
        queued = submit_job(app, job)
        line = (
            _("queued: {station} {title}") if queued else _("already submitted: {station} {title}")
        )
        click.echo(line.format(station=job.station, title=job.title))


@click.group(help=_l("The province job queue."))
def queue() -> None:
    pass


@queue.command(help=_l("Jobs per station: queued, running, done, failed."))
@click.option("--broker", envvar="PHATTHANH_BROKER", help=BROKER_HELP)
def status(broker: str | None) -> None:
    app = _app(broker)
    from phatthanh.queue.state import STATES, Board

    board = Board.at(str(app.conf.broker_url))
    table = board.status()
    if not table:
        click.echo(_("no jobs"))
        return
    heads = {s: _(STATE_HEADS[s]) for s in STATES}
    wide = {s: max(7, len(heads[s])) for s in STATES}
    width = max(len(s) for s in (*table, _("station")))
    click.echo(f"{_('station'):<{width}}  " + "  ".join(f"{heads[s]:>{wide[s]}}" for s in STATES))
    for station, counts in table.items():
        click.echo(f"{station:<{width}}  " + "  ".join(f"{counts[s]:>{wide[s]}}" for s in STATES))
    for station, reasons in board.failures().items():
        for reason in reasons:
            click.echo(_("failed: {station}: {reason}").format(station=station, reason=reason))
