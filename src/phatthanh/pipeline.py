"""build_episode(): the order of the stages, and nothing else.

station files -> articles -> speech text and segments -> running order -> voice -> timeline
-> master (one MP3 per profile) -> tags -> episode record and side files -> feeds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from phatthanh.articles import read_article
from phatthanh.clean import Normalizer
from phatthanh.config import Config
from phatthanh.master import lay_out, render
from phatthanh.model import EpisodeRecord, Lineup, Progress
from phatthanh.prepare import air_moment, check_slot_free, prepare_station
from phatthanh.program import arrange
from phatthanh.publish import stage_episode, write_episode
from phatthanh.publish.built import unpublished_dir
from phatthanh.segment import script_article
from phatthanh.settings import ProfileName
from phatthanh.storage.clips import open_clip_cache
from phatthanh.tags import write_tags
from phatthanh.voices import choose_voice, synthesize


@dataclass(frozen=True)
class BuildOptions:
    """What the user asked for on top of the config."""

    title: str | None = None
    air_date: date | None = None
    engine: str | None = None  # None: the config's choice
    strict_engine: bool = False
    profiles: tuple[ProfileName, ...] = ()  # empty: the config's renditions
    slot: str | None = None  # HH:MM; None: the lineup's first air slot, else see air_moment
    replace: bool = False  # rebuild an episode already published for this date, slot, title
    publish: bool = True  # False: keep it unpublished for publish_built (publish/built.py)
    # Called at the commit point; raises to refuse the publish (the queue's lock check).
    fence: Callable[[], None] | None = None


@dataclass(frozen=True)
class BuildResult:
    record: EpisodeRecord
    episode_dir: Path
    feed: Path
    synthesized: int  # clips the engine made in this build (0 on a cached rebuild)
    cache_hits: int
    published: bool = True  # False: episode_dir is its unpublished folder


def build_episode(
    lineup: Lineup, config: Config, options: BuildOptions, progress: Progress | None = None
) -> BuildResult:
    """Build one episode from its lineup and publish it in the feeds (or keep it aside,
    unpublished, when `options.publish` is false)."""
    kit = prepare_station(config)
    when = air_moment(config.site, config.publish.publish_time, options.air_date, options.slot,
                      lineup)  # fmt: skip
    normalizer = Normalizer(config.speech)
    articles = [read_article(entry, config.articles, config.station) for entry in lineup.entries]
    scripts = [script_article(article, normalizer, config.speech) for article in articles]
    program = arrange(scripts, lineup, options.title, when, config.program, kit, normalizer)
    check_slot_free(program, config.site, options.replace)
    voice = choose_voice(config.voices, options.engine, options.strict_engine, config.root)
    cache = open_clip_cache(config)  # local, or shared through the bucket
    voiced = synthesize(program.segments(), voice, cache, progress)
    timeline = lay_out(program, voiced.clips, config.program)
    hold = not options.publish
    with stage_episode(program, config.site, config.publish, hold, options.fence) as stage:
        renditions = render(
            timeline, options.profiles, stage.path, config.master, progress, stage.slug
        )
        choice = voiced.choice or voice.choice  # the breaker may have switched voices
        write_tags(stage, renditions, program, timeline, choice)
        record = write_episode(stage, program, scripts, timeline, renditions, choice, lineup)
    feed = config.feeds_dir / "podcast.xml"  # published with the episode, in one step
    folder = stage.final_path if options.publish else unpublished_dir(config.site) / stage.path.name
    return BuildResult(record, folder, feed, voiced.synthesized, voiced.cache_hits, options.publish)
