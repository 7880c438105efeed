"""Dựng và phát hành, Bản tin khẩn, Các chương trình đã phát."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from phatthanh.articles.text import parse_offset
from phatthanh.errors import PublishError
from phatthanh.model import EpisodeRecord
from phatthanh.pipeline import BuildOptions
from phatthanh.publish import current_records, load_record, rebuild_feeds
from phatthanh.publish.record import RECORD
from phatthanh.studio.draft import draft_lineup
from phatthanh.studio.jobs import BuildJob
from phatthanh.studio.routes import see, text

if TYPE_CHECKING:
    from phatthanh.studio.app import Studio

STATES = {
    "running": "Đang dựng",
    "done": "Đã dựng xong và đưa vào nguồn tin",
    "failed": "Lỗi",
    "cancelled": "Đã hủy",
}
POLL_S = 0.25
TASKS = (  # the library's progress labels (English, as the CLI shows them) for the staff
    ("Reading with ", "Đọc bằng giọng "),
    ("Mastering", "Xử lý âm thanh (độ lớn, mã hóa MP3)"),
)


def task_label(task: str) -> str:
    for english, vietnamese in TASKS:
        if task.startswith(english):
            return vietnamese + task.removeprefix(english)
    return task


def _job_json(job: BuildJob) -> str:
    last = job.events[-1] if job.events else None
    return json.dumps(
        {
            "state": job.state,
            "label": STATES[job.state],
            "task": task_label(last.task) if last else "",
            "done": last.done if last else 0,
            "total": last.total if last else 0,
            "detail": last.detail if last else "",
            "error": job.error,
            "steps": len(job.events),
        },
        ensure_ascii=False,
    )


def _feed_status(record: EpisodeRecord, in_feed: bool, now: datetime) -> str:
    if in_feed:
        return "có trong nguồn tin"
    if record.publish_at and datetime.fromisoformat(record.publish_at) > now:
        return f"chờ đến {record.publish_at[:16].replace('T', ' ')} mới vào nguồn tin"
    if record.expires and datetime.fromisoformat(record.expires) <= now:
        return "đã hết hạn, đã rút khỏi nguồn tin"
    return "không có trong nguồn tin (quá số chương trình được giữ)"


def build_routes(studio: Studio) -> list[BaseRoute]:
    root = studio.root

    def job_of(request: Request) -> BuildJob:
        job = studio.builds.get(request.path_params["job"])
        if job is None:
            raise PublishError(f"không có lần dựng số {request.path_params['job']}")
        return job

    def build_page(request: Request) -> Response:
        return studio.page(request, "build.html.j2", builds=studio.builds.all(), states=STATES)

    async def start(request: Request) -> Response:
        form = await request.form()
        options = BuildOptions(slot=text(form, "khung_gio") or None, replace="thay" in form)
        job = studio.builds.start(draft_lineup(root), studio.config(), options)
        return see(f"/dung/{job.number}")

    def job_page(request: Request) -> Response:
        job = job_of(request)
        return studio.page(request, "job.html.j2", job=job, states=STATES, status=_job_json(job))

    async def events(request: Request) -> Response:
        """Server-Sent Events: one `data:` line per progress step, until the build ends."""
        job = job_of(request)

        async def stream() -> AsyncIterator[str]:
            sent = -1
            while True:
                if len(job.events) != sent or job.state != "running":
                    sent = len(job.events)
                    yield f"data: {_job_json(job)}\n\n"
                if job.state != "running":
                    yield "event: end\ndata: {}\n\n"
                    return
                await asyncio.sleep(POLL_S)

        return StreamingResponse(stream(), media_type="text/event-stream")

    async def cancel(request: Request) -> Response:
        job = job_of(request)
        job.cancel.set()
        return see(f"/dung/{job.number}")

    async def publish(request: Request) -> Response:
        config = studio.config()
        await run_in_threadpool(rebuild_feeds, config.site, config.publish)  # under the lock
        return see("/da-phat")

    def bulletin(request: Request) -> Response:
        # TODO(issue 14): when phatthanh.bulletin lands, this page becomes its form (one text
        # box, priority, repeat) posting to the function `phatthanh bulletin` calls.
        return studio.page(request, "bulletin.html.j2")

    def published(request: Request) -> Response:
        config = studio.config()
        in_feed = {r.slug for r in current_records(config.site, config.publish)}
        now = datetime.now(parse_offset(config.station.timezone))
        records = sorted(
            (load_record(p) for p in config.episodes_dir.glob(f"*/{RECORD}")
             if not p.parent.name.startswith(".")),
            key=lambda r: r.published, reverse=True,
        )  # fmt: skip
        feed = config.feeds_dir / "podcast.xml"
        status = {r.slug: _feed_status(r, r.slug in in_feed, now) for r in records}
        return studio.page(
            request, "published.html.j2", records=records, status=status,
            feed_exists=feed.is_file(), feed_url=config.site.feed_url,
        )  # fmt: skip

    return [
        Route("/dung", build_page),
        Route("/dung", start, methods=["POST"]),
        Route("/dung/{job:int}", job_page),
        Route("/dung/{job:int}/su-kien", events),
        Route("/dung/{job:int}/huy", cancel, methods=["POST"]),
        Route("/phat-hanh", publish, methods=["POST"]),
        Route("/ban-tin-khan", bulletin),
        Route("/da-phat", published),
    ]
