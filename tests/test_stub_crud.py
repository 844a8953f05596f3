"""Every collection of the AI Data Platform book, every documented filter and sort, and
every action on a resource, driven through the stub with plain HTTP requests built from
the stub's own description: what each answers is checked against what the pages say.

For each collection: its parents made first (a path names resources that must exist);
two items made (through its create, else seeded); each answer validated against the
exported OpenAPI document by a JSON Schema validator nobody here wrote; the server's own
fields not taken from a request; optional fields nobody set left out; times moving
forward; the lifecycle settling; updates merging; stale ``if-match`` refused; every
filter, sort and page; unique names and length limits; a missing parent 404; deleting
a parent refused or taking its children along. For each action: 404 on a missing
resource, ``if-match`` checked, the state its name says, files moved."""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from openapi_schema_validator import OAS31Validator

from generator.runtime.server import SyncASGITransport, create_app
from generator.runtime.server._fill import Filler
from generator.runtime.server._schemas import Schemas
from generator.yamlio import load_yaml

from .conftest import AIDP_PROJECT

SPEC = json.loads((AIDP_PROJECT / "aidp_workbench" / "_server_spec.json").read_text("utf-8"))
DOCUMENT = load_yaml((AIDP_PROJECT / "openapi.yaml").read_text(encoding="utf-8"))
SCHEMAS = Schemas(SPEC["schemas"])
COLLECTIONS: dict[str, dict[str, Any]] = SPEC["collections"]
FORGED_TIME = "1999-01-01T00:00:00.000Z"


def by_collection() -> dict[str, dict[str, list[dict[str, Any]]]]:
    found: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for op in SPEC["operations"]:
        if op["collection"]:
            found.setdefault(op["collection"], {}).setdefault(op["kind"], []).append(op)
    return found


OPS = by_collection()


def fill_path(template: str, values: dict[str, str]) -> str:
    """A documented path with each parameter's value as one encoded segment."""
    return re.sub(r"\{([^{}]+)\}", lambda m: quote(values[m[1]], safe=""), template)


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def props(schema: dict[str, Any] | None) -> tuple[dict[str, Any], frozenset[str]]:
    return SCHEMAS.properties(schema) if schema else ({}, frozenset())


def validate(op: dict[str, Any], answer: httpx.Response) -> None:
    """The answer's body against the exported OpenAPI document's schema for it."""
    operation = DOCUMENT["paths"][op["path"]][op["method"].lower()]
    content = operation["responses"][str(answer.status_code)].get("content", {})
    schema = next((c.get("schema") for media, c in content.items() if "json" in media), None)
    if schema is None or "json" not in answer.headers.get("content-type", ""):
        return
    errors = list(
        OAS31Validator({**schema, "components": DOCUMENT["components"]}).iter_errors(answer.json())
    )
    assert not errors, (op["name"], [e.message for e in errors[:3]])


@dataclass
class Covered:
    collections: set[str] = field(default_factory=set)
    checks: Counter[str] = field(default_factory=Counter)
    filters: set[tuple[str, str]] = field(default_factory=set)
    sorts: set[tuple[str, str]] = field(default_factory=set)
    actions: set[str] = field(default_factory=set)
    unset: set[tuple[str, str]] = field(default_factory=set)  # filters on fields nobody set


class World:
    """One stub, and what the test made in it."""

    def __init__(self) -> None:
        self.app = create_app(spec=SPEC)
        self.http = httpx.Client(transport=SyncASGITransport(self.app), base_url="http://stub")
        self.filler = Filler(SCHEMAS, seed=7)
        self.numbers = itertools.count(1)

    def unique(self, word: str = "v") -> str:
        return f"{word}-{next(self.numbers)}"

    def request(
        self,
        op: dict[str, Any],
        values: dict[str, str],
        body: Any = None,
        *,
        query: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
    ) -> httpx.Response:
        """``op`` with its path filled and its required parameters given (made up where
        the caller gave none)."""
        query, headers = dict(query or {}), dict(headers or {})
        for p in op["parameters"]:
            given = query if p["in"] == "query" else headers
            if p["in"] in ("query", "header") and p["required"] and p["name"] not in given:
                value = self.filler.value(p["schema"], self.unique(p["name"]), full=False)
                given[p["name"]] = json.dumps(value).strip('"')
        sent: dict[str, Any] = {"json": body}
        if content is not None:
            headers.setdefault("content-type", "application/octet-stream")
            sent = {"content": content}
        elif body is None and op["body"] and op["body"]["json"] and op["body"]["schema"]:
            sent = {"json": self.body(op)}
        url = fill_path(op["path"], values)
        return self.http.request(op["method"], url, params=query, headers=headers, **sent)

    def body(self, op: dict[str, Any], **fields: Any) -> Any:
        """A body with its required fields made up (each call other values), and ``fields``."""
        schema = op["body"]["schema"]
        made = self.filler.value(schema, self.unique(op["name"]), full=False)
        return {**made, **fields} if isinstance(made, dict) else made

    def parents(self, path: str) -> dict[str, str]:
        """Path values under which ``path``'s items can be made: every resource they name
        made first (in a platform of their own: no collection holds platforms)."""
        values: dict[str, str] = {}
        for parent in COLLECTIONS[path]["parents"]:
            parent_id = COLLECTIONS[parent]["id_param"]
            if parent_id not in values:
                for name in re.findall(r"\{([^{}]+)\}", parent):
                    values.setdefault(name, self.unique(name))
                values[parent_id] = self.make(parent, values)["_id"]
        for name in re.findall(r"\{([^{}]+)\}", path):
            values.setdefault(name, self.unique(name))  # names of things the book has not
        return values

    def make(self, path: str, values: dict[str, str], /, **fields: Any) -> dict[str, Any]:
        """A new item of the collection at ``path``: through its create, else seeded.
        Returns what reading it shows, with its id as ``_id``."""
        collection = COLLECTIONS[path]
        creates = OPS.get(path, {}).get("create", [])
        if not creates:
            return self.seed(path, values, **fields)
        op = creates[0]
        id_from = op.get("id_from") or {}
        ident = None
        headers: dict[str, str] = {}
        values = dict(values)
        if id_from.get("in") in ("path", "header"):
            ident = fields.pop(collection["id_field"], None) or f"/t/{self.unique()}"
            (values if id_from["in"] == "path" else headers)[id_from["name"]] = ident
        body = None
        if op["body"] and not op["body"]["json"]:
            answer = self.request(op, values, headers=headers, content=file_for(collection))
        else:
            body = self.body(op, **fields)
            answer = self.request(op, values, body, headers=headers)
        assert answer.status_code == op["status"], (op["name"], answer.text)
        validate(op, answer)
        made = answer.json() if "json" in answer.headers.get("content-type", "") else {}
        id_field = collection["id_field"]
        if ident is None:
            ident = made.get(id_field) if id_field else None
        if ident is None:
            ident = self.newest(path, values)
        return {**made, "_id": str(ident), "_sent": set(body or ())}

    def newest(self, path: str, values: dict[str, str]) -> str:
        """The id of the last item made in a collection whose create answers no id: the
        one the stub gave it where its path names it, else (listed with no id) all it
        holds."""
        key = (path, *(values[n] for n in re.findall(r"\{([^{}]+)\}", path)))
        ident = list(self.app.store.items[key])[-1]
        collection = COLLECTIONS[path]
        if collection["item_path"]:
            return ident
        shown = props(collection["summary"] or collection["schema"])[0]
        data = self.app.store.items[key][ident].data
        return row_id({k: v for k, v in data.items() if k in shown})

    def seed(self, path: str, values: dict[str, str], /, **fields: Any) -> dict[str, Any]:
        collection = COLLECTIONS[path]
        made = self.filler.value(collection["schema"], self.unique(path), full=False)
        for name in collection["times"]["created"] + collection["times"]["updated"]:
            made.pop(name, None)  # the stub's clock sets them
        if collection["id_field"] is None:  # something of its own to tell it apart by
            name = string_field(props(collection["schema"])[0], set(fields))
            if name is not None:
                made[name] = self.unique(name)
        made.update(fields)
        ident = str(made.get(collection["id_field"]) or self.unique("id"))
        if collection["id_field"]:
            made[collection["id_field"]] = ident
        self.app.store.seed_collection(fill_path(path, values).replace("%2F", "/"), [made])
        if collection["id_field"] is None:
            ident = self.newest(path, values)
        return {**made, "_id": ident}

    def item_values(self, path: str, values: dict[str, str], ident: str) -> dict[str, str]:
        id_param = COLLECTIONS[path]["id_param"]
        return {**values, id_param: ident} if id_param else values


@pytest.fixture(scope="module")
def covered() -> Iterator[Covered]:
    found = Covered()
    yield found
    print(
        f"\ncollections {len(found.collections)}/{len(COLLECTIONS)}, "
        f"filters {len(found.filters)}, sorts {len(found.sorts)}, actions {len(found.actions)}, "
        f"checks {dict(sorted(found.checks.items()))}"
    )


def settable(op: dict[str, Any], path: str) -> dict[str, Any]:
    server = set(COLLECTIONS[path]["server_fields"])
    fields = props(op["body"]["schema"] if op["body"] else None)[0]
    return {k: v for k, v in fields.items() if k not in server}


def string_field(fields: dict[str, Any], avoid: set[str]) -> str | None:
    """An optional plain string field to change."""
    for name, prop in fields.items():
        target = SCHEMAS.resolve(prop)
        if (
            name not in avoid
            and SCHEMAS.types(target) == ["string"]
            and not target.get("enum")
            and not target.get("format")
            and not target.get("pattern")
        ):
            return name
    return None


@pytest.mark.parametrize("path", sorted(COLLECTIONS))
def test_every_collection_behaves_as_documented(path: str, covered: Covered) -> None:
    drive_collection(path, covered)


def drive_collection(path: str, covered: Covered) -> None:
    world = World()
    collection = COLLECTIONS[path]
    ops = OPS.get(path, {})
    values = world.parents(path)
    create = (ops.get("create") or [None])[0]
    listing = (ops.get("list") or [None])[0]
    plan = FilterPlan(world, path, listing, create)
    first = world.make(path, values, **plan.fields("a"), **forged(collection, create))
    second = world.make(path, values, **plan.fields("b"))
    covered.collections.add(path)
    items = {"a": first, "b": second}
    reads = [op for op in ops.get("read", []) if op["method"] == "GET"]
    for name, made in items.items():
        at = world.item_values(path, values, made["_id"])
        for read in reads:
            answer = world.request(read, at)
            assert answer.status_code == read["status"], (read["name"], answer.text)
            validate(read, answer)
            if "json" in answer.headers.get("content-type", "") and collection["schema"]:
                items[name] = {**answer.json(), "_id": made["_id"], "_sent": made.get("_sent")}
            elif listing is not None:  # a file, read as its bytes: what its list shows
                rows = plan.rows(values, plan.query())
                items[name] = {**rows[made["_id"]], "_id": made["_id"], "_sent": made["_sent"]}
    if create is not None:
        check_create(world, path, create, items, covered)
    if listing is not None:
        plan.check(items, values, covered)
        check_sorts_and_pages(world, path, listing, values, covered)
    for update in ops.get("replace", []) + ops.get("merge", []):
        check_update(world, path, update, values, items["b"], covered)
    if create is not None:
        check_limits(world, path, create, values, items["a"], covered)
    check_parents(world, path, values, covered)
    for delete in ops.get("delete", []):
        at = world.item_values(path, values, items["a"]["_id"])
        stale = world.request(delete, at, headers={"if-match": "0-0"})
        assert stale.status_code == 412, (delete["name"], stale.text)
        assert world.request(delete, at).status_code == delete["status"]
        for read in reads:
            assert world.request(read, at).status_code == 404
        covered.checks["delete"] += 1


def forged(collection: dict[str, Any], create: dict[str, Any] | None) -> dict[str, Any]:
    """Values for the server's own fields that a create must not take."""
    if create is None or not create["body"] or not create["body"]["json"]:
        return {}
    out: dict[str, Any] = {}
    server = set(collection["server_fields"])
    fields = props(collection["schema"])[0]
    for name in collection["times"]["created"] + collection["times"]["updated"]:
        out[name] = FORGED_TIME
    if collection["id_field"] in server:
        out[collection["id_field"]] = "forged-id"
    life = collection["lifecycle"]
    if life and life["field"] in server:
        enum = SCHEMAS.resolve(fields[life["field"]]).get("enum") or []
        out[life["field"]] = next(
            (s for s in enum if s not in (life["initial"], life["settled"])), "FORGED"
        )
    return out


def check_create(
    world: World,
    path: str,
    create: dict[str, Any],
    items: dict[str, dict[str, Any]],
    covered: Covered,
) -> None:
    collection = COLLECTIONS[path]
    first, second = items["a"], items["b"]
    fields, required = props(collection["schema"])
    forged_fields = forged(collection, create)
    for name, value in forged_fields.items():
        assert first.get(name) != value, (path, name, "the server's own field")
        covered.checks["server fields"] += 1
    if collection["id_field"] in forged_fields:
        assert first["_id"] != "forged-id"
    sent = first["_sent"] or set()
    for name, prop in settable(create, path).items():
        if name in fields and name not in required and name not in sent and "default" not in prop:
            assert name not in first, (path, name, "an optional field nobody set")
            covered.checks["optional left out"] += 1
    for name in collection["times"]["created"]:
        assert moment(first[name]) < moment(second[name]), (path, name)
        now = datetime.now(moment(second[name]).tzinfo)
        assert abs((moment(second[name]) - now).total_seconds()) < 600, "the time now"
        covered.checks["times forward"] += 1
    life = collection["lifecycle"]
    if life:
        assert first[life["field"]] == life["settled"], (path, "read after the create")
        covered.checks["lifecycle"] += 1


def check_update(
    world: World,
    path: str,
    update: dict[str, Any],
    values: dict[str, str],
    item: dict[str, Any],
    covered: Covered,
) -> None:
    """A PUT or PATCH sets what it sends and keeps the rest; the server's fields stay."""
    collection = COLLECTIONS[path]
    at = world.item_values(path, values, item["_id"])
    read = next(op for op in OPS[path]["read"] if op["method"] == "GET")
    before_answer = world.request(read, at)
    if "json" not in before_answer.headers.get("content-type", ""):
        return  # an item read as its bytes: a file
    before = before_answer.json()
    fields = settable(update, path)
    unique = {u["field"] for u in collection["unique"]}
    change = string_field(fields, unique | {collection["id_field"] or ""})
    body = world.body(update, **({change: world.unique("changed")} if change else {}))
    for name in collection["times"]["created"]:
        body[name] = FORGED_TIME
    stale = world.request(update, at, body, headers={"if-match": "0-0"})
    assert stale.status_code == 412, (update["name"], stale.text)
    answer = world.request(update, at, body, headers={"if-match": before_answer.headers["etag"]})
    assert answer.status_code == update["status"], (update["name"], answer.text)
    validate(update, answer)
    after = world.request(read, at).json()
    sent = {k for k in body if k in fields}
    for name, value in before.items():
        if name in sent or name in collection["times"]["updated"]:
            continue
        assert after.get(name) == value, (update["name"], name, "kept as it was")
    for name in sent:
        if name in props(collection["schema"])[0] and body[name] is not None:
            assert after[name] == body[name], (update["name"], name)
    for name in collection["times"]["updated"]:
        assert moment(after[name]) > moment(before[name]), (update["name"], name)
    covered.checks["update merges"] += 1


def check_limits(
    world: World,
    path: str,
    create: dict[str, Any],
    values: dict[str, str],
    first: dict[str, Any],
    covered: Covered,
) -> None:
    """Unique names are unique, within their scope; "at most N characters" is enforced."""
    if not create["body"] or not create["body"]["json"]:
        return
    for unique in COLLECTIONS[path]["unique"]:
        value = first.get(unique["field"])
        if value is None or unique["field"] not in settable(create, path):
            continue
        taken = {f: first[f] for f in unique["within"] if f in first}
        taken[unique["field"]] = value.swapcase() if unique["ignore_case"] else value
        again = world.request(create, values, world.body(create, **taken))
        assert again.status_code == 409, (path, unique, again.text)
        covered.checks["unique"] += 1
    for name, prop in settable(create, path).items():
        target = SCHEMAS.resolve(prop)
        if "max_length" in target and SCHEMAS.types(target) == ["string"]:
            long = world.body(create, **{name: "x" * (target["max_length"] + 1)})
            answer = world.request(create, values, long)
            assert answer.status_code == 400, (path, name)
            covered.checks["max length"] += 1


def check_parents(world: World, path: str, values: dict[str, str], covered: Covered) -> None:
    """A missing parent is 404; deleting a parent is refused while it holds items the
    client can delete (every delete here documents 409), and takes the rest along."""
    collection = COLLECTIONS[path]
    if not collection["parents"]:
        return
    parent = collection["parents"][-1]
    parent_id = COLLECTIONS[parent]["id_param"]
    elsewhere = {**values, parent_id: "missing-parent"}
    for name in re.findall(r"\{([^{}]+)\}", collection["item_path"] or ""):
        elsewhere.setdefault(name, world.unique(name))
    for kind in ("list", "create"):
        for op in OPS.get(path, {}).get(kind, []):
            assert world.request(op, elsewhere).status_code == 404, op["name"]
            covered.checks["missing parent"] += 1
    deletes = OPS.get(parent, {}).get("delete", [])
    listing = OPS.get(path, {}).get("list", [])
    if not deletes or not listing:
        return
    at = world.item_values(parent, values, values[parent_id])
    answer = world.request(deletes[0], at)
    if COLLECTIONS[parent]["keeps_children"] and OPS.get(path, {}).get("delete"):
        assert answer.status_code == 409, (path, answer.text)
        assert world.request(listing[0], values).status_code == 200
    else:
        assert answer.status_code == deletes[0]["status"], (path, answer.text)
        assert world.request(listing[0], values).status_code == 404, "gone with its parent"
    covered.checks["parent delete"] += 1


class FilterPlan:
    """Values that tell two items apart by each filter of a list, and the checks that
    each filter lets through exactly the item it should."""

    def __init__(
        self,
        world: World,
        path: str,
        listing: dict[str, Any] | None,
        create: dict[str, Any] | None,
    ) -> None:
        self.world, self.path, self.listing = world, path, listing
        fields = props(COLLECTIONS[path]["schema"])[0]
        self.settable = settable(create, path) if create else fields
        id_field = COLLECTIONS[path]["id_field"]
        if create and create.get("id_from") and id_field in fields:
            self.settable[id_field] = fields[id_field]  # a create named by its path
        self.required = {p["name"] for p in (listing or {}).get("parameters", ()) if p["required"]}
        self.values: dict[str, dict[str, Any]] = {"a": {}, "b": {}}
        for parameter, name, how, _ignore_case in (listing or {}).get("filters", ()):
            if name not in self.settable or name in self.values["a"]:
                continue
            target = SCHEMAS.resolve(self.settable[name])
            types = SCHEMAS.types(target)
            enum = [v for v in target.get("enum") or [] if v is not None]
            if how == "under":
                scope = f"/t{world.unique()}"
                pair = (f"{scope}/a", f"{scope}/b")
            elif enum:
                pair = (enum[0], enum[-1] if parameter not in self.required else enum[0])
            elif types == ["boolean"]:
                pair = (True, False)
            elif types == ["string"] and not target.get("format"):
                shared = parameter in self.required
                pair = (world.unique("Alpha"), world.unique("Alpha") if not shared else None)
                pair = (pair[0], pair[1] or pair[0])
            else:
                continue
            self.values["a"][name], self.values["b"][name] = pair

    def fields(self, which: str) -> dict[str, Any]:
        return dict(self.values[which])

    def query(self) -> dict[str, Any]:
        """The list's required parameters, as both items have them."""
        assert self.listing is not None
        out = {}
        for parameter, name, how, _ in self.listing["filters"]:
            if parameter in self.required and name in self.values["a"]:
                value = self.values["a"][name]
                out[parameter] = value.rsplit("/", 1)[0] if how == "under" else value
        return out

    def rows(self, values: dict[str, str], query: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """The listed items by their ids (as listed, in order)."""
        assert self.listing is not None
        answer = self.world.request(self.listing, values, query=query)
        assert answer.status_code == 200, (self.listing["name"], query, answer.text)
        validate(self.listing, answer)
        body = answer.json()
        rows = body if isinstance(body, list) else body.get(self.listing["list_field"] or "items")
        id_field = COLLECTIONS[self.path]["id_field"]
        return {str(r.get(id_field)) if id_field else row_id(r): r for r in rows}

    def list(self, values: dict[str, str], query: dict[str, Any]) -> list[str]:
        return list(self.rows(values, query))

    def check(
        self, items: dict[str, dict[str, Any]], values: dict[str, str], covered: Covered
    ) -> None:
        assert self.listing is not None
        base = self.query()
        both = self.list(values, base)
        a, b = items["a"]["_id"], items["b"]["_id"]
        assert sorted(both) == sorted([a, b]), (self.listing["name"], both)
        covered.checks["listed"] += 1
        for parameter, name, how, ignore_case in self.listing["filters"]:
            wanted, expected = self.case(items, parameter, name, how, a, b)
            if wanted is None:
                covered.unset.add((self.listing["name"], parameter))
                continue
            if ignore_case and isinstance(wanted, str):
                wanted = wanted.swapcase()
            found = self.list(values, {**base, parameter: jsonish(wanted)})
            what = (self.listing["name"], parameter, wanted)
            assert sorted(found) == sorted(expected), what
            covered.filters.add((self.listing["name"], parameter))

    def case(
        self, items: dict[str, dict[str, Any]], parameter: str, name: str, how: str, a: str, b: str
    ) -> tuple[Any, list[str]]:
        """The value to filter by, and the ids that it should let through."""
        first, second = items["a"].get(name), items["b"].get(name)
        if first is None:
            return None, []
        if how in ("ge", "gt", "le", "lt"):
            expected = {"ge": [a, b], "gt": [b], "le": [a], "lt": []}[how]
            return first, expected
        if how == "contains":
            return (first[1:-1], [a] if second is None or first[1:-1] not in second else [a, b])
        if how == "under":
            return first, [a]
        if first == second:
            return first, [a, b]
        return first, [a]


def row_id(row: dict[str, Any]) -> str:
    """What tells apart items that have no id: all they hold."""
    return json.dumps(row, sort_keys=True)


def jsonish(value: Any) -> str:
    return json.dumps(value).strip('"') if not isinstance(value, str) else value


def check_sorts_and_pages(
    world: World, path: str, listing: dict[str, Any], values: dict[str, str], covered: Covered
) -> None:
    """Each sort value in its documented default order; pages by opaque tokens that
    cover the list once; a page of none, or a token the server did not give, refused."""
    for value, (name, descending) in listing["sorts"].items():
        answer = world.request(listing, values, query={"sortBy": value})
        if answer.status_code != 200:
            continue  # required parameters the items do not match: see the filters
        body = answer.json()
        rows = body if isinstance(body, list) else body[listing["list_field"] or "items"]
        keys = [r.get(name) for r in rows if r.get(name) is not None]
        assert keys == sorted(keys, reverse=descending), (listing["name"], value, keys)
        covered.sorts.add((listing["name"], value))
    names = {p["name"] for p in listing["parameters"]}
    if not {"limit", "page"} <= names:
        return
    assert world.request(listing, values, query={"limit": 0}).status_code == 400
    made_up = world.request(listing, values, query={"limit": 1, "page": "1"})
    assert made_up.status_code == 400, (listing["name"], made_up.text)
    covered.checks["pages"] += 1


ACTIONS = [op for op in SPEC["operations"] if op["kind"] == "action" and op.get("target")]


@pytest.mark.parametrize("op", ACTIONS, ids=lambda op: op["name"][:60])
def test_every_action_acts_on_its_resource(op: dict[str, Any], covered: Covered) -> None:
    drive_action(op, covered)


def drive_action(op: dict[str, Any], covered: Covered) -> None:
    world = World()
    target = op["target"]
    values = world.parents(target)
    made = world.make(target, values)
    at = {**values, **world.item_values(target, values, made["_id"])}
    for name in re.findall(r"\{([^{}]+)\}", op["path"]):
        at.setdefault(name, world.unique(name))
    id_param = COLLECTIONS[target]["id_param"]
    missing = world.request(
        op, {**at, id_param: "missing"}, content=b"" if op_is_file(op) else None
    )
    assert missing.status_code == 404, (op["name"], missing.text)
    if op["on_item"]:
        stale = world.request(op, at, headers={"if-match": "0-0"}, content=file_body(op))
        assert stale.status_code == 412, (op["name"], stale.text)
    files = op.get("files")
    if files and files["how"] == "upload":
        check_files(world, op, at)
    elif files:  # nothing uploaded here yet
        assert world.request(op, at).status_code == 404, op["name"]
    else:
        answer = world.request(op, at, content=file_body(op))
        assert answer.status_code == op["status"], (op["name"], answer.text)
        validate(op, answer)
        if op["states"]:
            field_name = COLLECTIONS[target]["lifecycle"]["field"]
            read = next(r for r in OPS[target]["read"] if r["method"] == "GET")
            assert answer.json()[field_name] == op["states"][0]
            assert world.request(read, at).json()[field_name] == op["states"][1]
    covered.actions.add(op["name"])


def file_for(collection: dict[str, Any]) -> bytes:
    """A file its collection takes: YAML where it is read as YAML, else any bytes."""
    return b"a: [1, 2]\n" if "yaml" in (collection["content"] or "") else bytes(range(256))


def op_is_file(op: dict[str, Any]) -> bool:
    return bool(op["body"]) and not op["body"]["json"]


def file_body(op: dict[str, Any]) -> bytes | None:
    return bytes(range(256)) if op_is_file(op) else None


def check_files(world: World, upload: dict[str, Any], at: dict[str, str]) -> None:
    """What is uploaded is listed, downloaded byte for byte, and gone once deleted."""
    files = upload["files"]
    by_how = {
        op["files"]["how"]: op
        for op in SPEC["operations"]
        if op.get("files") and op["files"]["collection"] == files["collection"]
    }
    name = f"/t{world.unique()}/all.bin"
    naming = {files["parameter"]: name}
    query, headers = (naming, {}) if files["where"] == "query" else ({}, naming)
    data = bytes(range(256)) * 64
    answer = world.request(upload, at, query=query, headers=headers, content=data)
    assert answer.status_code == upload["status"], answer.text
    listing = OPS[files["collection"]]["list"][0]
    listed = world.request(listing, at, query={"path": name.rsplit("/", 1)[0]}).json()
    assert [f[files["parameter"]] for f in listed["items"]] == [name]
    download = world.request(by_how["download"], at, query=query, headers=headers)
    assert download.content == data
    deleted = world.request(by_how["delete"], at, query=query, headers=headers)
    assert deleted.status_code == by_how["delete"]["status"]
    gone = world.request(by_how["download"], at, query=query, headers=headers)
    assert gone.status_code == 404


def test_coverage_counts(covered: Covered) -> None:
    """Every collection and action driven (those the tests above did not, here), and
    every filter but those nothing can set."""
    for path in sorted(set(COLLECTIONS) - covered.collections):
        drive_collection(path, covered)
    for op in ACTIONS:
        if op["name"] not in covered.actions:
            drive_action(op, covered)
    assert covered.collections == set(COLLECTIONS)
    filters = {(op["name"], f[0]) for op in SPEC["operations"] for f in op.get("filters", ())}
    # Only a filter on a field the server alone sets, and had no cause to (``updatedBy``
    # before any update), finds nothing to tell the items apart by.
    assert filters - covered.filters == covered.unset
    for op_name, parameter in covered.unset:
        op = next(op for op in SPEC["operations"] if op["name"] == op_name)
        field_name = next(f[1] for f in op["filters"] if f[0] == parameter)
        assert field_name in COLLECTIONS[op["collection"]]["server_fields"]
    assert covered.actions == {op["name"] for op in ACTIONS}
