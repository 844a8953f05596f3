"""Schemas as the stub server reads them: the model's, with the words a check needs.

The generate stage writes them into the stub's description; the scrape checks the
pages' examples against them, with the stub's own checker, so that it reports exactly
the examples the stub will not serve.
"""

from __future__ import annotations

import re
from typing import Any

from .model import Schema

# Schema keys the server has no use for: they only make the description bigger.
_DOC_KEYS = frozenset({"title", "description", "labels", "page"})
_NESTED_KEYS = frozenset(
    {"properties", "items", "additional_properties", "all_of", "one_of", "any_of"}
)
_AT_MOST = re.compile(r"\bAt most (\d+) characters\b", flags=re.IGNORECASE)


def schema_data(schema: Schema) -> dict[str, Any]:
    """A schema as the server reads it: JSON Schema words in snake_case, no prose, with
    the limits the prose states ("At most 255 characters") as the words say them."""
    data = schema.model_dump(exclude_none=True, exclude=set(_DOC_KEYS | _NESTED_KEYS))
    if schema.max_length is None and schema.description:
        at_most = _AT_MOST.search(schema.description)
        if at_most:
            data["max_length"] = int(at_most[1])
    if schema.properties is not None:
        data["properties"] = {name: schema_data(p) for name, p in schema.properties.items()}
    if schema.items is not None:
        data["items"] = schema_data(schema.items)
    if isinstance(schema.additional_properties, Schema):
        data["additional_properties"] = schema_data(schema.additional_properties)
    elif schema.additional_properties is not None:
        data["additional_properties"] = schema.additional_properties
    for key in ("all_of", "one_of", "any_of"):
        members: list[Schema] | None = getattr(schema, key)
        if members is not None:
            data[key] = [schema_data(m) for m in members]
    return data
