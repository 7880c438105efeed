"""The station's own files, checked once at the start of a build, and the station's clock.

`prepare_station` runs before any article is read or any clip synthesized: the ffmpeg the
config names, the jingles and bed (decoded and measured), the cover (Apple's rules) and the
template folder (every file a known template that parses). A wrong file fails the build in
its first second with one line, not after the audio is encoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import jinja2

from phatthanh.config import Config
from phatthanh.errors import ConfigError, FFmpegError
from phatthanh.ffmpeg import use_ffmpeg
from phatthanh.i18n import _
from phatthanh.model import Lineup, Program
from phatthanh.program import WEEKDAY_CODES
from phatthanh.program.jingles import check_station_audio, generated_jingle
from phatthanh.publish.cover import draw_cover, station_cover
from phatthanh.settings import Site, check_air_slots, parse_clock
from phatthanh.settings.station import now_at

TEMPLATES = ("opening", "lineup", "item", "closing")


@dataclass(frozen=True)
class StationKit:
    """What a build takes from the station besides articles: all checked and ready."""

    site: Site
    opening: Path  # WAV files, 44.1 kHz mono
    closing: Path
    stinger: Path
    bed: Path | None
    templates: Path | None  # the station's template folder; None: the built-in ones
    cover: bytes
    cover_ext: str  # "jpg" or "png"


def prepare_station(config: Config) -> StationKit:
    """Check the station's ffmpeg, audio, cover and templates; ConfigError names the first
    problem and the key to fix."""
    try:
        use_ffmpeg(config.master.ffmpeg)
    except FFmpegError as exc:
        raise ConfigError(_("[master] ffmpeg: {exc}").format(exc=exc)) from None
    site, program = config.site, config.program
    assets = site.assets_dir

    def jingle(key: str, name: str) -> Path:
        value = getattr(program, key)
        if value:
            return check_station_audio(site.resolve(value), assets, key)
        return generated_jingle(name, assets)

    bed = check_station_audio(site.resolve(program.bed), assets, "bed") if program.bed else None
    if site.cover is not None:
        cover, ext = station_cover(site.cover)
    else:
        cover, ext = draw_cover(site.name, site.program), "jpg"
    templates = check_templates(site.resolve(program.templates)) if program.templates else None
    return StationKit(
        site=site,
        opening=jingle("opening_jingle", "opening"),
        closing=jingle("closing_jingle", "closing"),
        stinger=jingle("stinger", "stinger"),
        bed=bed,
        templates=templates,
        cover=cover,
        cover_ext=ext,
    )


def check_templates(folder: Path) -> Path:
    """A station template folder: it exists, holds only known template names, each parses."""
    if not folder.is_dir():
        raise ConfigError(
            _("{folder}: template folder not found; fix [program] templates").format(folder=folder)
        )
    known = {f"{n}.j2" for n in TEMPLATES} | {
        f"{n}.{code}.j2" for n in TEMPLATES for code in WEEKDAY_CODES
    }
    env = jinja2.Environment(autoescape=False)
    for path in sorted(folder.glob("*.j2")):
        if path.name not in known:
            raise ConfigError(
                _(
                    "{path}: not a template phatthanh reads; name it opening, lineup, item "
                    "or closing (.j2), or a weekday variant like closing.cn.j2"
                ).format(path=path)
            )
        try:
            env.parse(path.read_text("utf-8"))
        except (UnicodeDecodeError, OSError) as exc:
            raise ConfigError(
                _("{path}: cannot read the template ({exc})").format(path=path, exc=exc)
            ) from None
        except jinja2.TemplateSyntaxError as exc:
            raise ConfigError(
                _("{path}: line {lineno}: {message}; fix the template").format(
                    path=path, lineno=exc.lineno, message=exc.message
                )
            ) from None
    return folder


def air_moment(
    site: Site,
    publish_time: str,
    air_date: date | None,
    slot: str | None,
    lineup: Lineup,
    now: datetime | None = None,
) -> datetime:
    """When the episode goes out: its identity and pubDate. The date: --date, the lineup's,
    else today. The time: --slot, the lineup's first air slot, else the real moment for a
    program built for today, else [publish] publish_time."""
    now = now or now_at(site.tz)
    day = air_date or lineup.air_date or now.date()
    try:
        slots = check_air_slots(lineup.air_slots)
    except ValueError as exc:
        raise ConfigError(
            _("{lineup}: air_slots: {exc}").format(lineup=lineup.origin or "lineup", exc=exc)
        ) from None
    try:
        clock = parse_clock(slot) if slot else None
    except ValueError as exc:
        raise ConfigError(_("--slot: {exc}").format(exc=exc)) from None
    if clock is None and slots:
        clock = parse_clock(slots[0])
    if clock is None:
        same_day = day == now.date()
        clock = time(now.hour, now.minute) if same_day else parse_clock(publish_time)
    return datetime.combine(day, clock, site.tz)


def check_slot_free(program: Program, site: Site, replace: bool) -> None:
    """Refuse to replace an episode already published for this date, slot and title unless
    the user said so (--replace): a second program that day needs its own slot."""
    from phatthanh.publish.staging import episode_slug

    folder = site.episodes_dir / episode_slug(program)
    if not replace and (folder / "episode.json").is_file():
        raise ConfigError(
            _(
                "{folder}: '{title}' is already published for {air_date} {air_slot}; "
                "give --replace to rebuild it, or --slot HH:MM for another program that "
                "day"
            ).format(
                folder=folder,
                title=program.title,
                air_date=program.air_date,
                air_slot=program.air_slot,
            )
        )
