"""The fixed vocabulary of the pages: type texts and constraint labels."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

PRIMITIVES = ("string", "integer", "number", "boolean", "file", "null")
_PRIMITIVE = rf"(?:{'|'.join(PRIMITIVES)})(?:\([^()]*\))?"
_UNION = rf"{_PRIMITIVE}(?:\s*\|\s*{_PRIMITIVE})*"
TYPE_TEXT = re.compile(
    rf"(?P<union>{_UNION})|(?P<kind>object|array)(?:\[(?P<inner>.*)\]|\s+(?P<name>\S.*))?"
)
_FORMATTED = re.compile(r"(?P<type>[a-z]+)(?:\((?P<format>[^()]*)\))?")


@dataclass(frozen=True)
class TypeText:
    """What a type text like ``string(date-time)`` or ``object Kernel`` says."""

    kind: str  # primitive | object | array
    type: str  # "string", "string | integer", "object", "array"
    format: str | None = None
    name: str | None = None  # the nested block it points to
    inner: str | None = None  # the item type of a parameter's ``array[...]``


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


def match_label(text: str) -> tuple[str, str] | None:
    """(label, text after it) when ``text`` starts with a known label."""
    match = _LABEL_START.match(text)
    if match is None:
        return None
    return match["label"], text[match.end() :]


def take_value(label: str, text: str, whole: bool) -> tuple[LabelValue, str]:
    """Read the value of ``label`` from the start of ``text``; return it and the rest.

    ``whole`` says the text is a value of its own (a separate text node), so all of it
    is the value; otherwise the value's own syntax says where it ends.
    """
    key, kind = KNOWN_LABELS[label]
    text = text.strip()
    if kind in ("int", "number", "bool", "bool_or_number"):
        pattern = {"int": _NUMBER, "number": _NUMBER, "bool": _BOOL}.get(kind)
        match = (pattern or re.compile(f"{_BOOL.pattern}|{_NUMBER.pattern}")).match(text)
        if match is None:
            raise LabelSyntaxError(f"{label}: expected a {kind.replace('_', ' ')}, got {text!r}")
        raw, rest = match.group(), text[match.end() :]
        return LabelValue(label, key, raw, json.loads(raw)), rest
    if kind == "enum":
        try:
            values, end = json.JSONDecoder().raw_decode(text)
        except json.JSONDecodeError as exc:
            raise LabelSyntaxError(f'{label}: expected a list like [ "a", "b" ]') from exc
        if not isinstance(values, list):
            raise LabelSyntaxError(f'{label}: expected a list like [ "a", "b" ]')
        return LabelValue(label, key, text[:end], values), text[end:]
    if whole:
        return LabelValue(label, key, text, text), ""
    # Free text in a run-on line: it lasts until the next known label.
    nxt = _LABEL_START.search(text, 1)
    raw = text[: nxt.start()] if nxt else text
    return LabelValue(label, key, raw.strip(), raw.strip()), text[len(raw) :]


def convert_default(raw: str, type_: str | None) -> Any:
    """A default as the schema's type reads it: ``100`` is a number for an integer."""
    if type_ in (None, "string", "file") or " | " in (type_ or ""):
        return raw
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw
