"""What the generated stub server (``NAME/server/``) serves, as plain data.

The model is read here, once, at generation time: which paths are collections of
resources, which path parameter names a resource and which field holds its id, how a
list is shaped, and what each operation checks, does and answers. The server only
follows this description, so it never needs the model, and the client never loads it.

Resources are inferred from the path structure:

* an *item* path ends in a parameter whose parent segment is a literal other than
  ``actions``: ``.../sessions/{sessionId}`` is an item of the collection ``.../sessions``;
* a *collection* path is the parent of an item path, or a path whose GET answers a list
  (a bare array, or an object with an array property such as ``items``);
* a resource's id field is the item parameter's own name when the resource has such a
  field, else the parameter's last word: ``sessionId`` -> ``id``, ``workspaceKey`` -> ``key``;
* GET / HEAD / PUT / PATCH / DELETE on an item read, replace, merge and delete it; POST on a
  collection creates (with a JSON object body, or a file named by a parameter), as does
  POST on an item path (the item named by the path); GET on a collection lists;
  everything else, including any path with an ``actions`` segment, is an *action* on the
  resource its path names.

What the pages say in words is read here too, in their usual phrasings: which fields
are the server's own (in the resource but in no create or update details), which names
"have to be unique" and within what, "At most N characters", "Default order for
`timeCreated` is descending", "The state value is case-insensitive", and the lifecycle
states a resource moves through (from the model's enums).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..examples import json_bodies, misfit, schema_checker
from ..model import ApiModel, Operation, Parameter, Schema, child_schemas, is_json, is_success
from ..runtime.waiters import LIFECYCLE_FIELDS, is_failure
from ..stub_schemas import schema_data

if TYPE_CHECKING:
    from ..runtime.server._schemas import Schemas

_PARAMETER = re.compile(r"\{([^{}]+)\}")
# Query parameters that page or sort a list rather than filter it.
_PAGE_SIZE = "limit"
_LIST_CONTROLS = frozenset({_PAGE_SIZE, "page", "sortBy", "sortOrder"})
_ITEM_KINDS = {
    "get": "read",
    "head": "read",
    "put": "replace",
    "patch": "merge",
    "delete": "delete",
}
# A filter parameter's suffix, and how it compares the field it names.
_FILTER_SUFFIXES = (
    ("GreaterThanOrEqualTo", "ge"),
    ("GreaterThan", "gt"),
    ("LessThanOrEqualTo", "le"),
    ("LessThan", "lt"),
    ("Contains", "contains"),
)
# The fields a resource's name may be in: a parameter or sort value naming one of them
# filters or sorts on whichever the resource has (OCI's ``displayName`` on a ``name``).
_NAME_FIELDS = ("displayName", "name")
# States a resource passes through on its way to another, besides the ``...ING`` ones.
_TRANSITIONS = frozenset({"ACCEPTED", "PENDING", "QUEUED", "SUBMITTED", "WAITING"})
# "Has to be unique within the AI Data Platform instance", "must be unique", "that has to
# be unique in a ...": the scope, when one is named, is the phrase's last word.
_UNIQUE = re.compile(r"\b(?:has|have) to be unique|\bmust be unique", flags=re.IGNORECASE)
_UNIQUE_SCOPE = re.compile(
    r"unique (?:with)?in (?:the scope of )?(?:the |a |an )?([\w ]+?)(?:[.,;]|\band\b|$)",
    flags=re.IGNORECASE,
)
_NOT_UNIQUE = re.compile(r"\bnot (?:have to|need to) be unique", flags=re.IGNORECASE)
_IGNORE_CASE = re.compile(r"\bcase[- ]insensitive\b", flags=re.IGNORECASE)
_DEFAULT_ORDER = re.compile(
    r"default order for `?(\w+)`? is (ascending|descending)", flags=re.IGNORECASE
)
# An action that moves files: ``uploadFile`` on a volume writes into its ``files``.
_FILE_VERB = re.compile(r"(upload|download|delete)([A-Z]\w*)")


@dataclass(frozen=True)
class _Collection:
    path: str
    item_path: str | None
    id_param: str | None


def server_spec(model: ApiModel) -> dict[str, Any]:
    """The stub server's description of ``model``: operations, collections, schemas."""
    return _SpecBuilder(model).build()


def _first_example(op: Operation, media_type: str) -> Any:
    """The first example of the success response's ``media_type`` body: its text, or
    its JSON value; None where the page shows none."""
    for response in op.responses:
        if is_success(response.status):
            for content in response.content:
                if content.media_type == media_type and content.examples:
                    first = content.examples[0]
                    return first.text if first.text is not None else first.value
    return None


def spec_json(spec: dict[str, Any], header: str) -> str:
    """A ``server_spec`` as the compact JSON text the stub server reads, ``header``
    first (as ``$comment``: JSON has no comments)."""
    return json.dumps({"$comment": header, **spec}, ensure_ascii=True, separators=(",", ":")) + "\n"


def _segments(path: str) -> list[str]:
    return path.strip("/").split("/")


def _is_parameter(segment: str) -> bool:
    return _PARAMETER.fullmatch(segment) is not None


def _last_word(name: str) -> str:
    """``workspaceKey`` -> ``key``, ``session_id`` -> ``id``, ``id`` -> ``id``."""
    words = re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name)
    return words[-1].lower() if words else name


def _is_transition(state: str) -> bool:
    return state.endswith(("ING", "IN_PROGRESS")) or state in _TRANSITIONS


def _is_settled(state: str) -> bool:
    return not (_is_transition(state) or is_failure(state) or state.startswith("DELET"))


def lifecycle(states: list[Any]) -> dict[str, str] | None:
    """Where a new resource starts (its first documented state) and where it settles
    (the first documented state that is neither a transition, a failure nor a deletion)."""
    names = [s for s in states if isinstance(s, str)]
    settled = next((s for s in names if _is_settled(s)), None)
    if settled is None:
        return None
    return {"initial": names[0] if _is_transition(names[0]) else settled, "settled": settled}


def action_states(verb: str, states: list[Any], settled: str) -> list[str] | None:
    """The state an action named ``verb`` puts its resource in and the one it ends in,
    from the documented states that start with the verb: ``stop`` -> STOPPING, then
    STOPPED; ``start`` -> STARTING, then the state resources settle in (ACTIVE)."""
    stem = re.sub(r"E$", "", verb.upper())
    names = [s for s in states if isinstance(s, str) and s.startswith(stem)]
    moving = next((s for s in names if _is_transition(s)), None)
    ended = next((s for s in names if s.endswith("ED") and not is_failure(s)), None)
    if moving is None and ended is None:
        return None
    return [moving or ended or settled, ended or settled]


class _SpecBuilder:
    def __init__(self, model: ApiModel) -> None:
        self.model = model
        self.by_path: dict[str, dict[str, Operation]] = {}
        for op in model.operations:
            self.by_path.setdefault(op.path, {})[op.method] = op
        self.collections = self._collections()
        self.item_owner = {c.item_path: c for c in self.collections.values() if c.item_path}
        self.items = {path: self._item_schema(c) for path, c in self.collections.items()}
        self.kinds = {op.name: self._kind(op) for op in model.operations}
        # Each collection's create, replace and merge operations.
        self.writers: dict[str, list[Operation]] = {}
        for op in model.operations:
            kind, owner = self.kinds[op.name]
            if owner is not None and kind in ("create", "replace", "merge"):
                self.writers.setdefault(owner.path, []).append(op)

    # ------------------------------------------------------------------ structure
    def _collections(self) -> dict[str, _Collection]:
        items: dict[str, tuple[str, str]] = {}  # collection path -> (item path, parameter)
        for path in self.by_path:
            segments = _segments(path)
            if "actions" in segments or len(segments) < 2:
                continue
            parent, last = segments[-2], segments[-1]
            match = _PARAMETER.fullmatch(last)
            if match and not _is_parameter(parent) and parent != "actions":
                collection = path[: path.rfind("/")]
                items.setdefault(collection, (path, match[1]))
        found: dict[str, _Collection] = {}
        candidates = sorted(set(items) | set(self.by_path))
        for path in candidates:
            segments = _segments(path)
            if "actions" in segments or _is_parameter(segments[-1]):
                continue
            list_op = self.by_path.get(path, {}).get("get")
            if path in items:
                item_path, id_param = items[path]
                found[path] = _Collection(path, item_path, id_param)
            elif list_op is not None and self._list_field(list_op) is not None:
                found[path] = _Collection(path, None, None)
        return found

    def _owners(self, path: str) -> list[str]:
        """The collections whose items ``path`` names, outermost first: the workspace
        and the cluster of ``.../workspaces/{w}/clusters/{c}/actions/start``."""
        segments = path.split("/")
        prefixes = ("/".join(segments[: i + 1]) for i in range(len(segments)))
        return [owner.path for prefix in prefixes if (owner := self.item_owner.get(prefix))]

    @staticmethod
    def _success(op: Operation) -> tuple[int, Schema | None, str | None]:
        """The documented success status, and its response body's schema and media type."""
        for response in op.responses:
            if is_success(response.status):
                content = next(
                    (c for c in response.content if is_json(c.media_type)),
                    response.content[0] if response.content else None,
                )
                if content is None:
                    return int(response.status), None, None
                return int(response.status), content.schema_, content.media_type
        return 200, None, None

    def _list_field(self, op: Operation) -> str | None:
        """``""`` for a bare array, the array property of a list object, or None."""
        _status, schema, media_type = self._success(op)
        if not is_json(media_type):
            return None
        target = self.model.resolve(schema)
        if target is None:
            return None
        if target.type == "array":
            return ""
        arrays = [
            name
            for name, prop in self.model.merged_properties(target)[0].items()
            if self._is_array(prop)
        ]
        if "items" in arrays:
            return "items"
        return arrays[0] if arrays else None

    def _is_array(self, schema: Schema) -> bool:
        target = self.model.resolve(schema)
        return target is not None and target.type == "array"

    def _is_object(self, schema: Schema | None) -> bool:
        target = self.model.resolve(schema)
        return target is not None and bool(
            self.model.merged_properties(target)[0] or target.type == "object"
        )

    def _item_schema(self, collection: _Collection) -> Schema | None:
        """What the collection stores: what reading an item answers, else what creating
        one answers, else what listing shows (the first of them that is an object: a
        file's item reads as its bytes and lists as what describes it)."""
        ops = self.by_path.get(collection.path, {})
        for op in (
            self.by_path.get(collection.item_path or "", {}).get("get"),
            ops.get("post"),
        ):
            if op is not None:
                schema = self._success(op)[1]
                if self._is_object(schema):
                    return schema
        list_op = ops.get("get")
        if list_op is not None:
            return self._list_item(list_op)
        return None

    def _list_item(self, op: Operation) -> Schema | None:
        field = self._list_field(op)
        if field is None:
            return None
        schema = self.model.resolve(self._success(op)[1])
        array = (
            schema
            if field == ""
            else self.model.resolve(self.model.merged_properties(schema)[0].get(field))
        )
        return array.items if array is not None else None

    def _id_field(self, collection: _Collection, item: Schema | None) -> str | None:
        props = self.model.merged_properties(item)[0]
        names = (
            [collection.id_param, _last_word(collection.id_param)] if collection.id_param else []
        )
        return next((n for n in [*names, "id", "key"] if n in props), None)

    # ------------------------------------------------------------------ operations
    def _kind(self, op: Operation) -> tuple[str, _Collection | None]:
        segments = _segments(op.path)
        if "actions" in segments:
            return "action", None
        owner = self.item_owner.get(op.path)
        if owner is not None:
            if op.method == "post" and self._body_content(op) is not None:
                return "create", owner  # at the path's own id
            kind = _ITEM_KINDS.get(op.method, "action")
            return kind, (owner if kind != "action" else None)
        collection = self.collections.get(op.path)
        if collection is not None:
            if op.method == "get" and self._list_field(op) is not None:
                return "list", collection
            if op.method == "post" and self._creates(op, collection):
                return "create", collection
        return "action", None

    def _body_content(self, op: Operation) -> tuple[bool, Schema | None] | None:
        """Whether the body is JSON, and its schema; None for no body."""
        body = op.request_body
        if body is None or not body.content:
            return None
        content = next((c for c in body.content if is_json(c.media_type)), body.content[0])
        return is_json(content.media_type), content.schema_

    def _creates(self, op: Operation, collection: _Collection) -> bool:
        """A POST that makes an item: with a JSON object body, or with a file body and a
        parameter that names the new item."""
        content = self._body_content(op)
        if content is None:
            return False
        is_json, schema = content
        if is_json:
            return self._is_object(schema)
        return self._naming_parameter(op, collection) is not None

    @staticmethod
    def _naming_parameter(op: Operation, collection: _Collection) -> Parameter | None:
        """The create's parameter that names the new item: called as the item's path
        parameter, or by its last word (``path`` for ``objectPath``)."""
        if collection.id_param is None:
            return None
        names = (collection.id_param, _last_word(collection.id_param))
        return next((p for p in op.parameters if p.name in names and p.in_ != "path"), None)

    def _operation(self, op: Operation) -> dict[str, Any]:
        kind, collection = self.kinds[op.name]
        status, schema, media_type = self._success(op)
        owners = self._owners(op.path)
        if collection is not None and op.path == collection.item_path:
            owners = owners[:-1]  # the item itself is what the operation reads or makes
        out: dict[str, Any] = {
            "name": op.name,
            "method": op.method.upper(),
            "path": op.path,
            "kind": kind,
            "collection": collection.path if collection else None,
            "status": status,
            "parameters": [self._parameter(p) for p in op.parameters if p.in_ != "form"],
            "body": self._body(op),
            "response": (
                {"media_type": media_type, "schema": schema_data(schema) if schema else None}
                if media_type
                else None
            ),
            "owners": owners,
        }
        if media_type and not is_json(media_type):
            # A download the stub makes up is the page's example of it, where it shows one.
            example = _first_example(op, media_type)
            if example is not None:
                out["response"]["example"] = example
        if (error_media_type := _error_media_type(op)) is not None:
            out["error_media_type"] = error_media_type
        if kind == "list":
            assert collection is not None
            out.update(self._listing(op, collection))
        elif kind == "create":
            assert collection is not None
            out["id_from"] = self._id_from(op, collection)
        elif kind == "action":
            out.update(self._action(op, owners))
        return out

    def _parameter(self, p: Parameter) -> dict[str, Any]:
        schema = schema_data(p.schema_)
        if p.in_ == "query" and p.name == _PAGE_SIZE and "minimum" not in schema:
            schema["minimum"] = 1  # a page holds at least one item
        if p.description and _IGNORE_CASE.search(p.description) and "enum" in schema:
            schema["ignore_case"] = True
        return {"name": p.name, "in": p.in_, "required": p.always_required, "schema": schema}

    def _id_from(self, op: Operation, collection: _Collection) -> dict[str, str] | None:
        """Where a create finds the new item's id: the path, a parameter, or a body field
        the create details have; None when the server makes it up."""
        if op.path == collection.item_path and collection.id_param:
            return {"in": "path", "name": collection.id_param}
        parameter = self._naming_parameter(op, collection)
        if parameter is not None:
            return {"in": parameter.in_, "name": parameter.name}
        id_field = self._id_field(collection, self.items[collection.path])
        content = self._body_content(op)
        if id_field and content and id_field in self.model.merged_properties(content[1])[0]:
            return {"in": "body", "name": id_field}
        return None

    def _summary(self, collection: _Collection) -> Schema | None:
        """What listing the collection shows of an item, where it is not the item."""
        list_op = self.by_path.get(collection.path, {}).get("get")
        if list_op is None or self.kinds[list_op.name][0] != "list":
            return None
        summary = self._list_item(list_op)
        item = self.items[collection.path]
        return None if self.model.resolve(summary) is self.model.resolve(item) else summary

    def _fields(self, collection: _Collection) -> dict[str, Schema]:
        """The fields a collection's items hold, and those its list shows."""
        fields = dict(self.model.merged_properties(self.items[collection.path])[0])
        for name, prop in self.model.merged_properties(self._summary(collection))[0].items():
            fields.setdefault(name, prop)
        return fields

    def _field_named(self, name: str, fields: dict[str, Schema], collection: _Collection) -> str:
        """The field a parameter or sort value ``name`` means, or ``""``."""
        if name in fields:
            return name
        if name == collection.id_param:
            return self._id_field(collection, self.items[collection.path]) or ""
        if name in _NAME_FIELDS:
            return next((n for n in _NAME_FIELDS if n in fields), "")
        return ""

    def _listing(self, op: Operation, collection: _Collection) -> dict[str, Any]:
        fields = self._fields(collection)
        filters = []
        sorts: dict[str, list[Any]] = {}
        for p in op.parameters:
            if p.in_ != "query":
                continue
            if p.name == "sortBy":
                target = self.model.resolve(p.schema_)
                orders = {
                    field: order.lower() == "descending"
                    for field, order in _DEFAULT_ORDER.findall(p.description or "")
                }
                for value in (target.enum if target else None) or []:
                    field = self._field_named(str(value), fields, collection)
                    if field:
                        sorts[str(value)] = [field, orders.get(str(value), False)]
                continue
            if p.name in _LIST_CONTROLS:
                continue
            found = self._filter(p.name, fields, collection)
            if found is not None:
                ignore_case = bool(p.description and _IGNORE_CASE.search(p.description))
                filters.append([p.name, *found, ignore_case])
        return {"list_field": self._list_field(op) or None, "filters": filters, "sorts": sorts}

    def _filter(
        self, parameter: str, fields: dict[str, Schema], collection: _Collection
    ) -> list[str] | None:
        """``[field, how]`` for a list's query parameter that names a field: ``displayName``
        equals, ``displayNameContains`` holds a part of it, ``timeCreatedGreaterThan...``
        bounds it, ``path`` is the path or a folder above it."""
        field = self._field_named(parameter, fields, collection)
        if field:
            return [field, "under" if _last_word(field) == "path" else "equals"]
        for suffix, how in _FILTER_SUFFIXES:
            stem = parameter.removesuffix(suffix)
            if stem != parameter and (field := self._field_named(stem, fields, collection)):
                return [field, how]
        return None

    def _action(self, op: Operation, owners: list[str]) -> dict[str, Any]:
        """What an action does to the resource its path names: the state its name says,
        or the files its name says it moves."""
        segments = _segments(op.path)
        verb = segments[segments.index("actions") + 1] if "actions" in segments else segments[-1]
        target = owners[-1] if owners else None
        out: dict[str, Any] = {"target": target, "on_item": False, "states": None, "files": None}
        if target is None:
            return out
        collection = self.collections[target]
        # On the item itself (``.../{key}/actions/start``, ``.../{key}/libraries``), not
        # on a collection under it (``.../{key}/agents/actions/preview``).
        rest = _segments(op.path.removeprefix(f"{collection.item_path}/"))
        on_item = rest[0] == "actions" or len(rest) == 1
        out["on_item"] = on_item
        field, states = self._lifecycle_field(collection)
        settled = lifecycle(states)
        if on_item and field and settled:
            out["states"] = action_states(verb, states, settled["settled"])
        files = _FILE_VERB.fullmatch(verb)
        if files:
            noun = files[2][0].lower() + files[2][1:]
            child = self.collections.get(f"{collection.item_path}/{noun}s")
            if child is not None:
                item_fields = self._fields(child)
                parameter = next(
                    (p for p in op.parameters
                     if p.in_ != "path" and p.always_required and p.name in item_fields),
                    None,
                )  # fmt: skip
                if parameter is not None:
                    out["files"] = {
                        "collection": child.path,
                        "parameter": parameter.name,
                        "where": parameter.in_,
                        "how": files[1],
                    }
        return out

    def _lifecycle_field(self, collection: _Collection) -> tuple[str | None, list[Any]]:
        props = self.model.merged_properties(self.items[collection.path])[0]
        for name in LIFECYCLE_FIELDS:
            target = self.model.resolve(props.get(name))
            if target is not None and target.enum:
                return name, list(target.enum)
        return None, []

    def _body(self, op: Operation) -> dict[str, Any] | None:
        if any(p.in_ == "form" for p in op.parameters):
            return {"json": False, "media_types": [], "schema": None}
        body = op.request_body
        if body is None or not body.content:
            return None
        content = next((c for c in body.content if is_json(c.media_type)), None)
        if content is None:
            return {
                "json": False,
                "media_types": [c.media_type for c in body.content],
                "schema": None,
            }
        return {
            "json": True,
            "media_types": [content.media_type],
            "schema": schema_data(content.schema_) if content.schema_ else None,
        }

    # ------------------------------------------------------------------ collections
    def _collection(self, collection: _Collection) -> dict[str, Any]:
        item = self.items[collection.path]
        props = self._fields(collection)
        summary = self._summary(collection)
        id_field = self._id_field(collection, item)
        writers = self.writers.get(collection.path, [])
        settable: dict[str, Schema] = {}
        for op in writers:
            content = self._body_content(op)
            if content is not None:
                settable.update(self.model.merged_properties(content[1])[0])
        server_fields = [name for name in props if name not in settable]
        field, states = self._lifecycle_field(collection)
        steps = lifecycle(states) if field else None
        deletes = [
            op
            for op in self.by_path.get(collection.item_path or "", {}).values()
            if op.method == "delete"
        ]
        return {
            "item_path": collection.item_path,
            "id_param": collection.id_param,
            "id_field": id_field,
            "schema": schema_data(item) if item else None,
            "summary": schema_data(summary) if summary else None,
            "parents": self._owners(collection.path),
            "server_fields": server_fields,
            "times": self._times(props, server_fields),
            "lifecycle": {"field": field, **steps} if field and steps else None,
            "unique": self._unique(props, settable),
            "keeps_children": any(
                response.status == "409" for op in deletes for response in op.responses
            ),
            "content": self._content_type(collection, writers),
            "name_field": _name_field(props, id_field),
        }

    def _content_type(self, collection: _Collection, writers: list[Operation]) -> str | None:
        """For items that are files (written as bytes), the media type reading one
        answers in: what they must be to be read as the pages say."""
        if not any(
            not content[0] for op in writers if (content := self._body_content(op)) is not None
        ):
            return None
        read = self.by_path.get(collection.item_path or "", {}).get("get")
        media_type = self._success(read)[2] if read is not None else None
        return media_type or "application/octet-stream"

    def _times(self, props: dict[str, Schema], server_fields: list[str]) -> dict[str, list[str]]:
        """The server's date-time fields that record when an item was made, and those
        that record when it last changed."""
        times: dict[str, list[str]] = {"created": [], "updated": []}
        for name in server_fields:
            target = self.model.resolve(props[name])
            if target is None or target.format != "date-time":
                continue
            lowered = name.lower()
            if "creat" in lowered:
                times["created"].append(name)
            elif "updat" in lowered or "modif" in lowered:
                times["updated"].append(name)
        return times

    def _unique(self, props: dict[str, Schema], settable: dict[str, Schema]) -> list[Any]:
        """The fields the pages say are unique, each with the fields that scope it
        (``within the schema``: ``schemaName``) and whether case counts."""
        found = []
        for name, prop in props.items():
            texts = " ".join(
                s.description or "" for s in (prop, settable.get(name)) if s is not None
            )
            ignore_case = bool(_IGNORE_CASE.search(texts))
            named = name in _NAME_FIELDS and ignore_case  # a name that ignores case names one
            if not named and (not _UNIQUE.search(texts) or _NOT_UNIQUE.search(texts)):
                continue
            scope = _UNIQUE_SCOPE.search(texts)
            word = scope[1].split()[-1].lower() if scope else ""
            within = [f for f in props if word and f.lower().startswith(word) and f != name]
            found.append({"field": name, "within": within, "ignore_case": ignore_case})
        return found

    def _referenced(self, roots: list[Schema]) -> dict[str, Any]:
        """The named schemas reachable from ``roots``, in the model's (sorted) order."""
        names: set[str] = set()
        stack = list(roots)
        while stack:
            schema = stack.pop()
            if schema.ref is not None and schema.ref not in names:
                names.add(schema.ref)
                stack.append(self.model.schemas[schema.ref])
            stack.extend(child for _key, child in child_schemas(schema))
        return {
            name: schema_data(schema)
            for name, schema in self.model.schemas.items()
            if name in names
        }

    def _examples(self, schemas: dict[str, Any]) -> None:
        """Each named schema's documented example, where the success responses show one
        (the first, as the pages order them): the stub's made-up values come from it
        first. An example that does not fit its schema is not used."""
        checker = schema_checker(self.model)
        found: dict[str, Any] = {}
        for body in json_bodies(self.model):
            if body.status is None or not is_success(body.status):
                continue
            for example in body.content.examples:
                if example.text is None and misfit(checker, body.schema, example) is None:
                    _collect(checker.schemas, body.schema, example.value, found)
        for name, value in found.items():
            if name in schemas:
                schemas[name]["example"] = value

    def build(self) -> dict[str, Any]:
        roots: list[Schema] = []
        for op in self.model.operations:
            roots += [p.schema_ for p in op.parameters]
            roots += [c.schema_ for c in (op.request_body.content if op.request_body else [])
                      if c.schema_ is not None]  # fmt: skip
            roots += [c.schema_ for r in op.responses for c in r.content if c.schema_ is not None]
        collections = {path: self._collection(c) for path, c in self.collections.items()}
        operations = [self._operation(op) for op in self.model.operations]
        # A file action names the field its files are known by, where nothing else does.
        for entry in operations:
            files = entry.get("files")
            held = collections[files["collection"]] if files else None
            if files and held and held["id_field"] is None:
                held["id_field"] = files["parameter"]
                props = self.model.merged_properties(self.items[files["collection"]])[0]
                held["name_field"] = _name_field(props, files["parameter"])
        schemas = self._referenced(roots)
        self._examples(schemas)
        return {
            "title": self.model.title,
            "operations": operations,
            "collections": collections,
            "schemas": schemas,
        }


def _collect(schemas: Schemas, schema: dict[str, Any], value: Any, found: dict[str, Any]) -> None:
    """The parts of an example that are examples of named schemas, into ``found`` by
    name (the first one seen for each)."""
    if "ref" in schema:
        if schema["ref"] in found:
            return  # seen already: its parts too
        found[schema["ref"]] = value
    target = schemas.resolve(schema)
    if isinstance(value, dict) and schemas.is_object(target):
        props = schemas.properties(target)[0]
        for name, part in value.items():
            if name in props:
                _collect(schemas, props[name], part, found)
    elif isinstance(value, list) and value and "items" in target:
        _collect(schemas, target["items"], value[0], found)


def _name_field(props: dict[str, Schema], id_field: str | None) -> str | None:
    """The field that holds the name of an item known by its path: its last part."""
    if id_field is None or _last_word(id_field) != "path":
        return None
    return next((n for n in _NAME_FIELDS if n in props and n != id_field), None)


def _error_media_type(op: Operation) -> str | None:
    """The media type the pages give error responses, where it is not JSON (an
    operation whose every response is a YAML download documents its errors as YAML)."""
    for response in op.responses:
        if not is_success(response.status) and response.content:
            if not any(is_json(c.media_type) for c in response.content):
                return response.content[0].media_type
            return None
    return None
