"""`phatthanh studio`: the staff's web studio, in Vietnamese, on this machine."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import click

from phatthanh.cli.stations import station_config_path, station_options
from phatthanh.config import CONFIG_NAME, configured_language, find_config, load_config
from phatthanh.errors import ConfigError
from phatthanh.i18n import _, _l, use_language


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    group.add_command(studio)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command(
    help=_l("Open the studio: add articles, check how they are read, build, listen and publish.")
)
@click.option(
    "--host",
    default="127.0.0.1",
    help=_l("Address to listen on; any but loopback needs [studio] password in the config."),
)
@click.option("--port", type=int, default=8780, help=_l("Port to listen on."))
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help=_l("Config file; the studio works in its folder. [default: ./phatthanh.toml]"),
)
@station_options
def studio(
    host: str, port: int, config_path: Path | None, station: str | None, registry: Path
) -> None:
    import uvicorn

    from phatthanh.studio import make_app

    config_path = station_config_path(config_path, station, registry)
    path = config_path or find_config() or Path.cwd() / CONFIG_NAME
    password = load_config(path).studio.password if path.is_file() else ""
    if not is_loopback(host) and not password:
        raise ConfigError(
            _(
                "{path}: --host {host} opens the studio to the network; set [studio] "
                "password first, or leave --host at 127.0.0.1"
            ).format(path=path, host=host)
        )
    if not configured_language(path):  # the pages are Vietnamese: so are the errors they show
        use_language("vi")
    app = make_app(path, password if not is_loopback(host) else "", station)
    click.echo(_("Studio: http://{host}:{port}/  (Ctrl+C to stop)").format(host=host, port=port))
    uvicorn.run(app, host=host, port=port, log_level="warning")
