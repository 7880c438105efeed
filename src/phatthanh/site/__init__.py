"""The portal's section page: a static site written beside the feeds, from the same episode
records (HTML5 audio, chapters, timed transcript, downloads; WHATWG HTML).

Layout under the output folder (served at `/site/` by `phatthanh serve`, or by any static
server that serves the folder holding episodes/ and feeds/):

    site/index.html           newest first: air date and slots, duration, lineup
    site/<slug>.html          one page per episode
    site/nhung/<slug>.html    the player alone, for a portal's iframe
    site/static/              stylesheet and script (shipped in the package, no CDN)

`site` is a symbolic link to a complete tree `.site-<token>/` beside it; a rebuild writes a
new tree and swaps the link with one rename, so a reader sees the old site or the new one,
never a mix. (The tree sits beside episodes/ so `../episodes/` works on disk as in URLs.)
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, select_autoescape

from phatthanh.errors import PublishError
from phatthanh.i18n import _
from phatthanh.model import EpisodeRecord
from phatthanh.site.pages import EpisodePage, episode_pages

if TYPE_CHECKING:
    from phatthanh.settings import Site

__all__ = ["site_dir", "write_site"]
_TREES = ".site-"


def site_dir(site: Site) -> Path:
    """Where the section pages are published: `site/` beside `episodes/` and `feeds/`."""
    return site.site_dir


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("phatthanh.site", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def render_site(site: Site, pages: Sequence[EpisodePage]) -> dict[str, str]:
    """Every HTML file of the site, by path relative to the site folder."""
    env = _environment()
    station = site
    feed_url = site.feed_url
    common = {"station": station, "feed_url": feed_url,
              "podcast_url": "podcast://" + feed_url.split("://", 1)[1]}  # fmt: skip
    index = env.get_template("index.html.j2").render(pages=pages, up="", **common)
    files = {"index.html": index}
    for page in pages:
        files[f"{page.slug}.html"] = env.get_template("episode.html.j2").render(
            page=page, up="", **common
        )
        files[f"nhung/{page.slug}.html"] = env.get_template("embed.html.j2").render(
            page=page, up="../", **common
        )
    return files


def write_site(site: Site, records: Sequence[EpisodeRecord]) -> Path:
    """Write the section pages for `records` (the episodes the feed lists) and swap them in
    atomically; returns the site folder. Called under the feeds lock."""
    pages = episode_pages(records, site.episodes_dir, site.base_url)
    files = render_site(site, pages)
    link = site.site_dir
    tree = site.root / f"{_TREES}{secrets.token_hex(6)}"
    try:
        tree.mkdir(parents=True)
        for name, text in files.items():
            path = tree / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        static = resources.files("phatthanh.site") / "static"
        (tree / "static").mkdir()
        for asset in static.iterdir():
            if asset.is_file() and not asset.name.startswith("."):
                (tree / "static" / asset.name).write_bytes(asset.read_bytes())
        _fsync_tree(tree)
        previous = os.readlink(link) if link.is_symlink() else None
        if link.exists() and not link.is_symlink():
            shutil.rmtree(link)  # a site folder from an older version: replace it once
        tmp = link.with_name(f".tmp-link{tree.name}")
        os.symlink(tree.name, tmp)
        os.replace(tmp, link)
    except OSError as exc:
        shutil.rmtree(tree, ignore_errors=True)
        raise PublishError(
            _("{link}: cannot write the section pages ({strerror})").format(
                link=link, strerror=exc.strerror
            )
        ) from None
    _remove_old_trees(site.root, keep={tree.name, Path(previous or "").name})
    return link


def _fsync_tree(tree: Path) -> None:
    for path in tree.rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _remove_old_trees(root: Path, keep: set[str]) -> None:
    """Keep the new tree and the one before it (a reader may still be inside it)."""
    for old in root.glob(f"{_TREES}*"):
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
    for link in root.glob(".tmp-link*"):  # left by a build killed between two steps
        if link.is_symlink():
            link.unlink(missing_ok=True)
