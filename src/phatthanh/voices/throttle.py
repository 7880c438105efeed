"""A hook that spaces out online voice calls: nothing by default; a province worker installs
a limiter backed by a token bucket shared by every worker (phatthanh.queue.tasks).

The wait for a turn is bounded on its own (PHATTHANH_VOICE_MAX_WAIT_S, 120 s by default, or
the caller's shorter limit): the request's timeout starts only once the turn is granted, so
a throttled province does not see its requests time out while they queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable

from phatthanh.errors import ConfigError, VoiceError
from phatthanh.i18n import _

Limiter = Callable[[str], float]  # engine name -> seconds to wait before the call
MAX_WAIT_ENV = "PHATTHANH_VOICE_MAX_WAIT_S"
DEFAULT_MAX_WAIT_S = 120.0
_limiter: Limiter | None = None


class TurnWaitTooLong(VoiceError):
    """The shared rate limit would make a call wait longer than its bound: not retried."""


def install(limiter: Limiter | None) -> None:
    """Use `limiter` for every online voice call in this process (None: no limit)."""
    global _limiter
    _limiter = limiter


def max_wait_s() -> float:
    """The longest a call waits for its turn (PHATTHANH_VOICE_MAX_WAIT_S, seconds)."""
    value = os.environ.get(MAX_WAIT_ENV, "")
    try:
        wait_s = float(value) if value else DEFAULT_MAX_WAIT_S
    except ValueError:
        wait_s = -1.0
    if not wait_s > 0:
        raise ConfigError(
            _("{env}={value!r}: give the seconds a voice call may wait for its turn, e.g. 120")
            .format(env=MAX_WAIT_ENV, value=value)
        )  # fmt: skip
    return wait_s


async def wait_turn(engine: str, limit_s: float | None = None) -> None:
    """Wait until this process may make one call to `engine`, at most `limit_s` seconds
    (default: max_wait_s()); TurnWaitTooLong when the turn is further away than that or the
    limiter does not answer in that time (the turn reserved is then left unused)."""
    if _limiter is None:
        return
    limit = max_wait_s() if limit_s is None else limit_s
    loop = asyncio.get_running_loop()
    asked = loop.time()
    try:
        delay = await asyncio.wait_for(_ask(_limiter, engine), limit)
    except TimeoutError:
        raise _too_long(engine, limit) from None
    if delay > limit - (loop.time() - asked):
        raise _too_long(engine, limit, delay)
    if delay > 0:
        await asyncio.sleep(delay)


async def _ask(limiter: Limiter, engine: str) -> float:
    """The limiter's answer, asked in a daemon thread of its own: a broker that never answers
    must not keep the event loop (asyncio.run waits for its executor's threads) from ending."""
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[float] = loop.create_future()

    def settle(result: float | None, error: BaseException | None) -> None:
        if answer.done():  # the wait was given up
            return
        if error is not None:
            answer.set_exception(error)
        else:
            answer.set_result(result or 0.0)

    def ask() -> None:
        try:
            result, error = limiter(engine), None
        except Exception as exc:
            result, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=ask, name=f"voice-turn-{engine}", daemon=True).start()
    return await answer


def _too_long(engine: str, limit_s: float, delay_s: float | None = None) -> TurnWaitTooLong:
    if delay_s is None:
        why = _("the shared rate limit did not answer in {limit:g} s").format(limit=limit_s)
    else:
        why = _("its turn in the shared rate limit is {delay:.0f} s away, over {limit:g} s")
        why = why.format(delay=delay_s, limit=limit_s)
    return TurnWaitTooLong(
        _(
            "{engine}: {why}; the province's workers make more online voice calls than "
            "PHATTHANH_VOICE_RATE allows: raise it, run fewer workers, or set {env} higher"
        ).format(engine=engine, why=why, env=MAX_WAIT_ENV)
    )
