"""Dựng và phát hành (build, listen, then publish), Các chương trình đã phát."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from phatthanh.articles.text import parse_offset
from phatthanh.cli.stations import station_lock
from phatthanh.errors import PublishError
from phatthanh.model import EpisodeRecord
from phatthanh.pipeline import BuildOptions, build_episode
from phatthanh.publish import current_records, load_record, rebuild_feeds
from phatthanh.publish.built import discard_built, find_built, list_built, publish_built
from phatthanh.publish.record import RECORD
from phatthanh.publish.serve import content_type, resolve_inside
from phatthanh.studio.draft import draft_lineup
from phatthanh.studio.jobs import BuildJob
from phatthanh.studio.routes import see, text

if TYPE_CHECKING:
    from phatthanh.studio.app import Studio

STATES = {
    "running": "Đang dựng",
    "done": "Đã dựng xong, chưa phát hành: nghe thử rồi bấm Phát hành",
    "published": "Đã phát hành: có trong nguồn tin và danh sách cho loa các xã",
    "failed": "Lỗi",
    "cancelled": "Đã hủy",
    "discarded": "Đã bỏ bản dựng này",
}
POLL_S = 0.25
T = TypeVar("T")
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


def _locked(studio: Studio, work: Callable[..., T], *args: Any) -> T:
    """`work(*args)` under the station's lock (`studio --station` with a broker), the one
    build-episode and the queue's workers take; refused in one line while it is held."""
    with station_lock(studio.station):
        return work(*args)


def build_routes(studio: Studio) -> list[BaseRoute]:
    root = studio.root

    def job_of(request: Request) -> BuildJob:
        job = studio.builds.get(request.path_params["job"])
        if job is None:
            raise PublishError(f"không có lần dựng số {request.path_params['job']}")
        return job

    def build_page(request: Request) -> Response:
        built = list_built(studio.config().site)
        return studio.page(
            request, "build.html.j2", builds=studio.builds.all(), states=STATES, built=built
        )

    async def start(request: Request) -> Response:
        """Build only: the episode waits in episodes/.unpublished/ until "Phát hành"."""
        form = await request.form()
        replace = "thay" in form
        options = BuildOptions(slot=text(form, "khung_gio") or None, replace=replace, publish=False)
        work = partial(build_episode, draft_lineup(root), studio.config(), options)
        job = studio.builds.start(work, replace)
        return see(f"/dung/{job.number}")

    def built_file(request: Request) -> Response:
        """A file of an unpublished build, to listen to before publishing (byte ranges)."""
        folder = find_built(studio.config().site, request.path_params["name"])
        name = request.path_params["file"]
        path = resolve_inside(folder, name)
        if path is None:
            return PlainTextResponse("Không có tệp này.", status_code=404)
        return FileResponse(path, media_type=content_type(name))

    async def publish_one(request: Request) -> Response:
        """Publish an unpublished build: the same publish_built as `publish --built`."""
        form = await request.form()
        config = studio.config()
        folder = find_built(config.site, request.path_params["name"])
        replace = "thay" in form
        await run_in_threadpool(_locked, studio, publish_built, folder, config.site,
                                config.publish, replace)  # fmt: skip
        studio.builds.published(folder)
        back = text(form, "lan")
        return see(f"/dung/{back}" if back.isdigit() else "/da-phat")

    async def discard(request: Request) -> Response:
        form = await request.form()
        folder = find_built(studio.config().site, request.path_params["name"])
        await run_in_threadpool(discard_built, folder)
        studio.builds.discarded(folder)
        back = text(form, "lan")
        return see(f"/dung/{back}" if back.isdigit() else "/dung")

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
        await run_in_threadpool(_locked, studio, rebuild_feeds, config.site, config.publish)
        return see("/da-phat")

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
        Route("/dung/ban/{name:str}/phat-hanh", publish_one, methods=["POST"]),
        Route("/dung/ban/{name:str}/bo", discard, methods=["POST"]),
        Route("/dung/ban/{name:str}/{file:str}", built_file),
        Route("/phat-hanh", publish, methods=["POST"]),
        Route("/da-phat", published),
    ]
