"""Moved to `phatthanh.settings.publish` (the settings are a leaf package now); kept so
imports of the old path go on working."""

from phatthanh.settings.publish import PublishSettings

__all__ = ["PublishSettings"]
