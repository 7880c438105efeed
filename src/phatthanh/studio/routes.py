"""Bài viết, Kiểm tra cách đọc, Chương trình: forms wired to the draft and the library."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from phatthanh.articles.fetch import is_url
from phatthanh.articles.lineup import is_feed, lineup_from_feed
from phatthanh.errors import ArticleError
from phatthanh.studio import draft as drafts
from phatthanh.studio.edits import edit_draft
from phatthanh.studio.lexicon import add_lexicon_entry
from phatthanh.studio.preview import running_order
from phatthanh.studio.reading import EDITOR_RULES, display_spans, read_draft
from phatthanh.voices import ClipCache, choose_voice, synthesize

if TYPE_CHECKING:
    from phatthanh.studio.app import Studio

PRIORITIES = (("thong_thuong", "Thông thường"), ("uu_tien", "Ưu tiên"), ("khan_cap", "Khẩn cấp"))


def see(url: str) -> RedirectResponse:
    """After a form: 303 to a page, so reloading it does not send the form again."""
    return RedirectResponse(url, status_code=303)


def text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def routes(studio: Studio) -> list[BaseRoute]:
    """Pages that read articles or make audio are plain functions: Starlette runs them in
    its thread pool, so a slow portal or a synthesis does not hold up the other tabs."""
    from phatthanh.studio.routes_build import build_routes
    from phatthanh.studio.routes_bulletin import bulletin_routes

    root = studio.root

    async def home(request: Request) -> Response:
        return see("/bai-viet")

    def articles(request: Request) -> Response:
        config = studio.config()
        feed_url = request.query_params.get("nguon", "").strip()
        feed_entries = []
        if feed_url:
            feed_entries = lineup_from_feed(feed_url, config.articles, since=None, latest=30)
        draft = drafts.load_draft(root)
        return studio.page(
            request, "articles.html.j2", readings=read_draft(draft, root, config),
            feed_url=feed_url, feed_entries=feed_entries, editor_rules=EDITOR_RULES,
        )  # fmt: skip

    async def paste(request: Request) -> Response:
        body = text(await request.form(), "noi_dung")
        if not body:
            raise ArticleError("ô 'Nội dung bài viết' đang trống; dán bài vào rồi bấm Thêm")
        add(drafts.store_article(root, body.encode("utf-8")))
        return see("/bai-viet")

    async def upload(request: Request) -> Response:
        upload = (await request.form()).get("tep")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise ArticleError("chưa chọn tệp; chọn một tệp .txt hoặc .html")
        data = await upload.read()
        add(drafts.store_article(root, data, Path(upload.filename).suffix))
        return see("/bai-viet")

    async def add_url(request: Request) -> Response:
        url = text(await request.form(), "url")
        if not is_url(url):
            raise ArticleError(f"{url!r} không phải địa chỉ http(s); dán địa chỉ của bài viết")
        if is_feed(url, studio.config().articles):
            return see(f"/bai-viet?nguon={url}")
        add(url)
        return see("/bai-viet")

    def add(source: str) -> None:  # appending does not depend on what the page showed
        edit_draft(root, None, lambda d: replace(d, items=(*d.items, drafts.DraftItem(source))))

    async def choose_line(request: Request) -> Response:
        """Keep a line the rules dropped, or drop a kept one (lineup `keep` / `drop`)."""
        form = await request.form()
        index, line = request.path_params["item"], request.path_params["line"]
        keep = text(form, "giu") == "1"
        version = text(form, "phien_ban")
        edit_draft(root, version, lambda d: drafts.choose_line(d, index, line, keep))
        return see(f"/bai-viet#bai-{index}")

    async def remove(request: Request) -> Response:
        form = await request.form()
        index = request.path_params["item"]
        edit_draft(root, text(form, "phien_ban"), lambda d: drafts.remove_item(d, index))
        return see("/bai-viet")

    def reading(request: Request) -> Response:
        draft = drafts.load_draft(root)
        readings = read_draft(draft, root, studio.config())
        return studio.page(request, "reading.html.j2", readings=readings, spans=display_spans)

    def clip(request: Request) -> Response:
        """One segment read by the configured voice, through the clip cache."""
        config = studio.config()
        item, number = request.path_params["item"], request.path_params["segment"]
        found = read_draft(drafts.load_draft(root), root, config)
        script = found[item].script if item < len(found) else None
        if script is None or number >= len(script.segments):
            raise ArticleError(f"bài {item + 1}, câu {number + 1}: không có câu này")
        voice = choose_voice(config.voices, None, False, config.root)
        cache = ClipCache(config.resolve(config.voices.cache_dir))
        voiced = synthesize([script.segments[number]], voice, cache, None)
        return FileResponse(voiced.clips[0].path, media_type="audio/wav")

    async def lexicon(request: Request) -> Response:
        form = await request.form()
        add_lexicon_entry(studio.config_path, text(form, "viet"), text(form, "doc"))
        return see("/doc")

    def program(request: Request) -> Response:
        config = studio.config()
        draft = drafts.load_draft(root)
        readings = read_draft(draft, root, config)
        scripts = [r.script for r in readings if r.script is not None]
        order = None
        if scripts and len(scripts) == len(readings):
            order = running_order(scripts, drafts.draft_lineup(root), config)
        return studio.page(
            request, "program.html.j2", draft=draft, readings=readings, order=order,
            priorities=PRIORITIES,
        )  # fmt: skip

    async def save_program(request: Request) -> Response:
        form = await request.form()
        air_date, publish_at = _date(text(form, "ngay")), _moment(text(form, "phat_luc"))
        expires = _moment(text(form, "het_han"))

        def change(draft: drafts.Draft) -> drafts.Draft:
            titles = [text(form, f"tieu_de_{n}") for n in range(len(draft.items))]
            items = tuple(replace(i, title=t) for i, t in zip(draft.items, titles, strict=True))
            return replace(
                draft, items=items, title=text(form, "tieu_de"), air_date=air_date,
                priority=text(form, "uu_tien") or "thong_thuong",  # type: ignore[arg-type]
                air_slots=tuple(s.strip() for s in text(form, "khung_gio").split(",") if s.strip()),
                publish_at=publish_at, expires=expires,
            )  # fmt: skip

        edit_draft(root, text(form, "phien_ban"), change)
        return see("/chuong-trinh")

    async def move(request: Request) -> Response:
        form = await request.form()
        offset = -1 if request.path_params["way"] == "len" else 1
        index = request.path_params["item"]
        edit_draft(root, text(form, "phien_ban"), lambda d: drafts.move_item(d, index, offset))
        return see("/chuong-trinh")

    return [
        Route("/", home),
        Route("/bai-viet", articles),
        Route("/bai-viet/dan", paste, methods=["POST"]),
        Route("/bai-viet/tai-len", upload, methods=["POST"]),
        Route("/bai-viet/url", add_url, methods=["POST"]),
        Route("/bai-viet/{item:int}/dong/{line:int}", choose_line, methods=["POST"]),
        Route("/bai-viet/{item:int}/xoa", remove, methods=["POST"]),
        Route("/doc", reading),
        Route("/doc/{item:int}/{segment:int}.wav", clip),
        Route("/doc/tu-dien", lexicon, methods=["POST"]),
        Route("/chuong-trinh", program),
        Route("/chuong-trinh", save_program, methods=["POST"]),
        Route("/chuong-trinh/{item:int}/{way:str}", move, methods=["POST"]),
        *build_routes(studio),
        *bulletin_routes(studio),
    ]


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise ArticleError(f"ngày {value!r} không hợp lệ; viết dạng 2026-11-24") from None


def _moment(value: str) -> datetime | None:
    """An <input type=datetime-local> value; the lineup gives it the station's offset."""
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        raise ArticleError(
            f"thời điểm {value!r} không hợp lệ; viết dạng 2026-11-24T17:00"
        ) from None
