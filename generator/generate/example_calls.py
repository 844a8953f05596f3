"""The example call a method's docstring shows, made from what the operation's page
documents: the values in its command's URL and headers, its request example as the
body (the model class where one fits), and briefly what its response example holds.

An operation whose page documents no example, or that takes a body the page gives no
example of, shows none.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from ..model import Content, Example, Operation, Parameter, Schema, is_success
from ..names import literal, snake_case

if TYPE_CHECKING:
    from .views import ClassView, OperationView

# The example sits 12 columns deep in a docstring, in files of 100 columns.
WIDTH = 88
INDENT = 4
URL = re.compile(r"https?://\S+")
# A value that stands for one: "<owner>", "{owner}", ":owner", "$OWNER", "[owner]".
PLACEHOLDER = re.compile(r"^[:$\[]|[<>{}]")
# What an annotation also allows besides its model class.
OTHER_TYPES = frozenset({"None", "dict[str, Any]"})
MAX_SHOWN_FIELDS = 3
DATA = "response.data  # "
MAX_SHOWN_LENGTH = 24


@dataclass
class _Group:
    """Source of a call, list or dict whose items can go one a line."""

    open: str
    close: str
    items: list[tuple[str, _Source]] = field(default_factory=list)  # (prefix, item)


_Source = str | _Group


class _DoesNotFit(ValueError):
    """A documented value that lacks a field its model class requires."""


def example_call(
    op: Operation, view: OperationView, classes: Mapping[str, ClassView]
) -> str | None:
    """The Python lines of the example for ``view`` (``op`` as the model has it), or
    None when the page documents none."""
    body = documented_body(op)
    response = next((r for r in op.responses if is_success(r.status) and r.content), None)
    answer = _first_example(response.content) if response else None
    if not (op.code_samples or body is not None or answer) or (
        view.body_annotation and body is None
    ):
        return None
    values = _documented_values(op)
    parameters: dict[tuple[str, str], Parameter] = {(p.in_, p.name): p for p in op.parameters}
    arguments: list[tuple[str, _Source]] = []
    for p in view.parameters:
        parameter = parameters[(p.location, p.wire_name)]
        value = values.get((p.location, p.wire_name.lower()))
        typed = _typed(value, parameter.schema_) if value is not None else None
        if typed is None and not p.required:
            continue
        arguments.append(
            (f"{p.name}=", literal(_placeholder(parameter) if typed is None else typed))
        )
    if view.body_annotation and body is not None:
        try:
            arguments.append(("body=", _value(body, view.body_annotation, classes)))
        except _DoesNotFit:
            return None  # the page's example would fail as written
    call = _Group(f"client.{view.name}(", ")", arguments)
    lines = _layout("response = ", call, 0, "")
    if answer is not None and view.data_annotation != "None":
        shown = _shown(_document(answer), view.data_annotation, classes, WIDTH - len(DATA))
        lines.append(DATA + shown)
    return "\n".join(lines)


def documented_body(op: Operation) -> Any:
    """The document of the first example of the operation's request body, or None."""
    example = _first_example(op.request_body.content if op.request_body else [])
    return _document(example) if example is not None else None


def _first_example(contents: list[Content]) -> Example | None:
    """The first example of the first media type with one, a JSON one first."""
    ordered = sorted(contents, key=lambda c: "json" not in c.media_type.lower())
    return next((c.examples[0] for c in ordered if c.examples), None)


def _document(example: Example) -> Any:
    return example.value if example.text is None else example.text


def _documented_values(op: Operation) -> dict[tuple[str, str], str]:
    """The parameter values the page's first command shows: in its URL's path and query,
    and its headers (``-H "name: value"``), by location and lower-cased wire name."""
    if not op.code_samples:
        return {}
    source = op.code_samples[0].source.replace("\\\n", " ")
    try:
        words = shlex.split(source)
    except ValueError:  # unbalanced quotes: the URL as it stands
        words = URL.findall(source)
    values: dict[tuple[str, str], str] = {}
    for before, word in zip(["", *words], words, strict=False):
        if before in ("-H", "--header") and ":" in word:
            name, _, value = word.partition(":")
            values[("header", name.strip().lower())] = value.strip()
    url = next((w for w in words if URL.match(w)), None)
    if url is None:
        return values
    parts = urlsplit(url)
    names = re.findall(r"\{([^{}]+)\}", op.path)
    pattern = re.sub(r"\\\{[^{}]+\\\}", "([^/]+)", re.escape(op.path)) + "/?$"
    matched = re.search(pattern, parts.path)
    if matched:
        for name, value in zip(names, matched.groups(), strict=True):
            values[("path", name.lower())] = unquote(value)
    for name, value in parse_qsl(parts.query):
        values[("query", name.lower())] = value
    return {key: value for key, value in values.items() if not PLACEHOLDER.search(value)}


def _typed(value: str, schema: Schema) -> Any:
    """A documented value as the parameter's type reads it, or None where it does not."""
    kind = schema.type or "string"
    if schema.enum and value not in [str(v) for v in schema.enum]:
        return None
    if kind == "integer":
        return int(value) if re.fullmatch(r"-?\d+", value) else None
    if kind == "number":
        return float(value) if re.fullmatch(r"-?\d+(\.\d+)?", value) else None
    if kind == "boolean":
        return {"true": True, "false": False}.get(value.lower())
    if kind == "array":
        return value.split(",")
    return value if kind == "string" else None


def _placeholder(parameter: Parameter) -> Any:
    """A value for a required parameter the page shows none for: of its type (or its
    first member's), as long as it must be."""
    schema = parameter.schema_
    members = [m for m in (schema.one_of or schema.any_of or []) if m.type]
    kind = schema.type or (members[0].type if members else None)
    if schema.enum:
        return schema.enum[0]
    if kind in ("integer", "number"):
        return max(1, int(schema.minimum or 0))
    if kind == "boolean":
        return True
    text = "my-" + snake_case(parameter.name).replace("_", "-")
    return text.ljust(schema.min_length or 0, "x")


def _class(annotation: str | None, classes: Mapping[str, ClassView]) -> tuple[str | None, bool]:
    """The model class an annotation names (``models.X | dict[str, Any]``, ``X | None``,
    ``list[X]``), and whether it names a list of them."""
    parts = [part for part in (annotation or "").split(" | ") if part not in OTHER_TYPES]
    if len(parts) != 1:
        return None, False
    name, listed = parts[0], parts[0].startswith("list[") and parts[0].endswith("]")
    name = (name[5:-1] if listed else name).removeprefix("models.")
    cls = classes.get(name)
    return (name if cls is not None and cls.alias_of is None else None), listed


def _value(value: Any, annotation: str | None, classes: Mapping[str, ClassView]) -> _Source:
    """Source of a documented value: an object as its model class where one fits."""
    name, listed = _class(annotation, classes)
    if listed and isinstance(value, list):
        return _Group("[", "]", [("", _value(v, name, classes)) for v in value])
    if name is not None and isinstance(value, dict) and not listed:
        fields = {f.alias: f for f in classes[name].fields}
        if any(f.required and f.alias not in value for f in fields.values()):
            raise _DoesNotFit(name)
        if set(value) <= set(fields):
            items = [(f"{fields[k].name}=", _value(v, fields[k].annotation, classes))
                     for k, v in value.items()]  # fmt: skip
            return _Group(f"models.{name}(", ")", items)
    if isinstance(value, dict) and value:
        return _Group(
            "{", "}", [(f"{literal(k)}: ", _value(v, None, classes)) for k, v in value.items()]
        )
    if isinstance(value, list) and value:
        return _Group("[", "]", [("", _value(v, None, classes)) for v in value])
    return literal(value)


def _flat(source: _Source) -> str:
    if isinstance(source, str):
        return source
    return (
        source.open
        + ", ".join(prefix + _flat(item) for prefix, item in source.items)
        + source.close
    )


def _layout(prefix: str, source: _Source, indent: int, suffix: str) -> list[str]:
    """Lines of ``prefix``, ``source`` and ``suffix`` at ``indent``: on one line where
    it fits, else an item a line, as black lays them out."""
    flat = " " * indent + prefix + _flat(source) + suffix
    if isinstance(source, str) or len(flat) <= WIDTH or not source.items:
        return [flat]
    lines = [" " * indent + prefix + source.open]
    for item_prefix, item in source.items:
        lines.extend(_layout(item_prefix, item, indent + INDENT, ","))
    lines.append(" " * indent + source.close + suffix)
    return lines


def _shown(value: Any, annotation: str, classes: Mapping[str, ClassView], room: int) -> str:
    """What a response example holds, in brief, in ``room`` characters or about: a
    model's first few fields."""
    name, listed = _class(annotation, classes)
    if listed and isinstance(value, list):
        return f"[{_shown(value[0], name or '', classes, room - 7)}, ...]" if value else "[]"
    if name is None or not isinstance(value, dict):
        return _brief(value)
    fields = {f.alias: f.name for f in classes[name].fields}
    shown: list[str] = []
    for key, item in value.items():
        entry = f"{fields[key]}={_brief(item)}" if key in fields else ""
        text = f"models.{name}({', '.join([*shown, entry])}, ...)"
        if not entry or isinstance(item, (dict, list)) or len(text) > room:
            continue
        shown.append(entry)
        if len(shown) == MAX_SHOWN_FIELDS:
            break
    more = "..." if len(value) > len(shown) else ""
    return f"models.{name}({', '.join([*shown, more] if shown and more else shown or [more])})"


def _brief(value: Any) -> str:
    """A value in a few characters: a long string cut short, a list or object as such."""
    if isinstance(value, (dict, list)):
        return "{...}" if isinstance(value, dict) else "[...]"
    if isinstance(value, str) and len(value) > MAX_SHOWN_LENGTH:
        value = value[:MAX_SHOWN_LENGTH] + "..."
    return literal(value)
