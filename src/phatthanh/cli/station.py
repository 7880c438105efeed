"""`phatthanh station sync|run|status`: the loudspeaker station agent."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from phatthanh.errors import ConfigError, PublishError

if TYPE_CHECKING:
    from phatthanh.station import Policy

_DIR_HELP = "The station's folder (media/, schedule/, state.json)."


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    group.add_command(station)


@click.group()
def station() -> None:
    """Fetch the district's programs and play them at air time (commune stations)."""


def _policy(attempts: int, timeout_s: float) -> Policy:
    from phatthanh.station import Policy

    if attempts < 1 or timeout_s <= 0:
        raise ConfigError("--attempts must be 1 or more and --timeout above 0")
    return Policy(attempts=attempts, timeout_s=timeout_s)


@station.command()
@click.argument("url")
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=".", help=_DIR_HELP)
@click.option("--attempts", type=int, default=6, help="Tries per file before giving up.")
@click.option("--timeout", "timeout_s", type=float, default=30.0, help="Seconds without data.")
def sync(url: str, folder: Path, attempts: int, timeout_s: float) -> None:
    """Read loudspeaker.json at URL, download what is new (resumed, verified), delete what
    expired, and write the play schedule."""
    from phatthanh.station import sync as do_sync

    report = do_sync(url, folder, _policy(attempts, timeout_s))
    for name in report.downloaded:
        click.echo(f"downloaded: {name}")
    for name in report.deleted:
        click.echo(f"deleted:    {name}")
    click.echo(f"{len(report.downloaded)} downloaded, {len(report.kept)} already here, "
               f"{len(report.deleted)} deleted, {len(report.errors)} errors")  # fmt: skip
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    if report.errors:
        raise PublishError(
            f"{folder}: sync finished with {len(report.errors)} errors; what arrived whole is "
            "scheduled, run sync again"
        )


@station.command()
@click.argument("url", required=False)
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=".", help=_DIR_HELP)
@click.option(
    "--player",
    default="ffplay -nodisp -autoexit -loglevel error",
    help="Command that plays one file (the path is appended, or replaces {}), e.g. "
    "'mpv --no-video' or 'aplay'.",
)
@click.option("--every", "every_s", type=float, default=300.0, help="Seconds between syncs.")
@click.option("--dry-run", is_flag=True, help="Print what would play instead of playing it.")
def run(url: str | None, folder: Path, player: str, every_s: float, dry_run: bool) -> None:
    """Keep syncing (URL, or the one of the last sync) and play each air slot's playlist at
    its time, urgent items at once; runs until stopped (see docs/stations.md for systemd)."""
    from phatthanh.station import run as do_run
    from phatthanh.station.agent import load_state

    url = url or load_state(folder).get("url")
    if not url:
        raise ConfigError(f"{folder}: no manifest URL yet; give it: phatthanh station run URL")
    click.echo(f"station agent: {url} -> {folder.resolve()} (Ctrl+C to stop)")
    do_run(url, folder, player, dry_run, every_s)


@station.command()
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=".", help=_DIR_HELP)
def status(folder: Path) -> None:
    """Last sync, files on hand, next air slot and errors."""
    from phatthanh.station import status as get_status

    s = get_status(folder)
    click.echo(f"manifest:  {s.url or '-'}")
    ok = "ok" if s.last_sync_ok else "with errors"
    click.echo(f"last sync: {s.last_sync + ' (' + ok + ')' if s.last_sync else 'never'}")
    click.echo(f"files:     {len(s.files)}")
    for name in s.files:
        click.echo(f"  {name}")
    click.echo(f"next slot: {s.next_slot or 'none scheduled'}")
    for line in s.played:
        click.echo(f"played:    {line}")
    for error in s.errors:
        click.echo(f"error:     {error}")
