"""`phatthanh serve`: episodes/ and feeds/ over HTTP with byte ranges."""

from __future__ import annotations

import errno
import socket
from functools import partial
from pathlib import Path

import click

from phatthanh.cli.stations import station_config, station_lock, station_options
from phatthanh.errors import ConfigError, PhatthanhError
from phatthanh.i18n import _, _l


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    group.add_command(serve)


def check_address(host: str, port: int) -> None:
    """Raise ConfigError naming the address when `host:port` cannot be listened on."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.create_server((host, port), family=family):
            pass
    except OSError as exc:
        why = "is already in use" if exc.errno == errno.EADDRINUSE else f"failed ({exc})"
        raise ConfigError(
            _(
                "listening on {host} port {port} {why}; choose another with --port or "
                "stop what uses it"
            ).format(host=host, port=port, why=why)
        ) from None


@click.command(
    help=_l("Serve episodes/ and feeds/ (byte ranges, HEAD, ETag, 304) until interrupted.")
)
@click.option("--host", default="127.0.0.1", help=_l("Address to listen on."))
@click.option("--port", type=int, help=_l("Port to listen on. [default: [publish] port, 8765]"))
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help=_l(
        "Config file; its episodes/ and feeds/ are served. [default: ./phatthanh.toml if present]"
    ),
)
@station_options
def serve(
    host: str, port: int | None, config_path: Path | None, station: str | None, registry: Path
) -> None:
    """Serve episodes/ and feeds/ (byte ranges, HEAD, ETag, 304) until interrupted."""
    from phatthanh.publish.serve import serve as run

    config = station_config(config_path, station, registry)
    chosen = config.publish.port if port is None else port
    if not 1 <= chosen <= 65535:
        raise ConfigError(
            _("port {chosen}: use a port between 1 and 65535 (--port or [publish] port)").format(
                chosen=chosen
            )
        )
    check_address(host, chosen)
    click.echo(
        _("Serving {episodes_dir} and {feeds_dir} on http://{host}:{chosen}/").format(
            episodes_dir=config.episodes_dir, feeds_dir=config.feeds_dir, host=host, chosen=chosen
        )
    )
    click.echo(
        _("Feed: http://{host}:{chosen}/feeds/podcast.xml  (Ctrl+C to stop)").format(
            host=host, chosen=chosen
        )
    )
    try:
        run(config, host, chosen, partial(station_lock, station))  # its publish --due checks
    except SystemExit as exc:  # uvicorn exits 3 when it cannot start (3 is our article code)
        if exc.code not in (0, None):
            raise PhatthanhError(
                _(
                    "the server on {host} port {chosen} could not start; see the message above"
                ).format(host=host, chosen=chosen)
            ) from None
        raise
