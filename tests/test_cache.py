"""The clip cache is verified, not trusted: each clip's length and sha256 are stored with it,
the length is checked on every read and the hash the first time a build uses the clip; a bad
clip is deleted and synthesized again with one log line. Fuzzed with random truncation,
corruption and deletion, down to a real build publishing complete audio."""

from __future__ import annotations

import json
import logging
import random
import wave
from datetime import date
from pathlib import Path

import pytest

from phatthanh.articles import expand_sources
from phatthanh.model import Clip, Segment
from phatthanh.pipeline import BuildOptions, build_episode
from phatthanh.voices import ClipCache, choose_voice, synthesize
from phatthanh.voices.settings import VoiceSettings
from tests.conftest import make_config

TEXTS = [f"Tin số {n}: xã Tân Lập họp dân bàn việc làm đường." for n in range(12)]
SEGMENTS = [Segment("body", t, t) for t in TEXTS]


def damage(path: Path, rng: random.Random) -> str:
    """Damage one cached clip (its WAV or its record) in a random way; say how."""
    wav, meta = path, path.with_suffix(".json")
    data = wav.read_bytes()
    kind = rng.choice(["truncate", "garble", "empty", "delete-wav", "delete-meta", "bad-meta",
                       "header", "extend"])  # fmt: skip
    if kind == "truncate":
        wav.write_bytes(data[: rng.randrange(0, len(data))])
    elif kind == "garble":  # same length, other samples
        at = rng.randrange(44, len(data) - 64)
        wav.write_bytes(data[:at] + bytes(rng.randrange(256) for _ in range(64)) + data[at + 64 :])
    elif kind == "empty":
        wav.write_bytes(b"")
    elif kind == "delete-wav":
        wav.unlink()
    elif kind == "delete-meta":
        meta.unlink()
    elif kind == "bad-meta":
        meta.write_text(meta.read_text("utf-8")[: rng.randrange(0, 20)], "utf-8")
    elif kind == "header":  # the RIFF header says something else
        wav.write_bytes(b"JUNK" + data[4:])
    else:
        wav.write_bytes(data + bytes(rng.randrange(1, 5000)))
    return kind


def intact(cache_dir: Path) -> None:
    """Every clip in the cache is whole: its WAV has the length and hash its record gives."""
    import hashlib

    for meta in cache_dir.glob("*/*.json"):
        record = json.loads(meta.read_text("utf-8"))
        data = meta.with_suffix(".wav").read_bytes()
        assert len(data) == record["wav_bytes"]
        assert hashlib.sha256(data).hexdigest() == record["wav_sha256"]
        with wave.open(str(meta.with_suffix(".wav"))) as w:
            assert abs(w.getnframes() * 1000 // w.getframerate() - record["duration_ms"]) <= 1


@pytest.mark.parametrize("seed", range(4))
def test_damaged_clips_are_synthesized_again_never_used(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, seed: int
) -> None:
    voice = choose_voice(VoiceSettings(engine="espeak"), None, False, tmp_path)
    first = synthesize(SEGMENTS, voice, ClipCache(tmp_path / "c"), None)
    durations = [c.duration_ms for c in first.clips]
    rng = random.Random(seed)
    wavs = sorted((tmp_path / "c").glob("*/*.wav"))
    damaged = rng.sample(wavs, 5)
    kinds = [damage(p, rng) for p in damaged]
    with caplog.at_level(logging.INFO, logger="phatthanh"):
        again = synthesize(SEGMENTS, voice, ClipCache(tmp_path / "c"), None)
    assert (again.synthesized, again.cache_hits) == (5, 7), kinds
    for clip, duration in zip(again.clips, durations, strict=True):  # espeak varies by a ms
        assert abs(clip.duration_ms - duration) <= 20
    lines = [r.getMessage() for r in caplog.records if "synthesizing it again" in r.getMessage()]
    # a WAV without its record is only skipped (a writer may be between the two): no line
    assert len(lines) == 5 - kinds.count("delete-meta"), kinds
    assert all("\n" not in line for line in lines), kinds
    intact(tmp_path / "c")
    third = synthesize(SEGMENTS, voice, ClipCache(tmp_path / "c"), None)
    assert (third.synthesized, third.cache_hits) == (0, 12)


def test_a_clip_is_hashed_once_per_build_and_sized_on_every_read(tmp_path: Path) -> None:
    voice = choose_voice(VoiceSettings(engine="espeak"), None, False, tmp_path)
    synthesize(SEGMENTS[:2], voice, ClipCache(tmp_path / "c"), None)
    cache = ClipCache(tmp_path / "c")
    key = cache.key(voice.engine.name, voice.engine.version, voice.engine.voice,
                    voice.engine.settings_key(), TEXTS[0])  # fmt: skip
    assert cache.get(key) is not None  # first use in this build: hashed
    wav = next((tmp_path / "c").glob(f"*/{key}.wav"))
    data = wav.read_bytes()
    wav.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # same size, one bit flipped
    assert cache.get(key) is not None  # already verified in this build: only the size checked
    assert ClipCache(tmp_path / "c").get(key) is None  # the next build hashes it: refused
    wav.write_bytes(data[:100])
    assert cache.get(key) is None  # the size is checked on every read


def test_a_build_with_a_damaged_cache_publishes_complete_audio(tmp_path: Path) -> None:
    page = tmp_path / "tin.txt"
    page.write_text(
        "Xã Tân Lập làm đường bê tông\n\n"
        + " ".join(f"Câu số {n} nói về con đường mới của thôn Hai." for n in range(8))
        + "\n\nBà con rất phấn khởi vì đường đi lại thuận tiện hơn.\n",
        "utf-8",
    )
    config = make_config(tmp_path)
    options = BuildOptions(title="Bản tin", air_date=date(2026, 11, 24), replace=True)
    first = build_episode(expand_sources([str(page)], config.articles), config, options)
    rng = random.Random(13)
    cache_dir = tmp_path / ".cache" / "clips"
    wavs = sorted(cache_dir.glob("*/*.wav"))
    for path in rng.sample(wavs, len(wavs) // 2):
        damage(path, rng)
    second = build_episode(expand_sources([str(page)], config.articles), config, options)
    assert second.synthesized == len(wavs) // 2
    assert abs(second.record.audio.duration_s - first.record.audio.duration_s) < 0.05
    intact(cache_dir)


def test_clips_cached_before_hashes_are_kept_if_whole(tmp_path: Path) -> None:
    voice = choose_voice(VoiceSettings(engine="espeak"), None, False, tmp_path)
    synthesize(SEGMENTS[:3], voice, ClipCache(tmp_path / "c"), None)
    metas = sorted((tmp_path / "c").glob("*/*.json"))
    for meta in metas:  # the record as older versions wrote it
        record = json.loads(meta.read_text("utf-8"))
        del record["wav_bytes"], record["wav_sha256"]
        meta.write_text(json.dumps(record), "utf-8")
    wav = metas[0].with_suffix(".wav")
    wav.write_bytes(wav.read_bytes()[:1000])  # and one of them truncated
    again = synthesize(SEGMENTS[:3], voice, ClipCache(tmp_path / "c"), None)
    assert (again.synthesized, again.cache_hits) == (1, 2)
    intact(tmp_path / "c")


def test_pruned_or_dropped_clips_take_their_resampled_copies_along(tmp_path: Path) -> None:
    from phatthanh.master.clips import at_rate, clip_loudness

    voice = choose_voice(VoiceSettings(engine="espeak"), None, False, tmp_path)
    clips = synthesize(SEGMENTS[:2], voice, ClipCache(tmp_path / "c"), None).clips
    copies = [at_rate(clip.path, 44100) for clip in clips]
    for clip in clips:  # and the loudness noted beside each copy
        clip_loudness(clip.path, 44100)
    assert len(list((tmp_path / "c").glob("*/44100/*.lufs"))) == 2
    pairs = zip(copies, clips, strict=True)
    assert all(c is not None and c.is_file() and c != clip.path for c, clip in pairs)
    cache = ClipCache(tmp_path / "c")
    key = clips[0].path.stem
    clips[0].path.write_bytes(b"RIFF")  # damaged: the next get drops it
    assert cache.get(key) is None
    assert copies[0] is not None and not copies[0].exists()
    assert cache.prune(older_than_days=-1) == 1  # everything counts as old
    assert copies[1] is not None and not copies[1].exists()
    assert not list((tmp_path / "c").glob("*/*.wav")) + list((tmp_path / "c").glob("*/*/*.wav"))
    assert not list((tmp_path / "c").glob("*/*/*.lufs"))


def test_a_reader_leaves_a_clip_another_process_is_still_writing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Stations share one cache folder: a put writes the WAV, then its record. A reader that
    comes between the two must skip the clip, not delete the WAV under the writer."""
    voice = choose_voice(VoiceSettings(engine="espeak"), None, False, tmp_path)
    synthesize(SEGMENTS[:1], voice, ClipCache(tmp_path / "c"), None)
    meta = next((tmp_path / "c").glob("*/*.json"))
    record = meta.read_text("utf-8")
    meta.unlink()  # the writer has renamed its WAV in, not yet its record
    with caplog.at_level(logging.INFO, logger="phatthanh"):
        assert ClipCache(tmp_path / "c").get(meta.stem) is None
    assert meta.with_suffix(".wav").exists()
    assert not [r for r in caplog.records if "synthesizing it again" in r.getMessage()]
    meta.write_text(record, "utf-8")  # the writer finishes
    clip = ClipCache(tmp_path / "c").get(meta.stem)
    assert clip is not None and clip.path == meta.with_suffix(".wav")


def test_damage_reasons_are_given_in_vietnamese_under_a_vi_locale(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from phatthanh.i18n import use_language
    from phatthanh.voices.engine import RawClip

    cache = ClipCache(tmp_path / "c")
    keys = [ClipCache.key("espeak-ng", "1", "vi", "", text) for text in TEXTS[:5]]
    pcm = bytes(range(256)) * 25  # 200 ms at 16 kHz
    for key in keys:
        cache.put(key, RawClip(pcm, 16000))
    wavs = [tmp_path / "c" / key[:2] / f"{key}.wav" for key in keys]
    size = wavs[0].stat().st_size
    wavs[0].write_bytes(wavs[0].read_bytes()[:-2])  # shorter than its record says
    data = wavs[1].read_bytes()
    wavs[1].write_bytes(data[:100] + bytes(len(data) - 100))  # same length, other samples
    wavs[2].unlink()
    wavs[3].with_suffix(".json").write_text("{", "utf-8")
    record = json.loads(wavs[4].with_suffix(".json").read_text("utf-8"))
    record["duration_ms"] = 900
    wavs[4].with_suffix(".json").write_text(json.dumps(record), "utf-8")
    use_language("vi")
    try:
        with caplog.at_level(logging.WARNING, logger="phatthanh"):
            reader = ClipCache(tmp_path / "c")  # another build: it hashes each clip it uses
            assert [reader.get(key) for key in keys] == [None] * 5
    finally:
        use_language(None)
    reasons = [
        f"tệp WAV dài {size - 2} byte, tệp thông tin kèm theo ghi là {size}",
        "mã sha256 của tệp WAV không khớp với tệp thông tin kèm theo",
        "thiếu tệp WAV",
        "tệp thông tin kèm theo không hợp lệ (JSONDecodeError)",
        "độ dài và thời lượng ghi trong tệp thông tin kèm theo không khớp nhau",
    ]
    assert [r.getMessage() for r in caplog.records] == [
        f"bộ nhớ đệm đoạn âm thanh: {wav.name}: {reason}; sẽ đọc lại đoạn này"
        for wav, reason in zip(wavs, reasons, strict=True)
    ]


def test_a_second_rendering_of_a_cached_text_keeps_the_first(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Two workers synthesize the same text at once; the offline voice's samples can differ
    with what it read before, so the second WAV is not the first. The complete clip a build
    may already be reading is kept: the later put returns it, and nothing is dropped."""
    from phatthanh.voices.engine import RawClip

    key = ClipCache.key("espeak-ng", "1", "vi", "", TEXTS[0])
    first = ClipCache(tmp_path / "c").put(key, RawClip(bytes(range(256)) * 25, 16000))
    with caplog.at_level(logging.WARNING, logger="phatthanh"):
        second = ClipCache(tmp_path / "c").put(key, RawClip(bytes(7000), 16000))
        reader = ClipCache(tmp_path / "c").get(key)
    assert second.duration_ms == first.duration_ms == 200
    assert reader is not None and reader.duration_ms == 200
    with wave.open(str(first.path)) as wav:  # the file the first build holds is still its own
        assert wav.getnframes() * 1000 // wav.getframerate() == first.duration_ms
    assert not [r for r in caplog.records if "synthesizing it again" in r.getMessage()]
    intact(tmp_path / "c")


def test_a_reader_waits_for_a_writer_between_the_wav_and_its_record(tmp_path: Path) -> None:
    """A reader that finds a record and a WAV that disagree (a writer replacing a damaged
    clip has renamed its WAV in, not yet its record) looks again under the writer's lock,
    and finds the finished clip instead of deleting the writer's WAV."""
    import threading

    from phatthanh.voices.engine import RawClip

    cache = ClipCache(tmp_path / "c")
    key = ClipCache.key("espeak-ng", "1", "vi", "", TEXTS[1])
    cache.put(key, RawClip(bytes(range(256)) * 25, 16000))
    wav, meta = cache._paths(key)
    stale = meta.read_text("utf-8")
    wav.write_bytes(wav.read_bytes()[:-2])  # damaged: the writer is replacing it
    found: list[object] = []
    with cache._locked(key):  # the writer's put, between its WAV and its record
        fresh = ClipCache(tmp_path / "other")._write(key, RawClip(bytes(9000), 16000))
        wav.write_bytes(fresh.path.read_bytes())
        meta.write_text(stale, "utf-8")  # its record not yet renamed in
        reader = threading.Thread(target=lambda: found.append(ClipCache(tmp_path / "c").get(key)))
        reader.start()
        reader.join(timeout=1.0)  # the old cache deleted both files here
        meta.write_text(fresh.path.with_suffix(".json").read_text("utf-8"), "utf-8")
    reader.join()
    (clip,) = found
    assert isinstance(clip, Clip) and clip.path == wav and wav.exists()
    assert clip.duration_ms == fresh.duration_ms
    intact(tmp_path / "c")


def test_a_link_planted_as_a_shard_lock_is_not_followed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The shard's lock file is opened without following a symbolic link: one planted there
    (pointing at a file outside the cache) is replaced by a plain lock file, with a warning,
    and the file it pointed at is neither created nor touched."""
    from phatthanh.voices.engine import RawClip

    cache = ClipCache(tmp_path / "c")
    key = ClipCache.key("espeak-ng", "1", "vi", "", TEXTS[2])
    shard = tmp_path / "c" / key[:2]
    shard.mkdir(parents=True)
    target = tmp_path / "outside.txt"
    (shard / ".lock").symlink_to(target)
    with caplog.at_level(logging.WARNING, logger="phatthanh"):
        clip = cache.put(key, RawClip(bytes(range(256)) * 25, 16000))
    assert clip.duration_ms == 200 and cache.get(key) is not None
    assert not target.exists()  # the old open("ab") created the link's target
    assert not (shard / ".lock").is_symlink() and (shard / ".lock").is_file()
    assert any("was a symbolic link" in r.getMessage() for r in caplog.records)
