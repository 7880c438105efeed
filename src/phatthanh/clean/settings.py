"""Moved to `phatthanh.settings.speech` (the settings are a leaf package now); kept so
imports of the old path go on working."""

from phatthanh.settings.speech import SpeechSettings

__all__ = ["SpeechSettings"]
