"""`phatthanh serve`: episodes/ and feeds/ over HTTP (standards.md §10).

Starlette's FileResponse answers byte ranges (206, multiple ranges, 416) and HEAD; this module
adds the content types podcast apps expect, conditional GET (304) on ETag and Last-Modified,
CORS on transcripts and chapters, and refuses anything outside the two folders, any hidden
or staging file, and directory listings, with 404.
"""

from __future__ import annotations

import os
import re
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from phatthanh.errors import ConfigError
from phatthanh.i18n import _
from phatthanh.publish.airtime import Guard, due_lifespan, held_path
from phatthanh.site.serve import site_routes

if TYPE_CHECKING:
    from phatthanh.config import Config

CONTENT_TYPES = {
    ".mp3": "audio/mpeg",
    ".xml": "application/rss+xml; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".m3u": "audio/x-mpegurl; charset=utf-8",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".txt": "text/plain; charset=utf-8",
}
CORS = (".vtt", ".srt", ".json")


def content_type(name: str) -> str:
    if name.endswith(".chapters.json"):
        return "application/json+chapters"
    return CONTENT_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


def resolve_inside(folder: Path, relative: str) -> Path | None:
    """The file `relative` names inside `folder`, or None if it is outside, hidden or not a
    regular file."""
    if not relative or "\x00" in relative or relative.startswith("/"):
        return None
    parts = relative.split("/")
    if any(part in ("", ".", "..") or part.startswith(".") for part in parts):
        return None
    try:
        base = folder.resolve()
        candidate = (base / relative).resolve()
        if not candidate.is_relative_to(base) or not candidate.is_file():
            return None
    except (OSError, RuntimeError, ValueError):  # a name too long, a symlink loop
        return None
    return candidate


_RANGE_SPEC = re.compile(r"(\d+)-(\d*)|-(\d+)")


def valid_range(header: str) -> bool:
    """Whether a Range header is a well-formed bytes range set (RFC 9110 14.1.1): every
    range `first-last` with first <= last, `first-` or `-suffix`. An invalid one is ignored
    (14.2) and the whole file is sent."""
    unit, _, ranges = header.partition("=")
    if unit.strip().lower() != "bytes" or not ranges.strip():
        return False
    for spec in ranges.split(","):
        match = _RANGE_SPEC.fullmatch(spec.strip())
        if match is None:
            return False
        first, last = match.group(1), match.group(2)
        if first is not None and last and int(first) > int(last):
            return False
    return True


def _not_modified(request: Request, etag: str, mtime: float) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return int(mtime) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
    return False


def make_app(config: Config, guard: Guard | None = None) -> Starlette:
    folders = {"episodes": config.episodes_dir, "feeds": config.feeds_dir}

    async def serve_file(request: Request) -> Response:
        folder = folders[request.url.path.split("/", 2)[1]]
        path = resolve_inside(folder, request.path_params["path"])
        if path is None or held_path(config, path):  # held until publish_at (airtime.py)
            return PlainTextResponse("Not Found", status_code=404)
        try:
            stat = os.stat(path)
        except OSError:
            return PlainTextResponse("Not Found", status_code=404)
        if not valid_range(request.headers.get("range", "bytes=0-")):
            scope_headers = request.scope["headers"]  # the response reads Range from here
            request.scope["headers"] = [(k, v) for k, v in scope_headers if k != b"range"]
        headers = {"Cache-Control": "public, max-age=300"}
        if path.name.endswith(CORS):
            headers["Access-Control-Allow-Origin"] = "*"
        response = FileResponse(
            path, media_type=content_type(path.name), stat_result=stat, headers=headers
        )
        etag = response.headers["etag"]
        ranged = any(k == b"range" for k, _ in request.scope["headers"])
        if _not_modified(request, etag, stat.st_mtime) and not ranged:
            keep = ("etag", "last-modified", "cache-control", "access-control-allow-origin")
            kept = {k: v for k, v in response.headers.items() if k in keep}
            return Response(status_code=304, headers=kept)
        return response

    async def not_found(request: Request) -> Response:
        return PlainTextResponse("Not Found", status_code=404)

    routes = [
        Route("/episodes/{path:path}", serve_file, methods=["GET", "HEAD"]),
        Route("/feeds/{path:path}", serve_file, methods=["GET", "HEAD"]),
        *site_routes(config.site),  # the section page at /site/ (phatthanh.site.serve)
        Route("/{path:path}", not_found, methods=["GET", "HEAD"]),
    ]
    # publish --due each minute, under `guard` (the station's lock) if given
    return Starlette(routes=routes, lifespan=due_lifespan(config, guard=guard))


def serve(config: Config, host: str, port: int, guard: Guard | None = None) -> None:
    """Run the server until interrupted; its publish --due checks run under `guard()`."""
    import uvicorn

    if not 0 < port < 65536:
        raise ConfigError(
            _("port {port}: use a port between 1 and 65535 (--port or [publish] port)").format(
                port=port
            )
        )

    app = make_app(config, guard)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
