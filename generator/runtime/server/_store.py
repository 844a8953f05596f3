"""The stub's state: resources kept in memory by collection, and what each kind of
operation (create, read, replace, merge, delete, list, action) does with them."""

from __future__ import annotations

import copy
import hashlib
import importlib
import itertools
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from ._blobs import Blob
from ._errors import ApiFailure, Invalid, SeedError
from ._fill import Filler
from ._listing import Lister
from ._routing import match_path, parameters_of, pattern_of, segments_of
from ._schemas import Checker, Schemas
from ._types import (
    MISSING,
    Arguments,
    Collection,
    Lifecycle,
    Operation,
    Resource,
    Result,
    Unique,
)

# A collection's items by their id, under the collection's path and its parameters' values.
Key = tuple[str, ...]


class Clock:
    """The time the server gives its own fields (``timeCreated``, ``timeUpdated``): now,
    in UTC, to the millisecond, and always later than the last time it gave."""

    def __init__(self, now: Callable[[], datetime] | None = None) -> None:
        self.now = now or (lambda: datetime.now(timezone.utc))
        self.last: datetime | None = None

    def stamp(self) -> str:
        moment = self.now().astimezone(timezone.utc).replace(tzinfo=None)
        moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
        if self.last is not None and moment <= self.last:
            moment = self.last + timedelta(milliseconds=1)
        self.last = moment
        return moment.isoformat(timespec="milliseconds") + "Z"


def _collection(path: str, c: Mapping[str, Any], params: tuple[str, ...]) -> Collection:
    life = c.get("lifecycle")
    times = c.get("times") or {}
    return Collection(
        path,
        params,
        c["id_param"],
        c["id_field"],
        c["schema"],
        summary=c.get("summary"),
        parents=tuple(c.get("parents", ())),
        server_fields=frozenset(c.get("server_fields", ())),
        created_times=tuple(times.get("created", ())),
        updated_times=tuple(times.get("updated", ())),
        lifecycle=Lifecycle(life["field"], life["initial"], life["settled"]) if life else None,
        unique=tuple(
            Unique(u["field"], tuple(u["within"]), u["ignore_case"]) for u in c.get("unique", ())
        ),
        keeps_children=bool(c.get("keeps_children")),
        content=c.get("content") or None,
        name_field=c.get("name_field"),
    )


class Store:
    """Resources by collection and id; ``data`` seeds it (collection path -> resources).

    A created resource whose model documents lifecycle states starts in the first of
    them when that is a transition (ACCEPTED, CREATING) and settles ``lifecycle_delay``
    seconds later in the first that is neither a transition, a failure nor a deletion
    (ACTIVE), so that waiting for it can be tested.
    """

    def __init__(
        self,
        spec: Mapping[str, Any],
        *,
        seed: int = 0,
        data: Mapping[str, Any] | None = None,
        lifecycle_delay: float = 0.0,
        clock: Clock | None = None,
    ) -> None:
        self.schemas = Schemas(spec["schemas"])
        self.checker = Checker(self.schemas)
        self.filler = Filler(self.schemas, seed)
        self.seed = seed
        self.lifecycle_delay = lifecycle_delay
        self.clock = clock or Clock()
        self.collections = {
            path: _collection(path, c, tuple(parameters_of(path)))
            for path, c in spec["collections"].items()
        }
        # The collections whose items a client can delete (the others go with their parent).
        self.deletable = {
            op["collection"]
            for op in spec["operations"]
            if op["kind"] == "delete" and op["collection"]
        }
        # The collections directly under each collection's items.
        self.children: dict[str, list[Collection]] = {}
        for collection in self.collections.values():
            if collection.parents:
                self.children.setdefault(collection.parents[-1], []).append(collection)
        self.items: dict[Key, dict[str, Resource]] = {}
        self.lister = Lister(hashlib.sha256(f"docs2sdk-stub:{seed}".encode()).digest())
        self.ids = itertools.count(1)
        self.serials = itertools.count(1)
        self.calls: dict[str, itertools.count[int]] = {}
        if data is not None:
            self.seed_data(data)

    # ------------------------------------------------------------------ finding
    def key(self, collection: Collection, path_values: Mapping[str, str]) -> Key:
        return (collection.path, *(path_values[n] for n in collection.params))

    def find(
        self, collection: Collection, path_values: Mapping[str, str], url_path: str
    ) -> Resource:
        """The item of ``collection`` the path names; 404 when there is none."""
        assert collection.id_param is not None
        ident = path_values[collection.id_param]
        resource = self.items.get(self.key(collection, path_values), {}).get(ident)
        if resource is None:
            raise ApiFailure(
                404, f"Resource {ident!r} ({collection.id_param}) not found at {url_path}"
            )
        _advance(resource)
        return resource

    def _owners(
        self, op: Operation, path_values: Mapping[str, str], url_path: str
    ) -> Resource | None:
        """Every resource the path names must exist (404 otherwise); the innermost one."""
        found = None
        for owner in op.owners:
            found = self.find(owner, path_values, url_path)
        return found

    # ------------------------------------------------------------------ operations
    def execute(
        self,
        op: Operation,
        path_values: dict[str, str],
        arguments: Arguments,
        body: Any,
        *,
        if_match: str | None,
        url_path: str,
        content: Blob | None = None,
    ) -> Result:
        """What ``op`` answers, and does to the resources; ``content`` is a file body."""
        owner = self._owners(op, path_values, url_path)
        collection = op.collection
        if collection is None:
            return self._action(op, owner, path_values, arguments, body, if_match, content)
        key = self.key(collection, path_values)
        if op.kind == "list":
            return self._list(op, collection, key, arguments.query)
        if op.kind == "create":
            return self._create(op, collection, key, path_values, arguments, body, content)
        resource = self.find(collection, path_values, url_path)
        assert collection.id_param is not None
        ident = path_values[collection.id_param]
        if op.kind == "read":
            return self._answer(op, collection, resource, item_key(key, ident))
        _check_if_match(resource, if_match)
        if op.kind == "delete":
            self._delete(collection, key, ident)
            if op.response is None:
                return Result(op.status)
            # A delete whose page documents a body answers one: the item as it was.
            return self._answer(op, collection, resource, item_key(key, ident))
        return self._update(op, collection, key, ident, resource, body, content)

    def _create(
        self,
        op: Operation,
        collection: Collection,
        key: Key,
        path_values: Mapping[str, str],
        arguments: Arguments,
        body: Any,
        content: Blob | None,
    ) -> Result:
        settable = self._settable(op, collection)
        data = {k: v for k, v in _fields(body).items() if k in settable}
        for name, prop in settable.items():
            if name not in data and "default" in prop:
                data[name] = copy.deepcopy(prop["default"])
        ident = self._new_ident(op, collection, path_values, arguments, data)
        _check_content(collection, content)
        items = self.items.setdefault(key, {})
        if ident in items:
            raise ApiFailure(409, f"Resource {ident!r} already exists", code="Conflict")
        resource = self._resource(collection, key, ident, data, content=content)
        self._check_unique(collection, key, ident, resource.data)
        lifecycle = collection.lifecycle
        if lifecycle is not None and lifecycle.field not in data:
            resource.data[lifecycle.field] = lifecycle.initial
            if lifecycle.initial != lifecycle.settled:
                due = time.monotonic() + self.lifecycle_delay
                resource.pending = (lifecycle.field, lifecycle.settled, due)
        items[ident] = resource
        return self._answer(op, collection, resource, item_key(key, ident))

    def _new_ident(
        self,
        op: Operation,
        collection: Collection,
        path_values: Mapping[str, str],
        arguments: Arguments,
        data: Mapping[str, Any],
    ) -> str:
        """The new item's id: where the create takes it from, else a new one."""
        given: Any = None
        if op.id_from is not None:
            where, name = op.id_from
            if where == "path":
                given = path_values.get(name)
            elif where == "body":
                given = data.get(name)
            else:
                given = arguments.get(where, name)
        return str(given) if given not in (None, "") else self._new_id()

    def _settable(self, op: Operation, collection: Collection) -> dict[str, Any]:
        """The fields a request body of ``op`` sets: those of its schema that are not
        the server's own."""
        if op.body is None or op.body["schema"] is None:
            return {}
        props = self.schemas.properties(op.body["schema"])[0]
        return {k: v for k, v in props.items() if k not in collection.server_fields}

    def _update(
        self,
        op: Operation,
        collection: Collection,
        key: Key,
        ident: str,
        resource: Resource,
        body: Any,
        content: Blob | None,
    ) -> Result:
        """A PUT or PATCH: the fields sent replace theirs, the others stay as they are."""
        _check_content(collection, content)
        settable = self._settable(op, collection)
        sent = {k: v for k, v in _fields(body).items() if k in settable}
        data = {**resource.data, **sent}
        if collection.updated_times:
            now = self.clock.stamp()
            data.update((name, now) for name in collection.updated_times)
        renamed = sent.get(collection.id_field or "")
        new_ident = ident if renamed in (None, "") else str(renamed)
        moved = new_ident != ident
        items = self.items[key]
        if moved and new_ident in items:
            raise ApiFailure(409, f"Resource {new_ident!r} already exists", code="Conflict")
        data = self._shaped(collection, data, item_key(key, new_ident))
        self._check_unique(collection, key, ident, data)
        resource.data = data
        resource.version += 1
        if content is not None:
            _discard(resource)
            resource.content, content.kept = content, True
        if moved:  # renamed: the item is found by its new id (a path, say)
            del items[ident]
            items[new_ident] = resource
        return self._answer(op, collection, resource, item_key(key, new_ident))

    def _delete(self, collection: Collection, key: Key, ident: str) -> None:
        """Removes an item and everything under it; refused (409) while it holds items
        the client could delete, where the pages document a conflict."""
        under = list(self._descendants(collection, (*key[1:], ident)))
        if collection.keeps_children:
            held = [c for c, items in under if c.path in self.deletable and items]
            if held:
                names = ", ".join(sorted({c.path.rsplit("/", 1)[-1] for c in held}))
                raise ApiFailure(
                    409,
                    f"Resource {ident!r} still holds {names}: delete them first",
                    code="Conflict",
                )
        for _child, items in under:
            for resource in items.values():
                _discard(resource)
            items.clear()
        _discard(self.items[key].pop(ident))

    def _descendants(
        self, collection: Collection, values: tuple[str, ...]
    ) -> Iterator[tuple[Collection, dict[str, Resource]]]:
        """The collections under one item (its path parameters' ``values``), and under
        their items, with what each holds."""
        for child in self.children.get(collection.path, ()):
            for key, items in list(self.items.items()):
                if key[0] == child.path and key[1 : 1 + len(values)] == values:
                    yield child, items
                    if child.id_param is not None:
                        for ident in list(items):
                            yield from self._descendants(child, (*key[1:], ident))

    def _check_unique(
        self, collection: Collection, key: Key, ident: str, data: Mapping[str, Any]
    ) -> None:
        """409 when another item has the value of a field the pages say is unique (within
        the scope they name, ignoring case where they say so)."""
        for unique in collection.unique:
            value = data.get(unique.field)
            if value is None:
                continue
            wanted = _folded(value, unique.ignore_case)
            for other_ident, other in self.items.get(key, {}).items():
                if other_ident == ident:
                    continue
                same_scope = all(other.data.get(f) == data.get(f) for f in unique.within)
                if same_scope and _folded(other.data.get(unique.field), unique.ignore_case) == (
                    wanted
                ):
                    scope = f" with the same {', '.join(unique.within)}" if unique.within else ""
                    raise ApiFailure(
                        409,
                        f"{unique.field} {value!r} is taken by {other_ident!r}{scope}: it "
                        "has to be unique",
                        code="Conflict",
                    )

    def _resource(
        self,
        collection: Collection,
        key: Key,
        ident: str,
        data: dict[str, Any],
        *,
        content: Blob | None = None,
    ) -> Resource:
        """A new item: its id, the server's times and the name a path gives it set, then
        shaped as the collection shows items (required fields made up, nothing else)."""
        own: dict[str, Any] = {}
        if collection.id_field:
            own[collection.id_field] = ident
        times = (*collection.created_times, *collection.updated_times)
        if times:
            now = self.clock.stamp()
            own.update((name, data.get(name, now)) for name in times)
        if collection.name_field and collection.name_field not in data:
            own[collection.name_field] = ident.rstrip("/").rsplit("/", 1)[-1] or ident
        data = self._shaped(collection, {**data, **own}, item_key(key, ident))
        if content is not None:
            content.kept = True
        return Resource(data, next(self.serials), content=content)

    def _shaped(self, collection: Collection, data: dict[str, Any], key: str) -> dict[str, Any]:
        """An item's fields as its collection shows them: only documented ones, with the
        required ones made up where missing, those a list shows of it included."""
        shaped = (
            data
            if collection.schema is None
            else self.filler.shape(collection.schema, data, key, full=False)
        )
        if collection.summary is not None:
            for name, value in self.filler.shape(collection.summary, data, key, full=False).items():
                shaped.setdefault(name, value)
        return dict(shaped)

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
            if op.kind == "read" and resource.content is not None:
                return Result(op.status, resource.content, response["media_type"], headers)
            body = self.filler.body(
                response["media_type"], response["schema"], key, response.get("example")
            )
            return Result(op.status, body, response["media_type"], headers)
        schema = response["schema"]
        if schema is None or schema == collection.schema:
            return Result(op.status, resource.data, headers=headers)
        return Result(
            op.status, self.filler.shape(schema, resource.data, key, full=False), headers=headers
        )

    def _list(
        self, op: Operation, collection: Collection, key: Key, arguments: Mapping[str, Any]
    ) -> Result:
        stored = self.items.get(key, {})
        for resource in stored.values():
            _advance(resource)
        page, next_page = self.lister.page(op, stored.values(), arguments)
        ids = {id(r): i for i, r in stored.items()}
        rows = [
            (
                r.data
                if op.list_item is None or op.list_item == collection.schema
                else self.filler.shape(op.list_item, r.data, item_key(key, ids[id(r)]), full=False)
            )
            for r in page
        ]
        headers = {"opc-next-page": next_page} if next_page else {}
        if not op.list_field:
            return Result(op.status, rows, headers=headers)
        assert op.response is not None and op.response["schema"] is not None
        listing = self.filler.shape(
            op.response["schema"], {op.list_field: []}, "|".join(key), full=False
        )
        listing[op.list_field] = rows
        return Result(op.status, listing, headers=headers)

    def _action(
        self,
        op: Operation,
        target: Resource | None,
        path_values: Mapping[str, str],
        arguments: Arguments,
        body: Any,
        if_match: str | None,
        content: Blob | None,
    ) -> Result:
        """An action on the resource its path names: checked against ``if-match``, moved
        to the state its name says, or moving the files its name says."""
        if target is not None and op.on_item:
            _check_if_match(target, if_match)
        if target is not None and op.states is not None:
            lifecycle = op.owners[-1].lifecycle
            assert lifecycle is not None
            moving, ended = op.states
            target.data[lifecycle.field] = moving
            target.pending = (lifecycle.field, ended, time.monotonic() + self.lifecycle_delay)
            target.version += 1
        response = op.response
        if op.files is not None:
            found = self._files(op, path_values, arguments, content)
            if found is not None and response is not None:
                media_type = response["media_type"]
                # A file is its bytes, whatever the pages call the body it comes in.
                if "json" in media_type.lower():
                    media_type = "application/octet-stream"
                return Result(op.status, found, media_type)
        if response is None:
            return Result(op.status)
        count = self.calls.setdefault(op.name, itertools.count(1))
        key = f"{op.name}#{next(count)}"  # each call its own made-up values
        if "json" not in response["media_type"].lower():
            return Result(
                op.status,
                self.filler.body(
                    response["media_type"], response["schema"], key, response.get("example")
                ),
                response["media_type"],
            )
        schema = response["schema"]
        if schema is None:
            return Result(op.status, {})
        if target is not None and op.on_item and schema == op.owners[-1].schema:
            return Result(op.status, target.data, headers={"etag": target.etag})
        if not self.schemas.is_object(self.schemas.resolve(schema)):
            value = self.filler.value(schema, key, full=True)
            return Result(op.status, None if value is MISSING else value)
        # What the request said, where the answer has a place for it; the rest made up.
        given = {**arguments.query, **_fields(body)}
        return Result(op.status, self.filler.shape(schema, given, key, full=True))

    def _files(
        self,
        op: Operation,
        path_values: Mapping[str, str],
        arguments: Arguments,
        content: Blob | None,
    ) -> Blob | None:
        """Uploads, downloads and deletes a file of the collection under the resource."""
        assert op.files is not None
        collection = self.collections[op.files.collection]
        key = self.key(collection, path_values)
        name = str(arguments.get(op.files.where, op.files.parameter) or "")
        items = self.items.setdefault(key, {})
        if op.files.how == "upload":
            existing = items.get(name)
            if existing is not None:
                data = dict(existing.data)
                for field in collection.updated_times:
                    data[field] = self.clock.stamp()
                _discard(existing)
                existing.data, existing.content = data, content or Blob()
                existing.content.kept = True
                existing.version += 1
            else:
                items[name] = self._resource(collection, key, name, {}, content=content or Blob())
            return None
        found = items.get(name)
        if found is None:
            raise ApiFailure(404, f"No file {name!r} here")
        if op.files.how == "delete":
            _discard(items.pop(name))
            return None
        # A file seeded by what its listing shows holds nothing yet: it reads as empty.
        return found.content or Blob()

    # ------------------------------------------------------------------ seeding
    def seed_data(self, data: Mapping[str, Any]) -> None:
        """Resources to start with: collection path, its parameters filled, to a list of
        resources, each checked against what the collection holds."""
        if not isinstance(data, Mapping):
            raise SeedError("seed data must map collection paths to lists of resources")
        for path, resources in data.items():
            self.seed_collection(str(path), resources)
        for key in self.items:
            collection = self.collections[key[0]]
            values = dict(zip(collection.params, key[1:], strict=True))
            for owner in collection.parents:
                try:
                    self.find(self.collections[owner], values, "")
                except ApiFailure:
                    path = "/".join(key[0].split("/")[: len(owner.split("/")) + 1])
                    raise SeedError(
                        f"seed data: {fill(key[0], values)!r} is under "
                        f"{fill(path, values)!r}, which the seed data does not hold"
                    ) from None

    def seed_collection(self, path: str, resources: Any) -> None:
        """Resources to start with, at a collection path with its parameters filled."""
        segments = segments_of("/" + path.strip("/"))
        found = [
            (collection, values)
            for collection in self.collections.values()
            if (values := match_path(pattern_of(collection.path), segments)) is not None
        ]
        if not found:
            raise SeedError(
                f"seed data: no collection is documented at {path!r}; the collections are "
                + ", ".join(sorted(self.collections))
            )
        if not isinstance(resources, list) or not all(isinstance(r, dict) for r in resources):
            raise SeedError(f"seed data: {path!r} must hold a list of objects")
        collection, values = found[0]
        key = (collection.path, *values)
        items = self.items.setdefault(key, {})
        for index, data in enumerate(resources):
            where = f"seed data: {path}[{index}]"
            self._check_seeded(collection, data, where)
            sent_id = data.get(collection.id_field) if collection.id_field else None
            ident = str(sent_id) if sent_id not in (None, "") else self._new_id()
            if ident in items:
                raise SeedError(f"{where}: {collection.id_field} {ident!r} is there twice")
            resource = self._resource(collection, key, ident, data)
            lifecycle = collection.lifecycle
            if lifecycle is not None and lifecycle.field not in data:
                resource.data[lifecycle.field] = lifecycle.settled  # it exists: it settled
            try:
                self._check_unique(collection, key, ident, resource.data)
            except ApiFailure as exc:
                raise SeedError(f"{where}: {exc.message}") from None
            items[ident] = resource

    def _check_seeded(self, collection: Collection, data: dict[str, Any], where: str) -> None:
        schema = collection.schema
        if schema is None:
            return
        props, _required = self.schemas.properties(schema)
        resolved = self.schemas.resolve(schema)
        unknown = sorted(set(data) - set(props))
        if props and unknown and not resolved.get("additional_properties"):
            raise SeedError(
                f"{where}: {unknown[0]!r} is not a field of this collection's items; "
                f"they have {', '.join(props)}"
            )
        for name, value in data.items():
            if name in props and value is not None:
                try:
                    self.checker.check(value, props[name], name)
                except Invalid as exc:
                    raise SeedError(f"{where}.{exc.where}: {exc.problem}") from None


def fill(path: str, values: Mapping[str, str]) -> str:
    """A documented path with its parameters' values in place."""
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    return path


def _fields(body: Any) -> dict[str, Any]:
    return body if isinstance(body, dict) else {}


def _folded(value: Any, ignore_case: bool) -> Any:
    return value.casefold() if ignore_case and isinstance(value, str) else value


def _check_if_match(resource: Resource, if_match: str | None) -> None:
    if if_match is not None and if_match.strip('"') not in ("*", resource.etag):
        raise ApiFailure(
            412,
            f"if-match {if_match!r} does not match the current etag {resource.etag!r}",
        )


def _check_content(collection: Collection, content: Blob | None) -> None:
    """400 for a file that could not be read back as the pages say it reads: a file
    read as YAML must be YAML, or what is downloaded would not be what its type says."""
    if content is None or collection.content is None or "yaml" not in collection.content:
        return
    # By name: the server extra installs PyYAML; libyaml's loader where it is built.
    yaml = importlib.import_module("yaml")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for _document in yaml.load_all(b"".join(content.chunks()), Loader=loader):
            pass
    except yaml.YAMLError as exc:
        problem = str(exc).splitlines()[0]
        raise ApiFailure(
            400,
            f"Invalid request body: it is read back as {collection.content}, and it is not "
            f"YAML ({problem})",
        ) from None


def _discard(resource: Resource) -> None:
    if resource.content is not None:
        resource.content.discard()


def _advance(resource: Resource) -> None:
    """Take the lifecycle step that is due, if any. The etag stays: the step is the
    server's own, and an ``if-match`` from the create response must still match."""
    if resource.pending is not None and time.monotonic() >= resource.pending[2]:
        field, state, _when = resource.pending
        resource.data[field] = state
        resource.pending = None


def item_key(key: Key, ident: str) -> str:
    """What makes a resource's filled values its own: its collection and id."""
    return "|".join((*key, ident))
