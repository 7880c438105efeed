"""What every settings section shares: frozen pydantic dataclasses that refuse unknown keys
and coerce nothing (a TOML string is never silently read as a number), help lines, and the
small formats several sections check (a clock time, a URL)."""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, ConfigDict

from phatthanh.i18n import _

__all__ = ["SECTION", "Clock", "HttpUrl", "help_line", "parse_clock"]

# Each section is `@dataclass(frozen=True, config=SECTION)` (pydantic's dataclass). Strict:
# 5 is not "5" and true is not 1 (an int given for a float is still accepted).
SECTION = ConfigDict(extra="forbid", strict=True)


def help_line(text: str) -> dict[str, str]:
    """Field metadata: the comment `phatthanh init` writes above the setting."""
    return {"help": text}


_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


def parse_clock(value: str) -> time:
    """'06:00' -> 06:00; anything but a 24-hour HH:MM raises ValueError with an example."""
    match = _CLOCK.fullmatch(value)
    if match is None:
        raise ValueError(
            _('{value!r} is not a 24-hour time HH:MM, e.g. "06:00" or "17:30"').format(value=value)
        )
    return time(int(match.group(1)), int(match.group(2)))


def _clock(value: str) -> str:
    parse_clock(value)
    return value


def _url(value: str) -> str:
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or any(c in value for c in " <>\"'")
    ):
        raise ValueError(
            _('{value!r} is not an http(s) URL, e.g. "https://radio.example.vn"').format(
                value=value
            )
        )
    return value


Clock = Annotated[str, AfterValidator(_clock)]
HttpUrl = Annotated[str, AfterValidator(_url)]
