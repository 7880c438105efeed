"""`phatthanh normalize`: the spoken form of text, one line out per line in."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from phatthanh.config import load_config


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    group.add_command(normalize)


@click.command()
@click.argument("text", nargs=-1)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="Config file (its [speech] settings and lexicon). [default: ./phatthanh.toml if present]",
)
@click.option("--residue", is_flag=True, help="Also list, on stderr, what a voice would misread.")
def normalize(text: tuple[str, ...], config_path: Path | None, residue: bool) -> None:
    """Print the spoken form of each TEXT argument, or of each line of standard input."""
    from phatthanh.clean import Normalizer

    normalizer = Normalizer(load_config(config_path).speech)
    lines = list(text) if text else (line.rstrip("\n") for line in sys.stdin)
    for number, line in enumerate(lines, start=1):
        spoken = normalizer.normalize(line)
        click.echo(spoken.text)
        if residue:
            for r in spoken.residue:
                click.echo(f"line {number}, char {r.position}: {r.text!r} ({r.reason})", err=True)
