"""`phatthanh init`, `build-episode` and `feed`."""

from __future__ import annotations

import dataclasses
import sys
import tomllib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, get_args

import click

from phatthanh.cli.progress import RichProgress
from phatthanh.cli.stations import (
    feed_options,
    publish_to_bucket,
    station_config,
    station_lock,
    station_options,
)
from phatthanh.config import (
    CONFIG_NAME,
    Config,
    config_from_dict,
    load_config,
    render_default_config,
)
from phatthanh.errors import ConfigError
from phatthanh.i18n import _, _l
from phatthanh.settings import ProfileName, StationSettings
from phatthanh.settings.site import stored_guid
from phatthanh.settings.station import station_identity

if TYPE_CHECKING:
    from phatthanh.pipeline import BuildResult

CONFIG_HELP = _l("Config file; outputs go next to it. [default: ./phatthanh.toml if present]")


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
        raise ConfigError(
            _("--date {value!r}: use the form YYYY-MM-DD, e.g. 2026-11-24").format(value=value)
        ) from None


@click.command(
    help=_l(
        "Write phatthanh.toml in this folder: the station's identity, then every "
        "other setting commented with its default. Asks for what is not given "
        "when run in a terminal."
    )
)
@click.option("--force", is_flag=True, help=_l("Overwrite an existing phatthanh.toml."))
@click.option("--station", "name", help=_l("Station name, e.g. 'Đài Truyền thanh huyện Tân Lập'."))
@click.option("--base-url", help=_l("Public URL that will serve episodes/ and feeds/."))
@click.option("--email", help=_l("The station's e-mail (feed owner)."))
@click.option("--district", help=_l("District or commune served, e.g. 'xã Tân Lập'."))
def init(
    force: bool, name: str | None, base_url: str | None, email: str | None, district: str | None
) -> None:
    target = Path.cwd() / CONFIG_NAME
    if target.exists() and not force:
        raise ConfigError(
            _("{target}: already exists; use --force to overwrite it").format(target=target)
        )
    if _interactive():
        name = name or click.prompt(_("Station name"), default=StationSettings().name)
        base_url = base_url or click.prompt(
            _("Public base URL"), default=StationSettings().base_url
        )
        email = email or click.prompt(_("Station e-mail"), default=StationSettings().email)
        district = district or click.prompt(_("District or commune"), default="")
    stored = stored_guid(Path.cwd() / "feeds")  # a feed published here keeps its identity
    text = render_default_config(station_identity(name, base_url, email, district, stored))
    config = config_from_dict(tomllib.loads(text), Path.cwd(), "phatthanh init")  # checked
    target.write_text(text, encoding="utf-8")
    for folder in ("episodes", "feeds"):
        (Path.cwd() / folder).mkdir(exist_ok=True)
    click.echo(_("wrote {target}").format(target=target))
    _warn_example(config)


def _interactive() -> bool:
    return sys.stdin.isatty()


def _warn_example(config: Config) -> None:
    """One loud line on every build and publish while the station is the example one."""
    keys = config.site.examples
    if keys:
        click.secho(
            _(
                "warning: [station] {keys} are still the example station's (feed at "
                "{feed_url}); set them in {config} or run 'phatthanh init --force "
                "--station NAME --base-url URL --email ADDRESS'"
            ).format(
                keys=", ".join(keys),
                feed_url=config.site.feed_url,
                config=config.root / CONFIG_NAME,
            ),
            err=True,
            fg="yellow",
            bold=True,
        )


@click.command(
    "build-episode",
    help=_l(
        "Build an episode from ARTICLES (text pages, HTML files, URLs, portal "
        "feeds or one lineup .toml) and publish it in the feed."
    ),
)
@click.argument("articles", nargs=-1, required=True)
@click.option(
    "--title",
    help=_l(
        "Program title; also the title of the only article when its page has no "
        "headline. [default: the lineup's, else the station's program]"
    ),
)
@click.option(
    "--date", "air_date", help=_l("Air date, YYYY-MM-DD. [default: the lineup's, else today]")
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "espeak", "edge", "piper"]),
    help=_l("Voice engine. [default: the config's [voices] engine]"),
)
@click.option(
    "--strict-engine", is_flag=True, help=_l("Fail instead of falling back to the next engine.")
)
@click.option(
    "--profile",
    "profiles",
    multiple=True,
    type=click.Choice(list(get_args(ProfileName))),
    help=_l("Rendition to write; repeat for several. [default: the config's renditions]"),
)
@click.option(
    "--slot",
    help=_l(
        "Air time HH:MM on the air date: with the date, the episode's identity "
        "and pubDate. [default: the lineup's first air slot, else now for today, "
        "else [publish] publish_time]"
    ),
)
@click.option(
    "--replace", is_flag=True, help=_l("Rebuild an episode already published for this slot.")
)
@click.option(
    "--no-publish",
    is_flag=True,
    help=_l(
        "Build only: keep the episode in episodes/.unpublished/ (no feed lists "
        "it) to listen to first; publish it with 'phatthanh publish --built "
        "NAME'."
    ),
)
@feed_options
@click.option("--config", "config_path", type=click.Path(path_type=Path), help=CONFIG_HELP)
@station_options
def build_episode(
    articles: tuple[str, ...],
    title: str | None,
    air_date: str | None,
    engine: str | None,
    strict_engine: bool,
    profiles: tuple[ProfileName, ...],
    slot: str | None,
    replace: bool,
    no_publish: bool,
    since: str | None,
    latest: int | None,
    config_path: Path | None,
    station: str | None,
    registry: Path,
) -> None:
    from phatthanh.articles import expand_sources
    from phatthanh.pipeline import BuildOptions, build_episode

    options = BuildOptions(
        title, parse_date(air_date), engine, strict_engine, profiles, slot, replace,
        publish=not no_publish,
    )  # fmt: skip
    first_day = parse_date(since)
    config = station_config(config_path, station, registry)
    _warn_example(config)
    lineup = expand_sources(articles, config.articles, since=first_day, latest=latest)
    if title and len(lineup.entries) == 1:  # the only article may take --title as its own
        only = dataclasses.replace(lineup.entries[0], fallback_title=title)
        lineup = dataclasses.replace(lineup, entries=(only,))
    with station_lock(station) as fence:  # the workers' lock, when a broker is configured
        options = dataclasses.replace(options, fence=fence)
        with RichProgress() as progress:
            result = build_episode(lineup, config, options, progress)
        _report(result, config)


def _report(result: BuildResult, config: Config) -> None:
    """What the build wrote, then the upload to the station's bucket."""
    record = result.record
    click.echo(
        _("Episode: {title} ({published}), {items} items").format(
            title=record.title,
            published=record.published[:16].replace("T", " "),
            items=len(record.items),
        )
    )
    voice = f"{record.engine} {record.voice}"
    if record.voice_fallback:
        voice = _("{voice} (fallback: {fallback})").format(
            voice=voice, fallback=record.voice_fallback
        )
    click.echo(_("Voice:   {voice}").format(voice=voice))
    click.echo(
        _("Clips:   {synthesized} synthesized, {cache_hits} from cache").format(
            synthesized=result.synthesized, cache_hits=result.cache_hits
        )
    )
    for rendition in record.renditions or (record.audio,):
        path = result.episode_dir / rendition.file
        click.echo(
            _(
                "MP3:     {path}  [{profile}, {duration_s:.1f} s, {integrated_lufs:.1f} LUFS]"
            ).format(
                path=_show(path),
                profile=rendition.profile,
                duration_s=rendition.duration_s,
                integrated_lufs=rendition.integrated_lufs,
            )
        )
    if not result.published:
        name = result.episode_dir.name
        click.echo(
            _("Not published yet; after listening: phatthanh publish --built {name}").format(
                name=name
            )
        )
        return
    click.echo(_("Feed:    {feed}").format(feed=_show(result.feed)))
    site = config.site.site_dir  # the section page (phatthanh.site)
    click.echo(
        _("Page:    {site}/{slug}.html  (index: {site}/index.html)").format(
            site=_show(site), slug=record.slug
        )
    )
    publish_to_bucket(config)


def _show(path: Path) -> str:
    """The path relative to the current folder when it is inside it (links not followed:
    `site` is a link to the current tree, and its name is what stays valid)."""
    try:
        return str(path.parent.resolve().relative_to(Path.cwd().resolve()) / path.name)
    except ValueError:
        return str(path)


@click.command(
    help=_l("Rebuild the feeds from the episodes already built (episodes/*/episode.json).")
)
@click.option("--config", "config_path", type=click.Path(path_type=Path), help=CONFIG_HELP)
@station_options
def feed(config_path: Path | None, station: str | None, registry: Path) -> None:
    """Rebuild the feeds from the episodes already built (episodes/*/episode.json)."""
    from phatthanh.publish import rebuild_feeds

    config = station_config(config_path, station, registry)
    _warn_example(config)
    with station_lock(station):  # not while a worker or a build writes the same feeds
        path = rebuild_feeds(config.site, config.publish)
        click.echo(_("Feed: {path}").format(path=_show(path)))
        publish_to_bucket(config)
