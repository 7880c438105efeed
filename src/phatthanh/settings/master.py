"""[master]: loudness profiles, renditions and the ffmpeg used (ITU-R BS.1770 / EBU R 128
loudness; MP3 sample rates and bitrates of MPEG-1/2 Layer III)."""

from __future__ import annotations

from dataclasses import field
from typing import Annotated, Literal

from pydantic import Field
from pydantic.dataclasses import dataclass

from phatthanh.settings._base import SECTION, help_line

ProfileName = Literal["podcast", "loudspeaker", "broadcast"]
SampleRateHz = Literal[16000, 22050, 24000, 32000, 44100, 48000]
BitrateKbps = Literal[32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]


@dataclass(frozen=True, config=SECTION)
class Profile:
    """A loudness and encoding target for one rendition of the program."""

    target_lufs: Annotated[float, Field(ge=-36, le=-10)]
    true_peak_max_dbtp: Annotated[float, Field(ge=-9, le=0)]
    sample_rate_hz: SampleRateHz
    bitrate_kbps: BitrateKbps
    speech_band: bool = False  # 120 Hz - 8 kHz band-pass and gentle compression


@dataclass(frozen=True, config=SECTION)
class MasterSettings:
    """Loudness profiles, renditions and the ffmpeg used."""

    ffmpeg: str = field(
        default="",
        metadata=help_line("ffmpeg binary for every ffmpeg run (empty: the one pip installed)"),
    )
    renditions: Annotated[tuple[ProfileName, ...], Field(min_length=1)] = field(
        default=("podcast", "loudspeaker", "broadcast"),
        metadata=help_line("profiles a build writes (podcast, loudspeaker, broadcast)"),
    )
    podcast: Profile = field(default_factory=lambda: Profile(-19.0, -1.5, 44100, 96))
    loudspeaker: Profile = field(default_factory=lambda: Profile(-16.0, -1.5, 44100, 64, True))
    broadcast: Profile = field(default_factory=lambda: Profile(-23.0, -1.0, 48000, 128))

    def profile(self, name: ProfileName) -> Profile:
        profile: Profile = getattr(self, name)
        return profile
