"""[storage]: where a published station lives (the local folder, or an S3-compatible bucket)
and where the clip cache is shared."""

from __future__ import annotations

import re
from dataclasses import field
from typing import Annotated, Literal

from pydantic import AfterValidator, model_validator
from pydantic.dataclasses import dataclass

from phatthanh.i18n import _
from phatthanh.settings._base import SECTION, help_line
from phatthanh.settings._base import _url as _http_url

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def _prefix(value: str) -> str:
    if value and (value.startswith("/") or not value.endswith("/") or "//" in value):
        raise ValueError(
            _("{value!r} is not a key prefix; write e.g. 'tanlap/' or ''").format(value=value)
        )
    return value


def _optional_url(value: str) -> str:
    return _http_url(value) if value else value


def _env_name(value: str) -> str:
    if value and not _ENV_NAME.fullmatch(value):
        raise ValueError(
            _(
                "{value!r} is not an environment variable name; write e.g. 'AWS_ACCESS_KEY_ID'"
            ).format(value=value)
        )
    return value


def _bucket(value: str) -> str:
    if value and not _BUCKET.fullmatch(value):
        raise ValueError(
            _(
                "{value!r} is not a bucket name (3-63 lowercase letters, digits, '.', "
                "'-'); write e.g. 'radio'"
            ).format(value=value)
        )
    return value


Prefix = Annotated[str, AfterValidator(_prefix)]
EnvName = Annotated[str, AfterValidator(_env_name)]


@dataclass(frozen=True, config=SECTION)
class StorageSettings:
    """Where the station is published: this folder, or an S3-compatible bucket."""

    backend: Literal["local", "s3"] = field(
        default="local",
        metadata=help_line(
            '"local": episodes/, feeds/ and site/ in this folder; "s3": also uploaded to the '
            "bucket after every build (media first, the feed last)"
        ),
    )
    bucket: Annotated[str, AfterValidator(_bucket)] = field(
        default="", metadata=help_line('the S3 bucket (backend or clip_cache "s3")')
    )
    prefix: Prefix = field(
        default="",
        metadata=help_line("key prefix of this station in the bucket, e.g. 'tanlap/'"),
    )
    endpoint_url: Annotated[str, AfterValidator(_optional_url)] = field(
        default="",
        metadata=help_line(
            "S3-compatible endpoint, e.g. 'https://s3.tinh.gov.vn' (empty: AWS itself)"
        ),
    )
    region: str = field(default="us-east-1", metadata=help_line("the store's region"))
    access_key_env: EnvName = field(
        default="AWS_ACCESS_KEY_ID",
        metadata=help_line(
            "name of the environment variable holding the access key (never the key itself; "
            "empty: boto3's usual credential chain)"
        ),
    )
    secret_key_env: EnvName = field(
        default="AWS_SECRET_ACCESS_KEY",
        metadata=help_line("name of the environment variable holding the secret key"),
    )
    public_base_url: Annotated[str, AfterValidator(_optional_url)] = field(
        default="",
        metadata=help_line(
            "public URL serving the bucket prefix (bucket website or CDN); with backend "
            '"s3" the feeds and pages list media under it (empty: [station] base_url)'
        ),
    )
    clip_cache: Literal["local", "s3"] = field(
        default="local",
        metadata=help_line(
            '"s3": the clip cache is shared in the bucket under clip_prefix (every station '
            "and machine), with [voices] cache_dir as the local read-through copy"
        ),
    )
    clip_prefix: Prefix = field(
        default="clips/",
        metadata=help_line("key prefix of the shared clip cache (not under prefix: shared)"),
    )

    @model_validator(mode="after")
    def _needs_bucket(self) -> StorageSettings:
        if (self.backend == "s3" or self.clip_cache == "s3") and not self.bucket:
            uses = "backend" if self.backend == "s3" else "clip_cache"
            raise ValueError(
                _('{uses} = "s3" needs bucket, e.g. bucket = "radio"').format(uses=uses)
            )
        return self
