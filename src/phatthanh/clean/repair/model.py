"""What a typing repair changed, for the log and `phatthanh script --explain`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Repair:
    """One change: the text as written, as repaired, and the rule that decided it."""

    before: str
    after: str
    rule: str

    def __str__(self) -> str:
        return f"{self.before!r} -> {self.after!r} ({self.rule})"
