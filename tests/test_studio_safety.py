"""The studio's safety: every POST needs this browser's CSRF token, and an edit made from a
page showing an older draft is refused (the second tab is told to reload), never applied
over the first tab's edit."""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from phatthanh.articles.lineup import load_lineup
from phatthanh.studio.csrf import COOKIE, CsrfMiddleware
from phatthanh.studio.draft import DraftItem, draft_path, load_draft
from phatthanh.studio.edits import draft_version, edit_draft
from tests.studio_client import ARTICLE, StudioClient, new_project, paste


@pytest.fixture
def client(tmp_path: Path) -> StudioClient:
    return new_project(tmp_path)


def post_routes(client: TestClient) -> list[str]:
    """Every POST route of the studio, its path parameters filled in."""
    paths = []
    for route in client.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, Route) and "POST" in (route.methods or ()):
            paths.append(re.sub(r"\{(\w+):int\}", "0", re.sub(r"\{(\w+):str\}", "x", route.path)))
    return paths


def test_every_post_without_the_token_is_refused_and_changes_nothing(
    client: StudioClient,
) -> None:
    paste(client)
    before = draft_path(client.root).read_bytes()
    paths = post_routes(client)
    assert len(paths) >= 14 and "/ban-tin-khan" in paths and "/dung/ban/x/phat-hanh" in paths
    for path in paths:
        for token in (None, "", client.token() + "x"):
            data = {"noi_dung": "Bài giả mạo", "url": "http://127.0.0.1/tin", "giu": "1"}
            if token is not None:
                data["csrf"] = token
            response = TestClient.post(client, path, data=data)
            assert response.status_code == 403, (path, token, response.status_code)
            assert "thiếu mã 'csrf'" in response.text
    assert draft_path(client.root).read_bytes() == before
    assert client.post("/bai-viet/dan", data={"noi_dung": ARTICLE}).status_code == 200


def test_a_token_from_another_studio_or_another_browser_is_refused(
    client: StudioClient,
) -> None:
    stranger = CsrfMiddleware(client.app).sign("abc")  # signed with another process's secret
    forged = TestClient(client.app)
    response = forged.post(
        "/bai-viet/dan",
        data={"noi_dung": ARTICLE, "csrf": stranger},
        headers={"cookie": f"{COOKIE}={stranger}"},
    )
    assert response.status_code == 403
    other = TestClient(client.app)  # another browser, with a token of its own
    first_visit = other.get("/bai-viet")
    cookie = first_visit.headers["set-cookie"]
    assert "SameSite=Strict" in cookie and "HttpOnly" in cookie
    assert f'name="csrf" value="{other.cookies[COOKIE]}"' in first_visit.text
    response = other.post("/bai-viet/dan", data={"noi_dung": ARTICLE, "csrf": client.token()})
    assert response.status_code == 403  # this browser's cookie is not that token
    assert not draft_path(client.root).exists()


def test_an_edit_from_a_stale_page_is_refused_with_reload_advice(client: StudioClient) -> None:
    paste(client)
    paste(client, ARTICLE.replace("Bình An khánh", "Bình Minh khánh"))
    shown = draft_version(client.root)  # what both tabs show
    assert f'name="phien_ban" value="{shown}"' in client.get("/chuong-trinh").text
    first = client.post("/chuong-trinh/1/len", data={"phien_ban": shown})
    assert first.status_code == 200
    after_first = draft_path(client.root).read_bytes()
    for path, data in [
        ("/bai-viet/0/xoa", {}),
        ("/bai-viet/0/dong/3", {"giu": "0"}),
        ("/chuong-trinh", {"tieu_de": "Tin tối"}),
        ("/chuong-trinh/0/xuong", {}),
    ]:
        stale = client.post(path, data={**data, "phien_ban": shown})
        assert stale.status_code == 409, path
        assert "vừa được sửa ở một thẻ hoặc cửa sổ khác" in stale.text
        assert "tải lại trang" in stale.text
        assert draft_path(client.root).read_bytes() == after_first  # the first edit stands
    assert len(load_lineup(draft_path(client.root)).entries) == 2


def test_edits_at_once_are_applied_one_after_the_other(tmp_path: Path) -> None:
    def add(n: int) -> None:
        edit_draft(tmp_path, None, lambda d: replace(d, items=(*d.items, DraftItem(f"{n}.txt"))))

    workers = [threading.Thread(target=add, args=(n,)) for n in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    sources = sorted(i.source for i in load_draft(tmp_path).items)
    assert sources == sorted(f"{n}.txt" for n in range(8))
