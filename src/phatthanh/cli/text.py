"""`phatthanh normalize` and `phatthanh script`: what would be read, without any audio."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from phatthanh.cli.build import CONFIG_HELP, parse_date
from phatthanh.cli.stations import feed_options, station_config, station_options
from phatthanh.config import Config
from phatthanh.i18n import N_, _, _l
from phatthanh.model import Script

NO_TITLE = N_("[no title: give one with --title or a lineup item's title]")


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    group.add_command(normalize)
    group.add_command(script)


@click.command(
    help=_l("Print the spoken form of each TEXT argument, or of each line of standard input.")
)
@click.argument("text", nargs=-1)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help=_l(
        "Config file (its [speech] settings and lexicon). [default: ./phatthanh.toml if present]"
    ),
)
@click.option(
    "--residue", is_flag=True, help=_l("Also list, on stderr, what a voice would misread.")
)
@station_options
def normalize(
    text: tuple[str, ...],
    config_path: Path | None,
    residue: bool,
    station: str | None,
    registry: Path,
) -> None:
    """Print the spoken form of each TEXT argument, or of each line of standard input."""
    from phatthanh.clean import Normalizer

    normalizer = Normalizer(station_config(config_path, station, registry).speech)
    lines = list(text) if text else (line.rstrip("\n") for line in sys.stdin)
    for number, line in enumerate(lines, start=1):
        spoken = normalizer.normalize(line)
        click.echo(spoken.text)
        if residue:
            for r in spoken.residue:
                click.echo(
                    _("line {number}, char {position}: {text!r} ({reason})").format(
                        number=number, position=r.position, text=r.text, reason=r.reason
                    ),
                    err=True,
                )


def load_scripts(
    articles: tuple[str, ...], config: Config, since: str | None, latest: int | None
) -> list[Script]:
    """The scripts of ARTICLES as `build-episode` would read them; a page without a
    headline is shown with an empty title instead of stopping the listing."""
    from phatthanh.articles import expand_sources, read_article
    from phatthanh.clean import Normalizer
    from phatthanh.segment import script_article

    lineup = expand_sources(articles, config.articles, since=parse_date(since), latest=latest)
    normalizer = Normalizer(config.speech)
    return [
        script_article(
            read_article(entry, config.articles, config.station, require_title=False),
            normalizer,
            config.speech,
        )
        for entry in lineup.entries
    ]


@click.command(help=_l("Show what would be read from ARTICLES, without synthesizing anything."))
@click.argument("articles", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    help=_l("Side by side text, or JSON for other programs."),
)
@click.option(
    "--explain",
    is_flag=True,
    help=_l("List every input line as kept or dropped, and why, and every typing repair."),
)
@click.option("--residue", is_flag=True, help=_l("Only list what a voice would still misread."))
@feed_options
@click.option("--config", "config_path", type=click.Path(path_type=Path), help=CONFIG_HELP)
@station_options
def script(
    articles: tuple[str, ...],
    fmt: str,
    explain: bool,
    residue: bool,
    since: str | None,
    latest: int | None,
    config_path: Path | None,
    station: str | None,
    registry: Path,
) -> None:
    """Show what would be read from ARTICLES, without synthesizing anything."""
    config = station_config(config_path, station, registry)
    scripts = load_scripts(articles, config, since, latest)
    if fmt == "json":
        json.dump([_script_json(s) for s in scripts], sys.stdout, ensure_ascii=False, indent=2)
        click.echo()
        return
    for item in scripts:
        if explain:
            _echo_explain(item)
        elif residue:
            _echo_residue(item, config)
        else:
            _echo_script(item)


def _script_json(item: Script) -> dict[str, Any]:
    article = item.article
    return {
        "source": article.source,
        "title": article.title or None,
        "published": article.published.isoformat() if article.published else None,
        "author": article.author,
        "warnings": list(article.warnings),
        "residue": [
            {"segment": i, "text": r.text, "position": r.position, "reason": r.reason}
            for i, seg in enumerate(item.segments)
            for r in seg.residue
        ],
        "segments": [
            {"kind": seg.kind, "display": seg.display, "spoken": seg.spoken}
            for seg in item.segments
        ],
    }


def _echo_script(item: Script) -> None:
    article = item.article
    published = article.published.isoformat() if article.published else _("unknown date")
    title = article.title or _(NO_TITLE)
    click.echo(f"== {article.source}: {title} ({published}; {article.author or '-'})")
    for warning in article.warnings:
        click.echo(_("   warning: {warning}").format(warning=warning))
    for seg in item.segments:
        click.echo(f"[{seg.kind}] {seg.display}")
        if seg.spoken != seg.display:
            click.echo(f"   -> {seg.spoken}")
    click.echo()


def _echo_explain(item: Script) -> None:
    click.echo(f"== {item.article.source}")
    for d in item.article.decisions:
        mark = "keep" if d.kept else "drop"
        click.echo(f"{d.line_no:4d} {mark} {d.rule:<22} {d.text[:90]}")
    for number, seg in enumerate(item.segments, start=1):
        for repair in seg.repairs:
            click.echo(
                _("     repair in segment {number}: {repair}").format(number=number, repair=repair)
            )
    click.echo()


def _echo_residue(item: Script, config: Config) -> None:
    """Every risk of every segment: the normalizer's residue and what is left in speech."""
    from phatthanh.clean import Normalizer
    from phatthanh.review import segment_risks

    normalizer = Normalizer(config.speech)
    source = item.article.source
    if not item.article.title:
        click.echo(f"{source}: {_(NO_TITLE)}")
    for number, seg in enumerate(item.segments, start=1):
        for risk in segment_risks(seg, normalizer):
            where = (
                f"char {risk.position}"
                if risk.position is not None
                else ("spoken" if risk.in_spoken else "written")
            )
            click.echo(
                _("{source}: segment {number}, {where}: {token!r} ({reason})").format(
                    source=source, number=number, where=where, token=risk.token, reason=risk.reason
                )
            )
