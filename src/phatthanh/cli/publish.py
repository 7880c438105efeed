"""`phatthanh publish --due`: bring due episodes into the feeds and drop expired ones."""

from __future__ import annotations

import time
from pathlib import Path

import click

from phatthanh.config import load_config
from phatthanh.errors import ConfigError
from phatthanh.i18n import _, _l

_CONFIG_HELP = _l(
    "Config file; its episodes/ and feeds/ are published. [default: ./phatthanh.toml]"
)


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
@click.option("--force", is_flag=True, help=_l("Rebuild the feeds even when nothing changed."))
@click.option(
    "--every",
    "every_s",
    type=float,
    help=_l("Keep running, checking every N seconds (instead of a cron job or timer)."),
)
@click.option("--config", "config_path", type=click.Path(path_type=Path), help=_CONFIG_HELP)
def publish(due: bool, force: bool, every_s: float | None, config_path: Path | None) -> None:
    from phatthanh.publish.airtime import publish_due

    if not due:
        raise ConfigError(_("publish: say --due (the only mode so far)"))
    if every_s is not None and every_s <= 0:
        raise ConfigError(
            _("--every {every_s}: use a number of seconds above 0, e.g. 60").format(every_s=every_s)
        )
    config = load_config(config_path)
    while True:
        result = publish_due(config, force=force)
        for slug in result.published:
            click.echo(_("published: {slug}").format(slug=slug))
        for slug in result.expired:
            click.echo(_("expired:   {slug}").format(slug=slug))
        click.echo(_("feeds rebuilt") if result.rebuilt else _("nothing due"))
        if every_s is None:
            return
        time.sleep(every_s)
