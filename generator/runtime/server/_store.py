"""The stub's state: resources kept in memory by collection, and what each kind of
operation (create, read, replace, merge, delete, list, action) does with them."""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import re
import time
import uuid
from collections.abc import Mapping
from typing import Any

from ..waiters import LIFECYCLE_FIELDS, settling
from ._errors import ApiFailure
from ._fill import Filler
from ._routing import match_path, pattern_of, segments_of
from ._schemas import Schemas
from ._types import MISSING, Collection, Operation, Resource, Result


class Store:
    """Resources by collection and id; ``data`` seeds it (collection path -> resources).

    A created resource whose model documents lifecycle states that start with a
    transition (CREATING) starts in it and settles ``lifecycle_delay`` seconds later in
    the next documented state that is neither a transition nor a failure (ACTIVE), so
    that waiting for it can be tested.
    """

    def __init__(
        self,
        spec: Mapping[str, Any],
        *,
        seed: int = 0,
        data: Mapping[str, Any] | None = None,
        lifecycle_delay: float = 0.0,
    ) -> None:
        self.schemas = Schemas(spec["schemas"])
        self.filler = Filler(self.schemas, seed)
        self.seed = seed
        self.lifecycle_delay = lifecycle_delay
        self.collections = {
            path: Collection(
                path,
                tuple(re.findall(r"\{([^{}]+)\}", path)),
                c["id_param"],
                c["id_field"],
                c["schema"],
            )
            for path, c in spec["collections"].items()
        }
        # collection path -> (its lifecycle field, the first state, the next)
        self.lifecycles = {
            path: found
            for path, collection in self.collections.items()
            if (found := self._lifecycle(collection.schema)) is not None
        }
        self.items: dict[tuple[str, ...], dict[str, Resource]] = {}
        self.action_bodies: dict[str, Any] = {}
        self.ids = itertools.count(1)
        self.serials = itertools.count(1)
        for path, resources in (data or {}).items():
            self.seed_collection(path, resources)

    def execute(
        self,
        op: Operation,
        path_values: dict[str, str],
        query: dict[str, Any],
        body: Any,
        *,
        if_match: str | None,
        url_path: str,
        raw_query: Mapping[str, str],
    ) -> Result:
        """What ``op`` answers, and does to the resources."""
        collection = op.collection
        if collection is None:
            return self._action(op)
        key = (collection.path, *(path_values[n] for n in collection.params))
        if op.kind == "list":
            return self._list(op, collection, key, query, raw_query)
        if op.kind == "create":
            return self._create(op, collection, key, body)
        assert collection.id_param is not None
        ident = path_values[collection.id_param]
        items = self.items.get(key, {})
        resource = items.get(ident)
        if resource is None:
            raise ApiFailure(404, f"Resource {ident!r} not found at {url_path}")
        _advance(resource)
        if op.kind == "read":
            return self._answer(op, collection, resource, item_key(key, ident))
        if if_match is not None and if_match.strip('"') not in ("*", resource.etag):
            raise ApiFailure(
                412,
                f"if-match {if_match!r} does not match the current etag {resource.etag!r}",
            )
        if op.kind == "delete":
            del items[ident]
            if op.response is None:
                return Result(op.status)
            # A delete whose page documents a body answers one: the item as it was.
            return self._answer(op, collection, resource, item_key(key, ident))
        sent = body if isinstance(body, dict) else {}
        if op.kind == "replace":
            # Fields a request cannot set (timeCreated, lifecycleState...) stay as they are.
            settable = (
                self.schemas.properties(op.body["schema"])[0]
                if op.body and op.body["schema"]
                else {}
            )
            kept = {k: v for k, v in resource.data.items() if k not in settable}
            data = {**kept, **sent}
        else:
            data = {**resource.data, **sent}
        if collection.id_field:
            data[collection.id_field] = resource.data.get(collection.id_field, ident)
        if collection.schema is not None:
            data = self.filler.shape(collection.schema, data, item_key(key, ident), full=False)
        resource.data = data
        resource.version += 1
        return self._answer(op, collection, resource, item_key(key, ident))

    def _create(
        self, op: Operation, collection: Collection, key: tuple[str, ...], body: Any
    ) -> Result:
        data = dict(body) if isinstance(body, dict) else {}
        if op.body and op.body["schema"]:
            for name, prop in self.schemas.properties(op.body["schema"])[0].items():
                if name not in data and "default" in prop:
                    data[name] = copy.deepcopy(prop["default"])
        sent_id = data.get(collection.id_field) if collection.id_field else None
        ident = str(sent_id) if sent_id not in (None, "") else self._new_id()
        items = self.items.setdefault(key, {})
        if ident in items:
            raise ApiFailure(409, f"Resource {ident!r} already exists")
        resource = items[ident] = self._resource(collection, key, ident, data)
        lifecycle = self.lifecycles.get(collection.path)
        if lifecycle is not None and lifecycle[0] not in data:
            field, first, then = lifecycle
            resource.data[field] = first
            resource.pending = (field, then, time.monotonic() + self.lifecycle_delay)
        return self._answer(op, collection, resource, item_key(key, ident))

    def _lifecycle(self, schema: dict[str, Any] | None) -> tuple[str, str, str] | None:
        """The field that holds an item's lifecycle state, the state a new item starts
        in, and the one it settles in, when the item's model documents such states."""
        if schema is None:
            return None
        properties = self.schemas.properties(schema)[0]
        for name in LIFECYCLE_FIELDS:
            if name in properties:
                steps = settling(self.schemas.resolve(properties[name]).get("enum") or [])
                return None if steps is None else (name, *steps)
        return None

    def _resource(
        self, collection: Collection, key: tuple[str, ...], ident: str, data: dict[str, Any]
    ) -> Resource:
        if collection.id_field:
            data = {**data, collection.id_field: ident}
        if collection.schema is not None:
            data = self.filler.shape(collection.schema, data, item_key(key, ident), full=True)
        return Resource(data, next(self.serials))

    def _new_id(self) -> str:
        digest = hashlib.sha256(f"{self.seed}:{next(self.ids)}".encode()).digest()
        return str(uuid.UUID(bytes=digest[:16], version=4))

    def _answer(
        self, op: Operation, collection: Collection, resource: Resource, key: str
    ) -> Result:
        headers = {"etag": resource.etag}
        response = op.response
        if response is None:
            return Result(op.status, headers=headers)
        if "json" not in response["media_type"].lower():
            body = self.filler.body(response["media_type"], response["schema"], key)
            return Result(op.status, body, response["media_type"], headers)
        schema = response["schema"]
        if schema is None or schema == collection.schema:
            return Result(op.status, resource.data, headers=headers)
        return Result(
            op.status, self.filler.shape(schema, resource.data, key, full=False), headers=headers
        )

    def _list(
        self,
        op: Operation,
        collection: Collection,
        key: tuple[str, ...],
        query: dict[str, Any],
        raw_query: Mapping[str, str],
    ) -> Result:
        found = list(self.items.get(key, {}).items())
        for _ident, resource in found:
            _advance(resource)
        for parameter, name, how in op.filters:
            if parameter in query:
                wanted = query[parameter]
                found = [(i, r) for i, r in found if _matches(r.data.get(name), wanted, how)]
        sort_by = query.get("sortBy")
        if isinstance(sort_by, str):
            found.sort(
                key=lambda item: json.dumps(item[1].data.get(sort_by), sort_keys=True),
                reverse=query.get("sortOrder") == "DESC",
            )
        limit = _count_parameter(query.get("limit", raw_query.get("limit")), "limit")
        page = query.get("page", raw_query.get("page"))
        start = _count_parameter(page, "page") or 0
        if start > len(found):
            raise ApiFailure(400, f"Invalid query parameter 'page': no page {page!r}")
        end = len(found) if limit is None else start + max(limit, 1)
        rows = [
            (
                r.data
                if op.list_item is None or op.list_item == collection.schema
                else self.filler.shape(op.list_item, r.data, item_key(key, i), full=False)
            )
            for i, r in found[start:end]
        ]
        headers = {"opc-next-page": str(end)} if end < len(found) else {}
        if not op.list_field:
            return Result(op.status, rows, headers=headers)
        assert op.response is not None and op.response["schema"] is not None
        listing = self.filler.shape(
            op.response["schema"], {op.list_field: []}, "|".join(key), full=False
        )
        listing[op.list_field] = rows
        return Result(op.status, listing, headers=headers)

    def _action(self, op: Operation) -> Result:
        response = op.response
        if response is None:
            return Result(op.status)
        if "json" not in response["media_type"].lower():
            return Result(
                op.status,
                self.filler.body(response["media_type"], response["schema"], op.name),
                response["media_type"],
            )
        if op.name not in self.action_bodies:
            schema = response["schema"]
            value = self.filler.value(schema, op.name, full=True) if schema else {}
            self.action_bodies[op.name] = None if value is MISSING else value
        return Result(op.status, self.action_bodies[op.name])

    def seed_collection(self, path: str, resources: Any) -> None:
        """Resources to start with, at a collection path with its parameters filled."""
        segments = segments_of("/" + path.strip("/"))
        found = [
            (collection, values)
            for collection in self.collections.values()
            if (values := match_path(pattern_of(collection.path), segments)) is not None
        ]
        if not found:
            raise ValueError(f"seed data: no collection is documented at {path!r}")
        if not isinstance(resources, list) or not all(isinstance(r, dict) for r in resources):
            raise ValueError(f"seed data: {path!r} must hold a list of objects")
        collection, values = found[0]
        key = (collection.path, *values)
        items = self.items.setdefault(key, {})
        for data in resources:
            sent_id = data.get(collection.id_field) if collection.id_field else None
            ident = str(sent_id) if sent_id not in (None, "") else self._new_id()
            items[ident] = self._resource(collection, key, ident, data)


def _advance(resource: Resource) -> None:
    """Take the lifecycle step that is due, if any. The etag stays: the step is the
    server's own, and an ``if-match`` from the create response must still match."""
    if resource.pending is not None and time.monotonic() >= resource.pending[2]:
        field, state, _when = resource.pending
        resource.data[field] = state
        resource.pending = None


def item_key(key: tuple[str, ...], ident: str) -> str:
    """What makes a resource's filled values its own: its collection and id."""
    return "|".join((*key, ident))


def _matches(value: Any, wanted: Any, how: str) -> bool:
    if how == "contains":
        return isinstance(value, str) and str(wanted) in value
    if isinstance(wanted, list):
        return value in wanted
    if isinstance(value, list):
        return wanted in value
    return bool(value == wanted)


def _count_parameter(value: Any, name: str) -> int | None:
    if value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ApiFailure(400, f"Invalid query parameter '{name}': {value!r} is no count") from None
    if number < 0:
        raise ApiFailure(400, f"Invalid query parameter '{name}': must not be negative")
    return number
