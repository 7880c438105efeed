"""Mastering speed and memory (issue 6).

Speed: a 30-minute program built from cached clips, rendered per profile, against a bare
single-pass ffmpeg encode of the same audio to the same MP3 settings, measured in the same
run. Target: at most 1.5x per rendition.
Memory: peak RSS of a process rendering a 60-minute program (this process and, separately,
the largest ffmpeg child). Target: at most 250 MB.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from phatthanh.ffmpeg import run_ffmpeg
from phatthanh.master import lay_out, render
from phatthanh.master.render import write_master
from phatthanh.master.settings import MasterSettings
from phatthanh.model import Part, Program, Segment, Timeline
from phatthanh.program.jingles import generated_jingle
from phatthanh.program.settings import ProgramSettings
from phatthanh.voices import ClipCache, choose_voice, synthesize
from phatthanh.voices.settings import VoiceSettings

SPEED_BOUND = 1.5
MEMORY_BOUND_MB = 250
_WORDS = ("xã", "huyện", "nhân dân", "cán bộ", "hội nghị", "nông thôn mới", "kế hoạch",
          "triển khai", "thực hiện", "kết quả", "phát triển", "kinh tế", "an ninh")  # fmt: skip


def program_of(minutes: float, root: Path) -> Timeline:
    """A program of about `minutes` from cached espeak-ng clips and the generated jingles."""
    sentences = [
        f"Câu số {i}: {' '.join(_WORDS[(i + k) % len(_WORDS)] for k in range(9))}."
        for i in range(60)
    ]
    voice = choose_voice(VoiceSettings(engine="espeak"), None, False, root)
    cache = ClipCache(root / "clips")
    segments = [Segment("body", s, s, i // 3) for i, s in enumerate(sentences)]
    clips = synthesize(segments, voice, cache, None).clips
    per_round_ms = sum(c.duration_ms + 500 for c in clips)
    rounds = max(1, round(minutes * 60_000 / per_round_ms))
    stinger = generated_jingle("stinger", root / "assets")
    parts = [Part("jingle", 0, audio=generated_jingle("opening", root / "assets"))]
    all_clips = []
    for r in range(rounds):
        parts.append(Part("speech", r + 1, tuple(segments), pause_after_ms=800))
        parts.append(Part("stinger", r + 1, audio=stinger, pause_after_ms=800))
        all_clips.extend(clips)
    parts.append(Part("jingle", rounds + 1, audio=generated_jingle("closing", root / "assets")))
    program = Program(
        "Bench", date(2026, 11, 24), tuple(f"Mục {i}" for i in range(rounds + 2)),
        (None,) * (rounds + 2), tuple(range(1, rounds + 1)), tuple(parts),
    )  # fmt: skip
    return lay_out(program, all_clips, ProgramSettings())


def speed(root: Path) -> None:
    """One build writing all three renditions from one master, against bare single-pass
    encodes of the same master audio to the same MP3 settings."""
    timeline = program_of(30, root)
    print(f"program: {timeline.duration_ms / 60000:.1f} min, {len(timeline.cues)} cues")
    settings = MasterSettings()
    master = root / "bare-master.wav"
    write_master(timeline, master)
    names = ("podcast", "loudspeaker", "broadcast")
    bare_total = 0.0
    for name in names:
        profile = settings.profile(name)
        started = time.monotonic()
        run_ffmpeg(["-y", "-i", str(master), "-c:a", "libmp3lame", "-ac", "1",
                    "-ar", str(profile.sample_rate_hz), "-b:a", f"{profile.bitrate_kbps}k",
                    str(root / f"bare-{name}.mp3")])  # fmt: skip
        bare = time.monotonic() - started
        bare_total += bare
        print(f"bare encode {name:12s} {bare:6.2f} s")
    out = root / "out"
    out.mkdir()
    started = time.monotonic()
    made = render(timeline, names, out, settings, None)
    ours = time.monotonic() - started
    ratio = ours / bare_total
    verdict = "ok" if ratio <= SPEED_BOUND else "OVER"
    print(
        f"render of {len(made)} renditions {ours:6.2f} s vs bare encodes {bare_total:6.2f} s: "
        f"{ratio:4.2f}x per rendition (bound {SPEED_BOUND}) {verdict}"
    )
    for r in made:
        print(
            f"  {r.profile:12s} {r.integrated_lufs:6.2f} LUFS (target {r.target_lufs}), "
            f"true peak {r.true_peak_dbtp:5.2f} dBTP (max {r.true_peak_max_dbtp})"
        )


_CHILD = """
import json, resource, sys, tempfile
from pathlib import Path
from benchmarks.bench_master import program_of
from phatthanh.master import render
from phatthanh.master.settings import MasterSettings
root = Path(sys.argv[1])
timeline = program_of(60, root)
out = root / "out60"
out.mkdir()
render(timeline, ("podcast",), out, MasterSettings(), None)
print(json.dumps({"self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "child_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "minutes": timeline.duration_ms / 60000}))
"""


def memory(root: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(root)], capture_output=True, text=True, check=True
    )
    data = json.loads(result.stdout.strip().splitlines()[-1])
    peak = max(data["self_mb"], data["child_mb"])
    verdict = "ok" if peak <= MEMORY_BOUND_MB else "OVER"
    print(
        f"{data['minutes']:.0f}-minute program: peak RSS python {data['self_mb']:.0f} MB, "
        f"largest ffmpeg {data['child_mb']:.0f} MB (bound {MEMORY_BOUND_MB} MB) {verdict}"
    )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="phatthanh-bench-") as folder:
        speed(Path(folder))
    with tempfile.TemporaryDirectory(prefix="phatthanh-bench-") as folder:
        memory(Path(folder))


if __name__ == "__main__":
    main()
