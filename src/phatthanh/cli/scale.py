"""Province scale: `publish-remote` (a station to S3-compatible storage); the job-queue
commands live in phatthanh.cli.queue. Both need the `scale` extra."""

from __future__ import annotations

from pathlib import Path

import click

from phatthanh.config import load_config
from phatthanh.errors import ConfigError
from phatthanh.i18n import _, _l


def register(group: click.Group) -> None:
    """Add this module's commands to the CLI group."""
    group.add_command(publish_remote)


def need_scale(module: str) -> None:
    """ConfigError naming the extra when a scale dependency is missing."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise ConfigError(
            _(
                "{module} is not installed; install the province extra: pip install "
                "'phatthanh[scale]'"
            ).format(module=module)
        )


@click.command(
    "publish-remote",
    help=_l(
        "Publish episodes/ and feeds/ to S3-compatible storage: media first, "
        "each verified, then the manifest and feed. Credentials: "
        "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY."
    ),
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help=_l("Config file; its episodes/ and feeds/ are published. [default: ./phatthanh.toml]"),
)
@click.option("--bucket", required=True, envvar="PHATTHANH_S3_BUCKET", help=_l("The S3 bucket."))
@click.option(
    "--endpoint",
    envvar="PHATTHANH_S3_ENDPOINT",
    help=_l("S3-compatible endpoint URL, e.g. http://127.0.0.1:8333. [default: AWS]"),
)
@click.option(
    "--prefix", default="", envvar="PHATTHANH_S3_PREFIX", help=_l("Key prefix, e.g. songxanh/.")
)
@click.option("--region", default="us-east-1", envvar="AWS_REGION", help=_l("The store's region."))
@click.option("--station", help=_l("Registry name of the station (instead of --config)."))
@click.option("--registry", type=click.Path(path_type=Path), default="stations.toml",
              help=_l("The province's station registry, with --station."))  # fmt: skip
def publish_remote(
    config_path: Path | None,
    bucket: str,
    endpoint: str | None,
    prefix: str,
    region: str,
    station: str | None,
    registry: Path,
) -> None:
    need_scale("boto3")
    from phatthanh.storage.mirror import mirror_station
    from phatthanh.storage.s3 import S3Location, S3Storage

    if station:
        from phatthanh.queue.registry import load_registry

        config = load_registry(registry).config(station)
        prefix = prefix or f"{station}/"
    else:
        config = load_config(config_path)
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    storage = S3Storage(S3Location(endpoint, bucket, prefix, region))
    report = mirror_station(config.root, config.site.base_url, storage)
    click.echo(
        _("Published to {describe}: {uploaded} objects uploaded, {unchanged} unchanged").format(
            describe=storage.describe(),
            uploaded=len(report.uploaded),
            unchanged=len(report.unchanged),
        )
    )
