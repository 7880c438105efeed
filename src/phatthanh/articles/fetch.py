"""Fetching pages and feeds over http(s): timeouts, retries, redirects (with a limit), a
streamed size limit, and one-line errors that say what went wrong.

Remote input never reaches the station's own network unless the config allows it: every
request (each redirect too) to a host that resolves to a loopback, link-local, private or
otherwise non-global address is refused ([articles] allow_private_hosts).
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from urllib.parse import urlsplit

from phatthanh.articles.settings import ArticleSettings
from phatthanh.errors import FetchError
from phatthanh.i18n import _

log = logging.getLogger(__name__)
MAX_REDIRECTS = 5


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def check_host(url: str, settings: ArticleSettings) -> None:
    """FetchError unless `url` is http(s) and (unless allowed) its host is a global address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(
            _("{url}: not an http(s) address; only web pages can be fetched").format(url=url)
        )
    if settings.allow_private_hosts:
        return
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return  # unresolvable: the fetch itself reports that it cannot connect
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            raise FetchError(
                _(
                    "{url}: {hostname} is a local or private address ({address}); set "
                    "[articles] allow_private_hosts = true to read a portal on your own "
                    "network"
                ).format(url=url, hostname=parts.hostname, address=address)
            )


def fetch(url: str, settings: ArticleSettings, *, accept_html_only: bool = True) -> bytes:
    """The body of `url`, or FetchError. Retries connection errors, timeouts and 5xx."""
    attempts = settings.fetch_retries + 1
    for attempt in range(1, attempts + 1):
        try:
            return _fetch_once(url, settings, accept_html_only)
        except _Retryable as exc:
            if attempt == attempts:
                raise FetchError(
                    _("{url}: {exc} (after {attempts} attempts)").format(
                        url=url, exc=exc, attempts=attempts
                    )
                ) from None
            log.info("%s: %s; retrying", url, exc)
            time.sleep(min(4.0, 0.25 * 2 ** (attempt - 1)))
    raise AssertionError("unreachable")  # pragma: no cover


class _Retryable(Exception):
    pass


def _fetch_once(url: str, settings: ArticleSettings, accept_html_only: bool) -> bytes:
    import httpx  # here: a build from files never fetches, and httpx costs 8 MB of memory

    timeout = httpx.Timeout(settings.fetch_timeout_s)
    headers = {"User-Agent": settings.user_agent}

    def check(request: httpx.Request) -> None:  # the first request and every redirect
        check_host(str(request.url), settings)

    try:
        with (
            httpx.Client(
                timeout=timeout,
                follow_redirects=True,
                max_redirects=MAX_REDIRECTS,
                headers=headers,
                event_hooks={"request": [check]},
            ) as client,  # fmt: skip
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 500:
                raise _Retryable(
                    _("the server answered {status_code}").format(status_code=response.status_code)
                )
            if response.status_code >= 400:
                raise FetchError(
                    _(
                        "{url}: the server answered {status_code} {reason_phrase}; check the "
                        "address"
                    ).format(
                        url=url,
                        status_code=response.status_code,
                        reason_phrase=response.reason_phrase,
                    )
                )
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if accept_html_only and kind and not _is_text(kind):
                raise FetchError(
                    _(
                        "{url}: is {kind}, not a web page; give the address of the article page"
                    ).format(url=url, kind=kind)
                )
            declared = int(response.headers.get("content-length") or 0)
            if declared > settings.max_bytes:
                raise FetchError(_too_large(url, settings))
            chunks: list[bytes] = []
            total = 0
            started = time.monotonic()
            for chunk in response.iter_bytes():
                total += len(chunk)
                if total > settings.max_bytes:
                    raise FetchError(_too_large(url, settings))
                if time.monotonic() - started > settings.fetch_timeout_s * 3:
                    raise _Retryable(_("the download is too slow"))
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.TooManyRedirects:
        raise FetchError(
            _("{url}: too many redirects (a redirect loop?); check the address").format(url=url)
        ) from None
    except httpx.TimeoutException:
        raise _Retryable(
            _("no answer within {seconds:g} s").format(seconds=settings.fetch_timeout_s)
        ) from None
    except httpx.TransportError as exc:
        raise _Retryable(_("cannot connect ({error})").format(error=type(exc).__name__)) from None


def _is_text(kind: str) -> bool:
    return kind.startswith("text/") or kind in (
        "application/xhtml+xml",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
    )


def _too_large(url: str, settings: ArticleSettings) -> str:
    return (
        f"{url}: the response is larger than {settings.max_bytes} bytes "
        "([articles] max_bytes); is this really an article page?"
    )
