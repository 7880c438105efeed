"""Settings of the articles stage ([articles] in phatthanh.toml)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ArticleSettings:
    """How input pages are read."""

    max_bytes: int = field(
        default=5_000_000, metadata={"help": "largest input page or download, in bytes"}
    )
    fetch_timeout_s: float = field(
        default=20.0, metadata={"help": "timeout for fetching one URL, in seconds"}
    )
    fetch_retries: int = field(default=2, metadata={"help": "retries for a failed fetch"})
    allow_private_hosts: bool = field(
        default=False,
        metadata={"help": "fetch from loopback, link-local and private addresses (a portal "
                  "on the station's own network)"},
    )  # fmt: skip
    user_agent: str = field(
        default="phatthanh/0.1 (+district radio)", metadata={"help": "User-Agent for fetches"}
    )
