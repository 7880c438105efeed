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


class StudioClient(TestClient):
    def __init__(self, config: Path, **kwargs: Any) -> None:
        super().__init__(make_app(config, **kwargs))
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
