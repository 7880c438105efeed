"""`phatthanh publish --due`: bring due episodes into the feeds and drop expired ones."""

from __future__ import annotations

import time
from pathlib import Path

import click

from phatthanh.cli.stations import publish_to_bucket, station_config, station_options
from phatthanh.errors import ConfigError

_CONFIG_HELP = "Config file; its episodes/ and feeds/ are published. [default: ./phatthanh.toml]"


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    group.add_command(publish)


@click.command()
@click.option(
    "--due",
    is_flag=True,
    help="Publish episodes whose publish_at has come and drop expired ones (feed, manifest, "
    "section page), atomically; nothing is rewritten when nothing changed.",
)
@click.option("--force", is_flag=True, help="Rebuild the feeds even when nothing changed.")
@click.option(
    "--every",
    "every_s",
    type=float,
    help="Keep running, checking every N seconds (instead of a cron job or timer).",
)
@click.option("--config", "config_path", type=click.Path(path_type=Path), help=_CONFIG_HELP)
@station_options
def publish(
    due: bool,
    force: bool,
    every_s: float | None,
    config_path: Path | None,
    station: str | None,
    registry: Path,
) -> None:
    """Apply air times: held episodes enter the feeds at publish_at, expired ones leave."""
    from phatthanh.publish.airtime import publish_due

    if not due:
        raise ConfigError("publish: say --due (the only mode so far)")
    if every_s is not None and every_s <= 0:
        raise ConfigError(f"--every {every_s}: use a number of seconds above 0, e.g. 60")
    config = station_config(config_path, station, registry)
    while True:
        result = publish_due(config, force=force)
        for slug in result.published:
            click.echo(f"published: {slug}")
        for slug in result.expired:
            click.echo(f"expired:   {slug}")
        click.echo("feeds rebuilt" if result.rebuilt else "nothing due")
        if result.rebuilt:
            publish_to_bucket(config)
        if every_s is None:
            return
        time.sleep(every_s)
