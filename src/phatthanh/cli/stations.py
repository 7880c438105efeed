"""`--station NAME` for every command that acts on a station: its config comes from the
province's registry (phatthanh.queue.registry) instead of --config or ./phatthanh.toml."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from phatthanh.config import Config, load_config
from phatthanh.errors import ConfigError, PublishError
from phatthanh.i18n import _, _l
from phatthanh.queue import BROKER_ENV, lock_ttl_s

if TYPE_CHECKING:
    from phatthanh.publish.commit import Fence

F = TypeVar("F", bound=Callable[..., Any])
REGISTRY_ENV = "PHATTHANH_REGISTRY"


def station_options(command: F) -> F:
    """Add --station and --registry to a command (its function takes `station`, `registry`)."""
    command = click.option(
        "--registry",
        type=click.Path(path_type=Path),
        default="stations.toml",
        envvar=REGISTRY_ENV,
        help=_l("The province's station registry, with --station."),
    )(command)
    return click.option(
        "--station", help=_l("Registry name of the station to act on (instead of --config).")
    )(command)


def feed_options(command: F) -> F:
    """Add --since and --latest to a command reading articles (its function takes `since`,
    `latest`): which entries of a portal feed are read."""
    command = click.option(
        "--latest", type=int, help=_l("Portal feeds: only the newest N articles.")
    )(command)
    return click.option(
        "--since", help=_l("Portal feeds: only articles published on or after YYYY-MM-DD.")
    )(command)


def station_config(config_path: Path | None, station: str | None, registry: Path) -> Config:
    """The config of `station` from the registry, else of --config (or ./phatthanh.toml)."""
    if station is None:
        return load_config(config_path)
    if config_path is not None:
        raise ConfigError(
            _("give --station {station} or --config {config_path}, not both").format(
                station=station, config_path=config_path
            )
        )
    from phatthanh.queue.registry import load_registry

    return load_registry(registry).config(station)


def station_config_path(
    config_path: Path | None, station: str | None, registry: Path
) -> Path | None:
    """The config file of `station` from the registry, else --config (for the studio, which
    reads its file itself)."""
    if station is None:
        return config_path
    if config_path is not None:
        raise ConfigError(
            _("give --station {station} or --config {config_path}, not both").format(
                station=station, config_path=config_path
            )
        )
    from phatthanh.queue.registry import load_registry

    reg = load_registry(registry)
    reg.config(station)  # a known station whose config loads
    return reg.stations[station]


def publish_to_bucket(config: Config) -> None:
    """After the local folder is written: upload it to the station's bucket when its
    [storage] backend is "s3" (media first, the feed last), and say so in one line."""
    from phatthanh.storage.station import publish_station

    report = publish_station(config)
    if report is not None:
        where = f"s3://{config.storage.bucket}/{config.storage.prefix}"
        click.echo(
            _("Bucket:  {where} ({uploaded} objects uploaded, {unchanged} unchanged)").format(
                where=where, uploaded=len(report.uploaded), unchanged=len(report.unchanged)
            )
        )


@contextmanager
def station_lock(station: str | None) -> Iterator[Fence | None]:
    """With --station and a broker (PHATTHANH_BROKER), hold the station's lock in the broker,
    the one the queue's workers take, for the whole build and publish; yields the fence the
    commit checks (the lock still ours). Refused in one line while a worker (or another
    command) holds it. Every command writing the station's feeds, manifest or section page
    takes it: build-episode, feed, publish, bulletin and the studio's build actions.
    Without a station or a broker, nothing is locked here (one machine: the feeds lock,
    publish/commit.py, orders the writers, as before)."""
    url = os.environ.get(BROKER_ENV)
    if station is None or not url:
        yield None
        return
    try:
        from redis.exceptions import LockError, RedisError

        from phatthanh.queue.state import Board
    except ImportError:
        raise ConfigError(
            _(
                "{env} is set but the scale extra is missing: pip install 'phatthanh[scale]', "
                "or unset {env}"
            ).format(env=BROKER_ENV)
        ) from None
    ttl = lock_ttl_s()
    with ExitStack() as stack:
        try:
            lock = stack.enter_context(Board.at(url).hold(f"station:{station}", ttl))
        except RedisError as exc:
            raise ConfigError(
                _(
                    "{env} {url}: cannot reach the broker ({exc}); start it, or unset {env} to "
                    "build without the station lock"
                ).format(env=BROKER_ENV, url=url, exc=exc)
            ) from None
        if lock is None:
            raise ConfigError(
                _(
                    "station {station}: a queue worker or another command is building or "
                    "publishing it now (its lock in {env}); run this again when that is done"
                ).format(station=station, env=BROKER_ENV)
            )

        def fence() -> None:
            try:
                lock.reacquire()  # atomic: only while the lock still carries our token
            except LockError:
                raise PublishError(
                    _(
                        "station {station}: its lock in the broker expired and was taken "
                        "during this build; nothing was published, run it again"
                    ).format(station=station)
                ) from None

        yield fence
