"""`phatthanh station sync|run|status`: the loudspeaker station agent."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from phatthanh.errors import ConfigError, PublishError
from phatthanh.i18n import _, _l

if TYPE_CHECKING:
    from phatthanh.station import Policy

_DIR_HELP = _l("The station's folder (media/, schedule/, state.json).")


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    group.add_command(station)


@click.group(help=_l("Fetch the district's programs and play them at air time (commune stations)."))
def station() -> None:
    pass


def _policy(attempts: int, timeout_s: float) -> Policy:
    from phatthanh.station import Policy

    if attempts < 1 or timeout_s <= 0:
        raise ConfigError(_("--attempts must be 1 or more and --timeout above 0"))
    return Policy(attempts=attempts, timeout_s=timeout_s)


@station.command(
    help=_l(
        "Read loudspeaker.json at URL, download what is new (resumed, verified), "
        "delete what expired, and write the play schedule."
    )
)
@click.argument("url")
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=".", help=_DIR_HELP)
@click.option("--attempts", type=int, default=6, help=_l("Tries per file before giving up."))
@click.option("--timeout", "timeout_s", type=float, default=30.0, help=_l("Seconds without data."))
def sync(url: str, folder: Path, attempts: int, timeout_s: float) -> None:
    from phatthanh.station import sync as do_sync

    report = do_sync(url, folder, _policy(attempts, timeout_s))
    for name in report.downloaded:
        click.echo(_("downloaded: {name}").format(name=name))
    for name in report.deleted:
        click.echo(_("deleted:    {name}").format(name=name))
    counts = {"downloaded": len(report.downloaded), "kept": len(report.kept),
              "deleted": len(report.deleted), "errors": len(report.errors)}  # fmt: skip
    click.echo(
        _(
            "{downloaded} downloaded, {kept} already here, {deleted} deleted, {errors} errors"
        ).format(**counts)
    )
    for error in report.errors:
        click.echo(_("error: {error}").format(error=error), err=True)
    if report.errors:
        raise PublishError(
            _(
                "{folder}: sync finished with {errors} errors; what arrived whole is "
                "scheduled, run sync again"
            ).format(folder=folder, errors=len(report.errors))
        )


@station.command(
    help=_l(
        "Keep syncing (URL, or the one of the last sync) and play each air "
        "slot's playlist at its time, urgent items at once; runs until stopped "
        "(see docs/stations.md for systemd)."
    )
)
@click.argument("url", required=False)
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=".", help=_DIR_HELP)
@click.option(
    "--player",
    default="ffplay -nodisp -autoexit -loglevel error",
    help=_l(
        "Command that plays one file (the path is appended, or replaces {}), "
        "e.g. 'mpv --no-video' or 'aplay'."
    ),
)
@click.option("--every", "every_s", type=float, default=300.0, help=_l("Seconds between syncs."))
@click.option("--dry-run", is_flag=True, help=_l("Print what would play instead of playing it."))
def run(url: str | None, folder: Path, player: str, every_s: float, dry_run: bool) -> None:
    from phatthanh.station import run as do_run
    from phatthanh.station.agent import load_state

    url = url or load_state(folder).get("url")
    if not url:
        raise ConfigError(
            _("{folder}: no manifest URL yet; give it: phatthanh station run URL").format(
                folder=folder
            )
        )
    click.echo(
        _("station agent: {url} -> {folder} (Ctrl+C to stop)").format(
            url=url, folder=folder.resolve()
        )
    )
    do_run(url, folder, player, dry_run, every_s)


@station.command(help=_l("Last sync, files on hand, next air slot and errors."))
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=".", help=_DIR_HELP)
def status(folder: Path) -> None:
    from phatthanh.station import status as get_status

    s = get_status(folder)
    click.echo(_("manifest:  {url}").format(url=s.url or "-"))
    if not s.last_sync:
        click.echo(_("last sync: never"))
    elif s.last_sync_ok:
        click.echo(_("last sync: {when} (ok)").format(when=s.last_sync))
    else:
        click.echo(_("last sync: {when} (with errors)").format(when=s.last_sync))
    click.echo(_("files:     {files}").format(files=len(s.files)))
    for name in s.files:
        click.echo(f"  {name}")
    click.echo(_("next slot: {slot}").format(slot=s.next_slot or _("none scheduled")))
    for line in s.played:
        click.echo(_("played:    {line}").format(line=line))
    for error in s.errors:
        click.echo(_("error:     {error}").format(error=error))
