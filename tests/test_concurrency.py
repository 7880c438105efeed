"""Two processes at once: the shared clip cache, and two builds publishing into one feed."""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from pathlib import Path

import feedparser

from tests.conftest import ROOT, SAMPLES

_SYNTH = """
import sys
from pathlib import Path
from phatthanh.model import Segment
from phatthanh.voices import ClipCache, choose_voice, synthesize
from phatthanh.voices.settings import VoiceSettings
root = Path(sys.argv[1])
texts = [f"Câu thứ {n} của bản tin buổi sáng." for n in range(40)]
voice = choose_voice(VoiceSettings(engine="espeak"), None, False, root)
voiced = synthesize([Segment("body", t, t) for t in texts], voice, ClipCache(root / "c"), None)
print(voiced.synthesized, voiced.cache_hits)
"""


def test_two_processes_share_the_cache_safely(tmp_path: Path) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _SYNTH, str(tmp_path)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    metas = list((tmp_path / "c").glob("*/*.json"))
    assert len(metas) == 40
    assert not list((tmp_path / "c").glob("*/.tmp-*"))  # no temporary file left behind
    for meta in metas:  # every clip whole: its WAV as long as its record says
        data = json.loads(meta.read_text("utf-8"))
        with wave.open(str(meta.with_suffix(".wav"))) as w:
            assert abs(w.getnframes() * 1000 / w.getframerate() - data["duration_ms"]) <= 1


_BUILD = """
import sys
from datetime import date
from pathlib import Path
from phatthanh.articles import expand_sources
from phatthanh.pipeline import BuildOptions, build_episode
from tests.conftest import make_config
root, source, title = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
config = make_config(root)
lineup = expand_sources([source], config.articles)
build_episode(lineup, config, BuildOptions(title=title, air_date=date(2026, 11, 24)))
"""


def test_two_builds_at_once_both_end_up_in_the_feed(tmp_path: Path) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _BUILD, str(tmp_path), str(sample), title],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for sample, title in zip(SAMPLES[:2], ("Bản tin sáng", "Bản tin chiều"), strict=True)
    ]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), errors
    feed = feedparser.parse((tmp_path / "feeds" / "podcast.xml").read_bytes())
    assert sorted(e.title for e in feed.entries) == ["Bản tin chiều", "Bản tin sáng"]
    for entry in feed.entries:
        slug = entry.enclosures[0].href.split("/episodes/")[1].split("/")[0]
        mp3 = tmp_path / "episodes" / slug / entry.enclosures[0].href.rsplit("/", 1)[1]
        assert mp3.stat().st_size == int(entry.enclosures[0].length)
    assert [p.name for p in (tmp_path / "episodes" / ".staging").iterdir()] == [".lock"]


def test_two_builds_of_the_same_episode_at_once_end_consistent(tmp_path: Path) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _BUILD, str(tmp_path), str(SAMPLES[0]), "Bản tin sáng"],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), errors
    feed = feedparser.parse((tmp_path / "feeds" / "podcast.xml").read_bytes())
    (entry,) = feed.entries
    slug = entry.enclosures[0].href.split("/episodes/")[1].split("/")[0]
    mp3 = tmp_path / "episodes" / slug / entry.enclosures[0].href.rsplit("/", 1)[1]
    assert mp3.stat().st_size == int(entry.enclosures[0].length)
    record = json.loads((tmp_path / "episodes" / slug / "episode.json").read_text("utf-8"))
    assert record["guid"] == entry.id and record["audio"]["bytes"] == mp3.stat().st_size
    leftovers = [p.name for p in (tmp_path / "episodes").iterdir() if p.name != ".staging"]
    assert leftovers == [slug]


def test_a_rebuild_with_new_content_never_changes_what_a_published_url_serves(
    tmp_path: Path,
) -> None:
    from datetime import date

    from phatthanh.articles import expand_sources
    from phatthanh.pipeline import BuildOptions, build_episode
    from tests.conftest import make_config

    config = make_config(tmp_path)
    page = tmp_path / "tin.txt"
    original = SAMPLES[0].read_text("utf-8")
    options = BuildOptions(title="Bản tin sáng", air_date=date(2026, 11, 24), replace=True)
    versions = []
    for edition in range(3):
        page.write_text(original.replace("hằng ngày", f"hằng ngày, lần {edition + 1}"), "utf-8")
        result = build_episode(expand_sources([str(page)], config.articles), config, options)
        mp3 = result.episode_dir / result.record.audio.file
        versions.append((mp3.name, mp3.read_bytes()))
    names = [name for name, _ in versions]
    assert len(set(names)) == 3  # each content has its own URL
    folder = tmp_path / "episodes" / result.record.slug
    for name, data in versions:  # every URL the feed listed, within the grace period
        assert (folder / name).read_bytes() == data
    assert not [p for p in (tmp_path / "episodes").iterdir() if p.name.startswith(".20")]
