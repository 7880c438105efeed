"""Long programs for the mastering benchmark: generated articles and a build timed by stage.

The articles are written by rule from a small vocabulary of our own (no corpus text), each
sentence numbered so every segment is a distinct clip, as in a real day's news. `timed_build`
runs the same stage calls as `phatthanh.pipeline.build_episode`, one line each, with a clock
around every stage.
"""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from phatthanh.articles import expand_sources, read_article
from phatthanh.clean import Normalizer
from phatthanh.config import Config
from phatthanh.master import MasterStats, lay_out, render
from phatthanh.model import Lineup, Rendition, Timeline
from phatthanh.prepare import air_moment, prepare_station
from phatthanh.program import arrange
from phatthanh.publish import stage_episode, write_episode
from phatthanh.segment import script_article
from phatthanh.tags import write_tags
from phatthanh.voices import ClipCache, choose_voice, synthesize

SECONDS_PER_ARTICLE = 190  # espeak-ng, 8 paragraphs of 3 sentences, measured
_WORDS = ("nhân dân", "cán bộ", "hội nghị", "nông thôn mới", "kế hoạch", "triển khai",
          "thực hiện", "kết quả", "phát triển", "kinh tế", "an ninh", "đường làng", "mùa vụ",
          "tiêm chủng", "trường học", "nước sạch", "điện lực", "thủy lợi", "chăn nuôi",
          "rừng phòng hộ", "giao thông", "y tế", "văn hóa")  # fmt: skip
STAGES = ("script+voice", "layout", "master write", "loudness", "encodes", "verification",
          "tags", "publish")  # fmt: skip


def write_articles(folder: Path, minutes: float) -> list[Path]:
    """Article pages for a program of about `minutes`; the first N are the same for any
    length, so a longer program reuses the clips of a shorter one."""
    folder.mkdir(parents=True, exist_ok=True)
    count = max(1, round(minutes * 60 / SECONDS_PER_ARTICLE))
    paths = []
    for a in range(count):
        lines = [f"Tin số {a + 1} về {_WORDS[a % len(_WORDS)]} của huyện", "",
                 "8:30, Thứ Hai, 17-11-2026", ""]  # fmt: skip
        for p in range(8):
            sentences = []
            for s in range(3):
                k = a * 24 + p * 3 + s + 1
                words = " ".join(_WORDS[(k * 7 + j * 3) % len(_WORDS)] for j in range(8))
                sentences.append(f"Trong tuần thứ {k}, xã đã {words}.")
            lines += [" ".join(sentences), ""]
        path = folder / f"{a:02d}.txt"
        path.write_text("\n".join(lines), "utf-8")
        paths.append(path)
    return paths


@dataclass
class Timed:
    seconds: dict[str, float] = field(default_factory=dict)
    renditions: tuple[Rendition, ...] = ()
    encodes: dict[str, int] = field(default_factory=dict)
    limited: dict[str, int] = field(default_factory=dict)  # encodes that ran the limiter
    synthesized: int = 0
    minutes: float = 0.0
    wall_s: float = 0.0
    cpu_s: float = 0.0
    timeline: Timeline | None = None
    folder: Path | None = None  # the published episode


def lineup_of(paths: list[Path], config: Config) -> Lineup:
    return expand_sources(tuple(str(p) for p in paths), config.articles)


def timed_build(lineup: Lineup, config: Config) -> Timed:
    """build_episode's stages (engine espeak, all renditions), each timed."""
    timed = Timed()
    clock = started = time.perf_counter()
    cpu_started = cpu_s()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timed.seconds[stage] = timed.seconds.get(stage, 0.0) + now - clock
        clock = now

    kit = prepare_station(config)
    when = air_moment(config.site, config.publish.publish_time, date(2026, 11, 24), None, lineup)
    normalizer = Normalizer(config.speech)
    articles = [read_article(entry, config.articles, config.station) for entry in lineup.entries]
    scripts = [script_article(article, normalizer, config.speech) for article in articles]
    program = arrange(scripts, lineup, "Bench", when, config.program, kit, normalizer)
    voice = choose_voice(config.voices, "espeak", True, config.root)
    cache = ClipCache(config.resolve(config.voices.cache_dir))
    voiced = synthesize(program.segments(), voice, cache, None)
    lap("script+voice")
    timeline = lay_out(program, voiced.clips, config.program)
    lap("layout")
    stats = MasterStats()
    with stage_episode(program, config.site, config.publish) as stage:
        renditions = render(timeline, (), stage.path, config.master, None, stage.slug, stats)
        clock = time.perf_counter()
        write_tags(stage, renditions, program, timeline, voice.choice)
        lap("tags")
        record = write_episode(stage, program, scripts, timeline, renditions, voice.choice, lineup)
    lap("publish")  # the feeds are published with the episode, in one step
    timed.seconds.update({k: v for k, v in stats.seconds.items() if k in STAGES})
    timed.renditions = record.renditions or (record.audio,)  # as published
    timed.encodes = dict(stats.encodes)
    timed.limited = dict(stats.limited)
    timed.synthesized = voiced.synthesized
    timed.minutes = timeline.duration_ms / 60000
    timed.wall_s = time.perf_counter() - started
    timed.cpu_s = cpu_s() - cpu_started
    timed.timeline = timeline
    timed.folder = stage.final_path
    timed.seconds["other"] = timed.wall_s - sum(timed.seconds.values())
    return timed


def cpu_s() -> float:
    """CPU seconds used so far by this process and its finished children (user + system)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def vm_hwm_mb(pid: str) -> float:
    """Peak RSS (VmHWM) of a running process since it started its program (MB); 0 if gone.
    Not getrusage: Linux carries the parent's peak into a child across fork and exec."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    line = next((ln for ln in status.splitlines() if ln.startswith("VmHWM:")), "VmHWM: 0 kB")
    return int(line.split()[1]) / 1024
