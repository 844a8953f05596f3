"""Responses read as they arrive: a file of any size, never held whole.

The ``..._stream`` methods of the clients give one of these in a ``with`` block; the
connection is released when the block ends.
"""

from __future__ import annotations

import io
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Protocol

import httpx

from ._runtime import HeaderFacts
from .errors import ApiConnectionError, ApiTimeoutError


class BinaryWriter(Protocol):
    """An open binary file to write to: ``open(path, "wb")``, ``io.BytesIO``."""

    def write(self, data: bytes, /) -> int | None: ...


def _open_new(path: str | os.PathLike[str]) -> io.BufferedWriter:
    """``path`` opened to be written, which must not exist yet: a file of the caller's
    is never overwritten."""
    try:
        return open(path, "xb")
    except FileExistsError:
        raise FileExistsError(
            f"{os.fspath(path)!r} exists: a download never overwrites a file"
        ) from None


class StreamedResponse(HeaderFacts):
    """A successful response whose body is read as it arrives.

    ``status_code``, ``headers``, ``etag`` and ``request_id`` are known at once; read
    the body once, with ``iter_bytes()``, ``write_to()`` or ``read()``. Its bytes are
    exactly those the server sent (after any ``Content-Encoding`` is undone).
    """

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body, chunk by chunk as it arrives (or in ``chunk_size`` pieces)."""
        with _body_errors(self.response):
            yield from self.response.iter_bytes(chunk_size)

    def read(self) -> bytes:
        """The whole body, held in memory: for small files."""
        with _body_errors(self.response):
            return self.response.read()

    def write_to(self, target: str | os.PathLike[str] | BinaryWriter) -> int:
        """Write the body to ``target`` as it arrives, and return how many bytes.

        ``target`` is an open binary file, or a path to a new file: a path that exists
        raises ``FileExistsError``, and a file this made is removed again when the
        download fails part way.
        """
        if not isinstance(target, (str, os.PathLike)):
            return _write(self.iter_bytes(), target)
        with _open_new(target) as file:
            try:
                return _write(self.iter_bytes(), file)
            except BaseException:
                os.unlink(target)
                raise


class AsyncStreamedResponse(HeaderFacts):
    """``StreamedResponse`` for the async client: read with ``aiter_bytes()``,
    ``await write_to()`` or ``await read()``."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers

    async def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body, chunk by chunk as it arrives (or in ``chunk_size`` pieces)."""
        with _body_errors(self.response):
            async for chunk in self.response.aiter_bytes(chunk_size):
                yield chunk

    async def read(self) -> bytes:
        """The whole body, held in memory: for small files."""
        with _body_errors(self.response):
            return await self.response.aread()

    async def write_to(self, target: str | os.PathLike[str] | BinaryWriter) -> int:
        """``StreamedResponse.write_to``: the file is written in the event loop, chunk by
        chunk."""
        if not isinstance(target, (str, os.PathLike)):
            return await _async_write(self.aiter_bytes(), target)
        with _open_new(target) as file:
            try:
                return await _async_write(self.aiter_bytes(), file)
            except BaseException:
                os.unlink(target)
                raise


@contextmanager
def _body_errors(response: httpx.Response) -> Iterator[None]:
    """A body that stops arriving raises ``ApiTimeoutError`` or ``ApiConnectionError``,
    as a call that gets no answer does."""
    where = f"{response.request.method} {response.request.url}"
    try:
        yield
    except httpx.TimeoutException as error:
        raise ApiTimeoutError(f"{where}: the body stopped arriving in time") from error
    except httpx.RequestError as error:
        reason = str(error) or type(error).__name__
        raise ApiConnectionError(f"{where}: {reason}, part way through the body") from error


def _write(chunks: Iterator[bytes], file: BinaryWriter) -> int:
    written = 0
    for chunk in chunks:
        file.write(chunk)
        written += len(chunk)
    return written


async def _async_write(chunks: AsyncIterator[bytes], file: BinaryWriter) -> int:
    written = 0
    async for chunk in chunks:
        file.write(chunk)
        written += len(chunk)
    return written
