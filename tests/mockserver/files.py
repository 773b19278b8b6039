"""A real HTTP server for files built during a test (WARC files to import), in a thread.

`/<name>` serves a file with its Content-Length; `/chunked/<name>` sends it chunked, without a
length, as a streaming server does; `/paused/<name>` sends the first half, then waits until the
test calls `release()` (or 60 s) before sending the rest: a client that loads a file whole
before using it cannot get past the pause, one that streams can.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

PAUSE_LIMIT_S = 60.0


class FileHandler(BaseHTTPRequestHandler):
    """Serves the files of `root`, plain, chunked or paused halfway."""

    protocol_version = "HTTP/1.1"
    root: ClassVar[Path]
    released: ClassVar[threading.Event]
    paused_at: ClassVar[threading.Event]  # set once a paused answer has sent its first half

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        mode, _, name = self.path.lstrip("/").rpartition("/")
        path = self.root / name
        if not path.is_file() or "/" in name or ".." in name:
            self.send_error(404)
            return
        data = path.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/warc")
        if mode == "chunked":
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(data), 8192):
                piece = data[start:start + 8192]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
            return
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if mode == "paused":
            half = len(data) // 2
            self.wfile.write(data[:half])
            self.wfile.flush()
            self.paused_at.set()
            self.released.wait(PAUSE_LIMIT_S)
            self.wfile.write(data[half:])
            return
        self.wfile.write(data)


class FileServer:
    """A running file server: its base URL, and the pause of `/paused/` answers."""

    def __init__(self, server: ThreadingHTTPServer, handler: type[FileHandler]) -> None:
        self._server = server
        self._handler = handler
        host, port = server.server_address[:2]
        self.url = f"http://{host!s}:{port}"

    @property
    def paused(self) -> threading.Event:
        """Set once a paused answer has sent the first half of its file."""
        return self._handler.paused_at

    def release(self) -> None:
        """Let paused answers send the rest of their file."""
        self._handler.released.set()


@contextmanager
def file_server(root: Path) -> Iterator[FileServer]:
    """Serve the files in `root` on 127.0.0.1 (a free port) while the block runs."""
    handler = type("Handler", (FileHandler,), {
        "root": root, "released": threading.Event(), "paused_at": threading.Event()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield FileServer(server, handler)
    finally:
        handler.released.set()
        server.shutdown()
        server.server_close()
