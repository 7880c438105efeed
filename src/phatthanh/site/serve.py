"""Serving the section pages at /site/ from `phatthanh serve` (hooked into publish/serve.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from phatthanh.site import site_dir

if TYPE_CHECKING:
    from phatthanh.settings import Site

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}


def site_routes(site: Site) -> list[BaseRoute]:
    """Routes for /site/ (index.html for the folder); /site redirects there."""
    from phatthanh.publish.serve import resolve_inside

    async def page(request: Request) -> Response:
        relative = request.path_params.get("path", "") or "index.html"
        path = resolve_inside(site_dir(site), relative)
        if path is None or Path(relative).suffix not in CONTENT_TYPES:
            return PlainTextResponse("Not Found", status_code=404)
        headers = {"Cache-Control": "public, max-age=60"}
        return FileResponse(path, media_type=CONTENT_TYPES[path.suffix], headers=headers)

    async def home(request: Request) -> Response:
        return RedirectResponse("/site/", status_code=302)

    return [
        Route("/site", home, methods=["GET", "HEAD"]),
        Route("/site/", page, methods=["GET", "HEAD"]),
        Route("/site/{path:path}", page, methods=["GET", "HEAD"]),
    ]
