"""A small HTTP server on 127.0.0.1 that serves files with byte ranges and injects faults a
3G/4G link produces: a connection cut mid-file, a corrupted byte, 404, a slow trickle, a
manifest that disappears. Every request is logged for the tests to assert on."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Faults:
    files: dict[str, bytes] = field(default_factory=dict)  # path -> content
    cut: dict[str, int] = field(default_factory=dict)  # path -> full GETs to cut in half
    corrupt: dict[str, int] = field(default_factory=dict)  # path -> GETs with a flipped byte
    missing: set[str] = field(default_factory=set)  # paths answered 404
    slow: dict[str, float] = field(default_factory=dict)  # path -> seconds per 4 KB
    log: list[tuple[str, str | None]] = field(default_factory=list)  # (path, Range header)


class FaultServer:
    def __init__(self) -> None:
        self.faults = Faults()
        faults = self.faults

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path
                faults.log.append((path, self.headers.get("Range")))
                if path in faults.missing or path not in faults.files:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = faults.files[path]
                start = 0
                status = 200
                ranged = self.headers.get("Range")
                if ranged and ranged.startswith("bytes="):
                    start = int(ranged[6:].split("-")[0])
                    if start >= len(data):
                        self.send_response(416)
                        self.send_header("Content-Range", f"bytes */{len(data)}")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    status = 206
                body = data[start:]
                if faults.corrupt.get(path, 0) > 0:
                    faults.corrupt[path] -= 1
                    middle = len(body) // 2
                    body = body[:middle] + bytes([body[middle] ^ 0xFF]) + body[middle + 1 :]
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Accept-Ranges", "bytes")
                if status == 206:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.end_headers()
                if faults.cut.get(path, 0) > 0 and start == 0:
                    faults.cut[path] -= 1
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                delay = faults.slow.get(path)
                if delay:
                    for at in range(0, len(body), 4096):
                        self.wfile.write(body[at : at + 4096])
                        self.wfile.flush()
                        time.sleep(delay)
                else:
                    self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FaultServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def requests(self, path: str) -> list[str | None]:
        """The Range header of every request for `path`, in order (None: no Range)."""
        return [r for p, r in self.faults.log if p == path]
