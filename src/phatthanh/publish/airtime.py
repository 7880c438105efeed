"""Air time enforced: held media are refused until `publish_at`, and `publish --due` brings
due episodes into the feeds (and drops expired ones) when their time comes.

The feeds are rebuilt by `rebuild_feeds` (one locked, atomic rewrite of feed, manifest and
section page) only when some episode's `publish_at` or `expires` has passed since the feed
was last written (the modification time of feeds/podcast.xml), so running it every minute
costs one directory scan and a server that only serves never rewrites anything needlessly.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from phatthanh.articles.text import parse_offset
from phatthanh.errors import PhatthanhError
from phatthanh.model import EpisodeRecord
from phatthanh.publish.record import RECORD, load_record

if TYPE_CHECKING:
    from phatthanh.config import Config

log = logging.getLogger(__name__)
DUE_EVERY_S = 60.0


def now_in(config: Config) -> datetime:
    return datetime.now(parse_offset(config.station.timezone))


def is_held(record: EpisodeRecord, now: datetime) -> bool:
    return bool(record.publish_at) and datetime.fromisoformat(str(record.publish_at)) > now


def held_path(config: Config, path: Path, now: datetime | None = None) -> bool:
    """True when `path` (a resolved file under episodes/) belongs to an episode that is held
    until a later `publish_at`: `phatthanh serve` answers 404 for it."""
    base = config.episodes_dir.resolve()
    try:
        slug = path.relative_to(base).parts[0]
    except (ValueError, IndexError):
        return False
    record_path = base / slug / RECORD
    if not record_path.is_file():
        return False
    try:
        record = load_record(record_path)
    except PhatthanhError:
        return True  # an unreadable record: do not hand out what it may be holding
    return is_held(record, now or now_in(config))


@dataclass(frozen=True)
class DueResult:
    published: tuple[str, ...]  # slugs whose publish_at passed since the last check
    expired: tuple[str, ...]  # slugs whose expires passed since the last check
    rebuilt: bool


def publish_due(config: Config, now: datetime | None = None, force: bool = False) -> DueResult:
    """Rebuild feeds, manifest and section page when an episode became due or expired after
    the feed was last written (or when there is no feed yet, or with `force`)."""
    from phatthanh.publish import rebuild_feeds

    now = now or now_in(config)
    last = _last_written(config.feeds_dir / "podcast.xml", now)
    published: list[str] = []
    expired: list[str] = []
    records = 0
    for path in sorted(config.episodes_dir.glob(f"*/{RECORD}")):
        if path.parent.name.startswith("."):
            continue
        record = load_record(path)
        records += 1
        if record.publish_at and _between(record.publish_at, last, now):
            published.append(record.slug)
        if record.expires and _between(record.expires, last, now):
            expired.append(record.slug)
    rebuild = force or (last is None and records > 0) or bool(published or expired)
    if rebuild:
        rebuild_feeds(config.site, config.publish)
    return DueResult(tuple(published), tuple(expired), rebuild)


def _last_written(feed: Path, now: datetime) -> datetime | None:
    try:
        return datetime.fromtimestamp(feed.stat().st_mtime, now.tzinfo)
    except OSError:
        return None


def _between(moment: str, last: datetime | None, now: datetime) -> bool:
    at = datetime.fromisoformat(moment)
    return at <= now and (last is None or at > last)


Guard = Callable[[], AbstractContextManager[object]]  # held around each check (a lock)


def due_lifespan(
    config: Config, every_s: float = DUE_EVERY_S, guard: Guard | None = None
) -> Callable[[Any], Any]:
    """A Starlette lifespan running `publish_due` every `every_s` seconds beside the server,
    each check inside `guard()` if given (the station's lock: cli/stations.station_lock)."""

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        stop = threading.Event()
        thread = threading.Thread(target=_loop, args=(config, every_s, stop, guard), daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=5)

    return lifespan


def _loop(config: Config, every_s: float, stop: threading.Event, guard: Guard | None) -> None:
    while not stop.is_set():
        check_due(config, guard)
        stop.wait(every_s)


def check_due(config: Config, guard: Guard | None = None) -> None:
    """One check of the server's loop: `publish_due` inside `guard()`; a failure (or a
    guard that refuses) is logged, and the next check tries again."""
    try:
        with guard() if guard is not None else nullcontext():
            result = publish_due(config)
        if result.published or result.expired:
            log.warning("published %s, expired %s", list(result.published),
                        list(result.expired))  # fmt: skip
    except PhatthanhError as exc:
        log.warning("publish --due: %s", exc)
