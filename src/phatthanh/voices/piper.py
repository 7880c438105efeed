"""An offline neural voice: piper (optional extra `phatthanh[piper]`), reading a voice model
file (.onnx + .onnx.json) the station downloaded once. Vietnamese piper voices exist; the
model path is a setting. One loaded model per process, guarded by a lock."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from phatthanh.errors import EngineUnavailable, VoiceError
from phatthanh.i18n import _
from phatthanh.voices.engine import RawClip
from phatthanh.voices.settings import PiperSettings

_LOCK = threading.Lock()
_LOADED: dict[Path, Any] = {}


class PiperEngine:
    name = "piper"

    def __init__(self, settings: PiperSettings, root: Path) -> None:
        self.settings = settings
        self.model = (root / settings.model) if settings.model else None
        self.voice = self.model.stem if self.model else "(no model)"
        try:
            from importlib.metadata import version

            self.version = version("piper-tts")
        except Exception:
            self.version = "not installed"

    def settings_key(self) -> str:
        return f"length_scale={self.settings.length_scale};model={self.model}"

    def _voice(self) -> Any:
        if self.model is None:
            raise EngineUnavailable(_("piper has no voice model; set [voices.piper] model"))
        if not self.model.is_file():
            raise EngineUnavailable(
                _("piper voice model {model} not found").format(model=self.model)
            )
        try:
            from piper import PiperVoice
        except ImportError:
            raise EngineUnavailable(
                _("piper is not installed; install it with: pip install 'phatthanh[piper]'")
            ) from None
        with _LOCK:
            if self.model not in _LOADED:
                try:
                    _LOADED[self.model] = PiperVoice.load(self.model)
                except Exception as exc:
                    raise EngineUnavailable(
                        _("piper cannot load {model} ({exc})").format(model=self.model, exc=exc)
                    ) from None
            return _LOADED[self.model]

    def probe(self) -> None:
        self._voice()

    def synthesize_many(self, texts: list[str]) -> list[RawClip]:
        from piper import SynthesisConfig

        voice = self._voice()
        config = SynthesisConfig(length_scale=self.settings.length_scale)
        clips = []
        for text in texts:
            with _LOCK:
                chunks = list(voice.synthesize(text, syn_config=config))
            if not chunks:
                raise VoiceError(_("piper produced no audio for: {text!r}").format(text=text[:60]))
            pcm = b"".join(c.audio_int16_bytes for c in chunks)
            clips.append(RawClip(pcm, chunks[0].sample_rate))
        return clips
