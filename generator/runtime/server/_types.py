"""What the stub's parts hand each other: answers, resources, collections, operations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._blobs import Blob

# Retry tokens and fault counters remembered, oldest forgotten first.
MEMORY = 100_000


class Missing:
    """No value: a field that is left out."""


MISSING = Missing()


@dataclass
class Result:
    """What an operation answers, before it becomes an HTTP response."""

    status: int
    # A JSON value; bytes, or a stored file's Blob, for other media types; None for no body.
    body: Any = None
    media_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Resource:
    data: dict[str, Any]
    serial: int  # tells apart a resource from an earlier one with the same id; orders them
    version: int = 1
    # The lifecycle step it takes on its own: (field, next state, when, by time.monotonic)
    pending: tuple[str, Any, float] | None = None
    content: Blob | None = None  # the file it is, for a collection of files

    @property
    def etag(self) -> str:
        return f"{self.serial}-{self.version}"


@dataclass(frozen=True)
class Lifecycle:
    field: str
    initial: str  # where a new item starts
    settled: str  # where it ends up on its own


@dataclass(frozen=True)
class Unique:
    field: str
    within: tuple[str, ...]  # fields whose equal values make the scope
    ignore_case: bool


@dataclass(frozen=True)
class Collection:
    path: str
    params: tuple[str, ...]  # the collection path's parameters, in order
    id_param: str | None
    id_field: str | None
    schema: dict[str, Any] | None  # what an item holds
    summary: dict[str, Any] | None = None  # what a list shows of it, where that differs
    parents: tuple[str, ...] = ()  # the collections whose items this one is under
    server_fields: frozenset[str] = frozenset()  # the stub sets them, never a client
    created_times: tuple[str, ...] = ()
    updated_times: tuple[str, ...] = ()
    lifecycle: Lifecycle | None = None
    unique: tuple[Unique, ...] = ()
    keeps_children: bool = False  # deleting an item with children is refused (409)
    content: str | None = None  # items are files, read in this media type
    name_field: str | None = None  # holds the last part of a path-named item's id


@dataclass(frozen=True)
class Filter:
    parameter: str
    field: str
    how: str  # equals | contains | under | ge | gt | le | lt
    ignore_case: bool


@dataclass(frozen=True)
class Files:
    """An action that moves files of a collection under its resource."""

    collection: str
    parameter: str  # the parameter that names the file
    where: str  # where that parameter is: header or query
    how: str  # upload | download | delete


@dataclass(frozen=True)
class Operation:
    name: str
    kind: str  # create | read | replace | merge | delete | list | action
    status: int
    parameters: list[dict[str, Any]]
    body: dict[str, Any] | None
    response: dict[str, Any] | None
    collection: Collection | None
    error_media_type: str | None  # where the pages document errors in another type than JSON
    owners: tuple[Collection, ...] = ()  # the collections whose items the path names
    list_field: str | None = None
    list_item: dict[str, Any] | None = None
    filters: tuple[Filter, ...] = ()
    sorts: dict[str, tuple[str, bool]] = field(default_factory=dict)  # value -> field, desc
    id_from: tuple[str, str] | None = None  # create: (where, name) of the new item's id
    on_item: bool = False  # action: on the item its path names, not on a collection
    states: tuple[str, str] | None = None  # action: the state it moves to, then settles in
    files: Files | None = None

    @property
    def file_body(self) -> bool:
        """Whether the request body is a file, kept as its bytes."""
        return self.body is not None and not self.body["json"]


@dataclass
class Arguments:
    """A request's query and header parameters, as the values their schemas describe."""

    query: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, Any] = field(default_factory=dict)

    def get(self, where: str, name: str) -> Any:
        return (self.query if where == "query" else self.headers).get(name)


def remember(table: dict[Any, Any], key: Any, value: Any) -> None:
    table[key] = value
    if len(table) > MEMORY:
        del table[next(iter(table))]
