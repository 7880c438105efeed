"""`phatthanh init`, `build-episode` and `feed`."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import get_args

import click

from phatthanh.cli.progress import RichProgress
from phatthanh.config import CONFIG_NAME, Config, load_config, render_default_config
from phatthanh.errors import ConfigError
from phatthanh.master.settings import ProfileName

CONFIG_HELP = "Config file; outputs go next to it. [default: ./phatthanh.toml if present]"


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    for command in (init, build_episode, feed):
        group.add_command(command)


def _config(path: Path | None) -> Config:
    return load_config(path)


def parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--date {value!r}: use the form YYYY-MM-DD, e.g. 2026-11-24") from None


@click.command()
@click.option("--force", is_flag=True, help="Overwrite an existing phatthanh.toml.")
def init(force: bool) -> None:
    """Write phatthanh.toml with every setting and its default, commented, in this folder."""
    target = Path.cwd() / CONFIG_NAME
    if target.exists() and not force:
        raise ConfigError(f"{target}: already exists; use --force to overwrite it")
    target.write_text(render_default_config(), encoding="utf-8")
    for folder in ("episodes", "feeds"):
        (Path.cwd() / folder).mkdir(exist_ok=True)
    click.echo(f"wrote {target}")


@click.command("build-episode")
@click.argument("articles", nargs=-1, required=True)
@click.option(
    "--title",
    help="Program title; also the title of the only article when its page has no headline. "
    "[default: the lineup's, else the station's program]",
)
@click.option(
    "--date", "air_date", help="Air date, YYYY-MM-DD. [default: the lineup's, else today]"
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "espeak", "edge", "piper"]),
    help="Voice engine. [default: the config's [voices] engine]",
)
@click.option(
    "--strict-engine", is_flag=True, help="Fail instead of falling back to the next engine."
)
@click.option(
    "--profile",
    "profiles",
    multiple=True,
    type=click.Choice(list(get_args(ProfileName))),
    help="Rendition to write; repeat for several. [default: the config's renditions]",
)
@click.option("--since", help="Portal feeds: only articles published on or after YYYY-MM-DD.")
@click.option("--latest", type=int, help="Portal feeds: only the newest N articles.")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help=CONFIG_HELP)
def build_episode(
    articles: tuple[str, ...],
    title: str | None,
    air_date: str | None,
    engine: str | None,
    strict_engine: bool,
    profiles: tuple[ProfileName, ...],
    since: str | None,
    latest: int | None,
    config_path: Path | None,
) -> None:
    """Build an episode from ARTICLES (text pages, HTML files, URLs, portal feeds or one
    lineup .toml) and publish it in the feed."""
    from phatthanh.articles import expand_sources
    from phatthanh.pipeline import BuildOptions, build_episode

    config = _config(config_path)
    lineup = expand_sources(articles, config.articles, since=parse_date(since), latest=latest)
    if title and len(lineup.entries) == 1:  # the only article may take --title as its own
        lineup = replace(lineup, entries=(replace(lineup.entries[0], fallback_title=title),))
    options = BuildOptions(title, parse_date(air_date), engine, strict_engine, profiles)
    with RichProgress() as progress:
        result = build_episode(lineup, config, options, progress)
    record = result.record
    click.echo(f"Episode: {record.title} ({record.published[:10]}), {len(record.items)} items")
    click.echo(
        f"Voice:   {record.engine} {record.voice}"
        + (f" (fallback: {record.voice_fallback})" if record.voice_fallback else "")
    )
    click.echo(f"Clips:   {result.synthesized} synthesized, {result.cache_hits} from cache")
    for rendition in record.renditions or (record.audio,):
        path = result.episode_dir / rendition.file
        click.echo(
            f"MP3:     {_show(path)}  [{rendition.profile}, {rendition.duration_s:.1f} s, "
            f"{rendition.integrated_lufs:.1f} LUFS]"
        )
    click.echo(f"Feed:    {_show(result.feed)}")


def _show(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@click.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), help=CONFIG_HELP)
def feed(config_path: Path | None) -> None:
    """Rebuild the feeds from the episodes already built (episodes/*/episode.json)."""
    from phatthanh.publish import rebuild_feeds

    path = rebuild_feeds(_config(config_path))
    click.echo(f"Feed: {_show(path)}")
