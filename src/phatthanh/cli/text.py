"""CLI commands of the text area (filled in by the issue that owns it)."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
