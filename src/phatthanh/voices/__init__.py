"""Stage 5: spoken text -> clips. Engines behind one protocol, one shared cache, failover.

One episode is read by one voice: the engine is chosen (and probed) before synthesis; if the
first choice is unreachable the next is used and the reason is logged as a warning and kept
in the VoiceChoice, which episode.json and the ID3 comment record.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from phatthanh.errors import ConfigError, EngineUnavailable, VoiceError
from phatthanh.i18n import _
from phatthanh.model import Clip, Progress, Segment, VoiceChoice
from phatthanh.voices.breaker import arm, trip
from phatthanh.voices.cache import ClipCache
from phatthanh.voices.engine import Engine
from phatthanh.voices.settings import VoiceSettings

log = logging.getLogger(__name__)

__all__ = ["ClipCache", "Voice", "Voiced", "choose_voice", "make_engine", "synthesize"]
_BATCH = 16  # segments per engine call: progress moves, and a failure keeps what was made


@dataclass(frozen=True)
class Voice:
    engine: Engine
    choice: VoiceChoice
    fallback: Voice | None = None  # the offline voice behind an online one (breaker.py)


@dataclass(frozen=True)
class Voiced:
    clips: tuple[Clip, ...]
    synthesized: int
    cache_hits: int
    choice: VoiceChoice | None = None  # the voice that read them (breaker.py may switch)


def make_engine(name: str, settings: VoiceSettings, root: Path) -> Engine:
    """An engine by name ('espeak', 'edge', 'piper', or 'engine:voice' to pick its voice)."""
    kind, _sep, voice = name.partition(":")
    if kind == "espeak":
        from phatthanh.voices.espeak import EspeakEngine

        espeak = replace(settings.espeak, voice=voice) if voice else settings.espeak
        return EspeakEngine(espeak)
    if kind == "edge":
        from phatthanh.voices.edge import EdgeEngine

        edge = replace(settings.edge, voice=voice) if voice else settings.edge
        return EdgeEngine(edge)
    if kind == "piper":
        from phatthanh.voices.piper import PiperEngine

        piper = replace(settings.piper, model=voice) if voice else settings.piper
        return PiperEngine(piper, root)
    raise ConfigError(
        _("unknown voice engine {name!r}; use auto, espeak, edge or piper").format(name=name)
    )


def engine_chain(settings: VoiceSettings, engine: str | None) -> list[str]:
    chosen = engine or settings.engine
    return list(settings.chain) if chosen == "auto" else [chosen]


def choose_voice(
    settings: VoiceSettings,
    engine: str | None,
    strict: bool,
    root: Path,
    online_timeout_s: float | None = None,
) -> Voice:
    """Probe the engines in order and return the first that answers (an online one armed
    with the offline fallback behind it: voices/breaker.py)."""
    chain = engine_chain(settings, engine)
    reasons: list[str] = []
    for position, name in enumerate(chain):
        try:
            candidate = make_engine(name, settings, root)
            candidate.probe()
        except EngineUnavailable as exc:
            if strict or position == len(chain) - 1:
                raise EngineUnavailable(
                    f"{exc}" + (_("; --strict-engine forbids falling back") if strict else "")
                ) from None
            reasons.append(str(exc))
            log.warning(_("{error}; falling back to the next voice engine").format(error=exc))
            continue
        fallback = "; ".join(reasons) or None
        if fallback:
            log.warning(
                _("this episode will be read by {engine} ({voice}), not the first choice").format(
                    engine=candidate.name, voice=candidate.voice
                )
            )
        chosen = Voice(candidate, VoiceChoice(candidate.name, candidate.voice, fallback))
        return arm(chosen, chain[position + 1 :], settings, root, strict, online_timeout_s)
    raise EngineUnavailable(_("no voice engine is configured"))  # pragma: no cover


def synthesize(
    segments: Sequence[Segment], voice: Voice, cache: ClipCache, progress: Progress | None
) -> Voiced:
    """One clip per segment, from the cache where possible; the rest from the engine."""
    engine = voice.engine
    keys = [
        cache.key(engine.name, engine.version, engine.voice, engine.settings_key(), s.spoken)
        for s in segments
    ]
    clips: dict[str, Clip] = {}
    missing: dict[str, str] = {}
    for key, segment in zip(keys, segments, strict=True):
        if key in clips or key in missing:
            continue
        found = cache.get(key)
        if found is not None:
            clips[key] = found
        else:
            missing[key] = segment.spoken
    hits = len(clips)
    if progress is not None:
        task = _("Reading with {engine} ({voice})").format(engine=engine.name, voice=engine.voice)
        progress.start(task, len(clips) + len(missing))
        progress.advance(hits, _("{hits} from cache").format(hits=hits))
    todo = list(missing.items())
    for start in range(0, len(todo), _BATCH):
        batch = todo[start : start + _BATCH]
        try:
            raws = engine.synthesize_many([text for _key, text in batch])
        except VoiceError as exc:
            if voice.fallback is not None:  # the circuit breaker opens (breaker.py)
                return synthesize(segments, trip(voice, exc), cache, progress)
            raise
        except Exception as exc:  # an engine bug must not lose the clips already made
            raise VoiceError(
                _("{name} failed: {exc}; rerun to continue from the cache").format(
                    name=engine.name, exc=exc
                )
            ) from exc
        for (key, _text), raw in zip(batch, raws, strict=True):
            clips[key] = cache.put(key, raw)
        if progress is not None:
            progress.advance(len(batch), _("{hits} from cache").format(hits=hits))
    if progress is not None:
        progress.finish()
    return Voiced(tuple(clips[k] for k in keys), len(missing), hits, voice.choice)
