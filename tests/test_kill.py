"""A build killed at any moment (SIGKILL) leaves the previous feed and manifest valid, with
every file they list present at the listed length and sha256; the rerun completes from the
cache. Real build processes are killed at random points (KILL_POINTS here; the on-demand
stress run `PHATTHANH_KILL_POINTS=300 pytest tests/test_kill.py` uses more)."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import pytest

from tests.conftest import ROOT, SAMPLES

KILL_POINTS = int(os.environ.get("PHATTHANH_KILL_POINTS", "30"))
# No limit here depends on how fast the machine is: the first build is the yardstick (only a
# hang guard bounds it), every later build must end within SLACK times the slowest measured
# one, and the kill loop's sleeps are fractions of a measured build, so the work is bounded.
HANG_GUARD_S = 3600  # a build still running after an hour is hung, however busy the machine
SLACK = 10  # later builds reuse the cache, so they are faster than the measured ones
CONFIG = """[station]
base_url = "https://radio.example.vn"
[master]
renditions = ["podcast", "loudspeaker"]
"""


def build(station: Path, sample: Path, title: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "phatthanh", "build-episode", str(sample), "--title", title,
         "--date", "2026-11-24", "--replace"],
        cwd=station, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )  # fmt: skip


def check_published(station: Path) -> int:
    """Everything the feed and the manifest point at exists, whole. Returns the episodes."""
    feed = feedparser.parse((station / "feeds" / "podcast.xml").read_bytes())
    assert feed.bozo == 0
    for entry in feed.entries:
        (enclosure,) = entry.enclosures
        local = station / enclosure.href.removeprefix("https://radio.example.vn/")
        assert local.stat().st_size == int(enclosure.length), local
    manifest = json.loads((station / "feeds" / "loudspeaker.json").read_text("utf-8"))
    for episode in manifest["episodes"]:
        local = station / episode["url"].removeprefix("https://radio.example.vn/")
        data = local.read_bytes()
        assert len(data) == episode["bytes"], local
        assert hashlib.sha256(data).hexdigest() == episode["sha256"], local
    assert len(manifest["episodes"]) == len(feed.entries)
    return len(feed.entries)


def orphans(station: Path) -> list[str]:
    """Command lines of processes still working in the station's folders."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (
                (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            )
        except OSError:
            continue
        if str(station) in cmdline and "ffmpeg" in cmdline:
            found.append(cmdline)
    return found


def finish(process: subprocess.Popen[str], limit_s: float) -> tuple[str, float]:
    """Wait for a build; return its stdout and how long it took. A build past `limit_s` is
    reported as hung, with the limit and how it was derived."""
    started = time.monotonic()
    try:
        out, err = process.communicate(timeout=limit_s)
    except subprocess.TimeoutExpired:
        process.kill()
        raise AssertionError(f"a build ran past {limit_s:.0f} s: hung") from None
    assert process.returncode == 0, err
    return out, time.monotonic() - started


@pytest.mark.slow
@pytest.mark.timeout(0)  # every wait below is bounded by a measured build or the hang guard
def test_builds_killed_at_random_points_never_break_what_is_published(tmp_path: Path) -> None:
    (tmp_path / "phatthanh.toml").write_text(CONFIG, "utf-8")
    _, first_s = finish(build(tmp_path, SAMPLES[0], "Bản tin sáng"), HANG_GUARD_S)
    assert check_published(tmp_path) == 1
    _, full_s = finish(build(tmp_path, SAMPLES[2], "Bản tin trưa"), SLACK * first_s)
    limit_s = SLACK * max(first_s, full_s)
    assert check_published(tmp_path) == 2
    rng = random.Random(20261124)
    killed_while_running = 0
    edited = tmp_path / "trua.txt"
    text = SAMPLES[2].read_text("utf-8")
    for point in range(KILL_POINTS):
        # alternately a new episode, and a rebuild of a published one with edited content
        if point % 2:
            process = build(tmp_path, SAMPLES[1], "Bản tin chiều")
        else:
            edited.write_text(text.replace("bế mạc", f"bế mạc (bản {point})"), "utf-8")
            process = build(tmp_path, edited, "Bản tin trưa")
        time.sleep(rng.uniform(0.0, full_s * 1.1))
        if process.poll() is None:
            killed_while_running += 1
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=limit_s)
        count = check_published(tmp_path)
        assert count in (2, 3)
    assert killed_while_running >= KILL_POINTS // 2
    time.sleep(1.0)
    assert orphans(tmp_path) == []  # a killed build takes its ffmpeg with it
    out, _ = finish(build(tmp_path, SAMPLES[1], "Bản tin chiều"), limit_s)
    assert check_published(tmp_path) == 3
    assert "Clips:   0 synthesized" in out  # the killed runs had made every clip


SHORT = """Xã Tân Lập họp dân bàn làm đường

Tối qua, thôn Hai họp dân bàn việc làm đường bê tông. Bà con thống nhất góp ngày công.
Công trình khởi công vào tháng sau, {edition}.
"""


def build_here(station: Path, sample: Path, title: str) -> subprocess.Popen[str]:
    """build(), keeping an outer PYTHONPATH first (to run this test against other code)."""
    path = [os.environ.get("PYTHONPATH", ""), str(ROOT / "src")]
    return subprocess.Popen(
        [sys.executable, "-m", "phatthanh", "build-episode", str(sample), "--title", title,
         "--date", "2026-11-24", "--replace"],
        cwd=station, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": ":".join(p for p in path if p)},
    )  # fmt: skip


@pytest.mark.slow
def test_builds_killed_between_their_swap_and_the_feed_break_nothing(tmp_path: Path) -> None:
    """Kill builds while a concurrent `feed` holds feeds/.lock: each is killed at the point
    where it is ready to publish and waits for the lock (where older code had already
    swapped its folder in). What is published stays whole, and the next build publishes."""
    import fcntl

    from tests.test_publish_txn import blocked_on

    (tmp_path / "phatthanh.toml").write_text(CONFIG, "utf-8")
    page = tmp_path / "tin.txt"
    page.write_text(SHORT.format(edition="bản 1"), "utf-8")
    first = build_here(tmp_path, page, "Bản tin trưa")
    assert first.wait(timeout=300) == 0, first.stderr.read() if first.stderr else ""
    assert check_published(tmp_path) == 1
    lock = tmp_path / "feeds" / ".lock"
    for edition in (2, 3):
        page.write_text(SHORT.format(edition=f"bản {edition}"), "utf-8")
        with lock.open("a") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            process = build_here(tmp_path, page, "Bản tin trưa")
            for _ in range(3000):  # bounded by work, not by the clock: poll until it waits
                if blocked_on(lock, process.pid) or process.poll() is not None:
                    break
                time.sleep(0.1)
            assert process.poll() is None, process.communicate()[1]
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        assert check_published(tmp_path) == 1
    final = build_here(tmp_path, page, "Bản tin trưa")
    out, err = final.communicate(timeout=300)
    assert final.returncode == 0, err
    assert check_published(tmp_path) == 1
    assert "Clips:   0 synthesized" in out  # the killed builds had made every clip
    assert [p.name for p in (tmp_path / "episodes" / ".staging").iterdir()] == [".lock"]
