"""Mastering at the speed of the encoder (issue 15).

A generated program of about 39 minutes (all three renditions) is built the way
`build-episode` builds it, and compared with the physical limit measured in the same run: the
same three bare encodes of its master (`-c:a libmp3lame`, same rates and bitrates) running
side by side. Targets: a warm build (clips cached) at most 1.3x the bare encodes, a cold build
with the offline voice at most 1.5x, every rendition within 0.5 LU of its target and under
its true-peak ceiling by an independent meter (pyloudnorm, 4x resample_poly true peak) on the
final files, one encode per rendition. Then warm builds of 15, 30 and 60 minutes (growth must
be linear) and the peak RSS of a 60-minute build (at most 150 MB) in a fresh process.
Cold builds (the clip cache emptied first), bare encodes and warm builds take turns, min of
3 each, so the machine's load hits them alike.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyloudnorm
from scipy.signal import resample_poly

from benchmarks.programs import STAGES, Timed, cpu_s, lineup_of, timed_build, write_articles
from phatthanh.config import Config
from phatthanh.ffmpeg import ffmpeg_binary, run_ffmpeg
from phatthanh.master.render import write_master
from phatthanh.master.settings import MasterSettings

MINUTES = float(os.environ.get("PHATTHANH_BENCH_MINUTES", "39"))
RUNS = 3
WARM_BOUND, COLD_BOUND, MEMORY_BOUND_MB = 1.3, 1.5, 150
NAMES = ("podcast", "loudspeaker", "broadcast")


def bare_encodes(master: Path, out: Path) -> tuple[float, float]:
    """Wall and CPU time of the three bare encodes of `master`, run side by side."""
    settings = MasterSettings()
    started, cpu_started = time.perf_counter(), cpu_s()
    procs = [
        subprocess.Popen(
            [
                ffmpeg_binary(),
                "-v",
                "error",
                "-y",
                "-i",
                str(master),
                "-c:a",
                "libmp3lame",
                "-ac",
                "1",
                "-ar",
                str(p.sample_rate_hz),
                "-b:a",
                f"{p.bitrate_kbps}k",
                str(out / f"bare-{name}.mp3"),
            ]
        )
        for name in NAMES
        for p in [settings.profile(name)]
    ]
    if any(proc.wait() != 0 for proc in procs):
        raise RuntimeError("a bare encode failed")
    return time.perf_counter() - started, cpu_s() - cpu_started


def independent(path: Path, rate: int) -> tuple[float, float]:
    """pyloudnorm integrated loudness and 4x-oversampled true peak of the decoded file."""
    raw = run_ffmpeg(["-i", str(path), "-f", "f32le", "-ac", "1", "-ar", str(rate), "-"]).stdout
    samples = np.frombuffer(raw, dtype="<f4").astype(np.float64)
    lufs = float(pyloudnorm.Meter(rate).integrated_loudness(samples))
    piece, overlap, peak = rate * 30, 64, 0.0
    for start in range(0, len(samples), piece):
        chunk = samples[max(0, start - overlap) : start + piece + overlap]
        peak = max(peak, float(np.max(np.abs(resample_poly(chunk, 4, 1)))))
    return lufs, 20 * float(np.log10(peak))


def shares(timed: Timed) -> str:
    order = [*STAGES, "other"]
    return ", ".join(
        f"{s} {100 * timed.seconds.get(s, 0.0) / timed.wall_s:.0f}%"
        for s in order
        if s in timed.seconds
    )


def speed(root: Path) -> None:
    config = Config(root=root / "station")
    lineup = lineup_of(write_articles(root / "articles", MINUTES), config)
    clips = config.resolve(config.voices.cache_dir)
    master = root / "bare-master.wav"
    bare_runs, warm_runs, cold_runs = [], [], []
    for _ in range(RUNS):  # cold, bare, warm in turn: the machine's load hits all three alike
        shutil.rmtree(clips, ignore_errors=True)  # cold: no clip synthesized or resampled yet
        cold_runs.append(timed_build(lineup, config))
        if not master.exists():
            first = cold_runs[0]
            assert first.timeline is not None and first.synthesized > 0
            print(
                f"program: {first.minutes:.1f} min, {len(first.timeline.cues)} cues, "
                f"{first.synthesized} clips synthesized in each cold build"
            )
            write_master(first.timeline, master)
        bare_runs.append(bare_encodes(master, root))
        warm_runs.append(timed_build(lineup, config))
    assert all(t.synthesized == cold_runs[0].synthesized for t in cold_runs)
    bare, bare_cpu = min(w for w, _ in bare_runs), min(c for _, c in bare_runs)
    warm = min(warm_runs, key=lambda t: t.wall_s)
    cold = min(cold_runs, key=lambda t: t.wall_s)
    print("bare encodes side by side: " + ", ".join(f"{w:.2f}" for w, _ in bare_runs) + " s")
    print("cold builds: " + ", ".join(f"{t.wall_s:.2f}" for t in cold_runs) + " s")
    print("warm builds: " + ", ".join(f"{t.wall_s:.2f}" for t in warm_runs) + " s")
    warm_cpu = min(t.cpu_s for t in warm_runs)
    cold_cpu = min(t.cpu_s for t in cold_runs)
    print(
        f"CPU time (less sensitive to other users of the machine): bare encodes {bare_cpu:.2f} s, "
        f"warm build {warm_cpu:.2f} s ({warm_cpu / bare_cpu:4.2f}x), cold build "
        f"{cold_cpu:.2f} s ({cold_cpu / bare_cpu:4.2f}x)"
    )
    for label, timed, bound in (("warm", warm, WARM_BOUND), ("cold", cold, COLD_BOUND)):
        ratio = timed.wall_s / bare
        verdict = "ok" if ratio <= bound else "OVER"
        print(
            f"{label} build {timed.wall_s:6.2f} s = {ratio:4.2f}x the bare encodes "
            f"({bare:.2f} s; bound {bound}) {verdict}"
        )
        print(f"  shares: {shares(timed)}")
    synthesis = cold.seconds["script+voice"] - warm.seconds["script+voice"]
    print(
        f"cold vs synthesis + bare encodes ({synthesis:.2f} + {bare:.2f} s): "
        f"{cold.wall_s / (synthesis + bare):4.2f}x"
    )
    encodes = [t.encodes.get(n, 0) for t in [*cold_runs, *warm_runs] for n in NAMES]
    print(
        f"encodes per rendition over {len(encodes)} renditions: "
        f"{sum(e == 1 for e in encodes)} once, {sum(e > 1 for e in encodes)} re-encoded "
        f"({sum(encodes) - len(encodes)} re-encodes)"
    )
    limited = [
        f"{n} {sum(t.limited.get(n, 0) for t in builds)}/{sum(t.encodes.get(n, 0) for t in builds)}"
        for builds in [[*cold_runs, *warm_runs]]
        for n in NAMES
    ]
    print("encodes that ran the limiter: " + ", ".join(limited))
    last = warm_runs[-1]  # the episode as published now
    assert last.folder is not None
    for r in last.renditions:
        lufs, tp = independent(last.folder / r.file, r.sample_rate_hz)
        ok = abs(lufs - r.target_lufs) <= 0.5 and tp <= r.true_peak_max_dbtp
        verdict = "ok" if ok else "MISSED"
        print(
            f"  {r.profile:12s} independent {lufs:6.2f} LUFS (target {r.target_lufs}), "
            f"true peak {tp:5.2f} dBTP (max {r.true_peak_max_dbtp}); build said "
            f"{r.integrated_lufs:.2f} / {r.true_peak_dbtp:.2f} (its libmpg123 decode against "
            f"ffmpeg's: {r.integrated_lufs - lufs:+.2f} LU, {r.true_peak_dbtp - tp:+.2f} dB) "
            f"{verdict}"
        )


def growth(root: Path) -> None:
    config = Config(root=root / "station")
    timed_build(lineup_of(write_articles(root / "articles", 60), config), config)  # clips
    rows = []
    for minutes in (15, 30, 60):
        lineup = lineup_of(write_articles(root / "articles", minutes), config)
        runs = [timed_build(lineup, config) for _ in range(2)]
        best = min(runs, key=lambda t: t.wall_s)
        rows.append((best.minutes, best.wall_s))
        print(
            f"warm build, {best.minutes:5.1f} min: {best.wall_s:6.2f} s, "
            f"{best.wall_s / best.minutes:5.2f} s per program minute"
        )
    slope, intercept = np.polyfit([m for m, _ in rows], [w for _, w in rows], 1)
    worst = max(abs(w - (slope * m + intercept)) / w for m, w in rows)
    print(
        f"growth: {slope:.2f} s per minute + {intercept:.2f} s; largest departure from "
        f"the line {100 * worst:.0f}% ({'linear' if worst < 0.1 else 'NOT linear'})"
    )


_CHILD = """
import json, os, sys, threading, time
from pathlib import Path
from benchmarks.programs import lineup_of, timed_build, vm_hwm_mb, write_articles
from phatthanh.config import Config
root = Path(sys.argv[1])
config = Config(root=root / "station")
children = {"mb": 0.0}
def watch():
    while True:
        for task in Path("/proc/self/task").iterdir():
            try:
                pids = (task / "children").read_text().split()
            except OSError:  # the thread ended meanwhile
                continue
            for pid in pids:  # only after exec: a child between fork and exec still
                try:  # maps the parent's pages, which the parent's own figure counts
                    if "ffmpeg" not in os.readlink(f"/proc/{pid}/exe"):
                        continue
                except OSError:  # it ended meanwhile
                    continue
                children["mb"] = max(children["mb"], vm_hwm_mb(pid))
        time.sleep(0.05)
threading.Thread(target=watch, daemon=True).start()
timed = timed_build(lineup_of(write_articles(root / "articles", 60), config), config)
print(json.dumps({"self_mb": vm_hwm_mb("self"), "child_mb": children["mb"],
                  "minutes": timed.minutes, "synthesized": timed.synthesized}))
"""


def memory(root: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(root)], capture_output=True, text=True, check=True
    )
    data = json.loads(result.stdout.strip().splitlines()[-1])
    peak = max(data["self_mb"], data["child_mb"])
    verdict = "ok" if peak <= MEMORY_BOUND_MB else "OVER"
    print(
        f"{data['minutes']:.0f}-minute warm build: peak RSS python {data['self_mb']:.0f} MB, "
        f"largest ffmpeg {data['child_mb']:.0f} MB (bound {MEMORY_BOUND_MB} MB) {verdict}"
    )


def main() -> None:
    # `python -m benchmarks master` passes its own arguments: only the part names count
    parts = [p for p in sys.argv[1:] if p in ("speed", "growth", "memory")]
    parts = parts or ["speed", "growth", "memory"]
    with tempfile.TemporaryDirectory(prefix="phatthanh-bench-") as folder:
        if "speed" in parts:
            speed(Path(folder) / "speed")
        if "growth" in parts or "memory" in parts:
            growth(Path(folder) / "growth")  # also synthesizes the 60-minute clips
        if "memory" in parts:
            memory(Path(folder) / "growth")


if __name__ == "__main__":
    main()
