"""Moved to `phatthanh.settings.voices` (the settings are a leaf package now); kept so
imports of the old path go on working."""

from phatthanh.settings.voices import EdgeSettings, EspeakSettings, PiperSettings, VoiceSettings

__all__ = ["EdgeSettings", "EspeakSettings", "PiperSettings", "VoiceSettings"]
