"""HTML pages -> the same ParsedPage as text dumps: trafilatura extracts the article and its
metadata; the text-dump shape rules then drop what the extractor let through.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from lxml import html as lxml_html

from phatthanh.articles.lines import clean_title, strip_portal_name
from phatthanh.articles.text import ParsedPage, find_datetime, parse_text_page

_HTML_START = re.compile(r"(?is)^\s*(<!doctype html|<html|<head|<body|<article|<div|<p[ >])")


def looks_like_html(text: str) -> bool:
    return bool(_HTML_START.match(text[:2000]))


def parse_html_page(text: str, tz: timezone) -> ParsedPage:
    import trafilatura  # slow to import; only HTML pages need it

    extracted = trafilatura.bare_extraction(
        text, include_comments=False, include_tables=False, with_metadata=True
    )
    body = getattr(extracted, "text", None) or ""
    page = parse_text_page(body, tz) if body else ParsedPage()
    title = _metadata_title(getattr(extracted, "title", None)) or _metadata_title(_html_title(text))
    if title:
        # trafilatura gives the title as metadata, so every body line is body text
        if page.title and page.title != title:
            page.paragraphs.insert(0, page.title)
        page.title = title.strip()
        page.paragraphs = [p for p in page.paragraphs if p.strip() != page.title]
    author = getattr(extracted, "author", None)
    if author and not page.author:
        page.author = author.strip()
    stamp = _meta_time(text)
    if stamp is not None:
        page.published = _parse_iso(stamp, tz) or page.published
    date_text = getattr(extracted, "date", None)
    if page.published is None and date_text:
        page.published = _parse_iso(date_text, tz) or find_datetime(date_text, tz)
    return page


def _metadata_title(value: str | None) -> str | None:
    """A title from the page's metadata, without the portal's name or a placeholder."""
    if not value:
        return None
    title = clean_title(strip_portal_name(value))
    return title if len(title.split()) >= 2 else None


def _html_title(text: str) -> str | None:
    try:
        tree = lxml_html.fromstring(text)
    except (ValueError, lxml_html.etree.ParserError):
        return None
    for xpath in ("//meta[@property='og:title']/@content", "//h1", "//title"):
        found = tree.xpath(xpath)
        if found:
            first = found[0]
            value = (first if isinstance(first, str) else first.text_content()).strip()
            if value:
                return str(value)
    return None


_TIME_XPATHS = (
    "//meta[@property='article:published_time']/@content",
    "//meta[@itemprop='datePublished']/@content",
    "//*[@itemprop='datePublished']/@datetime",
    "//time[@datetime]/@datetime",
)


def _meta_time(text: str) -> str | None:
    """The publication time a page states in its metadata, with the time of day."""
    try:
        tree = lxml_html.fromstring(text)
    except (ValueError, lxml_html.etree.ParserError):
        return None
    for xpath in _TIME_XPATHS:
        found = tree.xpath(xpath)
        if found and "T" in str(found[0]):
            return str(found[0]).strip()
    return None


def _parse_iso(value: str, tz: timezone) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)
