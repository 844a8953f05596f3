"""The README's quick start: one resource of the API, taken through its whole life.

A resource qualifies when it can be created, read, listed, updated and deleted with
path arguments and bodies alone, and its bodies need only values that can be made up
here (strings, numbers, booleans, documented enum values), or that the request example
on the operation's page gives (those come first). Of those, the one with a
waiter, pages and an ``if-match`` on its update, then the fewest arguments, is shown,
so that the example reads short and runs as it is against the stub server.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..model import ApiModel, Operation, Schema
from ..names import literal, snake_case
from ..runtime.waiters import settling
from .example_calls import documented_body
from .views import ClassView, OperationView, PackageView

# An optional field a made-up body still sets, so that the example has a name to show.
_NAME_FIELDS = ("displayName", "name")


@dataclass
class QuickStartView:
    """What the README's example calls, and the Python source of what it passes."""

    # The collection's path arguments, each set once as a variable of its own name:
    # (name, Python source of its value).
    path_values: list[tuple[str, str]]
    create: OperationView
    create_body: str
    id_argument: str  # the keyword that names the created resource
    id_attribute: str  # the attribute of the created model that holds its id
    wait_state: str | None  # the state to wait for, when the read has a waiter
    read: OperationView
    listing: OperationView  # its pages method is used, when it has one
    page_size: bool  # whether the list takes ``limit``
    items_attribute: str | None  # None when a page is a bare list
    update: OperationView
    update_body: str
    update_if_match: bool
    delete: OperationView
    delete_if_match: bool

    @property
    def spread(self) -> str:
        """What every call passes first: the path arguments, if there are any, each by
        keyword (a ``**`` of a dict would hide their types from a type checker)."""
        return ", ".join(f"{name}={name}" for name, _ in self.path_values)

    @property
    def lead(self) -> str:
        """``spread`` followed by more arguments."""
        return f"{self.spread}, " if self.path_values else ""


def quick_start(model: ApiModel, view: PackageView, spec: dict[str, Any]) -> QuickStartView | None:
    """The example for the README, or None when no resource qualifies; ``spec`` is the
    stub server's description of ``model``, which tells the resources apart."""
    ops = {op.name: op for op in model.operations}
    views = {op.name: op for op in view.operations}
    classes: dict[str, ClassView] = {}  # by name, looked up for each resource
    for module in view.modules:
        for cls in module.classes:
            classes.setdefault(cls.name, cls)
    entries = {entry["name"]: entry for entry in spec["operations"]}
    by_collection: dict[str, dict[str, str]] = {}
    for entry in spec["operations"]:
        if entry["collection"] is not None:
            kinds = by_collection.setdefault(entry["collection"], {})
            kinds.setdefault(entry["kind"], entry["name"])
    found: list[tuple[tuple[int, int, str], QuickStartView]] = []
    for path, kinds in sorted(by_collection.items()):
        names = [kinds.get(k) for k in ("create", "read", "list", "delete")]
        names.append(kinds.get("merge") or kinds.get("replace"))
        if None in names:
            continue
        create, read, listing, delete, update = (views[str(n)] for n in names)
        collection = spec["collections"][path]
        id_param = next((p for p in read.parameters if p.wire_name == collection["id_param"]), None)
        required = [
            p
            for op in (create, read, listing, update, delete)
            for p in op.parameters
            if p.required and p.location != "path"
        ]
        if id_param is None or required:
            continue  # the example passes path arguments and bodies, nothing else
        id_attribute = _attribute(classes, create.data_annotation, collection["id_field"])
        list_field = entries[listing.name].get("list_field")
        items = _attribute(classes, listing.data_annotation, list_field)
        create_body = _body(model, classes, ops[create.name], create, "example")
        # An update that changes nothing would show nothing.
        update_body = _body(
            model,
            classes,
            ops[update.name],
            update,
            "renamed",
            empty=False,
            keep=collection["id_field"],
        )
        if None in (id_attribute, create_body, update_body) or (list_field and items is None):
            continue
        where = [p for p in create.parameters if p.location == "path"]
        states = settling(read.waiter.values) if read.waiter else None
        quick = QuickStartView(
            path_values=[
                (p.name, literal("my-" + snake_case(p.wire_name).replace("_", "-"))) for p in where
            ],
            create=create,
            create_body=str(create_body),
            id_argument=id_param.name,
            id_attribute=str(id_attribute),
            wait_state=states[1] if states else None,
            read=read,
            listing=listing,
            page_size=any(p.wire_name == "limit" for p in listing.parameters),
            items_attribute=items,
            update=update,
            update_body=str(update_body),
            update_if_match=_takes_if_match(update),
            delete=delete,
            delete_if_match=_takes_if_match(delete),
        )
        # Fewest missing features first, then the fewest arguments to read.
        missing = (states is None) + (not quick.update_if_match) + (listing.pages_name is None)
        size = len(where) + quick.create_body.count("=") + quick.update_body.count("=")
        found.append(((missing, size, path), quick))
    return min(found, key=lambda pair: pair[0])[1] if found else None


def _takes_if_match(op: OperationView) -> bool:
    return any(p.wire_name.lower() == "if-match" for p in op.parameters)


def _attribute(classes: Mapping[str, ClassView], annotation: str, wire: str | None) -> str | None:
    """The attribute of the model ``annotation`` names that holds the field ``wire``."""
    cls = classes.get(annotation.removeprefix("models."))
    return next((f.name for f in cls.fields if f.alias == wire), None) if cls else None


def _body(
    model: ApiModel,
    classes: Mapping[str, ClassView],
    op: Operation,
    op_view: OperationView,
    text: str,
    *,
    empty: bool = True,
    keep: str | None = None,
) -> str | None:
    """Python source of a body with made-up values for its required fields (and its
    name, unless that is ``keep``, the resource's id), or None when one of them cannot be
    made up, or it has none and not ``empty``."""
    content = next(
        (c for c in (op.request_body.content if op.request_body else []) if c.schema_), None
    )
    if content is None or op_view.body_annotation is None:
        return None
    properties, required = model.merged_properties(content.schema_)
    named = next((n for n in _NAME_FIELDS if n in properties and n != keep), None)
    chosen = set(required) | ({named} if named else set())
    documented = documented_body(op)  # the page's example, whose values come first
    values: dict[str, Any] = {}
    for wire in sorted(chosen, key=list(properties).index):
        schema = model.resolve(properties[wire])
        value = documented.get(wire) if isinstance(documented, dict) else None
        if not _fits(value, schema):
            value = _sample(schema, text)
        if value is None:
            return None
        values[wire] = value
    if not values and not empty:
        return None
    model_class = op_view.body_annotation.partition(" | ")[0]
    if not model_class.startswith("models."):
        return literal(values)
    keywords = []
    for wire, value in values.items():
        attribute = _attribute(classes, model_class, wire)
        if attribute is None:
            return None
        keywords.append(f"{attribute}={literal(value)}")
    return f"{model_class}({', '.join(keywords)})"


def _fits(value: Any, schema: Schema | None) -> bool:
    """Whether a documented value is one the schema surely accepts: of the kinds
    ``_sample`` makes, within the schema's bounds."""
    if schema is None or value is None:
        return False
    if schema.enum:
        return value in schema.enum
    if schema.type == "boolean" or isinstance(value, bool):
        return schema.type == "boolean" and isinstance(value, bool)
    if schema.type == "string" and isinstance(value, str):
        plain = schema.format is None and schema.pattern is None
        return plain and (schema.min_length or 0) <= len(value) <= (schema.max_length or len(value))
    if not (
        (schema.type == "integer" and isinstance(value, int))
        or (schema.type == "number" and isinstance(value, (int, float)))
    ):
        return False
    low, high = schema.minimum, schema.maximum
    return (low is None or value >= low) and (high is None or value <= high)


def _sample(schema: Schema | None, text: str) -> str | int | float | bool | None:
    """A value the schema accepts, or None when a made-up one might not do."""
    if schema is None:
        return None
    if schema.enum:
        return next((v for v in schema.enum if isinstance(v, (str, int, float, bool))), None)
    if schema.type == "string" and schema.format is None and schema.pattern is None:
        if len(text) < (schema.min_length or 0) or len(text) > (schema.max_length or len(text)):
            return None
        return text
    if schema.type in ("integer", "number"):
        low = schema.minimum if isinstance(schema.minimum, (int, float)) else 1
        value = max(low, 1)
        if isinstance(schema.maximum, (int, float)) and value > schema.maximum:
            return None
        return int(value) if schema.type == "integer" else float(value)
    if schema.type == "boolean":
        return True
    return None
