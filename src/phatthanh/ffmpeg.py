"""The only door to ffmpeg.

The binary is found lazily (never at import): the one named in the config (`use_ffmpeg`,
called once when a build starts, so every run below honours `[master] ffmpeg`), else
`PHATTHANH_FFMPEG`, else the static build the `imageio-ffmpeg` wheel ships. Every run is
logged at debug level as a copyable command line; a failure raises FFmpegError whose
message is ffmpeg's last meaningful stderr line.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import logging
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import IO

from phatthanh.errors import FFmpegError
from phatthanh.i18n import _

log = logging.getLogger(__name__)
_PR_SET_PDEATHSIG = 1
_configured = ""  # [master] ffmpeg of the config in use (use_ffmpeg)


def use_ffmpeg(configured: str) -> None:
    """Run the ffmpeg the config names (empty: $PHATTHANH_FFMPEG or the pip one) from now on;
    FFmpegError now if it cannot be found."""
    global _configured
    _find(configured or os.environ.get("PHATTHANH_FFMPEG", ""))
    _configured = configured


def ffmpeg_binary(configured: str = "") -> str:
    """Path of the ffmpeg to run: the configured one, $PHATTHANH_FFMPEG, or the pip one."""
    return _find(configured or _configured or os.environ.get("PHATTHANH_FFMPEG", ""))


@lru_cache(maxsize=8)
def _find(name: str) -> str:
    if name:
        found = shutil.which(name)
        if found is None:
            raise FFmpegError(
                _(
                    "ffmpeg '{name}' not found; fix [master] ffmpeg in the config or leave it empty"
                ).format(name=name)
            )
        return found
    try:
        import imageio_ffmpeg
    except ImportError:  # pragma: no cover - it is a declared dependency
        raise FFmpegError(
            _("imageio-ffmpeg is not installed; reinstall phatthanh with pip")
        ) from None
    path: str = imageio_ffmpeg.get_ffmpeg_exe()
    return path


def command_line(args: Sequence[str], binary: str = "ffmpeg") -> str:
    """The exact command, quoted so it can be pasted into a shell."""
    return shlex.join([binary, *args])


def last_error_line(stderr: str) -> str:
    """The last stderr line that says something (ffmpeg ends with summary noise)."""
    noise = ("Conversion failed!", "Exiting normally", "")
    lines = [ln.strip() for ln in stderr.splitlines()]
    for line in reversed(lines):
        if line not in noise and not line.startswith("[out#") and not line.startswith("size="):
            return line
    return "ffmpeg failed without a message"


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Linux: end ffmpeg if the build that started it is killed (no orphaned encoders)."""
    try:
        libc = ctypes.CDLL(None)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def run_ffmpeg(
    args: Sequence[str],
    *,
    input_bytes: bytes | None = None,
    configured: str = "",
    timeout_s: float | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg with `args` (no binary name), returning its output; raise on failure.
    `on_progress` is called with the seconds of output written so far, as ffmpeg reports
    them (`-progress pipe:1`); its stdout is then the progress report, not returned."""
    binary = ffmpeg_binary(configured)
    full = ["-hide_banner", "-nostdin", *args] if input_bytes is None else ["-hide_banner", *args]
    if on_progress is not None:
        if input_bytes is not None or timeout_s is not None:
            raise ValueError("on_progress takes no input_bytes and no timeout_s")
        full = [*full[:2], "-progress", "pipe:1", *full[2:]]
        log.debug("running: %s", command_line(full, binary))
        return _run_reporting(binary, full, on_progress)
    log.debug("running: %s", command_line(full, binary))
    try:
        proc = subprocess.run(
            [binary, *full],
            input=input_bytes,
            capture_output=True,
            timeout=timeout_s,
            check=False,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
    except subprocess.TimeoutExpired:
        raise FFmpegError(
            _("ffmpeg took longer than {timeout_s} s and was stopped").format(timeout_s=timeout_s)
        ) from None
    except OSError as exc:
        raise FFmpegError(
            _("cannot run ffmpeg ({binary}): {strerror}").format(
                binary=binary, strerror=exc.strerror
            )
        ) from None
    if proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace")
        raise FFmpegError(_("ffmpeg failed: {stderr}").format(stderr=last_error_line(stderr)))
    return proc


def mp3_options(sample_rate_hz: int, bitrate_kbps: int) -> dict[str, str | int]:
    """ffmpeg-python output options of an MP3 per standards.md §8: MPEG-1 layer III at
    `sample_rate_hz`, mono, CBR `bitrate_kbps`, Info header (a real file only, G7), no ID3
    or metadata."""
    return {"acodec": "libmp3lame", "ac": 1, "ar": sample_rate_hz,
            "audio_bitrate": f"{bitrate_kbps}k", "write_xing": 1, "id3v2_version": 0,
            "write_id3v1": 0, "map_metadata": -1, "format": "mp3"}  # fmt: skip


_PIPE_BYTES = 1 << 20
_F_SETPIPE_SZ = 1031  # Linux fcntl


def _widen(pipe: IO[bytes] | None) -> None:
    """Linux: a 1 MiB pipe instead of 64 KiB, so the writer and ffmpeg do not take turns
    every few milliseconds (each side runs on while the other is busy); no-op elsewhere."""
    if pipe is None or sys.platform != "linux":
        return
    with contextlib.suppress(OSError):
        fcntl.fcntl(pipe.fileno(), _F_SETPIPE_SZ, _PIPE_BYTES)


class Piped:
    """One ffmpeg run fed through its stdin (when `feed`) and read through its stdout while it
    runs; stderr goes to a temporary file so no pipe can stall it. `finish()` closes stdin,
    waits and raises FFmpegError (ffmpeg's last error line) if it failed; `kill()` stops it."""

    def __init__(self, args: Sequence[str], *, feed: bool, configured: str = "") -> None:
        binary = ffmpeg_binary(configured)
        full = ["-hide_banner", "-nostats", *args] if feed else ["-hide_banner", "-nostdin",
                                                                "-nostats", *args]  # fmt: skip
        log.debug("running: %s", command_line(full, binary))
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed in finish() or kill()
        self._finished = False
        try:
            self.proc = subprocess.Popen(
                [binary, *full],
                stdin=subprocess.PIPE if feed else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=self._errors,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        except OSError as exc:
            self._errors.close()
            raise FFmpegError(
                _("cannot run ffmpeg ({binary}): {strerror}").format(
                    binary=binary, strerror=exc.strerror
                )
            ) from None
        for pipe in (self.proc.stdin, self.proc.stdout):
            _widen(pipe)

    def write(self, data: bytes) -> None:
        """Feed `data`; if ffmpeg has stopped, raise its own error."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(data)
        except (BrokenPipeError, ValueError):
            self.finish()
            raise FFmpegError(_("ffmpeg stopped reading its input")) from None

    def read(self, size: int) -> bytes:
        assert self.proc.stdout is not None
        return self.proc.stdout.read(size)

    def close_input(self) -> None:
        """End of input: ffmpeg finishes its work and closes its stdout."""
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self.proc.stdin.close()

    def finish(self) -> None:
        if self._finished:
            return
        self._finished = True
        self.close_input()
        returncode = self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._errors.seek(0)
        stderr = self._errors.read().decode("utf-8", "replace")
        self._errors.close()
        if returncode != 0:
            raise FFmpegError(_("ffmpeg failed: {stderr}").format(stderr=last_error_line(stderr)))

    def kill(self) -> None:
        if self._finished:
            return
        self._finished = True
        self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()
        self._errors.close()


def progress_seconds(line: str) -> float | None:
    """Seconds of output from one `-progress` line (`out_time_us=...`), None for the others
    (and for the `N/A` ffmpeg prints before the first packet)."""
    key, _, value = line.strip().partition("=")
    if key != "out_time_us":
        return None
    try:
        micros = int(value)
    except ValueError:
        return None
    return max(0.0, micros / 1_000_000)


def _run_reporting(
    binary: str, full: list[str], on_progress: Callable[[float], None]
) -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg reading its `-progress` lines as they come; stderr goes to a temporary
    file, so neither pipe can fill up and stall it."""
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(
                [binary, *full],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=errors,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        except OSError as exc:
            raise FFmpegError(
                _("cannot run ffmpeg ({binary}): {strerror}").format(
                    binary=binary, strerror=exc.strerror
                )
            ) from None
        with proc:
            assert proc.stdout is not None
            for raw in proc.stdout:
                seconds = progress_seconds(raw.decode("ascii", "replace"))
                if seconds is not None:
                    on_progress(seconds)
        errors.seek(0)
        stderr = errors.read()
    if proc.returncode != 0:
        raise FFmpegError(
            _("ffmpeg failed: {stderr}").format(
                stderr=last_error_line(stderr.decode("utf-8", "replace"))
            )
        )
    return subprocess.CompletedProcess([binary, *full], proc.returncode, b"", stderr)
