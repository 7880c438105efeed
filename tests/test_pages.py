"""Every page of the fixture corpus (tests/fixtures/pages, made by make_pages.py) meets its
golden expectations: title, published time, author, first and last body sentence, lines
that must not be read and lines that must, warnings; a page without a headline gets no
made-up title."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from phatthanh.articles import read_article
from phatthanh.articles.settings import ArticleSettings
from phatthanh.config import StationSettings
from phatthanh.errors import ArticleError
from phatthanh.model import SourceEntry

PAGES = sorted((Path(__file__).parent / "fixtures" / "pages").glob("*.txt"))


def test_the_corpus_has_at_least_30_pages() -> None:
    assert len(PAGES) >= 30


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_page_meets_its_golden_expectations(page: Path) -> None:
    golden = json.loads(page.with_suffix(".json").read_text("utf-8"))
    entry = SourceEntry(str(page))
    article = read_article(entry, ArticleSettings(), StationSettings(), require_title=False)
    assert article.title == (golden["title"] or "")
    if golden["title"] is None:  # never made up: building asks for one, naming the file
        with pytest.raises(ArticleError, match=f"^{page}: the page has no headline; give it"):
            read_article(entry, ArticleSettings(), StationSettings())
    published = article.published.isoformat() if article.published else None
    if golden["published"] == "file time":  # a page with no date: the file's own time
        stamp = datetime.fromtimestamp(int(page.stat().st_mtime), timezone(timedelta(hours=7)))
        golden["published"] = stamp.isoformat()
        golden["warnings"] = [w.replace("{file time}", str(stamp)) for w in golden["warnings"]]
    assert published == golden["published"]
    assert article.author == golden["author"]
    assert article.paragraphs[0].startswith(golden["first"])
    assert article.paragraphs[-1].endswith(golden["last"])
    read_aloud = "\n".join(article.paragraphs) + "\n" + article.title
    for line in golden["not_read"]:
        assert line not in read_aloud, line
    for line in golden.get("read", []):
        assert any(line in p for p in article.paragraphs), line
    assert list(article.warnings) == golden["warnings"]
