"""What the generated stub server (``NAME/server.py``) serves, as plain data.

The model is read here, once, at generation time: which paths are collections of
resources, which path parameter names a resource and which field holds its id, how a
list is shaped, and what each operation checks and answers. The server only follows
this description, so it never needs the model, and the client never loads it.

Resources are inferred from the path structure:

* an *item* path ends in a parameter whose parent segment is a literal other than
  ``actions``: ``.../sessions/{sessionId}`` is an item of the collection ``.../sessions``;
* a *collection* path is the parent of an item path, or a path whose GET answers a list
  (a bare array, or an object with an array property such as ``items``);
* a resource's id field is the item parameter's own name when the resource has such a
  field, else the parameter's last word: ``sessionId`` -> ``id``, ``workspaceKey`` -> ``key``;
* GET / HEAD / PUT / PATCH / DELETE on an item read, replace, merge and delete it; POST on a
  collection creates (with a JSON object body), GET on a collection lists; everything else,
  including any path with an ``actions`` segment, is an *action*: it answers the documented
  status and body and changes nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ..model import ApiModel, Operation, Schema, child_schemas, is_success

_PARAMETER = re.compile(r"\{([^{}]+)\}")
# Schema keys the server has no use for: they only make the description bigger.
_DOC_KEYS = frozenset({"title", "description", "labels", "page"})
_NESTED_KEYS = frozenset(
    {"properties", "items", "additional_properties", "all_of", "one_of", "any_of"}
)
# Query parameters that page or sort a list rather than filter it.
_LIST_CONTROLS = frozenset({"limit", "page", "sortBy", "sortOrder"})
_ITEM_KINDS = {
    "get": "read",
    "head": "read",
    "put": "replace",
    "patch": "merge",
    "delete": "delete",
}


@dataclass(frozen=True)
class _Collection:
    path: str
    item_path: str | None
    id_param: str | None


def server_spec(model: ApiModel) -> dict[str, Any]:
    """The stub server's description of ``model``: operations, collections, schemas."""
    return _SpecBuilder(model).build()


def spec_json(spec: dict[str, Any], header: str) -> str:
    """A ``server_spec`` as the compact JSON text the stub server reads, ``header``
    first (as ``$comment``: JSON has no comments)."""
    return json.dumps({"$comment": header, **spec}, ensure_ascii=True, separators=(",", ":")) + "\n"


def schema_data(schema: Schema) -> dict[str, Any]:
    """A schema as the server reads it: JSON Schema words in snake_case, no prose."""
    data = schema.model_dump(exclude_none=True, exclude=set(_DOC_KEYS | _NESTED_KEYS))
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


def _segments(path: str) -> list[str]:
    return path.strip("/").split("/")


def _is_parameter(segment: str) -> bool:
    return _PARAMETER.fullmatch(segment) is not None


def _last_word(name: str) -> str:
    """``workspaceKey`` -> ``key``, ``session_id`` -> ``id``, ``id`` -> ``id``."""
    words = re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name)
    return words[-1].lower() if words else name


def _filter(parameter: str, fields: dict[str, Schema]) -> list[str] | None:
    """``[parameter, field, how]`` for a list's query parameter that names a field:
    ``displayName`` equals, ``displayNameContains`` holds a part of ``displayName``."""
    if parameter in fields:
        return [parameter, parameter, "equals"]
    field = parameter.removesuffix("Contains")
    if field != parameter and field in fields:
        return [parameter, field, "contains"]
    return None


class _SpecBuilder:
    def __init__(self, model: ApiModel) -> None:
        self.model = model
        self.by_path: dict[str, dict[str, Operation]] = {}
        for op in model.operations:
            self.by_path.setdefault(op.path, {})[op.method] = op
        self.collections = self._collections()
        self.item_owner = {c.item_path: c for c in self.collections.values() if c.item_path}

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

    @staticmethod
    def _success(op: Operation) -> tuple[int, Schema | None, str | None]:
        """The documented success status, and its response body's schema and media type."""
        for response in op.responses:
            if is_success(response.status):
                content = next(
                    (c for c in response.content if "json" in c.media_type.lower()),
                    response.content[0] if response.content else None,
                )
                if content is None:
                    return int(response.status), None, None
                return int(response.status), content.schema_, content.media_type
        return 200, None, None

    def _list_field(self, op: Operation) -> str | None:
        """``""`` for a bare array, the array property of a list object, or None."""
        _status, schema, media_type = self._success(op)
        if media_type is None or "json" not in media_type.lower():
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

    def _item_schema(self, collection: _Collection) -> Schema | None:
        """What the collection stores: what reading an item answers, else what creating
        one answers, else what listing shows."""
        ops = self.by_path.get(collection.path, {})
        for op in (
            self.by_path.get(collection.item_path or "", {}).get("get"),
            ops.get("post"),
        ):
            if op is not None:
                schema = self._success(op)[1]
                if schema is not None:
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
            kind = _ITEM_KINDS.get(op.method, "action")
            return kind, (owner if kind != "action" else None)
        collection = self.collections.get(op.path)
        if collection is not None:
            if op.method == "get" and self._list_field(op) is not None:
                return "list", collection
            if op.method == "post" and self._creates(op):
                return "create", collection
        return "action", None

    def _creates(self, op: Operation) -> bool:
        body = op.request_body
        if body is None or not body.content:
            return False
        content = next((c for c in body.content if "json" in c.media_type.lower()), None)
        target = self.model.resolve(content.schema_ if content else None)
        return target is not None and bool(
            self.model.merged_properties(target)[0] or target.type == "object"
        )

    def _operation(self, op: Operation) -> dict[str, Any]:
        kind, collection = self._kind(op)
        status, schema, media_type = self._success(op)
        out: dict[str, Any] = {
            "name": op.name,
            "method": op.method.upper(),
            "path": op.path,
            "kind": kind,
            "collection": collection.path if collection else None,
            "status": status,
            "parameters": [
                {
                    "name": p.name,
                    "in": p.in_,
                    "required": p.always_required,
                    "schema": schema_data(p.schema_),
                }
                for p in op.parameters
                if p.in_ != "form"
            ],
            "body": self._body(op),
            "response": (
                {"media_type": media_type, "schema": schema_data(schema) if schema else None}
                if media_type
                else None
            ),
        }
        if (error_media_type := _error_media_type(op)) is not None:
            out["error_media_type"] = error_media_type
        if kind == "list":
            item_props = self.model.merged_properties(self._list_item(op))[0]
            out["list_field"] = self._list_field(op) or None
            out["filters"] = [
                filter_
                for p in op.parameters
                if p.in_ == "query" and p.name not in _LIST_CONTROLS
                and (filter_ := _filter(p.name, item_props)) is not None
            ]  # fmt: skip
        return out

    def _body(self, op: Operation) -> dict[str, Any] | None:
        if any(p.in_ == "form" for p in op.parameters):
            return {"json": False, "media_types": [], "schema": None}
        body = op.request_body
        if body is None or not body.content:
            return None
        content = next((c for c in body.content if "json" in c.media_type.lower()), None)
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

    def build(self) -> dict[str, Any]:
        roots: list[Schema] = []
        for op in self.model.operations:
            roots += [p.schema_ for p in op.parameters]
            roots += [c.schema_ for c in (op.request_body.content if op.request_body else [])
                      if c.schema_ is not None]  # fmt: skip
            roots += [c.schema_ for r in op.responses for c in r.content if c.schema_ is not None]
        collections = {}
        for path, collection in self.collections.items():
            item = self._item_schema(collection)
            collections[path] = {
                "item_path": collection.item_path,
                "id_param": collection.id_param,
                "id_field": self._id_field(collection, item),
                "schema": schema_data(item) if item else None,
            }
        return {
            "title": self.model.title,
            "operations": [self._operation(op) for op in self.model.operations],
            "collections": collections,
            "schemas": self._referenced(roots),
        }


def _error_media_type(op: Operation) -> str | None:
    """The media type the pages give error responses, where it is not JSON (an
    operation whose every response is a YAML download documents its errors as YAML)."""
    for response in op.responses:
        if not is_success(response.status) and response.content:
            if not any("json" in c.media_type.lower() for c in response.content):
                return response.content[0].media_type
            return None
    return None
