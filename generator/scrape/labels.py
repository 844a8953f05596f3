"""The fixed vocabulary of the pages: type texts and constraint labels."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

PRIMITIVES = ("string", "integer", "number", "boolean", "file", "null")
_PRIMITIVE = rf"(?:{'|'.join(PRIMITIVES)})(?:\([^()]*\))?"
_UNION = rf"{_PRIMITIVE}(?:\s*\|\s*{_PRIMITIVE})*"
TYPE_TEXT = re.compile(
    rf"(?P<union>{_UNION})|(?P<kind>object|array)(?:\[(?P<inner>.*)\]|\s+(?P<name>\S.*))?"
)
# What a type text starts with: a cheap test before a full parse.
TYPE_START = re.compile(rf"\s*(?:{'|'.join(PRIMITIVES)}|object|array)")
_FORMATTED = re.compile(r"(?P<type>[a-z]+)(?:\((?P<format>[^()]*)\))?")


@dataclass(frozen=True)
class TypeText:
    """What a type text like ``string(date-time)`` or ``object Kernel`` says."""

    kind: str  # primitive | object | array
    type: str  # "string", "string | integer", "object", "array"
    format: str | None = None
    name: str | None = None  # the nested block it points to
    inner: str | None = None  # the item type of a parameter's ``array[...]``


# Pages repeat a handful of type texts thousands of times.
@lru_cache(maxsize=4096)
def parse_type_text(text: str) -> TypeText | None:
    text = " ".join(text.split())
    match = TYPE_TEXT.fullmatch(text)
    if match is None:
        return None
    if match["union"]:
        parts = [_FORMATTED.fullmatch(p.strip()) for p in match["union"].split("|")]
        types = [p["type"] for p in parts if p]
        formats = [p["format"] for p in parts if p and p["format"]]
        return TypeText("primitive", " | ".join(types), formats[0] if len(formats) == 1 else None)
    return TypeText(match["kind"], match["kind"], None, match["name"], match["inner"])


# Label text -> (model key, value kind). Kinds: int, number, bool, bool_or_number, text,
# enum, default, additional.
KNOWN_LABELS: dict[str, tuple[str, str]] = {
    "Type": ("type", "text"),
    "Title": ("title", "text"),
    "Additional Properties Allowed": ("additional_properties", "additional"),
    "Minimum Length": ("min_length", "int"),
    "Maximum Length": ("max_length", "int"),
    "Minimum Value": ("minimum", "number"),
    "Maximum Value": ("maximum", "number"),
    "Exclusive Minimum": ("exclusive_minimum", "bool_or_number"),
    "Exclusive Maximum": ("exclusive_maximum", "bool_or_number"),
    "Pattern": ("pattern", "text"),
    "Minimum Number of Items": ("min_items", "int"),
    "Maximum Number of Items": ("max_items", "int"),
    "Unique Items Required": ("unique_items", "bool"),
    "Read Only": ("read_only", "bool"),
    "Write Only": ("write_only", "bool"),
    "Nullable": ("nullable", "bool"),
    "Default Value": ("default", "default"),
    "Allowed Values": ("enum", "enum"),
    "Discriminator": ("discriminator", "text"),
    "Array of": ("items", "text"),
}
_LABEL_START = re.compile(
    r"(?P<label>" + "|".join(re.escape(k) for k in KNOWN_LABELS) + r")\s*:\s*"
)
# An unknown label: a few capitalised words and a colon, alone in its text node.
UNKNOWN_LABEL = re.compile(r"[A-Z][A-Za-z]*(?: [A-Za-z]+){0,4}:")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_BOOL = re.compile(r"true|false")


@dataclass(frozen=True)
class LabelValue:
    label: str
    key: str
    raw: str
    value: Any


class LabelSyntaxError(ValueError):
    pass


# Enums and defaults are flat or shallow; deeper JSON is no schema's value, and the
# model's serialisers recurse into it.
MAX_JSON_DEPTH = 32
_EXPECTED = {
    "int": "a whole number",
    "number": "a number",
    "bool": "true or false",
    "bool_or_number": "true, false or a number",
}
_SPACE = re.compile(r"\s*")
_DECODER = json.JSONDecoder()


def skip_space(text: str, pos: int) -> int:
    """The first position from ``pos`` on that is not white space."""
    match = _SPACE.match(text, pos)
    assert match is not None  # \s* matches anywhere
    return match.end()


def match_label(text: str, pos: int = 0) -> tuple[str, int] | None:
    """(label, where its value starts) when ``text`` has a known label at ``pos``."""
    match = _LABEL_START.match(text, pos)
    if match is None:
        return None
    return match["label"], match.end()


def take_value(label: str, text: str, pos: int, whole: bool) -> tuple[LabelValue, int]:
    """Read the value of ``label`` from ``text`` at ``pos``; return it and where it ends.

    ``whole`` says the text is a value of its own (a separate text node), so all of it
    is the value; otherwise the value's own syntax says where it ends. Positions, not
    slices: a text node can hold thousands of labels, and slicing would be quadratic.
    """
    key, kind = KNOWN_LABELS[label]
    pos = skip_space(text, pos)
    if kind in ("int", "number", "bool", "bool_or_number"):
        pattern = {"int": _NUMBER, "number": _NUMBER, "bool": _BOOL}.get(kind)
        match = (pattern or re.compile(f"{_BOOL.pattern}|{_NUMBER.pattern}")).match(text, pos)
        expected = f"{label}: expected {_EXPECTED[kind]}, got {text[pos : pos + 80]!r}"
        if match is None:
            raise LabelSyntaxError(expected)
        raw = match.group()
        try:
            value = json.loads(raw)
        except ValueError as exc:  # "007", or more digits than int() converts
            raise LabelSyntaxError(expected) from exc
        if isinstance(value, float) and not (
            math.isfinite(value) and (kind != "int" or value.is_integer())
        ):
            raise LabelSyntaxError(expected)
        return LabelValue(label, key, raw, value), match.end()
    if kind == "enum":
        try:
            values, end = decode_json(text, pos)
        except ValueError as exc:
            raise LabelSyntaxError(f'{label}: expected a list like [ "a", "b" ]') from exc
        if not isinstance(values, list):
            raise LabelSyntaxError(f'{label}: expected a list like [ "a", "b" ]')
        return LabelValue(label, key, text[pos:end], values), end
    if whole:
        raw = text[pos:].rstrip()
        return LabelValue(label, key, raw, raw), len(text)
    # Free text in a run-on line: it lasts until the next known label.
    nxt = _LABEL_START.search(text, pos + 1)
    end = nxt.start() if nxt else len(text)
    raw = text[pos:end].strip()
    return LabelValue(label, key, raw, raw), end


def decode_json(text: str, pos: int = 0, max_depth: int = MAX_JSON_DEPTH) -> tuple[Any, int]:
    """The JSON value at ``pos`` and where it ends; ``ValueError`` when there is none
    or it nests deeper than ``max_depth``."""
    try:
        value, end = _DECODER.raw_decode(text, pos)
    except RecursionError as exc:  # the decoder's own guard against very deep nesting
        raise ValueError("JSON nested too deep") from exc
    level, todo = 0, [value]
    while todo:  # breadth first, one nesting level at a time
        level += 1
        if level > max_depth:
            raise ValueError("JSON nested too deep")
        todo = [
            child
            for v in todo
            if isinstance(v, (list, dict))
            for child in (v.values() if isinstance(v, dict) else v)
        ]
    return value, end


def convert_default(raw: str, type_: str | None) -> Any:
    """A default as the schema's type reads it: ``100`` is a number for an integer."""
    if type_ in (None, "string", "file") or " | " in (type_ or ""):
        return raw
    text = raw.strip(" \t\n\r")  # the white space json.loads allows
    try:
        value, end = decode_json(text)
    except ValueError:
        return raw
    return value if end == len(text) else raw
