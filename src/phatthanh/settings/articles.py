"""[articles]: how input pages are read."""

from __future__ import annotations

from dataclasses import field
from typing import Annotated

from pydantic import Field
from pydantic.dataclasses import dataclass

from phatthanh.settings._base import SECTION, help_line


@dataclass(frozen=True, config=SECTION)
class ArticleSettings:
    """How input pages are read."""

    max_bytes: Annotated[int, Field(ge=1_000, le=200_000_000)] = field(
        default=5_000_000, metadata=help_line("largest input page or download, in bytes")
    )
    fetch_timeout_s: Annotated[float, Field(gt=0, le=600)] = field(
        default=20.0, metadata=help_line("timeout for fetching one URL, in seconds")
    )
    fetch_retries: Annotated[int, Field(ge=0, le=10)] = field(
        default=2, metadata=help_line("retries for a failed fetch")
    )
    allow_private_hosts: bool = field(
        default=False,
        metadata=help_line(
            "fetch from loopback, link-local and private addresses (a portal on the station's "
            "own network)"
        ),
    )
    user_agent: Annotated[str, Field(min_length=1)] = field(
        default="phatthanh/0.1 (+district radio)", metadata=help_line("User-Agent for fetches")
    )
