"""Files the stub keeps: the bytes of an upload, held once, and read back in chunks."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import weakref
from collections.abc import Iterator
from typing import IO

# Past this many bytes a file goes to a temporary file on disk, not memory.
SPILL = 8 * 1024 * 1024
CHUNK = 64 * 1024


def _remove(path: str) -> None:
    # Gone already, or still open where that forbids it (the finalizer tries again).
    with contextlib.suppress(OSError):
        os.unlink(path)


class Blob:
    """A file's bytes exactly as they came, written in chunks: in memory while small,
    then in a temporary file; read back in chunks by any number of readers at once."""

    def __init__(self, spill: int = SPILL) -> None:
        self.spill = spill
        self.size = 0
        self.kept = False  # a resource holds it: it outlives its request
        self.digest = hashlib.sha256()
        self._memory: bytearray | None = bytearray()
        self._path: str | None = None
        self._file: IO[bytes] | None = None

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        self.digest.update(chunk)
        if self._memory is not None:
            self._memory += chunk
            if len(self._memory) <= self.spill:
                return
            descriptor, self._path = tempfile.mkstemp(prefix="docs2sdk-stub-")
            # The file goes when the blob does (or the process ends), whoever drops it.
            weakref.finalize(self, _remove, self._path)
            self._file = os.fdopen(descriptor, "wb")
            self._file.write(self._memory)
            self._memory = None
            return
        assert self._file is not None, "written after close()"
        self._file.write(chunk)

    def close(self) -> None:
        """Writing is done: what was written can be read."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def chunks(self) -> Iterator[bytes]:
        """The bytes, a chunk at a time, from the start."""
        if self._memory is not None:
            view = memoryview(self._memory)
            for start in range(0, len(view), CHUNK):
                yield bytes(view[start : start + CHUNK])
            return
        assert self._path is not None
        with open(self._path, "rb") as stream:
            while chunk := stream.read(CHUNK):
                yield chunk

    def discard(self) -> None:
        """The bytes are no longer needed: their file is removed now, not later."""
        self._memory = bytearray() if self._memory is not None else None
        if self._path is not None:
            self.close()
            _remove(self._path)
