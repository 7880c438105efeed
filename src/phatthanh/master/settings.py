"""Moved to `phatthanh.settings.master` (the settings are a leaf package now); kept so
imports of the old path go on working."""

from phatthanh.settings.master import MasterSettings, Profile, ProfileName

__all__ = ["MasterSettings", "Profile", "ProfileName"]
