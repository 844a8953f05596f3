"""What the stub's parts hand each other: answers, resources, collections, operations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Retry tokens and fault counters remembered, oldest forgotten first.
MEMORY = 100_000


class Missing:
    """No value: a field that is left out."""


MISSING = Missing()


@dataclass
class Result:
    """What an operation answers, before it becomes an HTTP response."""

    status: int
    body: Any = None  # a JSON value, or bytes for other media types; None for no body
    media_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Resource:
    data: dict[str, Any]
    serial: int  # tells apart a resource from an earlier one with the same id
    version: int = 1
    # The lifecycle step it takes on its own: (field, next state, when, by time.monotonic)
    pending: tuple[str, Any, float] | None = None

    @property
    def etag(self) -> str:
        return f"{self.serial}-{self.version}"


@dataclass(frozen=True)
class Collection:
    path: str
    params: tuple[str, ...]  # the collection path's parameters, in order
    id_param: str | None
    id_field: str | None
    schema: dict[str, Any] | None  # what an item holds


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
    list_field: str | None
    list_item: dict[str, Any] | None
    filters: tuple[tuple[str, str, str], ...]  # (query parameter, field, equals | contains)


def remember(table: dict[Any, Any], key: Any, value: Any) -> None:
    table[key] = value
    if len(table) > MEMORY:
        del table[next(iter(table))]
