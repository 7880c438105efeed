"""Every real page of ../shared/corpus/pages, read as `script` reads it, against what can be
checked without a key: no digit, `%`, `/` or `&` left in speech; no ALL-CAPS token (a voice
spells it); no Latin token that is neither Vietnamese, English nor in the lexicon; no
caption, byline, widget or counter line read as body; no title made from a file name.

One case per page and check. Accepted tokens and pending cases are listed, each with its
reason, in tests/corpus_exceptions.toml (pending cases belong to the normalization work and
run as non-strict xfail, so a fixed one shows as XPASS and its entry can go).
"""

from __future__ import annotations

import functools
import re
import tempfile
import tomllib
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from english_words import get_english_words_set

from phatthanh.articles import read_article
from phatthanh.articles.settings import ArticleSettings
from phatthanh.clean import Normalizer
from phatthanh.clean.settings import SpeechSettings
from phatthanh.config import StationSettings
from phatthanh.model import Script, SourceEntry
from phatthanh.review import is_syllable
from phatthanh.segment import script_article

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pages"
PAGES = sorted(p.stem for p in CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
EXCEPTIONS = tomllib.loads((Path(__file__).parent / "corpus_exceptions.toml").read_text("utf-8"))
EXTRACTION_CHECKS = ("furniture", "title")

# What a page prints around its article, by shape; written here, apart from the rules in
# articles/lines.py, so that the test does not grade the rules with themselves.
FURNITURE = re.compile(
    r"(?i)^\(?\s*(ảnh|hình ảnh|nguồn|tin,? ảnh|tác giả|lượt xem|số lượt (xem|đọc)|lượt đọc|"
    r"truy cập|đang online|tổng lượt)\b|#\w|copy link|xem tiếp|bài viết liên quan|"
    r"tin (cùng chuyên mục|liên quan|nổi bật)|no title|xuất bản thông tin|^null\b|a- a a\+|"
    r"tương phản|cỡ chữ|đính kèm|bài trước|bài tiếp theo|đăng nhập|thời gian chờ|"
    r"về (trang trước|đầu trang)|\.(jpe?g|png|gif)\b|^một số hình ảnh"
)

if not PAGES:
    pytestmark = pytest.mark.skip(reason=f"{CORPUS} is absent: the real-page corpus is not here")


@functools.cache
def english() -> frozenset[str]:
    return frozenset(get_english_words_set(["web2"], lower=True))


@functools.cache
def script(page: str) -> Script:
    """The page as `script` reads it (its SOURCE line removed, as corpus_scan.py does)."""
    text = (CORPUS / f"{page}.txt").read_text("utf-8")
    first, _, rest = text.partition("\n")
    body = rest if first.startswith("SOURCE:") else text
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{page}.txt"
        path.write_text(body, "utf-8")
        article = read_article(
            SourceEntry(str(path)), ArticleSettings(), StationSettings(), require_title=False
        )
    speech = SpeechSettings()
    return script_article(article, Normalizer(speech), speech)


def spoken(page: str) -> list[str]:
    return [s.spoken for s in script(page).segments if s.kind in ("title", "body")]


def residue(page: str, reason: str) -> list[str]:
    """Tokens the normalizer's last resort read because no rule explained them: a number
    read as a plain number, a symbol read as a word, an ALL-CAPS token spelled out."""
    segments = script(page).segments
    return [r.text for s in segments if s.kind in ("title", "body") for r in s.residue
            if r.reason.startswith(reason)]  # fmt: skip


def digits(page: str) -> list[str]:
    left = [m for text in spoken(page) for m in re.findall(r"\d+", text)]
    return left + residue(page, "number without a reading rule")


def symbols(page: str) -> list[str]:
    left = [m for text in spoken(page) for m in re.findall(r"[%/&]", text)]
    return left + residue(page, "symbol read as a word")


def caps(page: str) -> list[str]:
    """ALL-CAPS tokens left in speech, and Vietnamese words in capitals spelled out."""
    words = (w for text in spoken(page) for w in re.findall(r"\w+", text))
    left = [w for w in words if len(w) >= 2 and w.isalpha() and w.isupper()]
    return left + [t for t in residue(page, "unknown abbreviation") if is_syllable(t)]


def latin(page: str) -> list[str]:
    """Tokens that are no Vietnamese syllable and no English word: Latin leftovers of codes
    and units, glued words (`khóaXII`), letters lost with their diacritics."""
    words = (w for text in spoken(page) for w in re.findall(r"\w+", text))
    return [w for w in words if w.isalpha() and not is_syllable(w) and w.lower() not in english()]


def furniture(page: str) -> list[str]:
    segments = script(page).segments
    return [
        s.display for s in segments if s.kind in ("title", "body") and FURNITURE.search(s.display)
    ]


def title(page: str) -> list[str]:
    """A title made from the file name, or a placeholder, is a defect; no title is not."""
    made = script(page).article.title
    slug = " ".join(w for w in page.split("-")[1:] if not w.isdigit())
    folded = "".join(
        c for c in unicodedata.normalize("NFD", made.lower().replace("đ", "d"))
        if not unicodedata.combining(c)
    )  # fmt: skip
    words = re.findall(r"\w+", folded)
    from_slug = " ".join(words) == slug or (made.isascii() and len(words) >= 3)
    placeholder = bool(re.match(r"(?i)(null|none|date)\b", made))
    if made and (from_slug or placeholder or FURNITURE.search(made)):
        return [made]
    return []


CHECKS: dict[str, Callable[[str], list[str]]] = {
    "digit": digits,
    "symbol": symbols,
    "caps": caps,
    "latin": latin,
    "furniture": furniture,
    "title": title,
}


def accepted(page: str, check: str) -> set[str]:
    return {
        e["token"] for e in EXCEPTIONS.get("accept", []) if (e["page"], e["check"]) == (page, check)
    }


def _pending() -> dict[tuple[str, str], str]:
    return {(e["page"], e["check"]): e["reason"] for e in EXCEPTIONS.get("pending", [])}


def _cases() -> list[object]:
    pending = _pending()
    cases: list[object] = []
    for page in PAGES:
        for check in CHECKS:
            reason = pending.get((page, check))
            marks = [pytest.mark.xfail(strict=False, reason=reason)] if reason else []
            cases.append(pytest.param(page, check, marks=marks, id=f"{page}-{check}"))
    return cases


@pytest.mark.parametrize(("page", "check"), _cases())
def test_real_page_reads_right(page: str, check: str) -> None:
    found = [t for t in CHECKS[check](page) if t not in accepted(page, check)]
    assert found == [], f"{page}: {check}: {found[:8]}"


def test_every_exception_has_a_reason_and_pending_ones_are_normalization() -> None:
    for entry in EXCEPTIONS.get("accept", []):
        assert entry["page"] in PAGES and entry["check"] in CHECKS, entry
        assert len(entry["reason"]) > 15, entry
    for entry in EXCEPTIONS.get("pending", []):
        assert entry["page"] in PAGES and entry["check"] in CHECKS, entry
        assert entry["check"] not in EXTRACTION_CHECKS, f"extraction must pass: {entry}"
        assert entry["reason"].startswith("normalization: "), entry


def test_accepted_tokens_are_still_on_their_pages() -> None:
    """An accepted token that is no longer read is a stale entry: remove it."""
    stale = [
        e for e in EXCEPTIONS.get("accept", []) if e["token"] not in CHECKS[e["check"]](e["page"])
    ]
    assert stale == []


def test_pages_without_a_headline_are_exactly_those_the_corpus_marks_notitle() -> None:
    """The corpus README tags each page that has no headline `notitle`; those, and only
    those, must come out without a title (and the others with one)."""
    readme = (CORPUS.parent / "README.md").read_text("utf-8")
    rows = re.findall(r"^\| \d+ \| `(\d{3}-[^`]+)\.txt` \|(.*)$", readme, re.M)
    tagged = {name for name, rest in rows if "`notitle`" in rest}
    assert len(rows) == len(PAGES) and tagged
    untitled = {page for page in PAGES if not script(page).article.title}
    assert untitled == tagged
