"""A station's [storage] settings turned into a Storage, and the publish every build ends
with when the station lives in a bucket."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from phatthanh.errors import ConfigError
from phatthanh.i18n import _

if TYPE_CHECKING:
    from phatthanh.config import Config
    from phatthanh.settings.storage import StorageSettings
    from phatthanh.storage.mirror import MirrorReport, Phase
    from phatthanh.storage.s3 import S3Storage


def s3_storage(settings: StorageSettings, prefix: str) -> S3Storage:
    """The bucket of `settings` under `prefix`; credentials from the variables it names.
    ConfigError when boto3 is missing or a named variable is not set."""
    import importlib.util

    if importlib.util.find_spec("boto3") is None:
        raise ConfigError(
            _("[storage] uses S3 but boto3 is not installed; pip install 'phatthanh[scale]'")
        )
    from phatthanh.storage.s3 import S3Location, S3Storage

    keys: list[str | None] = []
    for setting in ("access_key_env", "secret_key_env"):
        name = getattr(settings, setting)
        if name and not os.environ.get(name):
            raise ConfigError(
                _(
                    "[storage] {setting}: the variable {name} is not set; export it, or set "
                    '{setting} = "" to use boto3\'s credential chain'
                ).format(setting=setting, name=name)
            )
        keys.append(os.environ[name] if name else None)
    location = S3Location(
        settings.endpoint_url or None, settings.bucket, prefix, settings.region, *keys
    )
    return S3Storage(location)


def publish_station(config: Config, phase: Phase | None = None) -> MirrorReport | None:
    """Upload the station to its bucket (media first, the feed last) when its [storage]
    backend is "s3"; None for the local folder, which the build has already written."""
    if config.storage.backend != "s3":
        return None
    from phatthanh.storage.mirror import mirror_station

    storage = s3_storage(config.storage, config.storage.prefix)
    return mirror_station(config.root, config.site.base_url, storage, phase)
