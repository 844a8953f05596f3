"""A loopback HTTP server that moves files of any size without holding them.

A request with a body is an upload: the body (framed by Content-Length or chunked) is
written to a file named by the request's ``path`` header (else its URL path), and the
answer (204) tells what arrived: ``x-received-length``, ``x-received-sha256`` and
``x-received-framing`` (``length`` or ``chunked``). A request without a body is a
download: the file named by ``path`` is sent back, or, for ``pattern:N``, N bytes
counting 0 to 255 over and over; as ``x-answer-type`` asks (application/octet-stream by
default). Run on its own (``python tests/file_server.py``), it prints its URL and
serves until it is stopped; in a test, ``scripted_server.serving(FileServer(root))``.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

CHUNK = 1024 * 1024
PATTERN = bytes(range(256)) * (CHUNK // 256)


def pattern(size: int) -> Iterator[bytes]:
    """``size`` bytes counting 0 to 255 over and over, in chunks."""
    for start in range(0, size, CHUNK):
        yield PATTERN[: min(CHUNK, size - start)]


def pattern_bytes(size: int) -> bytes:
    return b"".join(pattern(size))


class FileServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.root = root

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def file(self, name: str) -> Path:
        return self.root / quote(name, safe="")


class _Handler(BaseHTTPRequestHandler):
    server: FileServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without this, delayed ACKs add 40 ms.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self) -> None:
        name = self.headers.get("path") or self.path.partition("?")[0]
        chunked = "chunked" in self.headers.get("transfer-encoding", "").lower()
        length = int(self.headers.get("content-length") or 0)
        if chunked or length:
            self._receive(name, self._chunked() if chunked else self._sized(length), chunked)
        else:
            self._send(name)

    def _sized(self, length: int) -> Iterator[bytes]:
        while length:
            chunk = self.rfile.read(min(CHUNK, length))
            if not chunk:
                raise ConnectionError("the body ended early")
            length -= len(chunk)
            yield chunk

    def _chunked(self) -> Iterator[bytes]:
        while True:
            size = int(self.rfile.readline().split(b";")[0], 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return
            yield from self._sized(size)
            self.rfile.readline()  # the CRLF after the chunk

    def _receive(self, name: str, chunks: Iterator[bytes], chunked: bool) -> None:
        digest = hashlib.sha256()
        size = 0
        with open(self.server.file(name), "wb") as file:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                file.write(chunk)
        self.send_response(204)
        self.send_header("x-received-length", str(size))
        self.send_header("x-received-sha256", digest.hexdigest())
        self.send_header("x-received-framing", "chunked" if chunked else "length")
        self.send_header("content-length", "0")
        self.end_headers()

    def _send(self, name: str) -> None:
        media_type = self.headers.get("x-answer-type", "application/octet-stream")
        if name.startswith("pattern:"):
            size = int(name.removeprefix("pattern:"))
            chunks: Iterator[bytes] = pattern(size)
        else:
            stored = self.server.file(name)
            if not stored.exists():
                self.send_error(404)
                return
            size = stored.stat().st_size
            chunks = _read(stored)
        self.send_response(200)
        self.send_header("content-type", media_type)
        self.send_header("content-length", str(size))
        self.end_headers()
        for chunk in chunks:
            self.wfile.write(chunk)

    do_GET = do_POST = do_PUT = _answer


def _read(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as file:
        yield from iter(lambda: file.read(CHUNK), b"")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--root", type=Path, help="where uploads go (a new temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        server = FileServer(args.root or Path(scratch))
        print(server.url, flush=True)
        with suppress(KeyboardInterrupt):
            server.serve_forever()


if __name__ == "__main__":
    main()
