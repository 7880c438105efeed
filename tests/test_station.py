"""The station agent against a fault-injecting server and against `phatthanh serve`: resumed,
verified downloads, the play schedule per air slot in priority order, playing at air time."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from phatthanh.cli import main
from phatthanh.pipeline import BuildResult
from phatthanh.station import Policy, status, sync, tick
from phatthanh.station.agent import TZ
from tests.fault_server import FaultServer
from tests.serving import free_port, serving

Three = tuple[str, list[dict[str, Any]]]
FAST = Policy(attempts=4, backoff_s=0.01, backoff_max_s=0.05, timeout_s=5.0)
NOW = datetime(2026, 11, 24, 5, 0, tzinfo=TZ)


def program(n: int, size: int = 60_000) -> bytes:
    """Deterministic stand-in for an MP3 (the agent checks length and hash, not audio)."""
    return hashlib.shake_256(f"program {n}".encode()).digest(size)


def entry(server: FaultServer, name: str, data: bytes, priority: str, slots: list[str],
          published: str, expires: str | None = None) -> dict[str, Any]:  # fmt: skip
    server.faults.files[f"/episodes/{name}"] = data
    return {
        "title": f"Chương trình {name}", "url": f"{server.url}/episodes/{name}",
        "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), "duration_s": 60.0,
        "priority": priority, "air_slots": slots, "published": published, "expires": expires,
    }  # fmt: skip


def publish(server: FaultServer, entries: list[dict[str, Any]]) -> str:
    manifest = {"station": "Đài", "program": "CT", "generated": "x", "episodes": entries}
    server.faults.files["/feeds/loudspeaker.json"] = json.dumps(manifest).encode()
    return f"{server.url}/feeds/loudspeaker.json"


@pytest.fixture()
def server() -> Iterator[FaultServer]:
    with FaultServer() as s:
        yield s


@pytest.fixture()
def three(server: FaultServer) -> Three:
    """A normal program (06:00, 17:00), a priority one (06:00) and an urgent one (17:00)."""
    entries = [
        entry(server, "thuong.mp3", program(1), "thông thường", ["06:00", "17:00"],
              "2026-11-24T06:00:00+07:00"),
        entry(server, "uutien.mp3", program(2), "ưu tiên", ["06:00"], "2026-11-23T06:00:00+07:00"),
        entry(server, "khan.mp3", program(3), "khẩn cấp", ["17:00"], "2026-11-22T06:00:00+07:00"),
    ]  # fmt: skip
    return publish(server, entries), entries


def media_ok(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (folder / "media").iterdir()
    }


def test_sync_fetches_verifies_and_orders_the_schedule(three: Three, tmp_path: Path) -> None:
    url, entries = three
    report = sync(url, tmp_path, FAST, NOW)
    assert report.errors == () and sorted(report.downloaded) == [
        "khan.mp3",
        "thuong.mp3",
        "uutien.mp3",
    ]
    assert media_ok(tmp_path) == {e["url"].split("/")[-1]: e["sha256"] for e in entries}
    plan = json.loads((tmp_path / "schedule.json").read_text("utf-8"))
    order = {slot: [i["file"] for i in items] for slot, items in plan["slots"].items()}
    assert order == {"06:00": ["khan.mp3", "uutien.mp3", "thuong.mp3"],
                     "17:00": ["khan.mp3", "thuong.mp3"]}  # fmt: skip
    assert [i["file"] for i in plan["urgent"]] == ["khan.mp3"]
    playlist = (tmp_path / "schedule" / "06-00.m3u").read_text("utf-8").splitlines()
    assert playlist[0] == "#EXTM3U"
    assert playlist[2::2] == ["../media/khan.mp3", "../media/uutien.mp3", "../media/thuong.mp3"]
    assert all((tmp_path / "schedule" / p).resolve().is_file() for p in playlist[2::2])


def test_nothing_is_downloaded_twice(three: Three, server: FaultServer, tmp_path: Path) -> None:
    url, _ = three
    sync(url, tmp_path, FAST, NOW)
    before = len(server.faults.log)
    report = sync(url, tmp_path, FAST, NOW)
    assert report.downloaded == () and len(report.kept) == 3
    assert [p for p, _ in server.faults.log[before:]] == ["/feeds/loudspeaker.json"]


def test_cut_connection_is_resumed_with_a_range(
    three: Three, server: FaultServer, tmp_path: Path
) -> None:
    url, _ = three
    server.faults.cut["/episodes/thuong.mp3"] = 1
    report = sync(url, tmp_path, FAST, NOW)
    assert report.errors == ()
    assert server.requests("/episodes/thuong.mp3") == [None, f"bytes={len(program(1)) // 2}-"]
    assert (tmp_path / "media" / "thuong.mp3").read_bytes() == program(1)


def test_corrupted_byte_is_rejected_and_fetched_again(
    three, server: FaultServer, tmp_path: Path
) -> None:
    url, _ = three
    server.faults.corrupt["/episodes/uutien.mp3"] = 1
    report = sync(url, tmp_path, FAST, NOW)
    assert report.errors == ()
    assert server.requests("/episodes/uutien.mp3") == [None, None]
    assert (tmp_path / "media" / "uutien.mp3").read_bytes() == program(2)


def test_corruption_every_time_never_reaches_the_schedule(
    three, server: FaultServer, tmp_path: Path
) -> None:
    url, _ = three
    server.faults.corrupt["/episodes/uutien.mp3"] = 99
    report = sync(url, tmp_path, FAST, NOW)
    assert len(report.errors) == 1 and "sha256 does not match" in report.errors[0]
    assert "after 4 attempts" in report.errors[0]
    assert len(server.requests("/episodes/uutien.mp3")) == FAST.attempts
    assert not (tmp_path / "media" / "uutien.mp3").exists()
    assert "uutien.mp3" not in (tmp_path / "schedule.json").read_text("utf-8")


def test_listed_file_missing_is_an_error_the_rest_plays(
    three: Three, server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = three
    server.faults.missing.add("/episodes/khan.mp3")
    code = main(["station", "sync", url, "--dir", str(tmp_path), "--attempts", "2"])
    assert code == 6
    captured = capsys.readouterr()
    assert f"error: {server.url}/episodes/khan.mp3: HTTP 404 (after 1 attempts)" in captured.err
    assert "2 downloaded, 0 already here, 0 deleted, 1 errors" in captured.out
    assert sorted(media_ok(tmp_path)) == ["thuong.mp3", "uutien.mp3"]
    plan = json.loads((tmp_path / "schedule.json").read_text("utf-8"))
    assert plan["urgent"] == [] and "khan.mp3" not in json.dumps(plan)


def test_manifest_gone_keeps_files_and_schedule(
    three: Three, server: FaultServer, tmp_path: Path
) -> None:
    url, _ = three
    sync(url, tmp_path, FAST, NOW)
    schedule = (tmp_path / "schedule.json").read_text("utf-8")
    server.faults.missing.add("/feeds/loudspeaker.json")
    report = sync(url, tmp_path, FAST, NOW)
    assert not report.manifest_fresh and report.deleted == ()
    assert report.errors == (f"{url}: manifest unavailable (HTTP 404); kept the last schedule",)
    assert (tmp_path / "schedule.json").read_text("utf-8") == schedule
    assert len(media_ok(tmp_path)) == 3
    assert status(tmp_path, NOW).errors == report.errors


def test_slow_link_completes(server: FaultServer, tmp_path: Path) -> None:
    url = publish(server, [entry(server, "cham.mp3", program(9, 40_000), "thông thường",
                                 ["06:00"], "2026-11-24T06:00:00+07:00")])  # fmt: skip
    server.faults.slow["/episodes/cham.mp3"] = 0.02  # 10 chunks, each after a pause
    report = sync(url, tmp_path, FAST, NOW)
    assert report.downloaded == ("cham.mp3",)
    assert (tmp_path / "media" / "cham.mp3").read_bytes() == program(9, 40_000)


def test_expired_files_are_deleted(three: Three, server: FaultServer, tmp_path: Path) -> None:
    url, entries = three
    sync(url, tmp_path, FAST, NOW)
    entries[1]["expires"] = "2026-11-24T04:00:00+07:00"
    publish(server, entries)
    report = sync(url, tmp_path, FAST, NOW)
    assert report.deleted == ("uutien.mp3",)
    assert sorted(media_ok(tmp_path)) == ["khan.mp3", "thuong.mp3"]
    assert "uutien" not in (tmp_path / "schedule" / "06-00.m3u").read_text("utf-8")


def test_sigkill_during_sync_leaves_no_partial_file_playable(
    server: FaultServer, tmp_path: Path
) -> None:
    data = program(7, 400_000)
    url = publish(server, [entry(server, "dai.mp3", data, "ưu tiên", ["06:00"],
                                 "2026-11-24T06:00:00+07:00")])  # fmt: skip
    server.faults.slow["/episodes/dai.mp3"] = 0.05  # about 5 s for the whole file
    agent = subprocess.Popen(
        [sys.executable, "-m", "phatthanh", "station", "sync", url, "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    part = tmp_path / ".partial" / "dai.mp3.part"
    for _ in range(600):
        if part.exists() and part.stat().st_size > 0:
            break
        time.sleep(0.05)
    os.kill(agent.pid, signal.SIGKILL)
    agent.wait()
    assert not (tmp_path / "media" / "dai.mp3").exists()
    plan = tmp_path / "schedule.json"
    assert not plan.exists() or "dai.mp3" not in plan.read_text("utf-8")
    have = part.stat().st_size
    assert 0 < have < len(data)
    server.faults.slow.clear()
    report = sync(url, tmp_path, FAST, NOW)
    assert report.downloaded == ("dai.mp3",)
    assert server.requests("/episodes/dai.mp3")[-1] == f"bytes={have}-"
    assert (tmp_path / "media" / "dai.mp3").read_bytes() == data


def test_air_time_plays_urgent_first_then_the_slot_once(three: Three, tmp_path: Path) -> None:
    url, _ = three
    sync(url, tmp_path, FAST, NOW)
    heard = tmp_path / "heard.txt"
    player = f"{sys.executable} -c \"import sys; open(r'{heard}', 'a').write(sys.argv[1] + '\\n')\""
    at_six = datetime(2026, 11, 24, 6, 0, 20, tzinfo=TZ)
    played = tick(tmp_path, player, dry_run=False, now=at_six)
    assert [(p.reason, p.file, p.exit_code) for p in played] == [
        ("urgent", "khan.mp3", 0), ("slot 06:00", "khan.mp3", 0),
        ("slot 06:00", "uutien.mp3", 0), ("slot 06:00", "thuong.mp3", 0),
    ]  # fmt: skip
    names = [Path(line).name for line in heard.read_text("utf-8").splitlines()]
    assert names == ["khan.mp3", "khan.mp3", "uutien.mp3", "thuong.mp3"]
    assert tick(tmp_path, player, dry_run=False, now=at_six + timedelta(seconds=30)) == []
    log = [json.loads(line) for line in (tmp_path / "play.log").read_text("utf-8").splitlines()]
    assert [(e["at"], e["file"]) for e in log][:2] == [
        ("2026-11-24T06:00:20+07:00", "khan.mp3"), ("2026-11-24T06:00:20+07:00", "khan.mp3")
    ]  # fmt: skip
    assert tick(tmp_path, player, dry_run=False, now=at_six + timedelta(hours=2)) == []


def test_dry_run_prints_and_status_reports(three: Three, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    url, _ = three
    sync(url, tmp_path, FAST, NOW)
    lines: list[str] = []
    at_five = datetime(2026, 11, 24, 17, 0, tzinfo=TZ)
    played = tick(tmp_path, "false", dry_run=True, now=at_five, echo=lines.append)
    assert [p.exit_code for p in played] == [None, None, None]
    assert (
        lines[0]
        == f"would play (urgent): {tmp_path / 'media' / 'khan.mp3'}  [Chương trình khan.mp3]"
    )
    assert [line.split(")")[0] for line in lines] == [
        "would play (urgent",
        "would play (slot 17:00",
        "would play (slot 17:00",
    ]
    assert status(tmp_path, at_five).next_slot == "2026-11-25 06:00"
    assert status(tmp_path, NOW).next_slot == "2026-11-24 06:00"
    assert main(["station", "status", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"manifest:  {url}\n" in out and "files:     3\n" in out and "(ok)" in out


def test_sync_from_phatthanh_serve(first_build: BuildResult, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    """The real chain: a built episode, `phatthanh feed` and `phatthanh serve`, then
    `phatthanh station sync` fetching the loudspeaker rendition through them."""

    from phatthanh.publish.record import RECORD
    from tests.sitecheck import copy_station

    config = copy_station(first_build, tmp_path / "district")
    record_path = config.episodes_dir / first_build.record.slug / RECORD
    data = json.loads(record_path.read_text("utf-8"))
    data.update(priority="uu_tien", air_slots=["06:00", "17:00"])
    record_path.unlink()  # a hard link in the copy: write a new file, not through it
    record_path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    port = free_port()
    toml = config.root / "phatthanh.toml"
    toml.write_text(f'[station]\nbase_url = "http://127.0.0.1:{port}"\n', "utf-8")
    assert main(["feed", "--config", str(toml)]) == 0
    with serving(toml, port) as base:
        url = f"{base}/feeds/loudspeaker.json"
        station = tmp_path / "xa"
        capsys.readouterr()
        assert main(["station", "sync", url, "--dir", str(station)]) == 0
        loa = next(r for r in first_build.record.renditions if r.profile == "loudspeaker")
        assert capsys.readouterr().out.startswith(f"downloaded: {loa.file}\n")
        assert media_ok(station) == {loa.file: loa.sha256}
        assert main(["station", "sync", url, "--dir", str(station)]) == 0
        assert "0 downloaded, 1 already here" in capsys.readouterr().out
    plan = json.loads((station / "schedule.json").read_text("utf-8"))
    assert {slot: [i["file"] for i in items] for slot, items in plan["slots"].items()} == {
        "06:00": [loa.file], "17:00": [loa.file]
    }  # fmt: skip


def test_run_syncs_then_plays_what_is_due(three: Three, tmp_path: Path) -> None:
    """One round of the long-running agent: a sync, then the urgent item plays at once
    (dry run: printed, logged, not played twice)."""
    from phatthanh.station import run

    url, _ = three
    run(url, tmp_path, "false", dry_run=True, policy=FAST, ticks=1)
    assert sorted(media_ok(tmp_path)) == ["khan.mp3", "thuong.mp3", "uutien.mp3"]
    log = [json.loads(line) for line in (tmp_path / "play.log").read_text("utf-8").splitlines()]
    assert log[0]["reason"] == "urgent" and log[0]["file"] == "khan.mp3"
    assert log[0]["exit_code"] is None
    run(url, tmp_path, "false", dry_run=True, policy=FAST, ticks=1)
    again = (tmp_path / "play.log").read_text("utf-8").splitlines()
    assert sum('"urgent"' in line for line in again) == 1
