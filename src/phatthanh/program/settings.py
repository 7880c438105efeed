"""Moved to `phatthanh.settings.program` (the settings are a leaf package now); kept so
imports of the old path go on working."""

from phatthanh.settings.program import ProgramSettings

__all__ = ["ProgramSettings"]
