"""Every operation of a generated package, with arguments the stub server accepts.

The arguments are made from the stub's own description (``_server_spec.json``) by its
value filler: required parameters and bodies, the same value for the same parameter
everywhere. The stub starts with one resource in every collection, whose id is the
value its id parameter gets, and every file a call reads or deletes, so that every
read, update, action and delete finds what it works on; a create on an item's own path
names a new one; deletes come last, children first. Operations are found through the command table
(``_commands.json``), by method and path, so the names are the package's own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.runtime.server._fill import Filler
from generator.runtime.server._schemas import Schemas

from .test_stub_server import running_stub

SEED = 7
_ITEM_KINDS = frozenset({"read", "replace", "merge", "delete"})


@dataclass
class Call:
    """One operation, and the client method's keyword arguments for it."""

    entry: dict[str, Any]  # the operation's command in the command table
    kind: str  # the stub's: create, list, read, replace, merge, delete, action
    arguments: dict[str, Any]
    # False where the stub cannot be seeded with what the call works on (its items have
    # no id field to set): the stub answers 404.
    found: bool = True
    path: str = ""  # the request's path, its parameters filled
    files: str | None = None  # the file collection (its path filled) it reads or deletes

    @property
    def tool_arguments(self) -> dict[str, Any]:
        """The arguments as an agent's tool call gives them: JSON, a file's content as text."""
        body = self.arguments.get("body")
        if isinstance(body, bytes):
            return {**self.arguments, "body": body.decode()}
        return self.arguments


class StubPlan:
    """What the stub starts with, and a call of every operation it answers with success."""

    def __init__(self, package: Path) -> None:
        self.spec = json.loads((package / "_server_spec.json").read_text(encoding="utf-8"))
        self.table = json.loads((package / "_commands.json").read_text(encoding="utf-8"))
        self.filler = Filler(Schemas(self.spec["schemas"]), seed=SEED)
        # Each path parameter's value, by its name on the wire (as its schema types it).
        self.path_values: dict[str, Any] = {}
        for op in self.spec["operations"]:
            for parameter in op["parameters"]:
                if parameter["in"] == "path":
                    self.path_values.setdefault(
                        parameter["name"], self._value(parameter["schema"], parameter["name"])
                    )

    def _value(self, schema: dict[str, Any], key: str) -> Any:
        value = self.filler.value(schema, key, full=False)
        if value == [] and "items" in schema:  # a required list: one item
            value = [self.filler.value(schema["items"], key, full=False)]
        return value

    def data(self) -> dict[str, list[dict[str, Any]]]:
        """The stub's seed: a resource in every collection that has items."""
        seeded = {}
        for path, collection in self.spec["collections"].items():
            if collection["id_param"] and collection["id_field"]:
                filled = self.filled(path)
                ident = str(self.path_values[collection["id_param"]])
                seeded[filled] = [{collection["id_field"]: ident}]
        # The file each call that reads or deletes one names (an upload makes its own).
        for op in self.spec["operations"]:
            files = op.get("files")
            if files is None or files["how"] == "upload":
                continue
            parameter = next(
                p
                for p in op["parameters"]
                if (p["in"], p["name"]) == (files["where"], files["parameter"])
            )
            held = seeded.setdefault(self.filled(files["collection"]), [])
            file = {files["parameter"]: self._value(parameter["schema"], parameter["name"])}
            if file not in held:
                held.append(file)
        return seeded

    def data_for(self, call: Call) -> dict[str, list[dict[str, Any]]]:
        """The seed a call needs: the items on its path, its own and its parents, and the
        file it reads or deletes (an item holding others cannot be deleted)."""
        return {
            collection: items
            for collection, items in self.data().items()
            if call.path == collection
            or call.path.startswith(collection + "/")
            or collection == call.files
        }

    def filled(self, path: str) -> str:
        """A collection's path with its parameters' values."""
        for name, value in self.path_values.items():
            path = path.replace("{" + name + "}", str(value))
        return path

    def calls(self, *, optional: bool = False) -> list[Call]:
        """A call of every operation, the deletes last; with ``optional``, every
        parameter is given, not only the required ones."""
        entries = {
            (entry["http_method"], entry["path"]): entry
            for group in self.table["groups"]
            for entry in group["commands"]
        }
        calls = [
            self._call(op, entries[op["method"], op["path"]], optional)
            for op in self.spec["operations"]
        ]
        return sorted(calls, key=_order)

    def _call(self, op: dict[str, Any], entry: dict[str, Any], optional: bool) -> Call:
        by_wire = {(p["in"], p["name"]): p for p in op["parameters"]}
        # A create on an item's own path (a PUT or POST naming it) makes a new item.
        creates_item = op["kind"] == "create" and op["path"].endswith("}")
        arguments: dict[str, Any] = {}
        for option in entry["options"]:
            parameter = by_wire[option["in"], option["wire"]]
            if not (option["required"] or optional):
                continue
            if parameter["in"] == "path":
                value = self.path_values[parameter["name"]]
                if (
                    creates_item
                    and isinstance(value, str)
                    and op["path"].endswith("{" + parameter["name"] + "}")
                ):
                    value = f"new-{value}"  # the seeded item has the seeded name
                arguments[option["argument"]] = value
            else:
                arguments[option["argument"]] = self._value(parameter["schema"], parameter["name"])
        body = op["body"]
        if body is not None:
            if body["json"] and body["schema"]:
                arguments["body"] = self.filler.value(body["schema"], op["name"], full=True)
            elif body["json"] or not body["media_types"]:
                arguments["body"] = {}
            else:
                arguments["body"] = b"content"
        collection = self.spec["collections"].get(op["collection"] or "")
        unseeded = collection is not None and collection["id_field"] is None
        files = op.get("files")
        return Call(
            entry,
            op["kind"],
            arguments,
            found=not (unseeded and op["kind"] in _ITEM_KINDS),
            path=self.filled(op["path"]),
            files=self.filled(files["collection"]) if files else None,
        )


def _order(call: Call) -> tuple[int, int]:
    """Deletes last, an item's children before it (the stub refuses to delete an item
    that holds others, as the service does)."""
    return (1, -call.path.count("/")) if call.kind == "delete" else (0, 0)


@contextmanager
def serving(plan: StubPlan, site: Path, folder: Path) -> Iterator[str]:
    """The stub of the package installed in ``site`` served over HTTP, seeded as
    ``plan.data()`` says (the seed written in ``folder``); yields its URL."""
    seed = folder / "seed.json"
    seed.write_text(json.dumps(plan.data()), encoding="utf-8")
    with running_stub(site, "--data", str(seed)) as url:
        yield url
