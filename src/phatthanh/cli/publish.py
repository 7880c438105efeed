"""`phatthanh publish --due`: bring due episodes into the feeds and drop expired ones."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from phatthanh.cli.stations import (
    publish_to_bucket,
    station_config,
    station_lock,
    station_options,
)
from phatthanh.errors import ConfigError, PhatthanhError
from phatthanh.i18n import _, _l

if TYPE_CHECKING:
    from phatthanh.config import Config

_CONFIG_HELP = "Config file; its episodes/ and feeds/ are published. [default: ./phatthanh.toml]"


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    group.add_command(publish)


@click.command(
    help=_l("Apply air times: held episodes enter the feeds at publish_at, expired ones leave.")
)
@click.option(
    "--due",
    is_flag=True,
    help=_l(
        "Publish episodes whose publish_at has come and drop expired ones (feed, "
        "manifest, section page), atomically; nothing is rewritten when nothing "
        "changed."
    ),
)
@click.option(
    "--built",
    "built",
    metavar="NAME",
    help=_l(
        "Publish the episode 'build-episode --no-publish' kept in "
        "episodes/.unpublished/NAME (feed, manifest, section page)."
    ),
)
@click.option("--list-built", is_flag=True, help=_l("List the built episodes not published yet."))
@click.option("--discard", is_flag=True, help=_l("With --built: throw that build away instead."))
@click.option(
    "--replace", is_flag=True, help=_l("With --built: replace an episode published for its slot.")
)
@click.option("--force", is_flag=True, help=_l("Rebuild the feeds even when nothing changed."))
@click.option(
    "--every",
    "every_s",
    type=float,
    help=_l("Keep running, checking every N seconds (instead of a cron job or timer)."),
)
@click.option("--config", "config_path", type=click.Path(path_type=Path), help=_CONFIG_HELP)
@station_options
def publish(
    due: bool,
    built: str | None,
    list_built: bool,
    discard: bool,
    replace: bool,
    force: bool,
    every_s: float | None,
    config_path: Path | None,
    station: str | None,
    registry: Path,
) -> None:
    """Apply air times (--due: held episodes enter the feeds at publish_at, expired ones
    leave), or publish an episode built with --no-publish (--built NAME)."""
    if built is not None or list_built:
        config = station_config(config_path, station, registry)
        _built(built, list_built, discard, replace, config, station)
        return
    if not due:
        raise ConfigError(_("publish: say --due, --built NAME or --list-built"))
    if every_s is not None and every_s <= 0:
        raise ConfigError(
            _("--every {every_s}: use a number of seconds above 0, e.g. 60").format(every_s=every_s)
        )
    config = station_config(config_path, station, registry)
    while True:
        try:
            with station_lock(station):  # as build-episode: not while a worker publishes
                _due(config, force)
        except PhatthanhError as exc:
            if every_s is None:
                raise
            click.echo(_("error: {exc}").format(exc=exc), err=True)  # try again at the next check
        if every_s is None:
            return
        time.sleep(every_s)


def _due(config: Config, force: bool) -> None:
    """One check of the air times, and the upload of what it rewrote."""
    from phatthanh.publish.airtime import publish_due

    result = publish_due(config, force=force)
    for slug in result.published:
        click.echo(_("published: {slug}").format(slug=slug))
    for slug in result.expired:
        click.echo(_("expired:   {slug}").format(slug=slug))
    click.echo(_("feeds rebuilt") if result.rebuilt else _("nothing due"))
    if result.rebuilt:
        publish_to_bucket(config)


def _built(
    name: str | None,
    listing: bool,
    discard: bool,
    replace: bool,
    config: Config,
    station: str | None,
) -> None:
    from phatthanh.publish.built import discard_built, find_built, list_built, publish_built

    if listing:
        for b in list_built(config.site):
            click.echo(f"{b.folder.name}  {b.record.title} ({b.record.published[:16]})")
        return
    assert name is not None
    folder = find_built(config.site, name)
    if discard:
        discard_built(folder)
        click.echo(_("discarded: {name}").format(name=name))
        return
    with station_lock(station):  # publishing writes the feeds a worker may be writing
        record = publish_built(folder, config.site, config.publish, replace)
        click.echo(_("published: {slug}").format(slug=record.slug))
        publish_to_bucket(config)
