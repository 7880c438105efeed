"""The build's threads share one malloc arena (master/arenas.py) once `phatthanh.master` is
imported: counted by glibc itself, through malloc_info's XML (one <heap> element per arena),
in a fresh interpreter that imports it or not (importing any of it runs the package's
__init__, so the interpreter that does not must not import phatthanh.master at all)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="glibc's mallopt is Linux's")

_PROBE = """
import ctypes, sys, tempfile, threading
import numpy as np
if sys.argv[1] == "shared":
    import phatthanh.master  # what every build imports before its threads start
    from phatthanh.master.arenas import share_one_arena
    assert share_one_arena.cache_info().currsize == 1  # asked at import, not later
def work(barrier):
    barrier.wait()  # all threads allocate at once, so none finds the main arena free
    for _ in range(200):
        buffers = [np.ones(50_000 + i) for i in range(8)]  # a few hundred KB each
        del buffers
barrier = threading.Barrier(4)
threads = [threading.Thread(target=work, args=(barrier,)) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
libc = ctypes.CDLL(None)
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = (ctypes.c_char_p, ctypes.c_char_p)
libc.malloc_info.argtypes = (ctypes.c_int, ctypes.c_void_p)
libc.fclose.argtypes = (ctypes.c_void_p,)
with tempfile.NamedTemporaryFile(suffix=".xml") as out:
    stream = libc.fopen(out.name.encode(), b"w")
    libc.malloc_info(0, stream)
    libc.fclose(stream)
    print(open(out.name).read().count("<heap nr="))
"""


def arenas(mode: str) -> int:
    result = subprocess.run([sys.executable, "-c", _PROBE, mode], capture_output=True,
                            text=True, check=True, timeout=120)  # fmt: skip
    return int(result.stdout.strip().splitlines()[-1])


def test_threads_share_one_arena_when_the_build_asks() -> None:
    if arenas("default") == 1:  # this C library gives threads no arenas of their own
        pytest.skip("threads got no arenas of their own here; nothing to limit")
    assert arenas("shared") == 1
