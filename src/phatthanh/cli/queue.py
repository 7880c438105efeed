"""`phatthanh worker`, `phatthanh submit` and `phatthanh queue status`: the province's job
queue (Celery on a Redis-protocol broker; needs the `scale` extra)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from phatthanh.cli.scale import need_scale
from phatthanh.errors import ConfigError

BROKER_HELP = "Broker URL, e.g. redis://127.0.0.1:6379/0. [default: $PHATTHANH_BROKER]"


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    for command in (worker, submit, queue):
        group.add_command(command)


def _app(broker: str | None) -> Any:
    need_scale("celery")
    from phatthanh.queue.app import BROKER_ENV

    if broker:
        os.environ[BROKER_ENV] = broker
    from phatthanh.queue.app import app

    if broker:
        app.conf.broker_url = broker
    if not app.conf.broker_url or not str(app.conf.broker_url).startswith(("redis", "valkey")):
        raise ConfigError("no broker: give --broker redis://HOST:6379/0 or set PHATTHANH_BROKER")
    return app


@click.command()
@click.option("--broker", envvar="PHATTHANH_BROKER", help=BROKER_HELP)
@click.option("--concurrency", "-c", default=1, type=click.IntRange(1, 64), help="Builds at once.")
@click.option("--name", help="Worker name. [default: phatthanh-<pid>@<host>]")
def worker(broker: str | None, concurrency: int, name: str | None) -> None:
    """Run builds from the queue until stopped; bulletins are always taken first."""
    app = _app(broker)
    from phatthanh.queue import BULLETINS, PROGRAMS

    app.worker_main([
        "worker", "--loglevel", "INFO", "-Q", f"{BULLETINS},{PROGRAMS}",
        "--pool", "solo" if concurrency == 1 else "prefork", "-c", str(concurrency),
        "-n", name or f"phatthanh-{os.getpid()}@%h", "--without-gossip", "--without-mingle",
    ])  # fmt: skip


@click.command()
@click.argument("articles", nargs=-1)
@click.option("--registry", type=click.Path(path_type=Path), default="stations.toml",
              help="The province's station registry.")  # fmt: skip
@click.option("--station", help="Registry name of the station.")
@click.option("--title", help="Program title.")
@click.option("--date", "air_date", help="Air date YYYY-MM-DD.")
@click.option("--slot", help="Air slot HH:MM.")
@click.option("--bulletin", is_flag=True, help="An emergency bulletin: the priority queue.")
@click.option("--plan", type=click.Path(path_type=Path), help="A TOML plan of [[jobs]].")
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
    """Queue a build (ARTICLES for --station), or every job of a --plan file (station,
    articles, title, date, slot, bulletin keys); a job already submitted is not queued again.
    Every job is checked first: one wrong job queues nothing."""
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
    from phatthanh.queue.submit import submit_job

    for job in jobs:
        queued = submit_job(app, job)
        click.echo(f"{'queued' if queued else 'already submitted'}: {job.station} {job.title}")


@click.group()
def queue() -> None:
    """The province job queue."""


@queue.command()
@click.option("--broker", envvar="PHATTHANH_BROKER", help=BROKER_HELP)
def status(broker: str | None) -> None:
    """Jobs per station: queued, running, done, failed; then each failed job and why."""
    app = _app(broker)
    from phatthanh.queue.state import STATES, Board

    board = Board.at(str(app.conf.broker_url))
    table = board.status()
    if not table:
        click.echo("no jobs")
        return
    width = max(len(s) for s in table)
    click.echo(f"{'station':<{width}}  " + "  ".join(f"{s:>7}" for s in STATES))
    for station, counts in table.items():
        click.echo(f"{station:<{width}}  " + "  ".join(f"{counts[s]:>7}" for s in STATES))
    for station, reasons in board.failures().items():
        for reason in reasons:
            click.echo(f"failed: {station}: {reason}")
