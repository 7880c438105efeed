"""Publishing is one transaction: the episode folder, the feed, the manifest and every file
they list move together (publish/commit.py). Episodes here are small made-up records with
made-up media bytes, published through the real staging, commit and feed code."""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from phatthanh.config import Config
from phatthanh.errors import PublishError
from phatthanh.model import EpisodeRecord, Program, Rendition
from phatthanh.publish import rebuild_feeds, stage_episode
from phatthanh.publish.record import record_to_dict
from tests.conftest import BASE_URL, ROOT, make_config


def publish(config: Config, title: str, payload: bytes, day: int = 24) -> EpisodeRecord:
    """Stage an episode whose MP3 is `payload`, then rebuild the feeds, as a build does."""
    program = Program(title, date(2026, 11, day), ("Mở đầu",), (None,), (), ())
    with stage_episode(program, config.site, config.publish) as stage:
        digest = hashlib.sha256(payload).hexdigest()
        name = f"{stage.slug}-{digest[:10]}.mp3"
        (stage.path / name).write_bytes(payload)
        (stage.path / f"{stage.slug}.vtt").write_text(f"WEBVTT\n\nNOTE {title}\n", "utf-8")
        audio = Rendition("podcast", name, len(payload), digest, 1.0, 44100, 1, 64, -16.0,
                          -2.0, -16.0, -1.0)  # fmt: skip
        record = EpisodeRecord(
            slug=stage.slug, guid=stage.guid, title=title,
            published=f"2026-11-{day:02d}T06:00:00+07:00", description="Tin trong ngày.",
            engine="espeak-ng", voice="vi", profile="podcast", audio=audio, items=(),
            renditions=(audio,), extra_files=(f"{stage.slug}.vtt",),
        )  # fmt: skip
        text = json.dumps(record_to_dict(record), ensure_ascii=False)
        (stage.path / "episode.json").write_text(text, "utf-8")
    rebuild_feeds(config.site, config.publish)
    return record


def announced(root: Path) -> dict[Path, tuple[int | None, str | None]]:
    """Every file the live documents list -> (length, sha256) they announce for it."""
    found: dict[Path, tuple[int | None, str | None]] = {}
    feeds = root / "feeds"

    def local(url: str) -> Path:
        assert url.startswith(BASE_URL + "/"), url
        return root / url.removeprefix(BASE_URL + "/")

    rss = etree.fromstring((feeds / "podcast.xml").read_bytes())
    for enclosure in rss.iter("enclosure"):
        found[local(enclosure.get("url"))] = (int(enclosure.get("length")), None)
    for element in rss.iter("{*}transcript"):
        found.setdefault(local(element.get("url")), (None, None))
    for episode in json.loads((feeds / "loudspeaker.json").read_text("utf-8"))["episodes"]:
        found[local(episode["url"])] = (episode["bytes"], episode["sha256"])
    for line in (feeds / "loudspeaker.m3u").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            found.setdefault(local(line), (None, None))
    return found


def check_served(files: dict[Path, tuple[int | None, str | None]]) -> None:
    for path, (length, digest) in files.items():
        data = path.read_bytes()  # exists
        assert length is None or len(data) == length, path
        assert digest is None or hashlib.sha256(data).hexdigest() == digest, path


def slug_of(title: str, day: int = 24) -> str:
    from phatthanh.publish.staging import slugify

    return f"2026-11-{day:02d}-{slugify(title)}"


def test_a_failing_feed_step_publishes_nothing_and_deletes_nothing(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    first = publish(config, "Bản tin sáng", b"first edition " * 100)
    before = announced(tmp_path)
    feed_before = (tmp_path / "feeds" / "podcast.xml").read_bytes()
    record = tmp_path / "episodes" / first.slug / "episode.json"
    record_before = record.read_bytes()
    obstacle = tmp_path / "feeds" / "loudspeaker.m3u"
    obstacle.unlink()
    (obstacle / "x").mkdir(parents=True)  # the last document cannot be renamed into place
    for edition in (2, 3):
        with pytest.raises(PublishError):
            publish(config, "Bản tin sáng", f"edition {edition} ".encode() * 100)
        assert record.read_bytes() == record_before  # the episode did not change
        assert (tmp_path / "feeds" / "podcast.xml").read_bytes() == feed_before  # rolled back
        check_served(before)
    (obstacle / "x").rmdir()
    obstacle.rmdir()
    publish(config, "Bản tin sáng", b"edition 4 " * 100)
    check_served(announced(tmp_path))
    assert not list((tmp_path / "feeds").glob(".tmp-*"))


def test_an_unreadable_episode_json_is_skipped_and_keeps_its_entry(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = make_config(tmp_path)
    publish(config, "Bản tin sáng", b"morning " * 100)
    noon = publish(config, "Bản tin trưa", b"noon " * 100)
    noon_files = {p: v for p, v in announced(tmp_path).items() if noon.slug in str(p)}
    assert len(noon_files) == 2
    (tmp_path / "episodes" / noon.slug / "episode.json").write_text('{"slug": ', "utf-8")
    with caplog.at_level(logging.WARNING, logger="phatthanh"):
        evening = publish(config, "Bản tin chiều", b"evening " * 100)
    assert f"{noon.slug}/episode.json" in caplog.text and "kept as it was" in caplog.text
    live = announced(tmp_path)
    assert {p: v for p, v in live.items() if noon.slug in str(p)} == noon_files
    assert any(evening.slug in str(p) for p in live)
    check_served(live)
    rebuild_feeds(config.site, config.publish)  # the `feed` command too: still listed, no error
    assert {p: v for p, v in announced(tmp_path).items() if noon.slug in str(p)} == noon_files


@pytest.mark.parametrize("damage", ["truncate", "delete", "garble"])
def test_feed_never_lists_a_damaged_or_missing_file(tmp_path: Path, damage: str) -> None:
    config = make_config(tmp_path)
    morning = publish(config, "Bản tin sáng", b"morning " * 100)
    publish(config, "Bản tin trưa", b"noon " * 100)
    mp3 = tmp_path / "episodes" / morning.slug / morning.audio.file
    if damage == "truncate":
        mp3.write_bytes(mp3.read_bytes()[:300])
    elif damage == "delete":
        mp3.unlink()
    else:
        mp3.write_bytes(mp3.read_bytes().replace(b"morning", b"mourning"))  # same length
    with pytest.raises(PublishError, match=mp3.name):
        rebuild_feeds(config.site, config.publish)
    live = announced(tmp_path)
    assert mp3 not in live and len([p for p in live if p.suffix == ".mp3"]) == 1
    check_served(live)


def test_every_url_a_feed_listed_serves_its_bytes_for_the_grace_period(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_config(tmp_path)
    publish(config, "Bản tin trưa", b"noon " * 100)
    ever: dict[Path, tuple[int | None, str | None]] = {}
    generations = []
    for edition in range(1, 4):
        record = publish(config, "Bản tin sáng", f"edition {edition} ".encode() * 100)
        generations.append(tmp_path / "episodes" / record.slug / record.audio.file)
        ever.update({p: v for p, v in announced(tmp_path).items() if p.suffix == ".mp3"})
        check_served(ever)  # every media URL ever listed, with the bytes it was announced with
    assert len({p for p in ever if "ban-tin-sang" in str(p)}) == 3
    from phatthanh.publish import commit

    later = time.time() + commit.GRACE_S + 60
    monkeypatch.setattr(commit.time, "time", lambda: later)
    record = publish(config, "Bản tin sáng", b"edition 4 " * 100)
    gone = [p for p in generations if not p.exists()]
    assert gone == generations[:2]  # retired more than the grace period ago
    assert generations[2].exists()  # listed by the feed the last build replaced
    check_served(announced(tmp_path))
    assert (tmp_path / "episodes" / record.slug / record.audio.file).exists()


def test_staging_is_cleaned_by_liveness_not_by_age(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    staging = tmp_path / "episodes" / ".staging"
    dead = staging / "x-dead"
    (dead / "half.mp3").parent.mkdir(parents=True)
    (dead / "half.mp3").write_bytes(b"partial")  # a killed build's: recent, nobody holds it
    running = Program("Đang dựng", date(2026, 11, 24), ("Mở đầu",), (None,), (), ())
    with pytest.raises(_Abandon), stage_episode(running, config.site, config.publish) as live:
        (live.path / "half.mp3").write_bytes(b"partial")
        long_ago = time.time() - 3 * 86_400  # as after a forward clock jump
        os.utime(live.path, (long_ago, long_ago))
        publish(config, "Bản tin sáng", b"morning " * 100)
        assert (live.path / "half.mp3").exists()  # a running build's folder is kept
        assert not dead.exists()  # a dead one is removed at the next run, whatever its age
        raise _Abandon
    assert not live.path.exists()


class _Abandon(Exception):
    """The running build gives up: nothing is published from it."""


def test_a_symlinked_lock_is_never_followed(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    (tmp_path / "feeds").mkdir()
    target = tmp_path / "elsewhere.txt"
    (tmp_path / "feeds" / ".lock").symlink_to(target)
    publish(config, "Bản tin sáng", b"morning " * 100)
    assert not target.exists()
    lock = tmp_path / "feeds" / ".lock"
    assert lock.is_file() and not lock.is_symlink()


_PUBLISH = """
import sys
from pathlib import Path
from tests.conftest import make_config
from tests.test_publish_txn import publish
publish(make_config(Path(sys.argv[1])), "Bản tin sáng", sys.argv[2].encode() * 100)
"""


def blocked_on(lock: Path, pid: int) -> bool:
    """Whether process `pid` waits for the flock on `lock` (/proc/locks lists waiters)."""
    inode = lock.stat().st_ino
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "->" in fields and f" {pid} " in f" {line} " and fields[-3].endswith(f":{inode}"):
            return True
    return False


def test_builds_killed_while_waiting_for_the_feeds_lock_break_nothing(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    publish(config, "Bản tin sáng", b"edition 1 " * 100)
    before = announced(tmp_path)
    lock = tmp_path / "feeds" / ".lock"
    path = [os.environ.get("PYTHONPATH", ""), str(ROOT / "src"), str(ROOT)]
    env = {**os.environ, "PYTHONPATH": ":".join(p for p in path if p)}
    for edition in (2, 3):
        with lock.open("a") as held:
            fcntl.flock(held, fcntl.LOCK_EX)  # as a concurrent `feed` does
            process = subprocess.Popen(
                [sys.executable, "-c", _PUBLISH, str(tmp_path), f"edition {edition} "],
                cwd=ROOT, env=env, stderr=subprocess.PIPE,
            )  # fmt: skip
            for _ in range(600):
                if blocked_on(lock, process.pid) or process.poll() is not None:
                    break
                time.sleep(0.1)
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        check_served(before)
        check_served(announced(tmp_path))
    publish(config, "Bản tin sáng", b"edition 4 " * 100)
    check_served(announced(tmp_path))
    check_served(before)  # the first edition's URL, retired now, still within its grace
    assert [p.name for p in (tmp_path / "episodes" / ".staging").iterdir()] == [".lock"]


def test_unique_slugs_are_chosen_with_their_folders(tmp_path: Path) -> None:
    """Bulletins of one minute started together: each build that asks for a unique slug gets
    its own (-2, -3 ...), even when all ask before any has its staging folder; a slug already
    published is skipped too."""
    import threading

    config = make_config(tmp_path)
    program = Program("Thông báo mất nước", date(2026, 11, 24), ("Mở đầu",), (None,), (), ())
    base = "2026-11-24-0600-thong-bao-mat-nuoc"
    (config.episodes_dir / f"{base}-3").mkdir(parents=True)  # published earlier
    builds = 6
    started, all_in = threading.Barrier(builds), threading.Barrier(builds, timeout=60)
    slugs: list[str] = []

    def bulletin() -> None:
        started.wait()  # all ask at once
        with pytest.raises(_Abandon), stage_episode(program, config.site, config.publish,
                                                    unique=True) as stage:  # fmt: skip
            slugs.append(stage.slug)
            all_in.wait()  # every build holds its staging folder at the same time
            raise _Abandon  # nothing published: only the choice of slug is tested

    threads = [threading.Thread(target=bulletin) for _ in range(builds)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(slugs) == sorted([base, *(f"{base}-{n}" for n in (2, 4, 5, 6, 7))])
    assert not list((config.episodes_dir / ".staging").glob(f"{base}*"))  # all removed
