"""Made-up values for what no request supplied: schema-valid, the same for the same seed."""

from __future__ import annotations

import copy
import hashlib
import json
import random
import re
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from ._errors import Invalid
from ._schemas import Checker, Schemas, bounds, join_key
from ._types import MISSING

_BASE_TIME = datetime(2026, 1, 1, tzinfo=timezone.utc)
# Filled values go this deep with every optional field; deeper, only required ones.
_FULL_DEPTH = 3
# Past this depth nothing is filled: recursive schemas end here.
_MAX_DEPTH = 8


class Filler:
    """Schema-valid values for what no request supplied: the same for the same seed and key."""

    def __init__(self, schemas: Schemas, seed: int) -> None:
        self.schemas = schemas
        self.seed = seed
        self.checker = Checker(schemas)

    def body(
        self, media_type: str, schema: dict[str, Any] | None, key: str, example: Any = None
    ) -> bytes:
        """A made-up body of a media type other than JSON, for a download: the page's
        example where it shows one, else what the type and the schema say (a YAML
        string or document, CSV rows, text), else bytes that are the same for the same
        key."""
        kind = media_type.split(";")[0].strip().lower()
        if isinstance(example, str):
            return example.encode()
        if example is not None and "yaml" in kind:
            return json.dumps(example).encode() + b"\n"  # JSON is YAML
        if "yaml" in kind:
            value = self.value(schema, key, full=True) if schema else MISSING
            if value is MISSING or isinstance(value, str):
                return b"example\n"  # a YAML scalar: the documented string
            return json.dumps(value).encode() + b"\n"  # JSON is YAML
        if kind == "text/csv":
            return b"id,name\r\n1,example\r\n"
        if "xml" in kind:
            return b"<example/>\n"
        if kind.startswith("text/"):
            return f"example {key}\n".encode()
        return hashlib.sha256(key.encode()).digest()

    def fits(self, value: Any, schema: dict[str, Any]) -> bool:
        try:
            self.checker.check(value, schema, "")
        except Invalid:
            return False
        return True

    def value(self, schema: dict[str, Any], key: str, *, full: bool, depth: int = 0) -> Any:
        """A new value for ``schema``; ``full`` fills optional fields too."""
        if "default" in schema:
            return copy.deepcopy(schema["default"])
        if depth > _MAX_DEPTH:
            return MISSING
        schema = self.schemas.resolve(schema)
        if "default" in schema:
            return copy.deepcopy(schema["default"])
        if "example" in schema:  # the pages' own example of the schema, which fits it
            return copy.deepcopy(schema["example"])
        if schema.get("enum"):
            return next((v for v in schema["enum"] if v is not None), None)
        options = schema.get("one_of") or schema.get("any_of")
        if options:
            return self.value(options[0], key, full=full, depth=depth)
        types = [t for t in self.schemas.types(schema) if t != "null"]
        if not types:
            return MISSING
        if types[0] == "object":
            return self.shape(schema, {}, key, full=full, depth=depth)
        if types[0] == "array":
            items = schema.get("items")
            count = schema.get("min_items", 0) if items is not None else 0
            return [
                self.value(items or {}, f"{key}[{i}]", full=full, depth=depth + 1)
                for i in range(count)
            ]
        rng = random.Random(f"{self.seed}:{key}")
        if types[0] in ("integer", "number"):
            return _number(schema, rng, integer=types[0] == "integer")
        if types[0] == "boolean":
            return rng.random() < 0.5
        return _string(schema, key, rng)

    def shape(
        self, schema: dict[str, Any], data: Any, key: str, *, full: bool, depth: int = 0
    ) -> Any:
        """``data`` as ``schema`` shows it: undocumented fields dropped, missing required
        fields (and with ``full``, optional ones) filled."""
        target = self.schemas.resolve(schema)
        options = target.get("one_of") or target.get("any_of")
        if options and not self.schemas.is_object(target):
            # One of several schemas: the first that the data fits, else the first.
            chosen = next((o for o in options if self.fits(data, o)), options[0])
            return self.shape(chosen, data, key, full=full, depth=depth)
        if isinstance(data, list) and "items" in target:
            return [
                self.shape(target["items"], item, f"{key}[{i}]", full=full, depth=depth + 1)
                for i, item in enumerate(data)
            ]
        if not isinstance(data, dict) or not self.schemas.is_object(target):
            return data
        props, required = self.schemas.properties(target)
        documented = target.get("example")
        example = documented if isinstance(documented, dict) else {}
        out: dict[str, Any] = {}
        for name, prop in props.items():
            value = data.get(name)
            if value is not None:
                value = self.shape(prop, value, join_key(key, name), full=full, depth=depth + 1)
                # What a request stored must still fit what a response shows (an enum
                # the request lacks, a null): where it does not, a made-up value does.
                if self.fits(value, prop):
                    out[name] = value
                    continue
            if (
                name in data
                or name in required
                or (full and depth < _FULL_DEPTH and not prop.get("write_only"))
            ):
                if example.get(name) is not None:
                    out[name] = copy.deepcopy(example[name])
                    continue
                value = self.value(prop, join_key(key, name), full=full, depth=depth + 1)
                if value is not MISSING:
                    out[name] = value
                elif name in required:
                    out[name] = None
        if not props or target.get("additional_properties"):
            out.update((k, v) for k, v in data.items() if k not in props)
        return out


def _number(schema: dict[str, Any], rng: random.Random, *, integer: bool) -> float:
    low, high, low_open, high_open = bounds(schema)
    step = 1 if integer else 0.01
    low = (low + step if low_open else low) if low is not None else None
    high = (high - step if high_open else high) if high is not None else None
    if low is None:
        low = 0 if high is None or high >= 0 else high - 100
    if high is None or high < low:
        high = low + 100
    if integer:
        return rng.randint(int(-(-low // 1)), int(high // 1))
    return round(rng.uniform(low, high), 2)


def _string(schema: dict[str, Any], key: str, rng: random.Random) -> str:
    form = schema.get("format")
    if form == "date-time":
        moment = _BASE_TIME + timedelta(seconds=rng.randrange(365 * 86400))
        return moment.isoformat().replace("+00:00", "Z")
    if form == "date":
        return (_BASE_TIME + timedelta(days=rng.randrange(365))).date().isoformat()
    if form == "uuid":
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    if form in ("uri", "url"):
        return f"https://example.com/{rng.getrandbits(32):08x}"
    if form == "email":
        return f"user{rng.randrange(1000)}@example.com"
    if form in ("binary", "byte"):
        return ""
    word = re.sub(r"\[\d+\]", "", key.rsplit(".", 1)[-1]) or "value"
    text = f"{word}-{rng.getrandbits(32):08x}"
    if "max_length" in schema:
        text = text[: schema["max_length"]]
    return text.ljust(schema.get("min_length", 0), "x")
