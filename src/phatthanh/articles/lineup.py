"""Lineup files (`episodes/<name>.toml`) and portal RSS/Atom feeds -> Lineup.

A lineup file:

    title = "Bản tin thời sự"          # optional
    date = 2026-11-24                  # optional (TOML date)
    priority = "thong_thuong"          # thong_thuong | uu_tien | khan_cap
    air_slots = ["06:00", "17:00"]
    publish_at = 2026-11-24T05:30:00+07:00   # optional: held out of the feeds until then
    expires = 2026-11-25T00:00:00+07:00      # optional: dropped from feeds and manifest then

    [[items]]
    source = "tin/tiem-chung.txt"       # a path (relative to the lineup file) or a URL
    title = "..."                      # optional overrides
    author = "..."
    skip = [3]                         # 1-based paragraph numbers to leave out
    keep = [7]                         # input lines (script --explain) the rules dropped
    drop = [12]                        # input lines where a kept paragraph starts
    byline = false
"""

from __future__ import annotations

import logging
import re
import tomllib
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from phatthanh.articles.fetch import fetch, is_url
from phatthanh.articles.settings import ArticleSettings
from phatthanh.errors import ArticleError
from phatthanh.i18n import _
from phatthanh.model import Lineup, SourceEntry

log = logging.getLogger(__name__)
MAX_ITEMS = 60  # articles in one program (a lineup or a portal feed)
MAX_TOTAL_BYTES = 20_000_000  # all local article files of one lineup together
_PRIORITIES = ("thong_thuong", "uu_tien", "khan_cap")
_ITEM_KEYS = {"source", "title", "author", "skip", "keep", "drop", "byline"}
_TOP_KEYS = {"title", "date", "priority", "air_slots", "publish_at", "expires", "items"}


def load_lineup(path: Path) -> Lineup:
    where = str(path)
    if not path.is_file():
        raise ArticleError(_("{where}: no such lineup file; check the path").format(where=where))
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ArticleError(
            _("{where}: not a valid TOML lineup ({exc})").format(where=where, exc=exc)
        ) from None
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ArticleError(
            _("{where}: unknown key '{unknown}' in the lineup").format(
                where=where, unknown=unknown[0]
            )
        )
    items = data.get("items")
    if not isinstance(items, list) or not items:
        raise ArticleError(
            _("{where}: has no [[items]]; list the articles to read").format(where=where)
        )
    air_date = data.get("date")
    if air_date is not None and not isinstance(air_date, date):
        raise ArticleError(
            _("{where}: 'date' must be a TOML date like 2026-11-24").format(where=where)
        )
    if isinstance(air_date, datetime):
        air_date = air_date.date()
    priority = data.get("priority", "thong_thuong")
    if priority not in _PRIORITIES:
        raise ArticleError(
            _("{where}: 'priority' must be one of {priorities}").format(
                where=where, priorities=", ".join(_PRIORITIES)
            )
        )
    slots = data.get("air_slots", [])
    if not isinstance(slots, list) or not all(isinstance(s, str) and _is_time(s) for s in slots):
        raise ArticleError(
            _(
                '{where}: \'air_slots\' must be a list of times from "00:00" to "23:59", '
                'like ["06:00", "17:00"]'
            ).format(where=where)
        )
    title = data.get("title")
    if title is not None and not isinstance(title, str):
        raise ArticleError(_("{where}: 'title' must be a string").format(where=where))
    if len(items) > MAX_ITEMS:
        raise ArticleError(
            _("{where}: {items} items; a program holds at most {max_items}, split it").format(
                where=where, items=len(items), max_items=MAX_ITEMS
            )
        )
    entries = tuple(_entry(item, n, path) for n, item in enumerate(items, start=1))
    total = sum(Path(e.source).stat().st_size for e in entries if Path(e.source).is_file())
    if total > MAX_TOTAL_BYTES:
        raise ArticleError(
            _(
                "{where}: its articles hold {total} bytes, more than {max_bytes}; split the lineup"
            ).format(where=where, total=total, max_bytes=MAX_TOTAL_BYTES)
        )
    publish_at, expires = (_moment(data.get(key), key, where) for key in ("publish_at", "expires"))
    return Lineup(entries, title, air_date, priority, tuple(slots), where, publish_at, expires)


def _is_time(value: str) -> bool:
    return re.fullmatch(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]", value, re.ASCII) is not None


def _moment(value: Any, key: str, where: str) -> datetime | None:
    """A TOML offset date-time (2026-11-24T17:00:00+07:00); local ones get +07:00."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise ArticleError(
            _("{where}: '{key}' must be a date-time like 2026-11-24T17:00:00+07:00").format(
                where=where, key=key
            )
        )
    return value if value.tzinfo else value.replace(tzinfo=timezone(timedelta(hours=7)))


def _entry(item: Any, n: int, path: Path) -> SourceEntry:
    where = _("{path}: item {n}").format(path=path, n=n)
    if not isinstance(item, dict) or not isinstance(item.get("source"), str):
        raise ArticleError(_('{where} needs source = "path or URL"').format(where=where))
    unknown = sorted(set(item) - _ITEM_KEYS)
    if unknown:
        raise ArticleError(
            _("{where}: unknown key '{unknown}'").format(where=where, unknown=unknown[0])
        )
    source = item["source"]
    if not is_url(source):
        folder = path.parent.resolve()
        if Path(source).is_absolute():
            raise ArticleError(
                _(
                    "{where}: source {source!r} is an absolute path; name a file beside the lineup"
                ).format(where=where, source=source)
            )
        resolved = (folder / source).resolve()  # symbolic links followed
        if not resolved.is_relative_to(folder):
            raise ArticleError(
                _("{where}: source {source!r} points outside the lineup's folder").format(
                    where=where, source=source
                )
            )
        source = str(resolved)
    skip = item.get("skip", [])
    if not isinstance(skip, list) or not all(isinstance(s, int) and s > 0 for s in skip):
        raise ArticleError(
            _("{where}: 'skip' must be a list of paragraph numbers (1, 2, ...)").format(where=where)
        )
    keep, drop = (item.get(key, []) for key in ("keep", "drop"))
    for key, value in (("keep", keep), ("drop", drop)):
        if not isinstance(value, list) or not all(isinstance(s, int) and s > 0 for s in value):
            raise ArticleError(
                _(
                    "{where}: '{key}' must be a list of line numbers as 'script --explain' "
                    "shows them (1, 2, ...)"
                ).format(where=where, key=key)
            )
    byline = item.get("byline")
    if byline is not None and not isinstance(byline, bool):
        raise ArticleError(_("{where}: 'byline' must be true or false").format(where=where))
    return SourceEntry(
        source, item.get("title"), item.get("author"), tuple(skip), byline,
        keep_lines=tuple(keep), drop_lines=tuple(drop),
    )  # fmt: skip


def is_feed(source: str, settings: ArticleSettings) -> bool:
    """A portal RSS/Atom feed: a local file by its content (whatever its name), a URL by the
    usual shapes of feed addresses (…/rss…, …/feed, *.rss, *.atom, *.xml, ?feed=)."""
    if not is_url(source):
        path = Path(source)
        if path.suffix.lower() in (".rss", ".atom"):
            return True  # a missing or broken one is then reported as a feed
        try:
            with path.open("rb") as fh:
                head = fh.read(1000)
        except OSError:
            return False
        return _looks_like_feed(head)
    parts = urlsplit(source)
    lowered = parts.path.lower()
    last = lowered.rstrip("/").rsplit("/", 1)[-1]
    return (
        "/rss" in lowered
        or last in ("feed", "atom", "feeds")
        or last.endswith((".rss", ".atom", ".xml"))
        or "feed=" in parts.query.lower()
    )


def _looks_like_feed(head: bytes) -> bool:
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if text.startswith(b"<?xml"):
        return any(tag in text for tag in (b"<rss", b"<feed", b"<rdf:rdf"))
    return text.startswith((b"<rss", b"<feed"))


def lineup_from_feed(
    source: str, settings: ArticleSettings, *, since: date | None, latest: int | None
) -> list[SourceEntry]:
    if is_url(source):
        data = fetch(source, settings, accept_html_only=False)
    else:
        try:
            data = Path(source).read_bytes()
        except FileNotFoundError:
            raise ArticleError(
                _("{source}: no such file; check the path").format(source=source)
            ) from None
        except OSError as exc:
            raise ArticleError(
                _("{source}: cannot read the feed ({strerror})").format(
                    source=source, strerror=exc.strerror
                )
            ) from None
    import feedparser  # here: only a feed needs it (3 MB of memory a build can spare)

    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        raise ArticleError(_("{source}: not a readable RSS/Atom feed").format(source=source))
    dated: list[tuple[datetime | None, str, str | None]] = []
    for entry in parsed.entries:
        link = str(entry.get("link") or "").strip()
        if not link:
            continue
        if not is_url(link) or not urlsplit(link).hostname:
            log.warning(
                _("{source}: item link {link!r} is not an http(s) address; skipped").format(
                    source=source, link=link
                )
            )
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        # feedparser gives UTC: the entry's date is the article's, not one found in its body
        when = datetime(*stamp[:6]).replace(tzinfo=UTC) if stamp else None
        dated.append((when, link, (entry.get("title") or "").strip() or None))
    if since is not None:
        dated = [d for d in dated if d[0] is not None and d[0].date() >= since]
    dated.sort(key=lambda x: x[0] or datetime.min.replace(tzinfo=UTC), reverse=True)
    if latest is not None:
        dated = dated[:latest]
    if not dated:
        raise ArticleError(
            _("{source}: no feed entries match --since/--latest").format(source=source)
        )
    if len(dated) > MAX_ITEMS:
        raise ArticleError(
            _(
                "{source}: {entries} entries; a program holds at most {max_items}, use "
                "--latest or --since"
            ).format(source=source, entries=len(dated), max_items=MAX_ITEMS)
        )
    # oldest first, as broadcast; the feed's title serves a page that has no headline
    return [
        SourceEntry(link, published=when, fallback_title=title)
        for when, link, title in reversed(dated)
    ]
