"""Downloads over a link that drops: resume with HTTP Range (RFC 9110 §14), bounded retries
with exponential backoff, and a file kept only when its length and sha256 match the manifest
(written to a temporary name, fsynced, then renamed into media/)."""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from phatthanh.atomic import fsync_dir, sha256_of
from phatthanh.i18n import _
from phatthanh.station.manifest import Entry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Policy:
    """How hard to try: attempts per file, backoff between them, per-read timeout."""

    attempts: int = 6
    backoff_s: float = 1.0  # first wait; doubles each time, with jitter
    backoff_max_s: float = 60.0
    timeout_s: float = 30.0  # connect and per-read (a slow link is fine, a dead one is not)


class DownloadError(Exception):
    """A file could not be fetched whole after every attempt."""


def make_client(policy: Policy) -> httpx.Client:
    return httpx.Client(
        timeout=httpx.Timeout(policy.timeout_s),
        follow_redirects=True,
        headers={"User-Agent": "phatthanh-station", "Accept-Encoding": "identity"},
    )


def download(
    client: httpx.Client,
    entry: Entry,
    media: Path,
    partial: Path,
    policy: Policy,
    sleep: Callable[[float], None] = time.sleep,
) -> Path:
    """Fetch `entry` into media/ (resuming any partial file); DownloadError after
    `policy.attempts` tries. The file appears in media/ only when whole and verified."""
    media.mkdir(parents=True, exist_ok=True)
    partial.mkdir(parents=True, exist_ok=True)
    part = partial / f"{entry.file}.part"
    reason = _("not tried")
    for attempt in range(1, policy.attempts + 1):
        try:
            _fetch_into(client, entry, part)
            if part.stat().st_size != entry.bytes:
                reason = _("got {size} bytes, the manifest says {expected}").format(
                    size=part.stat().st_size, expected=entry.bytes
                )
                part.unlink()
            elif sha256_of(part) != entry.sha256:
                reason = _("sha256 does not match the manifest (corrupted in transit)")
                part.unlink()
            else:
                final = media / entry.file
                os.replace(part, final)
                fsync_dir(media)
                return final
        except httpx.HTTPStatusError as exc:
            reason = f"HTTP {exc.response.status_code}"
            if exc.response.status_code in (404, 410):
                break  # not there: retrying will not make it appear
        except (httpx.TransportError, OSError) as exc:
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if attempt < policy.attempts:
            wait = min(policy.backoff_max_s, policy.backoff_s * 2 ** (attempt - 1))
            wait *= 0.5 + random.random()
            log.info("%s: %s; retry %d in %.1f s", entry.file, reason, attempt, wait)
            sleep(wait)
    raise DownloadError(
        _("{url}: {reason} (after {attempt} attempts)").format(
            url=entry.url, reason=reason, attempt=attempt
        )
    )


def _fetch_into(client: httpx.Client, entry: Entry, part: Path) -> None:
    """Append the missing bytes of `entry` to `part` (a Range request when some are there)."""
    have = part.stat().st_size if part.exists() else 0
    if have > entry.bytes:
        part.unlink()
        have = 0
    if have == entry.bytes:
        return
    headers = {"Range": f"bytes={have}-"} if have else {}
    with client.stream("GET", entry.url, headers=headers) as response:
        if response.status_code == 416:
            part.unlink()  # the server's file is shorter than ours: start again
            raise httpx.HTTPStatusError("416", request=response.request, response=response)
        response.raise_for_status()
        if have and response.status_code == 206:
            start = _range_start(response.headers.get("content-range", ""))
            if start != have:
                raise httpx.RemoteProtocolError(f"asked for byte {have}, got {start}")
            mode = "ab"
        else:
            mode = "wb"  # 200: the whole file again
        with part.open(mode) as fh:
            try:
                for chunk in response.iter_bytes():  # as received: a cut keeps its bytes
                    fh.write(chunk)
                    if fh.tell() > entry.bytes:
                        raise httpx.RemoteProtocolError("more bytes than the manifest lists")
            finally:
                fh.flush()
                os.fsync(fh.fileno())


def _range_start(header: str) -> int:
    # "bytes 100-199/200"
    try:
        return int(header.split()[1].split("-")[0])
    except (IndexError, ValueError):
        return -1
