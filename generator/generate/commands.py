"""What a package's command line and agent tools read: each operation as data.

Two files, written next to the package's modules:

* ``_commands.json``, the command table: one command per operation, grouped by the
  book's tags and named from the client's methods in kebab-case, with its options (from
  the parameters, and from the fields of a flat body), its help and page, how its
  results page and which waiter follows it. The command line reads only this, so that
  ``PROGRAM GROUP COMMAND --help`` imports none of the package's models.
* ``_input_schemas.json``: each operation's input as JSON Schema (its parameters and
  body, the required ones required) and the named schemas they refer to, for the
  agent tools.

Everything here is decided from the views (names) and the model (schemas); the fixed
modules (``runtime/cli.py``, ``runtime/mcp.py``) only follow it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import ApiModel, Operation, Parameter, Schema, child_schemas
from ..names import NameSpace, snake_case
from ..openapi import COMPONENTS, schema_to_json
from .quickstart import QuickStartView
from .views import OperationView, PackageView, absolute_links

# The options every command has of its own, as snake_case names (the flags are kebab-case):
# the connection's, the output's, and those that stand for the body, pages and waits.
CONNECTION_OPTIONS = ("profile", "config_file", "region", "auth", "endpoint")
OWN_OPTIONS = frozenset(
    {*CONNECTION_OPTIONS, "help", "body", "query", "all", "all_pages", "raw", "raw_output"}
    | {"wait_for_state", "max_wait_seconds"}
)
# The command of the root group that serves the agent tools.
ROOT_COMMANDS = frozenset({"mcp"})
# The schema keys the agent tools' input schemas leave out: the scraper's notes.
_NOTE_KEYS = frozenset({"x-docs2sdk-labels"})
_SCALARS = frozenset({"string", "integer", "number", "boolean"})


@dataclass(frozen=True)
class _Kind:
    """How a command line option takes a value: its type (``string``, ``integer``,
    ``number``, ``boolean``, or ``json`` for anything else), its choices, and whether
    it is given once per item of a list."""

    type: str
    choices: list[str] | None = None
    multiple: bool = False

    def data(self) -> dict[str, Any]:
        return {"type": self.type, "choices": self.choices, "multiple": self.multiple}


def kebab_case(name: str) -> str:
    """A snake_case name as a command or flag: ``list_workspaces`` -> ``list-workspaces``."""
    return name.replace("_", "-")


def command_table(model: ApiModel, view: PackageView, spec: dict[str, Any]) -> dict[str, Any]:
    """The command table (see the module's docstring); ``spec`` is the stub server's
    description of ``model``, which tells creates, lists and their resources apart."""
    operations = {(op.method.upper(), op.path): op for op in model.operations}
    described = {(entry["method"], entry["path"]): entry for entry in spec["operations"]}
    waits = _Waits(view, described, spec["collections"])
    group_names = NameSpace(ROOT_COMMANDS)
    groups = []
    for group in view.groups:
        command_names = NameSpace()
        commands = []
        for op in group.operations:
            # A method named ``close_`` (the client has its own ``close``) is ``close``.
            name = kebab_case(command_names.claim(op.name.rstrip("_")))
            request = (op.method, op.path)
            commands.append(
                _command(name, model, op, operations[request], described[request], waits)
            )
        groups.append(
            {
                "name": kebab_case(group_names.claim(group.module)),
                "help": f"Operations of the {group.tag} tag." if group.tag else "Other operations.",
                "commands": commands,
            }
        )
    return {
        "program": view.distribution,
        # Where the command line reads --endpoint from when it is not given.
        "endpoint_variable": view.distribution.upper().replace("-", "_") + "_ENDPOINT",
        "package": view.package,
        "title": view.title,
        "version": view.version,
        "groups": groups,
    }


def input_schemas(model: ApiModel, view: PackageView) -> dict[str, Any]:
    """Each operation's input as JSON Schema, by the client's method name, and the named
    schemas they refer to (``$ref: #/$defs/NAME``)."""
    operations = {(op.method.upper(), op.path): op for op in model.operations}
    refers: dict[str, set[str]] = {}  # a named schema -> those it names itself
    out: dict[str, Any] = {}
    for op in view.operations:
        source = operations[op.method, op.path]
        by_wire = _parameters(source)
        properties: dict[str, Any] = {}
        required: list[str] = []
        for parameter in op.parameters:
            found = by_wire[parameter.location, parameter.wire_name]
            properties[parameter.name] = _described(
                _json_schema(found.schema_), absolute_links(found.description)
            )
            if parameter.required:
                required.append(parameter.name)
        if op.body_format is not None:
            properties["body"] = _described(_body_schema(source, op), _body_help(source))
            required.append("body")
        roots = [p.schema_ for p in source.parameters] + _body_schemas(source)
        out[op.name] = {
            "properties": properties,
            "required": required,
            "defs": sorted(_reachable(model, roots, refers)),
        }
    named = set().union(*(entry["defs"] for entry in out.values())) if out else set()
    return {
        "operations": out,
        "schemas": {
            name: _json_schema(schema) for name, schema in model.schemas.items() if name in named
        },
    }


def _command(
    name: str,
    model: ApiModel,
    op: OperationView,
    source: Operation,
    described: dict[str, Any],
    waits: _Waits,
) -> dict[str, Any]:
    flags = NameSpace(OWN_OPTIONS)
    by_wire = _parameters(source)
    options = []
    for parameter in op.parameters:
        found = by_wire[parameter.location, parameter.wire_name]
        options.append(
            {
                "flag": kebab_case(flags.claim(parameter.name.rstrip("_"))),
                "argument": parameter.name,
                "in": parameter.location,
                "wire": parameter.wire_name,
                "required": parameter.required,
                **_kind(model, found.schema_).data(),
                "help": _help(found.description, found.schema_),
            }
        )
    return {
        "name": name,
        "method": op.name,
        "http_method": op.method,
        "path": op.path,
        "effect": _effect(op, described["kind"]),
        "title": op.title,
        "description": op.description,
        "url": op.page_url,
        "options": options,
        "body": _body(model, op, source, flags),
        "pages": (
            {"method": op.pages_name, "page": op.page_parameter, "items": _items_key(described)}
            if op.pages_name is not None
            else None
        ),
        "wait": waits.of(op),
        "download": op.data_format if op.data_format in ("text", "bytes") else None,
    }


def _parameters(op: Operation) -> dict[tuple[str, str], Parameter]:
    return {(p.in_, p.name): p for p in op.parameters}


def _effect(op: OperationView, kind: str) -> str:
    """What calling the operation does, for the agent tools' hints: ``read`` (GET, HEAD),
    ``create`` (a POST that adds to a collection, as the stub tells them apart),
    ``replace`` (PUT), ``update`` (PATCH), ``delete`` (DELETE) or ``action`` (any
    other POST: it may change or remove what exists)."""
    if op.method in ("GET", "HEAD", "OPTIONS"):
        return "read"
    if op.method == "POST":
        return "create" if kind == "create" else "action"
    return {"PUT": "replace", "PATCH": "update", "DELETE": "delete"}.get(op.method, "action")


def _help(description: str | None, schema: Schema) -> str:
    """An option's help: the page's description on one line, and its default."""
    text = " ".join((absolute_links(description) or "").split())
    if schema.default is not None:
        text = f"{text} Default: {schema.default}.".strip()
    return text


def _kind(model: ApiModel, schema: Schema) -> _Kind:
    target = model.resolve(schema) or schema
    kind = _scalar(target)
    if kind is not None:
        return kind
    if _types(target) == ["array"] and target.items is not None:
        item = _scalar(model.resolve(target.items) or target.items)
        if item is not None:
            return _Kind(item.type, item.choices, multiple=True)
    return _Kind("json")


def _scalar(schema: Schema) -> _Kind | None:
    types = _types(schema)
    if len(types) != 1 or types[0] not in _SCALARS:
        return None
    listed = schema.enum if schema.enum and types[0] != "boolean" else []
    return _Kind(types[0], [str(v) for v in listed if v is not None] or None)


def _types(schema: Schema) -> list[str]:
    """The JSON types a schema names, ``null`` left out (``file`` is a string)."""
    named = (schema.type or "").split(" | ") if schema.type else []
    if not named and schema.enum:
        named = ["string"] if all(isinstance(v, str) for v in schema.enum if v) else []
    return ["string" if t == "file" else t for t in named if t != "null"]


def _body(
    model: ApiModel, op: OperationView, source: Operation, flags: NameSpace
) -> dict[str, Any] | None:
    if op.body_format is None:
        return None
    fields = _flat_fields(model, source, flags) if op.body_format == "json" else None
    return {"format": op.body_format, "help": _body_help(source), "fields": fields}


def _body_help(op: Operation) -> str:
    """The page's description of the request body, on one line."""
    body = op.request_body
    return " ".join((absolute_links(body.description if body else None) or "").split())


def _flat_fields(
    model: ApiModel, source: Operation, flags: NameSpace
) -> list[dict[str, Any]] | None:
    """Options for each field of a flat JSON body (one whose fields are all strings,
    numbers, booleans or lists of them), or None when the body is not flat."""
    schemas = _body_schemas(source)
    if not schemas:
        return None
    target = model.resolve(schemas[0])
    properties, required = model.merged_properties(target)
    if target is None or not properties:
        return None
    kinds = {}
    for key, schema in properties.items():
        kind = _kind(model, schema)
        if kind.type == "json":
            return None
        kinds[key] = kind
    return [
        {
            "flag": kebab_case(flags.claim(snake_case(key))),
            "key": key,
            "required": key in required,
            **kinds[key].data(),
            "help": _help(schema.description, schema),
        }
        for key, schema in properties.items()
        if not (model.resolve(schema) or schema).read_only
    ]


def _body_schemas(op: Operation) -> list[Schema]:
    """The schema of the request body's JSON content, as a list of none or one."""
    if op.request_body is None:
        return []
    return [
        c.schema_
        for c in op.request_body.content
        if "json" in c.media_type.lower() and c.schema_ is not None
    ][:1]


def _body_schema(op: Operation, view: OperationView) -> dict[str, Any]:
    """The ``body`` argument's JSON Schema, as the client sends it."""
    if view.body_format in ("form", "multipart"):
        form = [p for p in op.parameters if p.in_ == "form"]
        return {
            "type": "object",
            "properties": {
                p.name: _described(_json_schema(p.schema_), absolute_links(p.description))
                for p in form
            },
            "required": [p.name for p in form if p.required],
        }
    if view.body_format == "bytes":
        return {"type": "string", "description": "The content to send, as text."}
    schemas = _body_schemas(op)
    return _json_schema(schemas[0]) if schemas else {}


def _json_schema(schema: Schema) -> dict[str, Any]:
    """A model schema as JSON Schema 2020-12, its references into ``$defs``."""
    converted: dict[str, Any] = _portable(schema_to_json(schema))
    return converted


def _portable(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: (
                "#/$defs/" + item.removeprefix(COMPONENTS)
                if key == "$ref" and isinstance(item, str)
                else _portable(item)
            )
            for key, item in value.items()
            if key not in _NOTE_KEYS
        }
    if isinstance(value, list):
        return [_portable(item) for item in value]
    return value


def _described(schema: dict[str, Any], description: str | None) -> dict[str, Any]:
    """``schema`` with ``description`` (a ``$ref`` keeps its siblings in 2020-12)."""
    if not description or "description" in schema:
        return schema
    return {**schema, "description": description}


def _reachable(model: ApiModel, roots: list[Schema], refers: dict[str, set[str]]) -> set[str]:
    """The named schemas ``roots`` refer to, directly or through others; ``refers``
    keeps what each named schema refers to itself, for the next operation."""
    found: set[str] = set()
    todo = sorted(set().union(*(_refs(root) for root in roots))) if roots else []
    while todo:
        name = todo.pop()
        if name in found or name not in model.schemas:
            continue
        found.add(name)
        if name not in refers:
            refers[name] = _refs(model.schemas[name])
        todo.extend(refers[name] - found)
    return found


def _refs(schema: Schema) -> set[str]:
    """The names a schema refers to itself (not through the schemas it names)."""
    found: set[str] = set()
    todo = [schema]
    while todo:
        inner = todo.pop()
        if inner.ref is not None:
            found.add(inner.ref)
        todo.extend(child for _key, child in child_schemas(inner))
    return found


def _items_key(described: dict[str, Any]) -> str | None:
    """Where a page's items are in its JSON: ``""`` when the page is a list, the name of
    its list field (``items``), or None when the stub does not read it as a list."""
    if described["kind"] != "list":
        return None
    field: str | None = described.get("list_field")
    return field or ""


class _Waits:
    """Which waiter follows which operation, and where each argument of the waiter
    comes from: an option of the command, or a field of its answer (the id of what a
    create made).

    A resource's waiter follows its read (``GET .../things/{thingId}``), the other
    operations on the same path (its update, its delete) and its actions
    (``.../things/{thingId}/actions/...``), and the create that makes one, with the id
    taken from the create's answer."""

    def __init__(
        self,
        view: PackageView,
        described: dict[tuple[str, str], dict[str, Any]],
        collections: dict[str, dict[str, Any]],
    ) -> None:
        self.reads = {op.path: op for op in view.operations if op.waiter is not None}
        self.described = described
        self.collections = collections

    def of(self, op: OperationView) -> dict[str, Any] | None:
        made: tuple[str, str] | None = None  # the read's id parameter, the answer's id field
        read = self.reads.get(op.path.partition("/actions/")[0])
        entry = self.described[op.method, op.path]
        collection = self.collections.get(entry["collection"] or "")
        if read is None and entry["kind"] == "create" and collection is not None:
            read = self.reads.get(collection["item_path"] or "")
            if collection["id_field"] is not None:
                made = collection["id_param"], collection["id_field"]
        if read is None or read.waiter is None:
            return None
        options = {(p.location, p.wire_name): p for p in op.parameters if p.required}
        arguments: dict[str, list[str]] = {}
        for parameter in (p for p in read.parameters if p.required):
            given = options.get((parameter.location, parameter.wire_name))
            if given is not None:
                arguments[parameter.name] = ["option", given.name]
            elif made is not None and parameter.wire_name == made[0]:
                arguments[parameter.name] = ["field", made[1]]
            else:
                return None
        return {"method": read.waiter.name, "states": read.waiter.values, "arguments": arguments}


@dataclass
class CommandLineView:
    """What the README shows of the command line: the program and a few commands."""

    program: str
    completion_variable: str  # the variable click's shell completion reads
    endpoint_variable: str  # the variable ``--endpoint`` is read from when not given
    group: str  # a group to ask for help on
    examples: list[str]  # commands as typed in a shell, their values made up


def command_line_view(table: dict[str, Any], example: QuickStartView | None) -> CommandLineView:
    """The README's view of the command table; ``example`` is the resource the README's
    quick start takes through its life, whose create, wait, list and read it shows."""
    program = table["program"]
    entries = {
        (entry["http_method"], entry["path"]): (group["name"], entry)
        for group in table["groups"]
        for entry in group["commands"]
    }
    examples = []
    if example is not None:
        group, create = entries[example.create.method, example.create.path]
        id_field = _id_field(create)
        line = f"{_invocation(program, group, create)} --body @body.json"
        if create["wait"] is not None and example.wait_state is not None:
            line += f" --wait-for-state {example.wait_state}"
        examples.append(f"ID=$({line} --query {id_field} --raw-output)" if id_field else line)
        group, listing = entries[example.listing.method, example.listing.path]
        line = _invocation(program, group, listing)
        examples.append(f"{line} --all" if listing["pages"] is not None else line)
        group, read = entries[example.read.method, example.read.path]
        examples.append(_invocation(program, group, read, {example.id_argument: '"$ID"'}))
    first = table["groups"][0]
    return CommandLineView(
        program=program,
        completion_variable=f"_{program.upper().replace('-', '_')}_COMPLETE",
        endpoint_variable=table["endpoint_variable"],
        group=first["name"],
        examples=examples,
    )


def _invocation(
    program: str, group: str, entry: dict[str, Any], values: dict[str, str] | None = None
) -> str:
    """``PROGRAM GROUP COMMAND`` with its required options, their values made up."""
    words = [program, group, entry["name"]]
    for option in entry["options"]:
        if option["required"]:
            value = (values or {}).get(option["argument"], "my-" + option["flag"])
            words.append(f"--{option['flag']} {value}")
    return " ".join(words)


def _id_field(create: dict[str, Any]) -> str | None:
    """The field of a create's answer that its waiter reads the new resource's id from."""
    wait = create["wait"]
    fields = [
        key for source, key in (wait["arguments"].values() if wait else []) if source == "field"
    ]
    return fields[0] if fields else None
