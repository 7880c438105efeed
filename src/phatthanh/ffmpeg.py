"""The only door to ffmpeg.

The binary is found lazily (never at import): the one named in the config (`use_ffmpeg`,
called once when a build starts, so every run below honours `[master] ffmpeg`), else
`PHATTHANH_FFMPEG`, else the static build the `imageio-ffmpeg` wheel ships. Every run is
logged at debug level as a copyable command line; a failure raises FFmpegError whose
message is ffmpeg's last meaningful stderr line.
"""

from __future__ import annotations

import ctypes
import logging
import os
import shlex
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence
from functools import lru_cache

from phatthanh.errors import FFmpegError

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
                f"ffmpeg '{name}' not found; fix [master] ffmpeg in the config or leave it empty"
            )
        return found
    try:
        import imageio_ffmpeg
    except ImportError:  # pragma: no cover - it is a declared dependency
        raise FFmpegError("imageio-ffmpeg is not installed; reinstall phatthanh with pip") from None
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
) -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg with `args` (no binary name), returning its output; raise on failure."""
    binary = ffmpeg_binary(configured)
    full = ["-hide_banner", "-nostdin", *args] if input_bytes is None else ["-hide_banner", *args]
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
        raise FFmpegError(f"ffmpeg took longer than {timeout_s} s and was stopped") from None
    except OSError as exc:
        raise FFmpegError(f"cannot run ffmpeg ({binary}): {exc.strerror}") from None
    if proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace")
        raise FFmpegError(f"ffmpeg failed: {last_error_line(stderr)}")
    return proc
