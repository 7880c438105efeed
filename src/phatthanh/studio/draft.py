"""The studio's working lineup: `.studio/draft.toml` in the project folder.

It is an ordinary lineup file (articles/lineup.py), so `phatthanh build-episode
.studio/draft.toml` builds what the studio shows. Pasted and uploaded articles are kept
next to it in `.studio/articles/`. Every write replaces the file atomically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import get_args

import tomlkit

from phatthanh.articles.lineup import load_lineup
from phatthanh.errors import ArticleError
from phatthanh.model import Lineup, Priority
from phatthanh.publish.record import write_bytes_atomic, write_text_atomic

FOLDER = ".studio"
DRAFT = "draft.toml"
ARTICLES = "articles"
UPLOAD_SUFFIXES = (".txt", ".html", ".htm")


@dataclass(frozen=True)
class DraftItem:
    source: str  # relative to .studio/ (articles/003.txt) or an http(s) URL
    title: str = ""
    author: str = ""
    skip: tuple[int, ...] = ()  # paragraph numbers (hand-written lineups)
    keep: tuple[int, ...] = ()  # line numbers the rules dropped, read anyway
    drop: tuple[int, ...] = ()  # line numbers of kept paragraphs, left out


@dataclass(frozen=True)
class Draft:
    items: tuple[DraftItem, ...] = ()
    title: str = ""
    air_date: date | None = None
    priority: Priority = "thong_thuong"
    air_slots: tuple[str, ...] = ()
    publish_at: datetime | None = None
    expires: datetime | None = None


def draft_path(root: Path) -> Path:
    return root / FOLDER / DRAFT


def load_draft(root: Path) -> Draft:
    """The draft in `root`, or an empty one. Its values are checked as a lineup."""
    path = draft_path(root)
    if not path.is_file():
        return Draft()
    data = tomlkit.parse(path.read_text("utf-8")).unwrap()
    if not data.get("items"):  # the program's settings may come before its articles
        return Draft(
            title=str(data.get("title", "")),
            air_date=data["date"] if isinstance(data.get("date"), date) else None,
            priority=data["priority"] if data.get("priority") in get_args(Priority) else
            "thong_thuong",
            air_slots=tuple(str(s) for s in data.get("air_slots", [])),
            publish_at=data["publish_at"] if isinstance(data.get("publish_at"), datetime) else
            None,
            expires=data["expires"] if isinstance(data.get("expires"), datetime) else None,
        )  # fmt: skip
    lineup = load_lineup(path)  # with articles, every value is checked as a lineup
    items = tuple(
        DraftItem(
            str(i["source"]),
            str(i.get("title", "")),
            str(i.get("author", "")),
            tuple(int(n) for n in i.get("skip", [])),
            tuple(int(n) for n in i.get("keep", [])),
            tuple(int(n) for n in i.get("drop", [])),
        )
        for i in data["items"]
    )
    return Draft(
        items=items,
        title=str(data.get("title", "")),
        air_date=lineup.air_date,
        priority=lineup.priority,
        air_slots=lineup.air_slots,
        publish_at=lineup.publish_at,
        expires=lineup.expires,
    )


def save_draft(root: Path, draft: Draft) -> None:
    """Write the draft as a lineup file, atomically."""
    doc = tomlkit.document()
    doc.add(tomlkit.comment("The studio's working lineup: phatthanh build-episode this file"))
    for key, value in (
        ("title", draft.title),
        ("date", draft.air_date),
        ("priority", draft.priority),
        ("air_slots", list(draft.air_slots)),
        ("publish_at", draft.publish_at),
        ("expires", draft.expires),
    ):
        if value not in (None, "", []):
            doc[key] = value
    items = tomlkit.aot()
    for item in draft.items:
        table = tomlkit.table()
        table["source"] = item.source
        for key, value in (("title", item.title), ("author", item.author)):
            if value:
                table[key] = value
        for key, numbers in (("skip", item.skip), ("keep", item.keep), ("drop", item.drop)):
            if numbers:
                table[key] = sorted(numbers)
        items.append(table)
    if draft.items:
        doc["items"] = items
    path = draft_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, tomlkit.dumps(doc))


def draft_lineup(root: Path) -> Lineup:
    """The draft as the lineup a build reads (sources resolved against .studio/)."""
    path = draft_path(root)
    if not path.is_file() or not load_draft(root).items:
        raise ArticleError(f"{path}: chưa có bài nào; thêm bài ở trang 'Bài viết'")
    return load_lineup(path)


def store_article(root: Path, data: bytes, suffix: str = ".txt") -> str:
    """Keep a pasted or uploaded page in .studio/articles/; its source for the draft."""
    if suffix.lower() not in UPLOAD_SUFFIXES:
        raise ArticleError(f"tệp '{suffix}' không phải bài viết; tải lên tệp .txt hoặc .html")
    folder = root / FOLDER / ARTICLES
    folder.mkdir(parents=True, exist_ok=True)
    numbers = [int(m.group(1)) for p in folder.iterdir() if (m := re.match(r"(\d+)", p.name))]
    name = f"{max(numbers, default=0) + 1:03d}{suffix.lower()}"
    write_bytes_atomic(folder / name, data)
    return f"{ARTICLES}/{name}"


def resolve_source(root: Path, source: str) -> str:
    """A draft source as read_article takes it."""
    if source.startswith(("http://", "https://")):
        return source
    return str((root / FOLDER / source).resolve())


def move_item(draft: Draft, index: int, offset: int) -> Draft:
    items = list(draft.items)
    target = index + offset
    if 0 <= index < len(items) and 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    return replace(draft, items=tuple(items))


def remove_item(draft: Draft, index: int) -> Draft:
    return replace(draft, items=tuple(i for n, i in enumerate(draft.items) if n != index))


def choose_line(draft: Draft, index: int, line: int, keep: bool) -> Draft:
    """Read input line `line` of item `index` (keep) or leave it out: undo the editor's
    opposite choice if there is one, else add this one (lineup `keep` / `drop`)."""
    if not 0 <= index < len(draft.items):
        raise ArticleError(f"bài {index + 1}: không có trong chương trình; tải lại trang")
    item = draft.items[index]
    keep_set, drop_set = set(item.keep), set(item.drop)
    if keep:
        keep_set |= set() if line in drop_set else {line}
        drop_set.discard(line)
    else:
        drop_set |= set() if line in keep_set else {line}
        keep_set.discard(line)
    items = list(draft.items)
    items[index] = replace(item, keep=tuple(sorted(keep_set)), drop=tuple(sorted(drop_set)))
    return replace(draft, items=tuple(items))
