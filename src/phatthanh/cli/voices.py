"""`phatthanh voices` and `phatthanh cache stats|prune`."""

from __future__ import annotations

import time
from pathlib import Path

import click

from phatthanh.cli.stations import station_config, station_options
from phatthanh.errors import ConfigError, PhatthanhError
from phatthanh.i18n import _, _l

_CONFIG_HELP = _l("Config file. [default: ./phatthanh.toml if present]")


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    group.add_command(voices)
    group.add_command(cache)


ONLINE = ("edge",)  # engines whose probe contacts a service on the internet


@click.command(
    help=_l("List the voice engines and voices, and whether each can be used now (and why not).")
)
@click.option(
    "--check", is_flag=True, help=_l("Also contact the online voice service to see if it answers.")
)
@click.option("--config", "config_path", type=click.Path(path_type=Path), help=_CONFIG_HELP)
@station_options
def voices(check: bool, config_path: Path | None, station: str | None, registry: Path) -> None:
    """List the voice engines and voices, and whether each can be used now (and why not)."""
    from phatthanh.voices import make_engine

    config = station_config(config_path, station, registry)
    settings = config.voices
    for name, voice_names in (
        ("espeak", [settings.espeak.voice, "vi+f3", "vi+m3"]),
        ("edge", ["vi-VN-HoaiMyNeural", "vi-VN-NamMinhNeural"]),
        ("piper", [settings.piper.model or _("(set [voices.piper] model)")]),
    ):
        try:
            engine = make_engine(name, settings, config.root)
            if name in ONLINE and not check:
                state, why = _("not checked"), _(" (online; --check contacts the service)")
            else:
                engine.probe()
                state, why = _("available"), ""
        except PhatthanhError as exc:
            state, why = _("unavailable"), f" ({exc})"
        chosen = _(" (configured)") if settings.engine in (name, "auto") else ""
        click.echo(f"{name}{chosen}: {state}{why}")
        for voice in dict.fromkeys(voice_names):
            click.echo(f"  {voice}")


@click.group(help=_l("The clip cache shared by all episodes."))
def cache() -> None:
    pass


def _cache(config_path: Path | None, station: str | None, registry: Path):  # type: ignore[no-untyped-def]
    from phatthanh.voices import ClipCache

    config = station_config(config_path, station, registry)  # the local copy, if shared
    return ClipCache(config.resolve(config.voices.cache_dir))


@cache.command(help=_l("How many clips the cache holds and how much space they take."))
@click.option("--config", "config_path", type=click.Path(path_type=Path), help=_CONFIG_HELP)
@station_options
def stats(config_path: Path | None, station: str | None, registry: Path) -> None:
    """How many clips the cache holds and how much space they take."""
    clip_cache = _cache(config_path, station, registry)
    s = clip_cache.stats()
    age = ""
    if s.oldest_s:
        days = (time.time() - s.oldest_s) / 86400
        age = _(", oldest used {days:.1f} days ago").format(days=days)
    click.echo(
        _("{folder}: {clips} clips, {megabytes:.1f} MB{age}").format(
            folder=clip_cache.folder, clips=s.clips, megabytes=s.bytes / 1e6, age=age
        )
    )


@cache.command(help=_l("Remove clips no build has used for a while (a rebuild makes them again)."))
@click.option(
    "--older-than", "days", type=float, required=True, help=_l("Remove clips unused for DAYS days.")
)
@click.option("--config", "config_path", type=click.Path(path_type=Path), help=_CONFIG_HELP)
@station_options
def prune(days: float, config_path: Path | None, station: str | None, registry: Path) -> None:
    """Remove clips no build has used for a while (a rebuild makes them again)."""
    if days < 0:
        raise ConfigError(_("--older-than must be 0 or more days"))
    removed = _cache(config_path, station, registry).prune(days)
    click.echo(_("removed {removed} clips").format(removed=removed))
