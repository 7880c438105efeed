"""Emergency bulletins (`phatthanh bulletin`): a short program published at once.

Running order: the attention signal, "Thông báo khẩn" and the notice's title, the text,
read again after "Xin nhắc lại" (`repeat` readings in all, two by default), the closing
line, the attention signal again. No daily greeting, lineup or air-time sentence. The
episode's publication time is the moment it was built, so it heads the feed and the
loudspeaker manifest; `khan_cap` tells stations to play it immediately (TT 39/2020).
The online voice, if chosen, is armed with the circuit breaker and a short timeout.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
import wave
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from phatthanh.articles.text import parse_offset
from phatthanh.clean import Normalizer, cleanup_unicode
from phatthanh.config import Config
from phatthanh.errors import ArticleError, ConfigError
from phatthanh.i18n import _
from phatthanh.master import lay_out, render
from phatthanh.master.settings import ProfileName
from phatthanh.model import Article, Lineup, Part, Priority, Program, Progress, Script
from phatthanh.pipeline import BuildResult
from phatthanh.program import announcement, template_environment
from phatthanh.publish import stage_episode, write_episode
from phatthanh.publish.commit import Fence
from phatthanh.publish.record import RECORD, record_to_dict, write_text_atomic
from phatthanh.segment import script_article
from phatthanh.storage.clips import open_clip_cache
from phatthanh.tags import write_tags
from phatthanh.voices import choose_voice, synthesize
from phatthanh.voices.settings import VoiceSettings

ONLINE_TIMEOUT_S = 8.0  # a bulletin waits at most this long for the online voice
RATE_HZ = 44100


@dataclass(frozen=True)
class BulletinOptions:
    title: str | None = None  # default: "Thông báo khẩn lúc HH giờ MM"
    priority: Priority = "khan_cap"
    repeat: int = 2  # readings of the text
    engine: str | None = None
    strict_engine: bool = False
    profiles: tuple[ProfileName, ...] = ()  # empty: podcast and loudspeaker (of the config's)
    now: datetime | None = None
    fence: Fence | None = None  # checked at the commit point (the station's lock still held)


def read_notice(text_or_file: str) -> str:
    """The notice's text: the file's content if it names one, else the text itself."""
    path = Path(text_or_file)
    try:
        if len(text_or_file) < 4096 and path.is_file():
            text_or_file = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ArticleError(
            _("{path}: cannot read the notice ({exc})").format(path=path, exc=exc)
        ) from None
    text = cleanup_unicode(text_or_file).strip()
    if not text:
        raise ArticleError(_("the notice is empty; give its text or a UTF-8 text file"))
    return text


def build_bulletin(
    notice: str, config: Config, options: BulletinOptions, progress: Progress | None = None
) -> BuildResult:
    """Build the bulletin for `notice` and publish it in the feeds at once."""
    if not 1 <= options.repeat <= 5:
        raise ConfigError(
            _("--repeat {repeat}: read the notice 1 to 5 times").format(repeat=options.repeat)
        )
    now = options.now or datetime.now(parse_offset(config.station.timezone))
    urgent = options.priority == "khan_cap"
    default = f"{'Thông báo khẩn' if urgent else 'Thông báo'} lúc {now:%H} giờ {now:%M}"
    title = " ".join((options.title or default).split())
    normalizer = Normalizer(config.speech)
    paragraphs = tuple(p.strip() for p in notice.split("\n") if p.strip())
    article = Article(source="<thông báo>", title=title, paragraphs=paragraphs, published=now,
                      byline=False)  # fmt: skip
    script = script_article(article, normalizer, config.speech)
    program = arrange_bulletin(
        script, title, options.title or "", urgent, options.repeat, config, normalizer, now
    )
    settings, engine = _with_offline_behind(config.voices, options.engine)
    voice = choose_voice(settings, engine, options.strict_engine, config.root, ONLINE_TIMEOUT_S)
    cache = open_clip_cache(config)  # local, or shared through the bucket
    voiced = synthesize(program.segments(), voice, cache, progress)
    timeline = lay_out(program, voiced.clips, config.program)
    lineup = Lineup(entries=(), title=title, air_date=now.date(), priority=options.priority)
    choice = voiced.choice or voice.choice
    profiles = options.profiles or _published_profiles(config)
    # its minute's slug, -2, -3 ... when taken: two bulletins of one minute are two
    # episodes, the first never replaced by the second (chosen under the staging lock)
    with stage_episode(program, config.site, config.publish, fence=options.fence,
                       unique=True) as stage:  # fmt: skip
        renditions = render(timeline, profiles, stage.path, config.master, progress,
                            stage.slug)  # fmt: skip
        write_tags(stage, renditions, program, timeline, choice)
        record = write_episode(stage, program, [script], timeline, renditions, choice, lineup)
        record = dataclasses.replace(record, published=now.isoformat(timespec="seconds"))
        text = json.dumps(record_to_dict(record), ensure_ascii=False, indent=2) + "\n"
        write_text_atomic(stage.path / RECORD, text)  # its own pubDate: the moment it was made
    feed = config.feeds_dir / "podcast.xml"  # published with the episode, in one step
    return BuildResult(record, stage.final_path, feed, voiced.synthesized, voiced.cache_hits)


def _published_profiles(config: Config) -> tuple[ProfileName, ...]:
    """The renditions feed and manifest point at (podcast, loudspeaker): a bulletin cannot
    wait for the others; `--profile broadcast` asks for that one too."""
    wanted = tuple(p for p in config.master.renditions if p in ("podcast", "loudspeaker"))
    return wanted or ("loudspeaker",)


def _with_offline_behind(settings: VoiceSettings, engine: str | None) -> tuple[VoiceSettings, str]:
    """A bulletin always has the offline voice behind the online one."""
    chosen = engine or settings.engine
    if chosen == "edge":
        chain = (f"edge:{settings.edge.voice}", "espeak")
        return dataclasses.replace(settings, chain=chain), "auto"
    if chosen == "auto" and not any(n.startswith(("espeak", "piper")) for n in settings.chain):
        return dataclasses.replace(settings, chain=(*settings.chain, "espeak")), "auto"
    return settings, chosen


def arrange_bulletin(script: Script, title: str, subject: str, urgent: bool, repeat: int,
                     config: Config, normalizer: Normalizer, now: datetime) -> Program:  # fmt: skip
    """The running order of a bulletin (see the module docstring); `subject` (the title the
    user gave, or empty) is read out, the default title with its clock time is not."""
    settings = config.program
    templates = template_environment(
        config.resolve(settings.templates) if settings.templates else None
    )
    values = {"station": config.station.name, "subject": subject, "urgent": urgent}

    def say(name: str, chapter: int, pause_ms: int) -> Part:
        text = templates.get_template(f"{name}.j2").render(**values)
        return Part("speech", chapter, announcement(text, normalizer), pause_after_ms=pause_ms)

    signal = attention_signal(config.resolve(".cache/assets"))
    body = tuple(s for s in script.segments if s.kind == "body")
    pause = settings.paragraph_pause_ms
    last = repeat + 1
    parts = [
        Part("jingle", 0, audio=signal, pause_after_ms=settings.jingle_pause_ms),
        say("bulletin_open", 1, pause),
        Part("speech", 1, body, pause_after_ms=pause),
    ]
    for chapter in range(2, last):
        parts += [
            say("bulletin_repeat", chapter, pause),
            Part("speech", chapter, body, pause_after_ms=pause),
        ]
    parts += [
        say("bulletin_close", last, settings.jingle_pause_ms),
        Part("jingle", last, audio=signal),
    ]
    titles = (
        "Tín hiệu chú ý",
        "Thông báo",
        *(f"Nhắc lại lần {n}" for n in range(1, repeat)),
        "Kết thúc",
    )
    return Program(title=title, air_date=now.date(), air_slot=f"{now:%H:%M}",
                   chapter_titles=titles,
                   chapter_urls=(None,) * len(titles), item_chapters=(1,),
                   parts=tuple(parts))  # fmt: skip


def attention_signal(folder: Path) -> Path:
    """The attention signal: three two-tone calls (880/660 Hz), cached as a WAV."""
    path = folder / "attention-v1.wav"
    if path.is_file():
        return path
    t = np.arange(int(0.35 * RATE_HZ)) / RATE_HZ
    envelope = np.minimum(1, t / 0.01) * np.minimum(1, (t[-1] - t) / 0.03)
    high, low = (np.sin(2 * np.pi * f * t) * envelope for f in (880.0, 660.0))
    gap = np.zeros(int(0.12 * RATE_HZ))
    call = np.concatenate([high, low, gap])
    samples = (np.tile(call, 3) * 0.7 * 32767).astype("<i2")
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".wav")
    os.close(fd)
    with wave.open(tmp, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE_HZ)
        out.writeframes(samples.tobytes())
    os.replace(tmp, path)
    return path
