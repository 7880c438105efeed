"""One malloc arena for the build's threads (glibc), so their freed buffers are reused.

glibc gives each new thread that finds the main arena busy an arena of its own (up to 8 per
core), and memory freed in one arena is only reused by threads allocating there. Mastering's
calibration and verification threads allocate numpy buffers of a few hundred kilobytes to a
few megabytes while the main thread holds the program's levels: with an arena each, a
63-minute warm build peaked at 155-157 MB of RSS; with one, asked for when `phatthanh.master`
is imported (before any thread starts), at 128-131 MB (the child of benchmarks/
bench_master.py memory, twice each, 2026-11-26; MALLOC_ARENA_MAX=1 gave 134). The
threads mostly wait on libmpg123 and numpy, which hold no malloc lock while they compute, so
sharing the arena costs no measurable time. `mallopt(M_ARENA_MAX)` is what MALLOC_ARENA_MAX
sets at start-up; set at run time it applies to threads that get an arena afterwards.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import sys

log = logging.getLogger(__name__)
M_ARENA_MAX = -8  # glibc's malloc.h


@functools.cache
def share_one_arena() -> bool:
    """Ask glibc for one malloc arena for all threads; False where that cannot be asked (not
    Linux, or a C library without mallopt, such as musl's)."""
    if sys.platform != "linux":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    done = bool(mallopt(M_ARENA_MAX, 1))
    log.debug("malloc arenas limited to one: %s", done)
    return done
