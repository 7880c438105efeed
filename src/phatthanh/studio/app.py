"""The studio's ASGI app: templates, the password gate, errors as pages, the routes."""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from phatthanh.config import CONFIG_NAME, Config, find_config, load_config
from phatthanh.errors import PhatthanhError
from phatthanh.studio.csrf import CsrfMiddleware
from phatthanh.studio.edits import DraftConflict, draft_version
from phatthanh.studio.jobs import Builds

NAV = (
    ("/bai-viet", "Bài viết"),
    ("/doc", "Kiểm tra cách đọc"),
    ("/chuong-trinh", "Chương trình"),
    ("/dung", "Dựng và phát hành"),
    ("/ban-tin-khan", "Bản tin khẩn"),
    ("/da-phat", "Các chương trình đã phát"),
)


@dataclass
class Studio:
    """What every route needs: where the config is, the builds, the templates."""

    config_path: Path
    station: str | None = None  # its registry name (--station): publishing takes its lock
    builds: Builds = field(default_factory=Builds)
    env: jinja2.Environment = field(
        default_factory=lambda: jinja2.Environment(
            loader=jinja2.PackageLoader("phatthanh.studio", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
    )

    @property
    def root(self) -> Path:
        return self.config_path.resolve().parent

    def config(self) -> Config:
        """Read afresh on every request: a lexicon entry applies at once."""
        if self.config_path.is_file():
            return load_config(self.config_path)
        return Config(root=self.root)

    def page(self, request: Request, template: str, code: int = 200, **values: Any) -> Response:
        html = self.env.get_template(template).render(
            nav=NAV, path=request.url.path, title=dict(NAV).get(_section(request)),
            csrf=getattr(request.state, "csrf", ""), version=draft_version(self.root), **values
        )  # fmt: skip
        return HTMLResponse(html, status_code=code)


def _section(request: Request) -> str:
    return "/" + request.url.path.strip("/").split("/", 1)[0]


class PasswordGate(BaseHTTPMiddleware):
    """HTTP Basic auth (user `studio`) when the studio listens beyond the loopback."""

    def __init__(self, app: Any, password: str) -> None:
        super().__init__(app)
        self.password = password

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        try:
            user, _, given = base64.b64decode(value).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            user, given = "", ""
        if scheme.lower() == "basic" and secrets.compare_digest(
            f"{user}:{given}".encode(), f"studio:{self.password}".encode()
        ):
            return await call_next(request)
        return PlainTextResponse(
            "Cần mật khẩu của studio (tên người dùng: studio).",
            status_code=401,
            headers={"WWW-Authenticate": 'Basic realm="phatthanh studio", charset="UTF-8"'},
        )


def make_app(
    config_path: Path | None = None, password: str = "", station: str | None = None
) -> Starlette:
    """The studio for the project whose config is `config_path` (default: ./phatthanh.toml,
    which need not exist yet). A non-empty `password` puts every page behind it. `station`
    (the registry name, `studio --station`) makes every publish take the station's lock in
    the broker, as the CLI's commands do (cli/stations.station_lock)."""
    from phatthanh.publish.serve import make_app as serve_app
    from phatthanh.studio import routes

    path = config_path or find_config() or Path.cwd() / CONFIG_NAME
    studio = Studio(path, station)
    config = studio.config()  # a broken config stops the studio before it listens
    static = StaticFiles(packages=[("phatthanh.studio", "static")])
    route_list: list[BaseRoute] = [
        *routes.routes(studio),
        Mount("/static", app=static, name="static"),
        Mount("", app=serve_app(config)),  # /episodes/... and /feeds/... with byte ranges
    ]

    async def error_page(request: Request, exc: Exception) -> Response:
        code = 409 if isinstance(exc, DraftConflict) else 400
        return studio.page(request, "error.html.j2", code=code, message=str(exc))

    middleware = [Middleware(PasswordGate, password=password)] if password else []
    middleware.append(Middleware(CsrfMiddleware))  # every POST carries this browser's token
    app = Starlette(
        routes=route_list,
        middleware=middleware,
        exception_handlers={PhatthanhError: error_page},
    )
    app.state.studio = studio
    return app
