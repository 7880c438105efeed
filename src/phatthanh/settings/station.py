"""[station]: who publishes, and `Site`: the station's identity, folders and URLs resolved
once when the config is loaded."""

from __future__ import annotations

import re
import uuid
from dataclasses import field
from datetime import datetime, timedelta, timezone
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic.dataclasses import dataclass

from phatthanh.i18n import LANGUAGES, _
from phatthanh.settings._base import SECTION, HttpUrl, help_line

# The example identity `phatthanh init` writes when it is given none: a build with any of it
# says so on every run (`Site.examples`).
EXAMPLE_PLACE = "Sông Xanh"
EXAMPLE_NAME = f"Đài Truyền thanh huyện {EXAMPLE_PLACE}"
EXAMPLE_BASE_URL = "http://127.0.0.1:8765"
EXAMPLE_DOMAIN = "example.gov.vn"

_OFFSET = re.compile(r"([+-])(\d\d):([0-5]\d)")


def parse_offset(value: str) -> timezone:
    """'+07:00' -> a fixed-offset timezone; anything else raises ValueError with an example.

    A zone name (Asia/Ho_Chi_Minh) is refused rather than looked up: Vietnam has kept one
    offset without daylight saving since 1975, and an offset needs no tz database."""
    match = _OFFSET.fullmatch(value)
    if match is None or int(match.group(2)) > 14:
        hint = ""
        if "/" in value:
            hint = _(" ({value} is a zone name; write its offset)").format(value=value)
        raise ValueError(
            _('{value!r} is not a UTC offset{hint}; write e.g. "+07:00"').format(
                value=value, hint=hint
            )
        )
    sign = -1 if match.group(1) == "-" else 1
    return timezone(sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3))))


def _offset(value: str) -> str:
    parse_offset(value)
    return value


def _email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise ValueError(
            _("{value!r} is not an e-mail address; write e.g. 'dai@huyen.gov.vn'").format(
                value=value
            )
        )
    return value


def _geo(value: str) -> str:
    if value and not re.fullmatch(r"geo:-?\d{1,2}(\.\d+)?,-?\d{1,3}(\.\d+)?", value):
        raise ValueError(
            _("{value!r} is not a geo URI; write e.g. 'geo:16.6,106.9' or ''").format(value=value)
        )
    return value


def _guid(value: str) -> str:
    if value:
        try:
            uuid.UUID(value)
        except ValueError:
            raise ValueError(
                _("{value!r} is not a UUID; leave it empty to keep the one in feeds/").format(
                    value=value
                )
            ) from None
    return value


def _language(value: str) -> str:
    if value not in ("", *LANGUAGES):
        raise ValueError(
            _(
                '{value!r} is not a language of the messages; write "vi" (Vietnamese), '
                '"en" (English) or "" (follow the locale)'
            ).format(value=value)
        )
    return value


Text = Annotated[str, Field(min_length=1)]


@dataclass(frozen=True, config=SECTION)
class StationSettings:
    """Who publishes: the station, its program and where it is."""

    name: Text = field(
        default=EXAMPLE_NAME,
        metadata=help_line("station name, read in the opening and used as the feed author"),
    )
    program: Text = field(
        default="Chương trình phát thanh",
        metadata=help_line("program name (ID3 album, feed title)"),
    )
    district: str = field(
        default=f"huyện {EXAMPLE_PLACE}",
        metadata=help_line("district or commune the station serves (podcast:location)"),
    )
    base_url: HttpUrl = field(
        default=EXAMPLE_BASE_URL,
        metadata=help_line(
            "public URL where episodes/ and feeds/ are served (feed and enclosure URLs)"
        ),
    )
    website: HttpUrl = field(
        default=f"https://songxanh.{EXAMPLE_DOMAIN}",
        metadata=help_line("the station's website (feed <link>)"),
    )
    email: Annotated[str, AfterValidator(_email)] = field(
        default=f"dai-truyen-thanh@songxanh.{EXAMPLE_DOMAIN}",
        metadata=help_line("owner e-mail (itunes:owner, podcast:locked)"),
    )
    description: str = field(
        default="Bản tin thời sự, chính sách và đời sống của địa phương, phát hằng ngày.",
        metadata=help_line("show description in the feed (Vietnamese)"),
    )
    copyright: str = field(
        default=f"Bản quyền thuộc {EXAMPLE_NAME}",
        metadata=help_line("copyright notice in the feed"),
    )
    air_time: str = field(
        default="sáu giờ sáng và mười bảy giờ",
        metadata=help_line("when the program airs, as the announcer says it"),
    )
    frequency: str = field(
        default="", metadata=help_line("FM frequency to announce, e.g. '98,5 MHz' (empty: none)")
    )
    cover: str = field(
        default="", metadata=help_line("cover image (JPEG/PNG, square); empty: one is drawn")
    )
    location_geo: Annotated[str, AfterValidator(_geo)] = field(
        default="", metadata=help_line("podcast:location geo URI, e.g. 'geo:16.6,106.9'")
    )
    timezone: Annotated[str, AfterValidator(_offset)] = field(
        default="+07:00",
        metadata=help_line("UTC offset of the station's clock, e.g. '+07:00' (not a zone name)"),
    )
    ui_language: Annotated[str, AfterValidator(_language)] = field(
        default="",
        metadata=help_line(
            'language of the messages, help and progress of the command line: "vi" '
            '(Vietnamese), "en" (English); empty: the locale\'s (Vietnamese under vi_VN)'
        ),
    )
    podcast_guid: Annotated[str, AfterValidator(_guid)] = field(
        default="",
        metadata=help_line(
            "podcast:guid of the feed (empty: fixed at the first build with a real base_url "
            "and kept in feeds/.podcast-guid, so moving the feed keeps it)"
        ),
    )

    def examples(self) -> tuple[str, ...]:
        """The keys that still hold the example station's values."""
        found = []
        for key in ("name", "district", "copyright"):
            if EXAMPLE_PLACE in getattr(self, key):
                found.append(key)
        if self.base_url.rstrip("/") == EXAMPLE_BASE_URL:
            found.append("base_url")
        for key in ("website", "email"):
            if EXAMPLE_DOMAIN in getattr(self, key):
                found.append(key)
        return tuple(found)


def derived_guid(feed_url: str) -> str:
    """Podcasting 2.0 podcast:guid: UUIDv5 of the feed URL without scheme and trailing
    slashes, in the namespace the specification fixes."""
    namespace = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(namespace, bare))


def now_at(tz: timezone) -> datetime:
    """The station's clock now, to the second."""
    return datetime.now(tz).replace(microsecond=0)


def station_identity(
    name: str | None,
    base_url: str | None,
    email: str | None,
    district: str | None = None,
    stored_guid: str | None = None,
) -> dict[str, str]:
    """The [station] keys `phatthanh init` writes for a real station: what it was given, the
    website and copyright that follow from it, and the feed's podcast:guid (the one a feed
    already published here has, else derived from the real address)."""
    identity: dict[str, str] = {}
    if name:
        identity["name"] = name
        identity["copyright"] = f"Bản quyền thuộc {name}"
        identity["district"] = ""  # not the example's place: no podcast:location at all
    if district:
        identity["district"] = district
    if base_url:
        base = base_url.rstrip("/")
        identity["base_url"] = base
        identity["website"] = base
        if stored_guid or base != EXAMPLE_BASE_URL:
            identity["podcast_guid"] = stored_guid or derived_guid(f"{base}/feeds/podcast.xml")
    if email:
        identity["email"] = email
    return identity
