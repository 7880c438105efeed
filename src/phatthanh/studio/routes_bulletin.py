"""Bản tin khẩn: the emergency bulletin form, built and published by `build_bulletin`, the
function `phatthanh bulletin` calls, in a studio build (live progress, cancel, result)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, get_args

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from phatthanh.bulletin import BulletinOptions, build_bulletin
from phatthanh.clean import cleanup_unicode
from phatthanh.cli.stations import station_lock
from phatthanh.errors import ArticleError
from phatthanh.model import Priority, Progress
from phatthanh.pipeline import BuildResult
from phatthanh.studio.routes import see, text

if TYPE_CHECKING:
    from phatthanh.studio.app import Studio

PRIORITIES = (
    ("khan_cap", "Khẩn cấp: các xã phát ngay"),
    ("uu_tien", "Ưu tiên"),
    ("thong_thuong", "Thông thường"),
)
REPEATS = range(1, 6)  # build_bulletin reads the notice 1 to 5 times
MAX_CHARS = 5000  # a notice read twice stays a few minutes long


def bulletin_routes(studio: Studio) -> list[BaseRoute]:
    def form_page(request: Request) -> Response:
        return studio.page(request, "bulletin.html.j2", priorities=PRIORITIES, repeats=REPEATS)

    async def start(request: Request) -> Response:
        form = await request.form()
        notice = cleanup_unicode(text(form, "noi_dung")).strip()
        if not notice:
            raise ArticleError("ô 'Nội dung thông báo' đang trống; viết thông báo rồi bấm Phát")
        if len(notice) > MAX_CHARS:
            raise ArticleError(
                f"thông báo dài {len(notice)} ký tự, quá {MAX_CHARS}; rút gọn hoặc dựng "
                "thành chương trình ở trang 'Bài viết'"
            )
        priority = text(form, "uu_tien")
        repeat = text(form, "lap")
        if priority not in get_args(Priority) or not repeat.isdigit():
            raise ArticleError("chọn mức ưu tiên và số lần đọc trong danh sách của biểu mẫu")
        if int(repeat) not in REPEATS:
            raise ArticleError(f"số lần đọc {repeat}: chọn từ 1 đến 5 lần")
        options = BulletinOptions(
            title=text(form, "tieu_de") or None,
            priority=priority,  # type: ignore[arg-type]
            repeat=int(repeat),
        )
        config = studio.config()

        def work(progress: Progress) -> BuildResult:
            with station_lock(studio.station) as fence:  # as `phatthanh bulletin --station`
                return build_bulletin(notice, config, replace(options, fence=fence), progress)

        job = studio.builds.start(work, label="Bản tin khẩn")
        return see(f"/dung/{job.number}")

    return [
        Route("/ban-tin-khan", form_page),
        Route("/ban-tin-khan", start, methods=["POST"]),
    ]
