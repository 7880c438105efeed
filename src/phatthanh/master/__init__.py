"""Stage 6: program + clips -> timeline -> one MP3 per loudness/encoding profile.

`lay_out` places every clip, jingle and pause (layout.py); `render` streams the timeline
into a master WAV, metering its loudness as it goes (render.py, meter.py, band.py), then
encodes every profile once, side by side, with a gain planned from those measurements, and
verifies each MP3 by decoding it (encode.py), per ITU-R BS.1770 / EBU R 128 loudness and the
MP3 rules of ../shared/specs/standards.md §7-§8.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from mutagen.mp3 import MP3

from phatthanh.atomic import sha256_of
from phatthanh.errors import AudioError
from phatthanh.i18n import _
from phatthanh.master.arenas import share_one_arena
from phatthanh.master.encode import Job, MasterStats, encode_all
from phatthanh.master.layout import lay_out
from phatthanh.master.render import write_master
from phatthanh.master.settings import MasterSettings, ProfileName
from phatthanh.master.steps import Steps, mastering_total, program_seconds
from phatthanh.model import Progress, Rendition, Timeline

__all__ = ["FILE_SUFFIX", "MasterStats", "lay_out", "render"]

# Every process that builds imports this package before its threads start (the CLI, the
# studio, the queue workers): their allocations share one malloc arena (arenas.py).
share_one_arena()

# File name of each rendition: <basename><suffix>.mp3
FILE_SUFFIX: dict[str, str] = {"podcast": "", "loudspeaker": "-loa", "broadcast": "-phat-song"}


def render(
    timeline: Timeline,
    profiles: tuple[ProfileName, ...],
    out_dir: Path,
    settings: MasterSettings,
    progress: Progress | None,
    basename: str = "episode",
    stats: MasterStats | None = None,
) -> tuple[Rendition, ...]:
    """Write one MP3 per profile into `out_dir` (the podcast one first) and measure each;
    `stats`, if given, receives the time per stage and the number of encodes per profile."""
    stats = stats if stats is not None else MasterStats()
    chosen = profiles or settings.renditions
    ordered = sorted(dict.fromkeys(chosen), key=lambda p: (p != "podcast", chosen.index(p)))
    seconds = program_seconds(timeline)
    if progress is not None:
        progress.start(_("Mastering"), mastering_total(timeline.cues, seconds, len(ordered)))
    steps = Steps(progress, seconds)
    renditions = []
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".master-") as work:
        master = Path(work) / "master.wav"
        band = Path(work) / "band.wav"
        wanted = [settings.profile(name) for name in ordered]
        started = time.perf_counter()
        try:
            levels = write_master(
                timeline, master, band if any(p.speech_band for p in wanted) else None, steps
            )
        except OSError as exc:  # a full disk or a file-size limit
            raise AudioError(
                _("{out_dir}: cannot write the program audio ({strerror})").format(
                    out_dir=out_dir, strerror=exc.strerror
                )
            ) from None
        stats.add("master write", time.perf_counter() - started - levels.meter_s)
        stats.add("loudness", levels.meter_s)
        steps.advance(1, "loudness measured")
        outputs = [
            (out_dir / f"{basename}{FILE_SUFFIX[name]}.mp3", settings.profile(name))
            for name in ordered
        ]
        jobs = []
        for name, (out, profile) in zip(ordered, outputs, strict=True):
            stream = levels.band if profile.speech_band else levels.master
            assert stream is not None
            jobs.append(Job(name, profile, band if profile.speech_band else master, stream, out))
        measured_all = encode_all(jobs, stats, steps)
        for name, (path, profile), measured in zip(ordered, outputs, measured_all, strict=True):
            info: Any = MP3(path).info  # type: ignore[no-untyped-call]
            renditions.append(
                Rendition(
                    profile=name,
                    file=path.name,
                    bytes=path.stat().st_size,
                    sha256=sha256_of(path),
                    duration_s=round(float(info.length), 3),
                    sample_rate_hz=int(info.sample_rate),
                    channels=int(info.channels),
                    bitrate_kbps=int(info.bitrate) // 1000,
                    integrated_lufs=round(measured.integrated_lufs, 2),
                    true_peak_dbtp=round(measured.true_peak_dbtp, 2),
                    target_lufs=profile.target_lufs,
                    true_peak_max_dbtp=profile.true_peak_max_dbtp,
                )
            )
    if progress is not None:
        progress.finish()
    return tuple(renditions)
