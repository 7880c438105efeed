"""`phatthanh serve` in its own process, for tests that need the real command on a port."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def serving(toml: Path, port: int) -> Iterator[str]:
    """Run `phatthanh serve --port PORT --config TOML` until the block ends; yields its URL
    once it accepts connections."""
    server = subprocess.Popen(
        [sys.executable, "-m", "phatthanh", "serve", "--port", str(port), "--config", str(toml)],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)
