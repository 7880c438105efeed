"""The settings of every section of phatthanh.toml, one module per section.

A leaf package: it imports pydantic and the standard library, never a stage, so loading
the config costs no numpy, ffmpeg or network library. Each section is a frozen pydantic
dataclass whose fields carry their default, their range or format, and a help line
(`phatthanh init` writes it as a comment).
"""

from phatthanh.i18n import _
from phatthanh.settings._base import parse_clock
from phatthanh.settings.articles import ArticleSettings
from phatthanh.settings.master import MasterSettings, Profile, ProfileName
from phatthanh.settings.program import ProgramSettings
from phatthanh.settings.publish import PublishSettings
from phatthanh.settings.site import Site, resolve_site
from phatthanh.settings.speech import SpeechSettings
from phatthanh.settings.station import StationSettings, parse_offset
from phatthanh.settings.voices import EdgeSettings, EspeakSettings, PiperSettings, VoiceSettings

__all__ = [
    "ArticleSettings", "EdgeSettings", "EspeakSettings", "MasterSettings", "PiperSettings",
    "Profile", "ProfileName", "ProgramSettings", "PublishSettings", "Site", "SpeechSettings",
    "StationSettings", "VoiceSettings", "check_air_slots", "parse_clock", "parse_offset",
    "resolve_site",
]  # fmt: skip


def check_air_slots(slots: object) -> tuple[str, ...]:
    """A lineup's air_slots: a list of 24-hour "HH:MM" times, else ValueError with an example
    (for articles/lineup.py: `["6h"]` and `["25:99"]` are refused)."""
    if not isinstance(slots, list | tuple) or not all(isinstance(s, str) for s in slots):
        raise ValueError(_('air_slots must be a list of times like ["06:00", "17:00"]'))
    for slot in slots:
        parse_clock(slot)
    return tuple(slots)
