"""`phatthanh review PAGE...`: per page, its title, date and author, and only the segments
with something risky, the risky token highlighted, so an editor can fix a page in a minute.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from phatthanh.cli.build import CONFIG_HELP
from phatthanh.cli.stations import feed_options, station_config, station_options
from phatthanh.cli.text import load_scripts
from phatthanh.i18n import N_, _, _l
from phatthanh.review import PageReview, Risk, review_script, split_marked

_TITLE_HINT = N_(": give one with --title or a lineup item's title")


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    group.add_command(review)


@click.command(
    help=_l(
        "Show, per page, the segments a voice may misread (risky words "
        "highlighted: [[word]] without a terminal) and the dropped lines that "
        "may have been body text."
    )
)
@click.argument("pages", nargs=-1, required=True)
@feed_options
@click.option("--config", "config_path", type=click.Path(path_type=Path), help=CONFIG_HELP)
@station_options
def review(
    pages: tuple[str, ...],
    since: str | None,
    latest: int | None,
    config_path: Path | None,
    station: str | None,
    registry: Path,
) -> None:
    from phatthanh.clean import Normalizer

    config = station_config(config_path, station, registry)
    normalizer = Normalizer(config.speech)
    out = _Out(sys.stdout.isatty())
    for script in load_scripts(pages, config, since, latest):
        _echo_page(review_script(script, normalizer), out)


class _Out:
    """Highlighting: rich markup on a terminal, plain [[token]] markers anywhere else."""

    def __init__(self, terminal: bool) -> None:
        self.console = None
        if terminal:
            from rich.console import Console

            self.console = Console(highlight=False, soft_wrap=True)

    def line(self, pieces: list[tuple[str, bool]]) -> None:
        if self.console is None:
            click.echo("".join(f"[[{p}]]" if risky else p for p, risky in pieces))
            return
        from rich.markup import escape

        self.console.print(
            "".join(f"[bold red]{escape(p)}[/]" if risky else escape(p) for p, risky in pieces)
        )


def _echo_page(page: PageReview, out: _Out) -> None:
    article = page.script.article
    published = article.published.isoformat() if article.published else _("unknown")
    out.line([(f"== {article.source}", False)])
    label = _("title: ")
    out.line([(label, False), (article.title, False)] if article.title else
             [(label, False), (_("no title"), True), (_(_TITLE_HINT), False)])  # fmt: skip
    out.line([(f"date: {published}", False)])
    out.line([(f"author: {article.author or '-'}", False)])
    for item in page.segments:
        written = {r.token for r in item.risks if not r.in_spoken}
        spoken = {r.token for r in item.risks if r.in_spoken}
        seg = item.segment
        out.line(
            [(f"segment {item.number} [{seg.kind}]: ", False), *split_marked(seg.display, written)]
        )
        out.line([("   -> ", False), *split_marked(seg.spoken, spoken)])
        for risk in _unique(item.risks):
            out.line([("   ! ", False), (risk.token, True), (f": {risk.reason}", False)])
    for d in page.dropped:
        out.line([(f"dropped line {d.line_no} ({d.rule}), check it is not body: ", False),
                  (d.text, True)])  # fmt: skip
    if page.clean:
        out.line([("nothing risky", False)])
    click.echo()


def _unique(risks: tuple[Risk, ...]) -> list[Risk]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for risk in risks:
        if (risk.token, risk.reason) not in seen:
            seen.add((risk.token, risk.reason))
            kept.append(risk)
    return kept
