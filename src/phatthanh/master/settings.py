"""Settings of mastering and encoding ([master] in phatthanh.toml)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ProfileName = Literal["podcast", "loudspeaker", "broadcast"]


@dataclass(frozen=True)
class Profile:
    """A loudness and encoding target for one rendition of the program."""

    target_lufs: float
    true_peak_max_dbtp: float
    sample_rate_hz: int
    bitrate_kbps: int
    speech_band: bool = False  # 120 Hz - 8 kHz band-pass and gentle compression


@dataclass(frozen=True)
class MasterSettings:
    """Loudness profiles, renditions and the ffmpeg used."""

    ffmpeg: str = field(
        default="", metadata={"help": "ffmpeg binary to use (empty: the one pip installed)"}
    )
    renditions: tuple[ProfileName, ...] = field(
        default=("podcast", "loudspeaker", "broadcast"),
        metadata={"help": "profiles a build writes (podcast, loudspeaker, broadcast)"},
    )
    podcast: Profile = field(default_factory=lambda: Profile(-19.0, -1.5, 44100, 96))
    loudspeaker: Profile = field(default_factory=lambda: Profile(-16.0, -1.5, 44100, 64, True))
    broadcast: Profile = field(default_factory=lambda: Profile(-23.0, -1.0, 48000, 128))

    def profile(self, name: ProfileName) -> Profile:
        profile: Profile = getattr(self, name)
        return profile
