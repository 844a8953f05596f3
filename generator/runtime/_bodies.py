"""What a request carries: JSON written as pydantic writes it, parameters as text, and
files of any size, streamed.

A file body (``bytes``, an open binary file, a ``pathlib.Path`` or an iterator of bytes)
is sent as it is read, never held whole; anything else given as one is refused with a
``TypeError`` before a byte is sent, never sent as its text.
"""

from __future__ import annotations

import io
import itertools
import math
import os
import sys
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping
from datetime import date, datetime, time, timezone
from enum import Enum
from typing import IO, Any, Protocol, TypeAlias

# Bytes read from a file per chunk sent: large enough that Python's own work per chunk
# is small next to the socket's, small enough to hold nothing of note.
CHUNK_SIZE = 256 * 1024


class BinaryReader(Protocol):
    """An open binary file, or anything read the same way: ``open(path, "rb")``,
    ``io.BytesIO``, a socket's file."""

    def read(self, size: int, /) -> bytes: ...


# What an upload takes; the async client also takes an async iterator of bytes.
FileBody: TypeAlias = (
    bytes | bytearray | memoryview | BinaryReader | os.PathLike[str] | Iterable[bytes]
)
AsyncFileBody: TypeAlias = FileBody | AsyncIterable[bytes]


def json_body(value: Any, where: str) -> bytes:
    """The JSON text of a request body, written the way pydantic writes JSON.

    Models (anywhere: the body itself, or inside dicts and lists) by their JSON names,
    with only the fields that were set; datetimes in RFC 3339, a naive datetime taken
    as UTC (``2024-01-02T03:04:05Z``); ``Decimal`` as pydantic writes it, a string of its
    exact digits; sets, frozensets and tuples as arrays; enums as their values. NaN,
    infinities and values JSON has no form for are refused with a ``TypeError`` naming
    ``where``, before anything is sent.
    """
    from pydantic_core import PydanticSerializationError, to_json

    try:
        return to_json(_plain(value, where))
    except PydanticSerializationError as error:
        raise TypeError(f"{where}: cannot be sent as JSON: {error}") from None


def jsonable(value: Any) -> Any:
    """``value`` as JSON-compatible Python (dicts, lists, str, numbers), as ``json_body``
    writes it."""
    from pydantic_core import to_jsonable_python

    return to_jsonable_python(_plain(value, "the value"))


def _plain(value: Any, where: str) -> Any:
    """``value`` with its models made dicts of JSON names and its naive datetimes UTC,
    for pydantic to write; pydantic writes everything else as it is."""
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TypeError(f"{where}: {value} has no JSON form")
        return value
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    if isinstance(value, Mapping):
        return {key: _plain(item, where) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(item, where) for item in value]
    pydantic = sys.modules.get("pydantic")  # no model exists before pydantic is loaded
    if pydantic is not None and isinstance(value, pydantic.BaseModel):
        return _plain(value.model_dump(by_alias=True, exclude_unset=True), where)
    return value


def rfc3339(value: datetime) -> str:
    """A datetime as RFC 3339 text, as pydantic writes it; a naive one is taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    text = value.isoformat()
    return text[: -len("+00:00")] + "Z" if text.endswith("+00:00") else text


def parameter_text(value: Any, where: str) -> str:
    """A path, query, header or form value as the text sent: ``true``/``false``,
    datetimes in RFC 3339 (naive ones as UTC), enums as their values."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return rfc3339(value)
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, Enum):
        return parameter_text(value.value, where)
    if isinstance(value, (bytes, bytearray, memoryview, os.PathLike)) or hasattr(value, "read"):
        raise TypeError(f"{where}: a {type(value).__name__} is not a parameter value")
    return str(value)


class Upload:
    """A file body, ready to be sent and, where it can be, sent again.

    Bytes and a path can be sent any number of times, a seekable file from where it
    stood when given; an unseekable file or an iterator only until its first byte is
    read, so a request that read from one is not retried.
    """

    def __init__(self, body: Any, where: str, *, asynchronous: bool = False) -> None:
        self._where = where
        self._bytes: bytes | None = None
        self._path: os.PathLike[str] | None = None
        self._file: Any = None  # a BinaryReader, which may also seek
        self._chunks: Iterator[bytes] | AsyncIterator[bytes] | None = None
        self._start: int | None = None  # where a seekable file starts
        self._started = False  # whether a single-use source was read from
        self.length: int | None = None  # the body's size in bytes, when known
        if isinstance(body, (bytes, bytearray, memoryview)):
            self._bytes = bytes(body)
            self.length = len(self._bytes)
        elif isinstance(body, str):
            raise TypeError(
                f"{where} takes a file's content, not a str: encode text "
                "(body=text.encode()), or give a file's path as pathlib.Path(...)"
            )
        elif isinstance(body, os.PathLike):
            self._path = body
            self.length = os.stat(body).st_size
        elif hasattr(body, "read"):
            mode = getattr(body, "mode", "b")
            if isinstance(body, io.TextIOBase) or (isinstance(mode, str) and "b" not in mode):
                raise TypeError(f"{where} takes a file opened in binary mode ('rb'), not text")
            self._file = body
            self._start, self.length = _position_and_size(body)
        elif isinstance(body, AsyncIterable):
            if not asynchronous:
                raise TypeError(f"{where}: an async iterator is taken only as AsyncClient's body")
            self._chunks = aiter(body)
        elif isinstance(body, Iterable) and not isinstance(body, Mapping):
            # The first chunk is looked at now: an iterator of text is refused unsent.
            chunks = iter(body)
            first = next(chunks, None)
            self._chunks = itertools.chain([] if first is None else [self._chunk(first)], chunks)
        else:
            raise TypeError(
                f"{where} takes bytes, an open binary file, a pathlib.Path or an iterator "
                f"of bytes, not {type(body).__name__}"
            )

    @property
    def replayable(self) -> bool:
        """Whether the whole body can be sent (again) from its start."""
        return self._bytes is not None or self._path is not None or self._start is not None

    def rewind(self) -> bool:
        """Make the next send start from the beginning; False when it cannot."""
        if self._start is not None:
            self._file.seek(self._start)
            return True
        return self.replayable or not self._started

    def content(self) -> bytes | Iterator[bytes]:
        """What one send of the body reads."""
        if self._bytes is not None:
            return self._bytes
        if isinstance(self._chunks, AsyncIterator):
            raise TypeError(f"{self._where}: an async iterator is taken only as AsyncClient's body")
        return self._checked(self._read())

    def async_content(self) -> bytes | AsyncIterator[bytes]:
        """``content`` for the async client: the same, read in its event loop."""
        if self._bytes is not None:
            return self._bytes
        if isinstance(self._chunks, AsyncIterator):
            return self._async_checked(self._chunks)
        return self._async_checked(_as_async(self._read()))

    def _read(self) -> Iterator[bytes]:
        if self._path is not None:
            with open(self._path, "rb") as file:
                yield from _file_chunks(file)
        elif self._file is not None:
            yield from _file_chunks(self._file)
        elif isinstance(self._chunks, Iterator):
            yield from self._chunks

    def _checked(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            self._started = True
            yield self._chunk(chunk)

    async def _async_checked(self, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        async for chunk in chunks:
            self._started = True
            yield self._chunk(chunk)

    def _chunk(self, chunk: Any) -> bytes:
        if isinstance(chunk, (bytes, bytearray, memoryview)):
            return bytes(chunk)
        raise TypeError(f"{self._where}: the file gave a {type(chunk).__name__}, not bytes")

    def reader(self) -> IO[bytes]:
        """The body as a file to read, for a multipart form's field."""
        if self._bytes is not None:
            return io.BytesIO(self._bytes)
        return io.BufferedReader(_ChunkReader(self.content()), CHUNK_SIZE)

    def file_name(self, fallback: str) -> str:
        """The name a multipart form gives the file."""
        name = self._path if self._path is not None else getattr(self._file, "name", None)
        return os.path.basename(name) if isinstance(name, (str, os.PathLike)) else fallback


def _position_and_size(file: Any) -> tuple[int | None, int | None]:
    """Where a seekable file stands and how many bytes are left from there; (None,
    None) for a file that cannot seek, which is read once, as it comes."""
    try:
        if not file.seekable():
            return None, None
        start = file.tell()
        end = file.seek(0, os.SEEK_END)
        file.seek(start)
    except (AttributeError, OSError):
        return None, None
    return start, max(0, end - start)


def _file_chunks(file: BinaryReader) -> Iterator[bytes]:
    while chunk := file.read(CHUNK_SIZE):
        yield chunk


async def _as_async(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    # Reads from a local file are short: done in the event loop, chunk by chunk.
    for chunk in chunks:
        yield chunk


class _ChunkReader(io.RawIOBase):
    """Chunks read as a file: what httpx reads a multipart form's file from."""

    def __init__(self, chunks: bytes | Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = iter([chunks]) if isinstance(chunks, bytes) else chunks
        self._chunk = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._chunk:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._chunk = memoryview(chunk)
        size = min(len(buffer), len(self._chunk))
        buffer[:size] = self._chunk[:size]
        self._chunk = self._chunk[size:]
        return size
