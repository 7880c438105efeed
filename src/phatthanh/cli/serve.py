"""`phatthanh serve`: episodes/ and feeds/ over HTTP with byte ranges."""

from __future__ import annotations

from pathlib import Path

import click

from phatthanh.config import load_config


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    group.add_command(serve)


@click.command()
@click.option("--host", default="127.0.0.1", help="Address to listen on.")
@click.option("--port", type=int, help="Port to listen on. [default: [publish] port, 8765]")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="Config file; its episodes/ and feeds/ are served. [default: ./phatthanh.toml if present]",
)
def serve(host: str, port: int | None, config_path: Path | None) -> None:
    """Serve episodes/ and feeds/ (byte ranges, HEAD, ETag, 304) until interrupted."""
    from phatthanh.publish.serve import serve as run

    config = load_config(config_path)
    chosen = port or config.publish.port
    click.echo(f"Serving {config.episodes_dir} and {config.feeds_dir} on http://{host}:{chosen}/")
    click.echo(f"Feed: http://{host}:{chosen}/feeds/podcast.xml  (Ctrl+C to stop)")
    run(config, host, chosen)
