"""`phatthanh bulletin`: an emergency notice read, mastered and published at once."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import cast, get_args

import click

from phatthanh.cli.stations import (
    publish_to_bucket,
    station_config,
    station_lock,
    station_options,
)
from phatthanh.i18n import _, _l
from phatthanh.master.settings import ProfileName
from phatthanh.model import Priority

_CONFIG_HELP = _l("Config file; outputs go next to it. [default: ./phatthanh.toml if present]")


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    group.add_command(bulletin)


@click.command(
    help=_l(
        "Read TEXT_OR_FILE (the notice, or a UTF-8 file holding it) as a "
        "bulletin with the attention signal, and publish it at the top of the "
        "feed and the loudspeaker manifest."
    )
)
@click.argument("text_or_file")
@click.option("--title", help=_l("Title. [default: 'Thông báo khẩn lúc HH giờ MM']"))
@click.option(
    "--priority",
    type=click.Choice(["khan_cap", "uu_tien", "thong_thuong"]),
    default="khan_cap",
    help=_l("Class for stations (TT 39/2020): khan_cap plays immediately."),
)
@click.option("--repeat", type=int, default=2, help=_l("How many times the text is read (1-5)."))
@click.option(
    "--engine",
    type=click.Choice(["auto", "espeak", "edge", "piper"]),
    help=_l(
        "Voice engine; an online voice falls back to the offline one at its "
        "first failure. [default: the config's [voices] engine]"
    ),
)
@click.option("--strict-engine", is_flag=True, help=_l("Fail instead of falling back."))
@click.option(
    "--profile",
    "profiles",
    multiple=True,
    type=click.Choice(list(get_args(ProfileName))),
    help=_l("Rendition to write; repeat for several. [default: podcast and loudspeaker]"),
)
@click.option("--config", "config_path", type=click.Path(path_type=Path), help=_CONFIG_HELP)
@station_options
def bulletin(
    text_or_file: str,
    title: str | None,
    priority: str,
    repeat: int,
    engine: str | None,
    strict_engine: bool,
    profiles: tuple[ProfileName, ...],
    config_path: Path | None,
    station: str | None,
    registry: Path,
) -> None:
    from phatthanh.bulletin import BulletinOptions, build_bulletin, read_notice

    started = time.monotonic()
    config = station_config(config_path, station, registry)
    notice = read_notice(text_or_file)
    chosen = cast(Priority, priority)
    options = BulletinOptions(title, chosen, repeat, engine, strict_engine, profiles)
    with station_lock(station) as fence:  # the workers' lock, as for build-episode, upload too
        result = build_bulletin(notice, config, dataclasses.replace(options, fence=fence))
        record = result.record
        click.echo(
            _("Bulletin: {title} ({published}), priority {priority}").format(
                title=record.title, published=record.published, priority=record.priority
            )
        )
        voice = f"{record.engine} {record.voice}"
        if record.voice_fallback:
            voice = _("{voice} (fallback: {fallback})").format(
                voice=voice, fallback=record.voice_fallback
            )
        click.echo(_("Voice:    {voice}").format(voice=voice))
        for rendition in record.renditions or (record.audio,):
            click.echo(
                _("MP3:      {path}  [{profile}, {duration_s:.1f} s]").format(
                    path=result.episode_dir / rendition.file,
                    profile=rendition.profile,
                    duration_s=rendition.duration_s,
                )
            )
        click.echo(_("Feed:     {feed}").format(feed=result.feed))
        publish_to_bucket(config)
    click.echo(_("Published in {seconds:.1f} s").format(seconds=time.monotonic() - started))
