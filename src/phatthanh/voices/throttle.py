"""A hook that spaces out online voice calls: nothing by default; a province worker installs
a limiter backed by a token bucket shared by every worker (phatthanh.queue.worker)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

Limiter = Callable[[str], float]  # engine name -> seconds to wait before the call
_limiter: Limiter | None = None


def install(limiter: Limiter | None) -> None:
    """Use `limiter` for every online voice call in this process (None: no limit)."""
    global _limiter
    _limiter = limiter


async def wait_turn(engine: str) -> None:
    """Wait until this process may make one call to `engine`."""
    if _limiter is not None:
        delay = await asyncio.to_thread(_limiter, engine)
        if delay > 0:
            await asyncio.sleep(delay)
