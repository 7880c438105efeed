"""Stage 1: pages -> Article (title, published time, author, body paragraphs).

Accepts text dumps of portal pages, HTML files, http(s) URLs, portal RSS/Atom feeds and
lineup files (`episodes/<name>.toml`). Page furniture is dropped by shape rules
(`articles/text.py`); every line's decision is kept for `phatthanh script --explain`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from phatthanh.articles.choices import apply_choices
from phatthanh.articles.decode import decode_page
from phatthanh.articles.fetch import fetch, is_url
from phatthanh.articles.html import looks_like_html, parse_html_page
from phatthanh.articles.lines import is_username
from phatthanh.articles.lineup import is_feed, lineup_from_feed, load_lineup
from phatthanh.articles.settings import ArticleSettings
from phatthanh.articles.text import ParsedPage, parse_offset, parse_text_page
from phatthanh.clean.unicode import cleanup_unicode
from phatthanh.errors import ArticleError
from phatthanh.i18n import _
from phatthanh.model import Article, Lineup, SourceEntry

if TYPE_CHECKING:  # config imports this package's settings: no import cycle at run time
    from phatthanh.config import StationSettings

log = logging.getLogger(__name__)

__all__ = ["expand_sources", "read_article"]


def read_article(
    entry: SourceEntry,
    settings: ArticleSettings,
    station: StationSettings,
    *,
    require_title: bool = True,
) -> Article:
    """Read one page (file or URL) into an Article, with the lineup's overrides applied.

    A page without a headline gets the title its user gave (a lineup or feed item's title,
    `--title`); with none, it is an ArticleError, or, when `require_title` is false (to
    show the page), an empty title and a warning. A title is never made up.
    """
    source = entry.source
    data, url = _load(source, settings)
    text = decode_page(data, source)
    tz = parse_offset(station.timezone)
    page = parse_html_page(text, tz) if looks_like_html(text) else parse_text_page(text, tz)
    if entry.published is not None:  # a feed entry's own date wins over any in the page
        page.published = entry.published.astimezone(tz)
    if not page.title and not entry.title:
        page.title = entry.fallback_title
        if not page.title and require_title and page.paragraphs:
            raise ArticleError(
                _(
                    '{source}: the page has no headline; give it a title (title = "..." in '
                    "its lineup item, or --title when it is the only article)"
                ).format(source=source)
            )
    article = _to_article(page, source, url, tz)
    return _apply_overrides(article, entry)


def _load(source: str, settings: ArticleSettings) -> tuple[bytes, str | None]:
    if is_url(source):
        return fetch(source, settings), source
    path = Path(source)
    if not path.exists():
        raise ArticleError(_("{source}: no such file; check the path").format(source=source))
    if not path.is_file():
        raise ArticleError(
            _("{source}: not a file; name a text or HTML page").format(source=source)
        )
    size = path.stat().st_size
    if size > settings.max_bytes:
        raise ArticleError(
            _(
                "{source}: {size} bytes is larger than the {max_bytes}-byte limit "
                "([articles] max_bytes); is this really one article?"
            ).format(source=source, size=size, max_bytes=settings.max_bytes)
        )
    try:
        return path.read_bytes(), None
    except OSError as exc:
        raise ArticleError(
            _("{source}: cannot read the file ({strerror})").format(
                source=source, strerror=exc.strerror
            )
        ) from None


def _to_article(page: ParsedPage, source: str, url: str | None, tz: timezone) -> Article:
    if not page.paragraphs:
        raise ArticleError(
            _(
                "{source}: has no body text after cleaning; check that it is not only boilerplate"
            ).format(source=source)
        )
    warnings = list(page.warnings)
    title = page.title or ""
    if not title:
        warnings.append(_("no title on the page; give one (a lineup item's title, or --title)"))
    if page.published is None and url is None and Path(source).is_file():
        page.published = datetime.fromtimestamp(Path(source).stat().st_mtime, tz).replace(
            microsecond=0
        )
        warnings.append(
            _("no publication date found; using the file's time {published}").format(
                published=page.published
            )
        )
    elif page.published is None:
        warnings.append(_("no publication date found"))
    author = page.author
    if author and author.isupper() and any(len(w) > 2 for w in author.split()):
        author = author.title()  # 'TRẦN VĂN BÌNH' -> 'Trần Văn Bình'; initials 'HV' stay
    if not author and page.source_line:
        author = page.source_line
    # a portal account name is kept for the feed but never read aloud as a byline
    byline = not (author and is_username(author))
    for warning in warnings:
        log.warning("%s: %s", source, warning)
    return Article(
        source=source,
        title=_one_line(title),
        paragraphs=tuple(page.paragraphs),
        published=page.published,
        author=_one_line(author) if author else None,
        url=url,
        byline=byline,
        warnings=tuple(warnings),
        decisions=tuple(page.decisions),
    )


def _one_line(text: str) -> str:
    """Metadata for feeds and tags: NFC, no control characters, one line."""
    return " ".join(cleanup_unicode(text).split())


def _apply_overrides(article: Article, entry: SourceEntry) -> Article:
    article = apply_choices(article, entry)  # skip, keep, drop
    if not article.paragraphs:
        raise ArticleError(
            _("{source}: the lineup skips every paragraph of it").format(source=entry.source)
        )
    return replace(
        article,
        title=_one_line(entry.title) if entry.title else article.title,
        author=_one_line(entry.author) if entry.author else article.author,
        byline=article.byline if entry.byline is None else entry.byline,
    )


def expand_sources(
    args: Sequence[str],
    settings: ArticleSettings,
    *,
    since: date | None = None,
    latest: int | None = None,
) -> Lineup:
    """What to read: the named pages, a portal feed's entries, or one lineup file."""
    if len(args) == 1 and args[0].endswith(".toml"):
        return load_lineup(Path(args[0]))
    if any(a.endswith(".toml") for a in args):
        raise ArticleError(_("a lineup .toml file must be the only argument; name it alone"))
    entries: list[SourceEntry] = []
    for arg in args:
        if is_feed(arg, settings):
            entries.extend(lineup_from_feed(arg, settings, since=since, latest=latest))
        else:
            entries.append(SourceEntry(source=arg))
    return Lineup(entries=tuple(entries))
