"""Stage 4: scripts -> the running order of a district program.

Theme and station call, the greeting with frequency and air time, the date, the lineup of
item titles, each item with a spoken lead-in and a stinger between items, then the closing
(thanks, next air time, farewell) and the closing theme. Every spoken part comes from a
Vietnamese Jinja2 template the station can override, with per-weekday variants
(`closing.cn.j2` on Sundays), and goes through the same speech rules as the articles.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from phatthanh.clean import Normalizer, cleanup_unicode
from phatthanh.errors import ConfigError
from phatthanh.i18n import _
from phatthanh.model import Lineup, Part, Program, Script, Segment
from phatthanh.segment import split_sentences
from phatthanh.settings import ProgramSettings

if TYPE_CHECKING:  # prepare.py imports this package's jingles
    from phatthanh.prepare import StationKit

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
WEEKDAY_CODES = ("t2", "t3", "t4", "t5", "t6", "t7", "cn")
OPENING_CHAPTER = "Mở đầu"
CLOSING_CHAPTER = "Kết thúc"


def arrange(
    scripts: Sequence[Script],
    lineup: Lineup,
    title: str | None,
    when: datetime,
    settings: ProgramSettings,
    kit: StationKit,
    normalizer: Normalizer,
) -> Program:
    """The running order for these scripts going out at `when`, with the station's templates
    filled in and its jingles (checked by `prepare_station`) placed."""
    station = kit.site
    day = when.date()
    program_title = " ".join(cleanup_unicode(title or lineup.title or station.program).split())
    if not program_title:
        raise ConfigError(_("the program title is empty; give --title or a lineup title"))
    templates = template_environment(kit.templates)
    values = {
        "station": station.name,
        "program": program_title,
        "frequency": station.frequency,
        "air_time": station.air_time,
        "weekday": WEEKDAYS[day.weekday()],
        "date": day.strftime("%d/%m/%Y"),
        "titles": [s.article.title for s in scripts],
        "count": len(scripts),
    }
    bed = kit.bed

    def speech(name: str, chapter: int, pause_ms: int, **extra: object) -> Part | None:
        text = _render(templates, name, day, {**values, **extra})
        segments = announcement(text, normalizer)
        if not segments:
            return None
        return Part("speech", chapter, segments, pause_after_ms=pause_ms, bed=bed)

    opening, closing, stinger = kit.opening, kit.closing, kit.stinger
    last = len(scripts) + 1
    parts: list[Part | None] = [
        Part("jingle", 0, audio=opening, pause_after_ms=settings.jingle_pause_ms),
        speech("opening", 0, settings.paragraph_pause_ms),
        speech("lineup", 0, settings.item_pause_ms),
    ]
    for number, script in enumerate(scripts, start=1):
        if number > 1:
            parts.append(
                Part("stinger", number, audio=stinger, pause_after_ms=settings.item_pause_ms)
            )
        lead = _render(templates, "item", day, {**values, "number": number})
        body = announcement(lead, normalizer) + tuple(
            s for s in script.segments if settings.read_byline or s.kind != "byline"
        )
        parts.append(Part("speech", number, body, pause_after_ms=settings.item_pause_ms))
    parts.append(Part("stinger", last, audio=stinger, pause_after_ms=settings.item_pause_ms))
    parts.append(speech("closing", last, settings.jingle_pause_ms))
    parts.append(Part("jingle", last, audio=closing))
    return Program(
        title=program_title,
        air_date=day,
        air_slot=when.strftime("%H:%M"),
        chapter_titles=(OPENING_CHAPTER, *(s.article.title for s in scripts), CLOSING_CHAPTER),
        chapter_urls=(None, *(s.article.url for s in scripts), None),
        item_chapters=tuple(range(1, len(scripts) + 1)),
        parts=tuple(p for p in parts if p is not None),
    )


def template_environment(station_folder: Path | None) -> jinja2.Environment:
    """The Jinja2 environment of the spoken templates: the station's folder first (its own
    `opening.j2`, `closing.cn.j2`, `bulletin_open.j2` ...), then the package's templates.
    Plain text, never HTML; an undefined value is an error, not an empty string."""
    loaders: list[jinja2.BaseLoader] = []
    if station_folder is not None:
        loaders.append(jinja2.FileSystemLoader(str(station_folder)))
    loaders.append(jinja2.PackageLoader("phatthanh.program", "templates"))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=False,  # plain spoken text, never HTML
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )


def _render(env: jinja2.Environment, name: str, day: date, values: dict[str, object]) -> str:
    """The weekday variant of a template if there is one (`closing.cn.j2`), else the plain one."""
    code = WEEKDAY_CODES[day.weekday()]
    template = env.select_template([f"{name}.{code}.j2", f"{name}.j2"])
    return template.render(**values)


def announcement(text: str, normalizer: Normalizer) -> tuple[Segment, ...]:
    """A rendered template's text as spoken segments of kind "announcement": one per
    sentence of each non-blank line, normalized for speech; sentences with nothing to say
    (punctuation only) are left out."""
    segments = []
    for number, line in enumerate(ln.strip() for ln in text.splitlines() if ln.strip()):
        for sentence in split_sentences(line):
            spoken = normalizer.normalize(sentence)
            if spoken.text.strip(" .,;:"):
                segments.append(
                    Segment("announcement", sentence, spoken.text, number, spoken.residue)
                )
    return tuple(segments)
