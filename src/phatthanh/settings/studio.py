"""[studio]: the staff's web studio (`phatthanh studio`)."""

from __future__ import annotations

from dataclasses import field

from pydantic.dataclasses import dataclass

from phatthanh.settings._base import SECTION, help_line


@dataclass(frozen=True, config=SECTION)
class StudioSettings:
    """The staff's web studio."""

    password: str = field(
        default="",
        metadata=help_line(
            "password for the studio when it listens on an address other than 127.0.0.1 "
            "(user name: studio); empty: loopback only"
        ),
    )
