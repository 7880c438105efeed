"""The S3-compatible backend (boto3): any store speaking the S3 API (AWS, MinIO, SeaweedFS,
Ceph RGW, Garage). Every put sends Content-MD5, so the store refuses a damaged body, and is
then verified by a HEAD: length, the store's ETag (the MD5 of what it holds) and our sha256
kept as object metadata. S3 replaces a key atomically: a reader gets the old object or the
new one."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from phatthanh.errors import PublishError
from phatthanh.i18n import _
from phatthanh.storage import ObjectInfo, content_type, digests


@dataclass(frozen=True)
class S3Location:
    """Which store and bucket; credentials come from the usual AWS variables or files."""

    endpoint: str | None  # None: AWS itself
    bucket: str
    prefix: str = ""  # keys are written under it, e.g. "songxanh/"
    region: str = "us-east-1"
    # From the variables [storage] names; None: boto3's usual chain (variables, files, roles).
    access_key: str | None = field(default=None, repr=False)
    secret_key: str | None = field(default=None, repr=False)


class S3Storage:
    def __init__(self, location: S3Location, client: Any = None) -> None:
        import boto3
        from botocore.config import Config as BotoConfig

        self.location = location
        self.client = client or boto3.client(
            "s3",
            endpoint_url=location.endpoint,
            region_name=location.region,
            aws_access_key_id=location.access_key,
            aws_secret_access_key=location.secret_key,
            config=BotoConfig(
                s3={"addressing_style": "path"},
                retries={"max_attempts": 5, "mode": "standard"},
                # Content-MD5 is ours to send; no extra CRC trailers some stores refuse.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )

    def describe(self) -> str:
        return f"s3://{self.location.bucket}/{self.location.prefix}"

    def _key(self, key: str) -> str:
        return f"{self.location.prefix}{key}"

    def _fail(self, key: str, exc: Exception) -> PublishError:
        return PublishError(
            _(
                "{describe}{key}: the store refused ({exc}); check the endpoint, bucket "
                "and credentials"
            ).format(describe=self.describe(), key=key, exc=exc)
        )

    def head(self, key: str) -> ObjectInfo | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            r = self.client.head_object(Bucket=self.location.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise self._fail(key, exc) from None
        except BotoCoreError as exc:
            raise self._fail(key, exc) from None
        return ObjectInfo(
            key=key,
            size=int(r["ContentLength"]),
            sha256=str(r.get("Metadata", {}).get("sha256", "")),
            content_type=str(r.get("ContentType", "")),
            cache_control=str(r.get("CacheControl", "")),
        )

    def _etag(self, key: str) -> str:
        r = self.client.head_object(Bucket=self.location.bucket, Key=self._key(key))
        return str(r.get("ETag", "")).strip('"')

    def put(self, key: str, source: Path, cache_control: str) -> ObjectInfo:
        from botocore.exceptions import BotoCoreError, ClientError

        size, sha, md5 = digests(source)
        try:
            with source.open("rb") as body:
                self.client.put_object(
                    Bucket=self.location.bucket,
                    Key=self._key(key),
                    Body=body,
                    ContentLength=size,
                    ContentMD5=base64.b64encode(bytes.fromhex(md5)).decode("ascii"),
                    ContentType=content_type(key),
                    CacheControl=cache_control,
                    Metadata={"sha256": sha},
                )
            info, etag = self.head(key), self._etag(key)
        except (ClientError, BotoCoreError) as exc:
            raise self._fail(key, exc) from None
        except OSError as exc:
            raise PublishError(
                _("{source}: cannot read ({strerror})").format(source=source, strerror=exc.strerror)
            ) from None
        if info is None or (info.size, info.sha256, etag) != (size, sha, md5):
            raise PublishError(
                _(
                    "{describe}{key}: the stored object does not match {source} (size or "
                    "checksum); publish again"
                ).format(describe=self.describe(), key=key, source=source)
            )
        return info

    def get(self, key: str, first: int | None = None, last: int | None = None) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError

        extra = {}
        if first is not None or last is not None:
            extra["Range"] = f"bytes={first or 0}-{'' if last is None else last}"
        try:
            r = self.client.get_object(Bucket=self.location.bucket, Key=self._key(key), **extra)
            return bytes(r["Body"].read())
        except (ClientError, BotoCoreError) as exc:
            raise self._fail(key, exc) from None
