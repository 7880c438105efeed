"""Atomic writes are durable: the file is fsynced before the rename, the folder after it,
and every writer of published or cached files goes through the one helper."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from phatthanh.atomic import atomic_path, write_atomic

Events = list[tuple[str, str]]


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> Events:
    """Every fsync (with the path of what was synced) and every rename, in order."""
    seen: Events = []
    real_fsync: Callable[[int], None] = os.fsync
    real_replace = os.replace

    def fsync(fd: int) -> None:
        seen.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        seen.append(("rename", str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return seen


def assert_durable(events: Events, target: Path) -> None:
    """The temp file beside `target` is synced, then renamed to `target`, then the folder."""
    rename = events.index(("rename", str(target)))
    synced_before = [p for kind, p in events[:rename] if kind == "fsync"]
    assert any(Path(p).parent == target.parent and ".tmp-" in p for p in synced_before), events
    assert ("fsync", str(target.parent)) in events[rename:], events


def test_write_atomic_syncs_the_file_then_renames_then_syncs_the_folder(
    tmp_path: Path, events: Events
) -> None:
    target = tmp_path / "podcast.xml"
    write_atomic(target, "<rss>mới</rss>")
    assert target.read_text("utf-8") == "<rss>mới</rss>"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert_durable(events, target)
    assert [p.name for p in tmp_path.iterdir()] == ["podcast.xml"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "loudspeaker.json"
    target.write_text("old", "utf-8")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half", "utf-8")
        raise RuntimeError("the writer failed")
    assert target.read_text("utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["loudspeaker.json"]


def test_feed_record_writes_are_durable(tmp_path: Path, events: Events) -> None:
    from phatthanh.publish.record import write_text_atomic

    target = tmp_path / "episode.json"
    write_text_atomic(target, "{}")
    assert_durable(events, target)


def test_cached_clips_are_durable_wav_and_json(tmp_path: Path, events: Events) -> None:
    from phatthanh.voices.cache import ClipCache
    from phatthanh.voices.engine import RawClip

    cache = ClipCache(tmp_path)
    key = cache.key("espeak-ng", "1", "vi", "", "xin chào")
    clip = cache.put(key, RawClip(b"\x00\x01" * 2205, 22050, ()))
    assert cache.get(key) is not None
    assert_durable(events, clip.path)
    assert_durable(events, clip.path.with_suffix(".json"))
    # the WAV is in place before the JSON that makes the clip visible
    renames = [p for kind, p in events if kind == "rename"]
    assert renames == [str(clip.path), str(clip.path.with_suffix(".json"))]


def test_generated_jingles_are_durable(tmp_path: Path, events: Events) -> None:
    from phatthanh.program.jingles import generated_jingle

    path = generated_jingle("stinger", tmp_path)
    assert_durable(events, path)


def test_an_episode_folder_is_on_disk_before_it_is_published(
    tmp_path: Path, events: Events, monkeypatch: pytest.MonkeyPatch
) -> None:
    from phatthanh.publish import staging

    episodes = tmp_path / "episodes"
    stage = episodes / ".staging" / "ban-tin-x"
    stage.mkdir(parents=True)
    for name in ("ban-tin.mp3", "episode.json"):  # as ffmpeg and the tagger leave them
        (stage / name).write_bytes(b"written by a tool")
    final = episodes / "ban-tin"
    monkeypatch.setattr(staging, "_exchange", lambda a, b: False)  # the two-rename path
    staging.swap_in(stage, final).finish()
    rename = events.index(("rename", str(final)))
    synced_before = {p for kind, p in events[:rename] if kind == "fsync"}
    assert {str(stage / "ban-tin.mp3"), str(stage / "episode.json"), str(stage)} <= synced_before
    assert ("fsync", str(episodes)) in events[rename:]  # the rename itself is flushed
    assert (final / "ban-tin.mp3").read_bytes() == b"written by a tool"
