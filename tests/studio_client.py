"""The studio through starlette's TestClient, posting forms as its pages do: with this
browser's CSRF token and the draft version the page showed (unless a test gives its own)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from phatthanh.studio import make_app
from phatthanh.studio.csrf import COOKIE
from phatthanh.studio.edits import draft_version
from tests.conftest import BASE_URL

# Written for these tests: a title, a date line, two body paragraphs (one with an unknown
# abbreviation the voice would spell out), and an author line.
ARTICLE = """Xã Bình An khánh thành cầu dân sinh mới

10:15, Thứ Ba, 24-11-2026

Sáng nay, bà con xã Bình An đã dự lễ khánh thành cây cầu bắc qua kênh Đông do HTXQ góp vốn.

Cây cầu giúp học sinh hai thôn đi học an toàn hơn trong mùa mưa lũ.

Lê Văn Tâm
"""
CONFIG = f"""# the station's config, with a comment the studio must keep
[station]
base_url = "{BASE_URL}"

[articles]
allow_private_hosts = true  # the test portal is on 127.0.0.1

[voices]
engine = "espeak"

[master]
renditions = ["podcast"]
"""


class StudioClient(TestClient):
    def __init__(self, config: Path, app: Any = None, **kwargs: Any) -> None:
        super().__init__(app or make_app(config, **kwargs))
        self.root = config.parent

    def token(self) -> str:
        if COOKIE not in self.cookies:
            assert self.get("/bai-viet").status_code == 200
        return str(self.cookies[COOKIE])

    def post(self, url: Any, *, data: Any = None, **kwargs: Any) -> Any:  # type: ignore[override]
        form = dict(data or {})
        form.setdefault("csrf", self.token())
        form.setdefault("phien_ban", draft_version(self.root))
        return super().post(url, data=form, **kwargs)


def wait(client: TestClient, number: int) -> dict[str, object]:
    """The build's last progress event from its stream (which ends when the build does)."""
    last: dict[str, object] = {}
    with client.stream("GET", f"/dung/{number}/su-kien") as stream:
        for line in stream.iter_lines():
            if line.startswith('data: {"'):
                last = json.loads(line.removeprefix("data: "))
    return last


def paste(client: TestClient, text: str = ARTICLE) -> None:
    response = client.post("/bai-viet/dan", data={"noi_dung": text})
    assert response.status_code == 200, response.text


def new_project(root: Path) -> StudioClient:
    (root / "phatthanh.toml").write_text(CONFIG, "utf-8")
    return StudioClient(root / "phatthanh.toml")
