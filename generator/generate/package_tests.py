"""The generated package's own tests, as data for their templates.

Each operation is called with arguments that fit what its page documents: the required
parameters and the body's required fields, each the schema's default, first allowed
value, or a made-up value of its type, format and length. The stub is seeded with one
resource in every collection, at the path arguments the calls pass, so that every
operation on an item finds one.
"""

from __future__ import annotations

import json
import random
import re
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from ..model import ApiModel, Operation, Parameter, Schema
from ..names import literal
from .views import ClassView, OperationView, PackageView

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

# Past this depth an object gets no more fields: a required field that holds its own
# type would go on for ever.
_MAX_DEPTH = 8
_T = TypeVar("_T")
_PATH_PARAMETER = re.compile(r"\{([^{}]+)\}")
# The kinds of operation (in the stub's description) that act on one existing item.
_ITEM_KINDS = frozenset({"read", "replace", "merge", "delete"})
# The made-up values of the formats strings have on the pages.
_FORMATS = {
    "date-time": "2026-01-02T03:04:05Z",
    "date": "2026-01-02",
    "email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
}


@dataclass
class CallView:
    """An operation called as a test calls it."""

    method: str  # the client's method
    arguments: dict[str, Any]  # by keyword: JSON values
    path: str  # the request's path, its parameters filled
    status: int  # the documented success status
    errors: list[int] = field(default_factory=list)  # the documented error statuses
    file: str | None = None  # the text of a file body, which is sent as bytes
    files: str | None = None  # the collection (its path filled) of the file it reads

    @property
    def json(self) -> str:
        """The call as one line of JSON."""
        entry: dict[str, Any] = {
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "errors": self.errors,
            "arguments": self.arguments,
        }
        if self.file is not None:
            entry["file"] = self.file
        if self.files is not None:
            entry["files"] = self.files
        return _json(entry)

    @property
    def keywords(self) -> str:
        """The arguments as the Python source of a call's keyword arguments."""
        keywords = [f"{keyword}={literal(value)}" for keyword, value in self.arguments.items()]
        if self.file is not None:
            keywords.append(f"body=b{literal(self.file)}")
        return ", ".join(keywords)


@dataclass
class DeviationView:
    """A response that differs from the docs: a documented string sent as a number,
    and a field the docs do not list."""

    call: CallView
    model: str  # the class ``.data`` is documented as
    body: str  # Python source: the JSON body sent
    attribute: str  # the attribute whose value is sent as a number
    alias: str  # its JSON name


@dataclass
class CallsView:
    """What ``tests/calls.json`` holds: the calls, and the items the stub starts with."""

    calls: list[CallView]  # each answers its documented success on the seeded stub
    # Operations on an item of a collection whose items hold no id: the stub cannot be
    # seeded with one, so each answers 404.
    absent: list[CallView]
    seed: dict[str, list[dict[str, Any]]]  # collection path -> the items the stub holds
    error_classes: dict[int, str]  # each documented error status -> the class it raises

    @property
    def seed_lines(self) -> list[str]:
        """The seed's entries, a line of JSON each: ``"path": [items]``."""
        return [f"{_json(path)}: {_json(items)}" for path, items in self.seed.items()]

    @property
    def errors_json(self) -> str:
        return _json({str(status): name for status, name in self.error_classes.items()})


@dataclass
class OperationsTestView:
    """What the test module that reads ``calls.json`` needs to know of it; kept apart,
    so that a changed call renders the data again and not the module."""

    absent: bool  # whether any call is on an item the stub cannot hold
    errors: bool  # whether any error status is documented
    deviation: DeviationView | None


def package_tests(
    model: ApiModel, view: PackageView, spec: dict[str, Any]
) -> tuple[CallsView, OperationsTestView]:
    """The tests of the package ``view`` describes; ``spec`` is the stub server's
    description of ``model`` (its collections, and each operation's success status)."""
    values = _Values(model)
    by_route = {(op.method.upper(), op.path): op for op in model.operations}
    entries = {(entry["method"], entry["path"]): entry for entry in spec["operations"]}
    calls = []
    error_classes: dict[int, str] = {}
    for op_view in view.operations:
        route = (op_view.method, op_view.path)
        entry = entries[route]
        arguments, path = values.arguments(by_route[route], op_view, fresh=_creates_item(entry))
        file = arguments.pop("body") if op_view.body_format == "bytes" else None
        errors = [(int(e.status), e.error_class) for e in op_view.errors if e.status.isdigit()]
        error_classes.update(errors)
        calls.append(
            CallView(
                method=op_view.name,
                arguments=arguments,
                path=path,
                status=entries[route]["status"],
                errors=sorted({status for status, _cls in errors}),
                file=file,
            )
        )
    by_wire = {
        op_view.name: {p.wire_name: call.arguments.get(p.name) for p in op_view.parameters}
        for op_view, call in zip(view.operations, calls, strict=True)
    }
    seeded = _seeded(spec, values, by_wire)
    for call, op_view in zip(calls, view.operations, strict=True):
        files = entries[op_view.method, op_view.path].get("files")
        if files and files["how"] != "upload" and files["collection"] in seeded:
            call.files = seeded[files["collection"]][0]
    absent = [
        call
        for call, op_view in zip(calls, view.operations, strict=True)
        if entries[op_view.method, op_view.path]["kind"] in _ITEM_KINDS
        and entries[op_view.method, op_view.path]["collection"] not in seeded
    ]
    table = CallsView(
        calls=[call for call in calls if call not in absent],
        absent=absent,
        seed=dict(seeded.values()),
        error_classes=dict(sorted(error_classes.items())),
    )
    module = OperationsTestView(bool(absent), bool(error_classes), _deviation(view, calls))
    return table, module


class _Values:
    """Arguments that fit a schema, the same for the same schema and name."""

    def __init__(self, model: ApiModel) -> None:
        self.model = model
        # Path arguments by parameter name (the first schema's), for the stub's items.
        self.path_values: dict[str, Any] = {}
        # By name and schema: a name can take other values elsewhere (another enum).
        self._path_arguments: dict[tuple[str, str], Any] = {}

    def arguments(
        self, op: Operation, op_view: OperationView, *, fresh: bool = False
    ) -> tuple[dict[str, Any], str]:
        """The keyword arguments of a call (the required parameters, and the body), and
        the request's path they fill; ``fresh``: the last path parameter names an item
        the call makes, which the stub must not hold yet."""
        documented: dict[tuple[str, str], Parameter] = {(p.in_, p.name): p for p in op.parameters}
        out: dict[str, Any] = {}
        in_path: dict[str, Any] = {}
        last = _PATH_PARAMETER.findall(op.path)[-1:] if fresh else []
        for parameter in op_view.parameters:
            if parameter.required:
                value = self.parameter(documented[parameter.location, parameter.wire_name])
                if parameter.location == "path" and [parameter.wire_name] == last:
                    value = f"new-{value}"
                out[parameter.name] = value
                if parameter.location == "path":
                    in_path[parameter.wire_name] = value
        if op_view.body_format == "bytes":
            out["body"] = "example"  # the text of the file sent
        elif op_view.body_format == "form":
            out["body"] = {
                p.name: self.value(p.schema_, p.name)
                for p in op.parameters
                if p.in_ == "form" and p.always_required
            }
        elif op_view.body_format == "json":
            contents = op.request_body.content if op.request_body else []
            content = next(c for c in contents if "json" in c.media_type.lower())
            out["body"] = self.value(content.schema_, "body")
        return out, _filled(op.path, in_path)

    def parameter(self, parameter: Parameter) -> Any:
        if parameter.in_ != "path":
            return self.value(parameter.schema_, parameter.name)
        key = (parameter.name, parameter.schema_.model_dump_json())
        if key not in self._path_arguments:
            # Told apart from the bodies' values, which are their fields' names: an
            # item created with the name of one the stub holds would be refused.
            value = self.value(parameter.schema_, f"{parameter.name}-1")
            self._path_arguments[key] = value
            self.path_values.setdefault(parameter.name, value)
        return self._path_arguments[key]

    def value(self, schema: Schema | None, name: str, depth: int = 0) -> Any:
        """A value ``schema`` accepts; ``name`` is what it is the value of."""
        target = self.model.resolve(schema)
        if target is None:
            return name
        for source in (schema, target):
            if source is not None and source.default is not None:
                return source.default
        if target.enum:
            return next((v for v in target.enum if v is not None), None)
        properties, required = self.model.merged_properties(target)
        options = target.one_of or target.any_of
        if options:
            chosen = self.value(options[0], name, depth)
            if properties and isinstance(chosen, dict):
                # An object with fields of its own, and alternatives that add to them.
                return {**self.fields(properties, required, depth), **chosen}
            return chosen
        types = [
            t for t in (target.type or "").replace(" ", "").split("|") if t not in ("", "null")
        ]
        kind = types[0] if types else ("object" if properties or target.all_of else "string")
        if kind == "object":
            return self.fields(properties, required, depth)
        if kind == "array":  # one item, unless none is allowed
            count = max(target.min_items or 0, 0 if target.max_items == 0 else 1)
            return [self.value(target.items, name, depth + 1)] * count
        if kind in ("integer", "number"):
            return _number(target, integer=kind == "integer")
        if kind == "boolean":
            return True
        if kind == "file":
            return ""
        return _string(target, name)

    def fields(
        self, properties: dict[str, Schema], required: set[str], depth: int
    ) -> dict[str, Any]:
        """An object with the ``required`` of its ``properties``."""
        if depth >= _MAX_DEPTH:
            return {}
        return {
            wire: self.value(properties[wire], wire, depth + 1)
            for wire in properties
            if wire in required
        }


def _number(schema: Schema, *, integer: bool) -> int | float:
    """The least value the bounds allow, counting from 1."""
    value = schema.minimum if schema.minimum is not None else 1
    bound = schema.exclusive_minimum
    if bound is True:  # the minimum itself is excluded
        value += 1
    elif bound is not None and bound is not False:
        value = max(value, bound + 1)
    if schema.maximum is not None:
        value = min(value, schema.maximum)
    return int(value) if integer else float(value)


def _string(schema: Schema, name: str) -> str:
    if schema.format == "uuid":
        text = str(uuid.uuid5(uuid.NAMESPACE_URL, name))
    else:
        text = _FORMATS.get(schema.format or "", name)
        if schema.max_length is not None:
            text = text[: schema.max_length]
        text = text.ljust(schema.min_length or 0, "x")
    if schema.pattern is None or _search(schema.pattern, text):
        return text
    return _matching(schema.pattern, schema.min_length or 0) or text


def _search(pattern: str, text: str) -> bool:
    """Whether ``text`` matches ``pattern`` as the stub checks it: anywhere in it, and
    any pattern Python cannot read is met."""
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return True


def _matching(pattern: str, min_length: int) -> str | None:
    """The shortest, plainest text ``pattern`` matches that is ``min_length`` long or
    longer, or None when none is found."""
    # Imported here: only a pattern needs it, and a build of a book with none (or a
    # scrape) then runs where it is not installed.
    import rstr

    for repeats in range(min_length + 1):
        text = rstr.Rstr(_Plainest(repeats)).xeger(pattern)
        for candidate in (text, text.ljust(min_length, "x")):
            if len(candidate) >= min_length and _search(pattern, candidate):
                return candidate
    return None


class _Plainest(random.Random):
    """What rstr draws a pattern's text with: each repetition ``repeats`` times (within
    its bounds), the first of alternatives, and of a set of characters a letter or digit
    before anything else; so the text is the same on every run, and short and plain."""

    def __init__(self, repeats: int) -> None:
        super().__init__(0)
        self.repeats = repeats

    def randint(self, a: int, b: int) -> int:
        return min(max(a, self.repeats), b)

    def choice(self, seq: SupportsLenAndGetItem[_T]) -> _T:
        items = [seq[i] for i in range(len(seq))]
        if all(isinstance(item, str) and len(item) == 1 for item in items):
            # A set of characters, which rstr may list in any order.
            return min(items, key=lambda c: (not str(c).isalnum(), str(c).isspace(), str(c)))
        return items[0]


def _seeded(
    spec: dict[str, Any], values: _Values, calls: dict[str, dict[str, Any]]
) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    """The collections the stub can hold an item of, each with its path filled as the
    calls fill it and the item they name: its id field set to the id they pass; and the
    files the calls that read or delete one name (``calls``: arguments by operation)."""
    seeded = {}
    for path, collection in spec["collections"].items():
        id_param, id_field = collection["id_param"], collection["id_field"]
        names = [*_PATH_PARAMETER.findall(path), id_param]
        if id_field is None or any(name not in values.path_values for name in names):
            continue
        filled = _filled(path, values.path_values)
        seeded[path] = (filled, [{id_field: values.path_values[id_param]}])
    for entry in spec["operations"]:
        files = entry.get("files")
        if not files or files["how"] == "upload" or files["collection"] in seeded:
            continue
        names = _PATH_PARAMETER.findall(files["collection"])
        name = calls[entry["name"]].get(files["parameter"])
        if name is not None and all(n in values.path_values for n in names):
            filled = _filled(files["collection"], values.path_values)
            seeded[files["collection"]] = (filled, [{files["parameter"]: name}])
    return seeded


def _creates_item(entry: dict[str, Any]) -> bool:
    """Whether an operation makes the item its path names (a POST on an item's path)."""
    return bool(entry["kind"] == "create" and entry["path"].endswith("}"))


def _filled(path: str, values: dict[str, Any]) -> str:
    """``path`` with its parameters' values."""
    return _PATH_PARAMETER.sub(lambda match: str(values[match[1]]), path)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _deviation(view: PackageView, calls: list[CallView]) -> DeviationView | None:
    """The first operation that answers a model with a documented string field: the
    response the test sends it sets that field to a number."""
    classes: dict[str, ClassView] = {}
    for module in view.modules:
        for cls in module.classes:
            if cls.alias_of is None:
                classes.setdefault(cls.name, cls)
    for op_view, call in zip(view.operations, calls, strict=True):
        answered = classes.get(op_view.data_annotation.removeprefix("models."))
        if not op_view.data_annotation.startswith("models.") or answered is None:
            continue
        text = next((f for f in answered.fields if f.annotation in ("str", "str | None")), None)
        if text is None:
            continue
        return DeviationView(
            call=call,
            model=op_view.data_annotation,
            body=literal({text.alias: 12345, "undocumentedField": "kept"}),
            attribute=text.name,
            alias=text.alias,
        )
    return None
