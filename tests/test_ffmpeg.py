"""The one door to ffmpeg: the binary found lazily, the logged command line pastes into a
shell, the arguments it adds, and a failure's message is ffmpeg's last meaningful line."""

from __future__ import annotations

import logging
import shlex
import subprocess
from pathlib import Path

import ffmpeg
import numpy as np
import pytest

from phatthanh.errors import FFmpegError
from phatthanh.ffmpeg import (
    Piped,
    command_line,
    ffmpeg_binary,
    last_error_line,
    progress_seconds,
    run_ffmpeg,
)

# A real ffmpeg failure's stderr: the reason, then the summary noise ffmpeg prints after it.
FAILED_STDERR = """\
[in#0 @ 0x55d5] Error opening input: No such file or directory
Error opening input file khong-co.wav.
Error opening input files: No such file or directory
[out#0/null @ 0x55d6] Output file is empty, nothing was encoded
size=       0KiB time=N/A bitrate=N/A speed=N/A
Conversion failed!
"""


def test_the_command_line_round_trips_through_a_shell() -> None:
    args = ["-i", "bản tin sáng.wav", "-af", "volume=-3dB;x", "-metadata", "title=it's", "o.mp3"]
    line = command_line(args, "/opt/ffmpeg")
    assert shlex.split(line) == ["/opt/ffmpeg", *args]
    assert command_line(["-version"]) == "ffmpeg -version"


def test_the_last_meaningful_stderr_line_skips_the_summary_noise() -> None:
    assert last_error_line(FAILED_STDERR) == "Error opening input files: No such file or directory"
    assert last_error_line("Exiting normally\n\n") == "ffmpeg failed without a message"
    assert last_error_line("") == "ffmpeg failed without a message"
    assert last_error_line("  Invalid argument  \nConversion failed!\n") == "Invalid argument"


def test_the_binary_is_the_configured_one_then_the_environment_then_the_wheel(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import phatthanh.ffmpeg

    monkeypatch.setattr(phatthanh.ffmpeg, "_configured", "")  # no config in use
    monkeypatch.delenv("PHATTHANH_FFMPEG", raising=False)
    bundled = ffmpeg_binary()
    assert Path(bundled).is_file() and "ffmpeg" in Path(bundled).name
    monkeypatch.setenv("PHATTHANH_FFMPEG", bundled)
    assert ffmpeg_binary() == bundled
    with pytest.raises(FFmpegError, match=r"ffmpeg 'khong-co-ffmpeg' not found; fix \[master\]"):
        ffmpeg_binary("khong-co-ffmpeg")


def test_run_adds_quiet_flags_and_logs_the_exact_command(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG, logger="phatthanh.ffmpeg"):
        proc = run_ffmpeg(["-f", "lavfi", "-i", "anullsrc=d=0.1", "-f", "null", "-"])
    assert proc.returncode == 0
    (logged,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("running: ")]
    argv = shlex.split(logged.removeprefix("running: "))
    assert argv[1:4] == ["-hide_banner", "-nostdin", "-f"] and argv[-1] == "-"
    rerun = subprocess.run(argv, capture_output=True, check=False)  # the log line pastes as is
    assert rerun.returncode == 0


def test_run_feeds_input_bytes_without_nostdin() -> None:
    pcm = b"\x00\x10" * 4410  # 0.1 s of 16-bit mono at 44.1 kHz
    proc = run_ffmpeg(
        ["-f", "s16le", "-ar", "44100", "-ac", "1", "-i", "pipe:0", "-f", "s16le", "pipe:1"],
        input_bytes=pcm,
    )
    assert proc.stdout == pcm


def test_a_failure_raises_with_ffmpegs_own_reason(tmp_path: Path) -> None:
    missing = tmp_path / "khong-co.wav"
    with pytest.raises(FFmpegError) as caught:
        run_ffmpeg(["-i", str(missing), "-f", "null", "-"])
    message = str(caught.value)
    assert message.startswith("ffmpeg failed: ") and "No such file or directory" in message
    assert "\n" not in message and "Conversion failed" not in message


def test_a_run_past_its_timeout_is_stopped_with_a_clear_message() -> None:
    # an endless source read in real time: it can only end by the timeout
    with pytest.raises(FFmpegError, match=r"ffmpeg took longer than 0\.5 s and was stopped"):
        run_ffmpeg(["-re", "-f", "lavfi", "-i", "anullsrc", "-f", "null", "-"], timeout_s=0.5)


def test_progress_lines_give_the_seconds_written() -> None:
    assert progress_seconds("out_time_us=1500000\n") == 1.5
    assert progress_seconds("out_time_us=N/A") is None  # before the first packet
    assert progress_seconds("out_time_ms=1500000") is None  # the misnamed duplicate
    assert progress_seconds("progress=end") is None


def test_a_run_reports_its_progress_up_to_the_length_written(tmp_path: Path) -> None:
    seen: list[float] = []
    out = tmp_path / "o.mp3"
    args = ["-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-ac", "1", str(out)]
    proc = run_ffmpeg(args, on_progress=seen.append)
    assert out.stat().st_size > 0 and proc.returncode == 0
    assert seen and seen == sorted(seen)
    assert 2.8 <= seen[-1] <= 3.2


def test_a_reporting_run_that_fails_raises_with_ffmpegs_reason(tmp_path: Path) -> None:
    with pytest.raises(FFmpegError, match="No such file or directory"):
        run_ffmpeg(["-i", str(tmp_path / "khong-co.wav"), "-f", "null", "-"],
                   on_progress=lambda s: None)  # fmt: skip


def _tone(seconds: float = 1.0, rate: int = 44100) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2")


def test_piped_feeds_stdin_and_reads_stdout() -> None:
    pcm = _tone(0.2)
    args = ffmpeg.input("pipe:", format="s16le", ar=44100, ac=1).output("pipe:", format="f32le")
    run = Piped(args.get_args(), feed=True)
    run.write(pcm.tobytes())  # 17 KB: fits the pipe, no reader thread needed here
    run.close_input()
    out = b"".join(iter(lambda: run.read(1 << 16), b""))
    run.finish()
    assert np.allclose(np.frombuffer(out, "<f4"), pcm / 32768.0, atol=1e-6)


def test_piped_failure_is_ffmpegs_last_line() -> None:
    args = ffmpeg.input("pipe:", format="s16le", ar=44100, ac=1).filter("no_such_filter")
    run = Piped(args.output("pipe:", format="f32le").get_args(), feed=True)
    with pytest.raises(FFmpegError, match="Filter not found"):
        run.finish()
