"""Province scale: `publish-remote` (a station to S3-compatible storage); the job-queue
commands live in phatthanh.cli.queue. Both need the `scale` extra."""

from __future__ import annotations

from pathlib import Path

import click

from phatthanh.cli.stations import station_config, station_options
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
    help=_l(
        "Config file; its episodes/, feeds/ and site/ are published. [default: ./phatthanh.toml]"
    ),
)
@click.option(
    "--bucket", envvar="PHATTHANH_S3_BUCKET", help=_l("The S3 bucket. [default: [storage] bucket]")
)
@click.option(
    "--endpoint",
    envvar="PHATTHANH_S3_ENDPOINT",
    help=_l("S3-compatible endpoint URL, e.g. http://127.0.0.1:8333. [default: AWS]"),
)
@click.option(
    "--prefix", default="", envvar="PHATTHANH_S3_PREFIX", help=_l("Key prefix, e.g. songxanh/.")
)
@click.option("--region", default="us-east-1", envvar="AWS_REGION", help=_l("The store's region."))
@station_options
def publish_remote(
    config_path: Path | None,
    bucket: str | None,
    endpoint: str | None,
    prefix: str,
    region: str,
    station: str | None,
    registry: Path,
) -> None:
    """Publish episodes/, feeds/ and site/ to S3-compatible storage: media first, each
    verified, then the manifest, the section index and the feed. Without --bucket, the
    config's [storage] (bucket, endpoint, prefix, credential variables) says where; a
    station whose [storage] backend is "s3" ignores the PHATTHANH_S3_* variables."""
    need_scale("boto3")
    from phatthanh.storage.mirror import mirror_station
    from phatthanh.storage.s3 import S3Location, S3Storage
    from phatthanh.storage.station import s3_storage

    config = station_config(config_path, station, registry)
    source = click.get_current_context().get_parameter_source("bucket")
    if config.storage.backend == "s3" and source != click.core.ParameterSource.COMMANDLINE:
        bucket = None  # the station's own [storage] before the PHATTHANH_S3_* variables
    if bucket:
        prefix = prefix or (f"{station}/" if station else "")
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        storage = S3Storage(S3Location(endpoint, bucket, prefix, region))
    elif config.storage.bucket:
        storage = s3_storage(config.storage, config.storage.prefix)
    else:
        raise ConfigError(
            _("publish-remote: no bucket; give --bucket or set [storage] bucket in the config")
        )
    report = mirror_station(config.root, config.site.base_url, storage)
    click.echo(
        _("Published to {describe}: {uploaded} objects uploaded, {unchanged} unchanged").format(
            describe=storage.describe(),
            uploaded=len(report.uploaded),
            unchanged=len(report.unchanged),
        )
    )
