"""The circuit breaker of the voice chain: when the online voice is chosen and an offline
voice stands behind it, the first failure of the online voice in a build opens the breaker
and the whole program is read by the offline voice (one voice per program); the switch is
logged and recorded in episode.json (`voice_fallback`).

Without it a stalled service costs every retry of every segment (over five minutes) before
the build fails; with it, one request timeout. The online engine is therefore armed with no
retries of its own: the offline voice is the retry.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from phatthanh.errors import PhatthanhError
from phatthanh.i18n import _
from phatthanh.model import VoiceChoice
from phatthanh.voices.settings import VoiceSettings

if TYPE_CHECKING:
    from phatthanh.voices import Voice

log = logging.getLogger(__name__)
OFFLINE = ("espeak", "piper")


def arm(voice: Voice, rest: Sequence[str], settings: VoiceSettings, root: Path,
        strict: bool, timeout_s: float | None = None) -> Voice:  # fmt: skip
    """`voice` with an offline fallback behind it, when it is an online voice, the chain
    has an offline engine after it and falling back is allowed; otherwise `voice` as is.
    `timeout_s` caps the online voice's per-request timeout and its wait for a turn in the
    shared rate limit (bulletins cannot wait)."""
    from phatthanh.voices import Voice, make_engine

    kind = voice.choice.engine
    if strict or kind != "edge-tts":
        return voice
    offline = next((name for name in rest if name.partition(":")[0] in OFFLINE), None)
    if offline is None:
        return voice
    try:
        backup = make_engine(offline, settings, root)
        backup.probe()
    except PhatthanhError as exc:
        log.info("no offline voice behind the online one (%s)", exc)
        return voice
    from phatthanh.voices.edge import EdgeEngine

    edge = settings.edge
    armed = dataclasses.replace(
        edge, voice=voice.engine.voice, retries=0,
        timeout_s=min(edge.timeout_s, timeout_s or edge.timeout_s),
    )  # fmt: skip
    online = EdgeEngine(armed, turn_wait_s=timeout_s)  # nor may it queue long for a turn
    fallback = Voice(backup, VoiceChoice(backup.name, backup.voice))
    return Voice(online, voice.choice, fallback=fallback)


def trip(voice: Voice, error: PhatthanhError) -> Voice:
    """The fallback voice, its choice saying why: called on the first online failure."""
    if voice.fallback is None:  # pragma: no cover - synthesize checks first
        raise error
    why = str(error).split("; rerun")[0]  # the build goes on: no rerun needed
    why = why.removesuffix(_("; rerun to continue from the cache"))  # the message translated
    reason = _(
        "online voice failed ({why}); circuit breaker switched to {engine} for the rest of "
        "this build"
    ).format(why=why, engine=voice.fallback.engine.name)
    log.warning("%s", reason)
    choice = dataclasses.replace(voice.fallback.choice, fallback_reason=_join(voice, reason))
    return dataclasses.replace(voice.fallback, choice=choice)


def _join(voice: Voice, reason: str) -> str:
    earlier = voice.choice.fallback_reason
    return f"{earlier}; {reason}" if earlier else reason


__all__ = ["arm", "trip"]
