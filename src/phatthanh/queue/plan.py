"""Jobs checked at submit time, with the checks `build-episode` applies to its options, so a
wrong job is refused in one line before anything is queued rather than failing in a worker."""

from __future__ import annotations

import tomllib
from contextlib import suppress
from datetime import date, datetime
from pathlib import Path
from typing import Any

from phatthanh.errors import ConfigError, PhatthanhError
from phatthanh.i18n import _
from phatthanh.queue import Job
from phatthanh.queue.registry import Registry

KEYS = ("station", "articles", "title", "date", "slot", "bulletin")


def read_plan(path: Path) -> list[dict[str, Any]]:
    """The [[jobs]] tables of a plan file."""
    try:
        jobs = tomllib.loads(path.read_text("utf-8")).get("jobs", [])
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            _("{path}: cannot read the plan ({exc})").format(path=path, exc=exc)
        ) from None
    if not isinstance(jobs, list) or not jobs:
        raise ConfigError(
            _("{path}: no [[jobs]] in the plan; add station, articles, title, date").format(
                path=path
            )
        )
    return jobs


def check_job(reg: Registry, entry: dict[str, Any], base: Path, where: str | None) -> Job:
    """A Job from a plan entry or the command's options; ConfigError names `where` and the
    key (e.g. 'day.toml: jobs[2] slot'), or the option when `where` is None ('--slot'), and
    what to write. Local articles must exist (relative paths are taken from `base`); a
    lineup .toml is read and checked."""
    from phatthanh.settings import parse_clock

    def bad(key: str, what: str) -> ConfigError:
        if where is None:
            return ConfigError(f"{'ARTICLES' if key == 'articles' else '--' + key}: {what}")
        return ConfigError(f"{where} {key}: {what}")

    unknown = sorted(set(entry) - set(KEYS))
    if unknown:
        raise bad(unknown[0], _("unknown key; a job has {keys}").format(keys=", ".join(KEYS)))
    name, title, articles = entry.get("station"), entry.get("title"), entry.get("articles")
    if not isinstance(name, str) or not name:
        raise bad("station", _("missing; name a station of the registry"))
    config = reg.config(name)  # a known station whose config loads
    if not isinstance(title, str) or not title.strip():
        raise bad("title", _('missing; give the program title, e.g. "Bản tin sáng"'))
    if not isinstance(articles, list | tuple) or not articles:
        raise bad("articles", _('missing; list the article files or URLs, e.g. ["tin1.txt"]'))
    if not all(isinstance(a, str) and a for a in articles):
        raise bad("articles", _('must be file paths or URLs (text), e.g. ["tin1.txt"]'))
    paths = [a if "://" in a else str((base / a).resolve()) for a in articles]
    _check_articles(paths, bad)
    day = _day(entry.get("date"), bad) or _today(config)
    slot = entry.get("slot")
    if slot is not None:
        try:
            parse_clock(slot if isinstance(slot, str) else repr(slot))
        except ValueError as exc:
            raise bad("slot", str(exc)) from None
    bulletin = entry.get("bulletin", False)
    if not isinstance(bulletin, bool):
        raise bad("bulletin", _("must be true or false"))
    return Job(
        station=name, config=str(reg.stations[name]), articles=tuple(paths), title=title,
        air_date=day.isoformat(), slot=slot, bulletin=bulletin,
        clip_cache=str(reg.clip_cache) if reg.clip_cache else None,
        registry=str(reg.path.resolve()),
    )  # fmt: skip


def _check_articles(paths: list[str], bad: Any) -> None:
    from phatthanh.articles.lineup import load_lineup

    lineups = [p for p in paths if p.endswith(".toml")]
    if lineups and len(paths) > 1:
        raise bad("articles", _("a lineup .toml file must be the only article"))
    for path in paths:
        if "://" in path:
            continue
        if not Path(path).is_file():
            raise bad("articles", _("{path}: no such file; check the path").format(path=path))
        if lineups:
            try:
                load_lineup(Path(path))
            except PhatthanhError as exc:
                raise bad("articles", str(exc)) from None


def _day(value: object, bad: Any) -> date | None:
    """The job's air date: text YYYY-MM-DD, or a TOML date written bare in a plan."""
    if value is None:
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        with suppress(ValueError):
            return date.fromisoformat(value)
    raise bad(
        "date", _("{value}: use the form YYYY-MM-DD, e.g. 2026-11-24").format(value=repr(value))
    )


def _today(config: Any) -> date:
    from phatthanh.settings.station import now_at

    return now_at(config.site.tz).date()
