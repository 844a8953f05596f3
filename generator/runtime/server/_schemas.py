"""The API's schemas: resolving names, and checking request values against them."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from ._errors import Invalid

_TYPE_NAMES = {
    "string": "a string",
    "file": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "object": "an object",
    "array": "an array",
    "null": "null",
}


def join_key(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def show(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


class Schemas:
    """The named schemas, and what checking and filling ask of any schema."""

    def __init__(self, named: dict[str, Any]) -> None:
        self.named = named
        self._properties: dict[int, tuple[dict[str, Any], frozenset[str]]] = {}

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        seen: set[str] = set()
        while "ref" in schema and schema["ref"] not in seen:
            seen.add(schema["ref"])
            schema = self.named[schema["ref"]]
        return schema

    def properties(self, schema: dict[str, Any]) -> tuple[dict[str, Any], frozenset[str]]:
        """Own and ``all_of`` members' properties, and the required names among them."""
        schema = self.resolve(schema)
        cached = self._properties.get(id(schema))
        if cached is not None:
            return cached
        props: dict[str, Any] = {}
        required: set[str] = set()
        self._properties[id(schema)] = (props, frozenset())  # a cycle sees no more
        for member in schema.get("all_of", ()):
            member_props, member_required = self.properties(member)
            props.update(member_props)
            required |= member_required
        props.update(schema.get("properties", {}))
        required |= set(schema.get("required", ()))
        result = (props, frozenset(required))
        self._properties[id(schema)] = result
        return result

    def types(self, schema: dict[str, Any]) -> list[str]:
        if "type" in schema:
            return [t.strip() for t in str(schema["type"]).split("|")]
        if "properties" in schema or "all_of" in schema:
            return ["object"]
        if "items" in schema:
            return ["array"]
        return []

    def is_object(self, schema: dict[str, Any]) -> bool:
        return "object" in self.types(schema)


class Checker:
    """Checks request values against their schemas; failures name the field."""

    def __init__(self, schemas: Schemas) -> None:
        self.schemas = schemas

    def check(self, value: Any, schema: dict[str, Any], where: str) -> None:
        nullable = bool(schema.get("nullable"))
        schema = self.schemas.resolve(schema)
        types = self.schemas.types(schema)
        if value is None:
            if nullable or schema.get("nullable") or "null" in types:
                return
            raise Invalid(where, "must not be null")
        enum = schema.get("enum")
        if enum is not None and value not in enum:
            allowed = ", ".join(show(v) for v in enum)
            raise Invalid(where, f"must be one of {allowed}, got {show(value)}")
        for member in schema.get("all_of", ()):
            self.check(value, member, where)
        options = schema.get("one_of") or schema.get("any_of")
        if options:
            self._check_options(value, options, where)
        if types and not any(_is_type(value, t) for t in types):
            expected = " or ".join(_TYPE_NAMES.get(t, t) for t in types)
            raise Invalid(where, f"must be {expected}, got {show(value)}")
        if isinstance(value, str):
            self._check_string(value, schema, where)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            _check_range(value, schema, where)
        elif isinstance(value, list):
            self._check_array(value, schema, where)
        elif isinstance(value, dict):
            self._check_object(value, schema, where)

    def _check_options(self, value: Any, options: list[dict[str, Any]], where: str) -> None:
        first: Invalid | None = None
        for option in options:
            try:
                self.check(value, option, where)
            except Invalid as exc:
                first = first or exc
            else:
                return
        if first is not None:
            raise first

    def _check_string(self, value: str, schema: dict[str, Any], where: str) -> None:
        if len(value) < schema.get("min_length", 0):
            raise Invalid(where, f"must be at least {schema['min_length']} characters long")
        if "max_length" in schema and len(value) > schema["max_length"]:
            raise Invalid(where, f"must be at most {schema['max_length']} characters long")
        pattern = schema.get("pattern")
        if pattern is not None:
            try:
                matched = re.search(pattern, value) is not None
            except re.error:
                matched = True  # a pattern Python cannot read is not the caller's fault
            if not matched:
                raise Invalid(where, f"must match the pattern {pattern!r}")
        if schema.get("format") == "date-time":
            try:
                datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                raise Invalid(where, f"must be a date-time, got {show(value)}") from None

    def _check_array(self, value: list[Any], schema: dict[str, Any], where: str) -> None:
        if len(value) < schema.get("min_items", 0):
            raise Invalid(where, f"must have at least {schema['min_items']} items")
        if "max_items" in schema and len(value) > schema["max_items"]:
            raise Invalid(where, f"must have at most {schema['max_items']} items")
        if schema.get("unique_items"):
            texts = [json.dumps(v, sort_keys=True) for v in value]
            if len(set(texts)) != len(texts):
                raise Invalid(where, "must not repeat items")
        items = schema.get("items")
        if items is not None:
            for i, item in enumerate(value):
                self.check(item, items, f"{where}[{i}]")

    def _check_object(self, value: dict[str, Any], schema: dict[str, Any], where: str) -> None:
        props, required = self.schemas.properties(schema)
        missing = sorted(required - value.keys())
        if missing:
            raise Invalid(join_key(where, missing[0]), "is required")
        extra = schema.get("additional_properties")
        for name, item in value.items():
            if name in props:
                # Clients send null for an optional field they mean to leave unset.
                if item is not None or name in required:
                    self.check(item, props[name], join_key(where, name))
            elif extra is False:
                raise Invalid(join_key(where, name), "is not a documented field")
            elif isinstance(extra, dict):
                self.check(item, extra, join_key(where, name))

    def without_nulls(self, value: Any, schema: dict[str, Any]) -> Any:
        """A checked value with the optional fields sent as null left out: a client
        sends null for a field it means to leave unset."""
        schema = self.schemas.resolve(schema)
        if isinstance(value, list) and "items" in schema:
            return [self.without_nulls(item, schema["items"]) for item in value]
        if not isinstance(value, dict) or not self.schemas.is_object(schema):
            return value
        props, required = self.schemas.properties(schema)
        return {
            name: self.without_nulls(item, props[name]) if name in props else item
            for name, item in value.items()
            if item is not None or name in required or self._nullable(props.get(name))
        }

    def _nullable(self, schema: dict[str, Any] | None) -> bool:
        if schema is None:
            return True  # an undocumented field: kept as sent
        schema = self.schemas.resolve(schema)
        return bool(schema.get("nullable")) or "null" in self.schemas.types(schema)

    def convert(self, raw: str | list[str], schema: dict[str, Any], where: str) -> Any:
        """A parameter's text as the value its schema describes."""
        schema = self.schemas.resolve(schema)
        types = self.schemas.types(schema)
        if "array" in types:
            texts = raw if isinstance(raw, list) else [raw]
            items = schema.get("items") or {}
            return [self.convert(t, items, f"{where}[{i}]") for i, t in enumerate(texts)]
        text = raw[0] if isinstance(raw, list) else raw
        if "string" in types or not types:
            if schema.get("ignore_case"):  # "The state value is case-insensitive"
                folded = text.casefold()
                enum = schema.get("enum") or ()
                return next((v for v in enum if str(v).casefold() == folded), text)
            return text
        if "integer" in types:
            try:
                return int(text)
            except ValueError:
                raise Invalid(where, f"must be an integer, got {text!r}") from None
        if "number" in types:
            try:
                return float(text)
            except ValueError:
                raise Invalid(where, f"must be a number, got {text!r}") from None
        if "boolean" in types:
            if text.lower() not in ("true", "false"):
                raise Invalid(where, f"must be true or false, got {text!r}")
            return text.lower() == "true"
        return text


def _is_type(value: Any, type_: str) -> bool:
    if type_ in ("string", "file"):
        return isinstance(value, str)
    if type_ == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_ == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if type_ == "boolean":
        return isinstance(value, bool)
    if type_ == "object":
        return isinstance(value, dict)
    if type_ == "array":
        return isinstance(value, list)
    if type_ == "null":
        return value is None
    return True


def bounds(schema: dict[str, Any]) -> tuple[float | None, float | None, bool, bool]:
    """(low, high, low excluded, high excluded), in either of JSON Schema's spellings."""
    low, high = schema.get("minimum"), schema.get("maximum")
    low_open = high_open = False
    exclusive_min, exclusive_max = schema.get("exclusive_minimum"), schema.get("exclusive_maximum")
    if isinstance(exclusive_min, bool):
        low_open = exclusive_min
    elif exclusive_min is not None:
        low, low_open = exclusive_min, True
    if isinstance(exclusive_max, bool):
        high_open = exclusive_max
    elif exclusive_max is not None:
        high, high_open = exclusive_max, True
    return low, high, low_open, high_open


def _check_range(value: float, schema: dict[str, Any], where: str) -> None:
    low, high, low_open, high_open = bounds(schema)
    if low is not None and (value < low or (low_open and value == low)):
        raise Invalid(where, f"must be {'more than' if low_open else 'at least'} {low}")
    if high is not None and (value > high or (high_open and value == high)):
        raise Invalid(where, f"must be {'less than' if high_open else 'at most'} {high}")
