"""Every resource operation of the stub, through create, list, read, replace or merge and
delete, answers what the exported OpenAPI document says: each body is validated against
its documented response schema by a JSON Schema validator nobody here wrote."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
from openapi_schema_validator import OAS31Validator

from generator.runtime.server import SyncASGITransport, create_app
from generator.runtime.server._fill import Filler
from generator.runtime.server._schemas import Schemas
from generator.yamlio import load_yaml

from .conftest import AIDP_PROJECT

ORDER = {"create": 0, "list": 1, "read": 2, "replace": 3, "merge": 4, "delete": 5}


def fill_path(template: str, values: dict[str, str]) -> str:
    return re.sub(r"\{([^{}]+)\}", lambda m: values.get(m[1], f"{m[1]}-1"), template)


def response_schema(document: dict[str, Any], op: dict[str, Any], status: int) -> Any:
    operation = document["paths"][op["path"]][op["method"].lower()]
    content = operation["responses"][str(status)].get("content", {})
    schema = next((c.get("schema") for media, c in content.items() if "json" in media), None)
    return None if schema is None else {**schema, "components": document["components"]}


def found_id(op: dict[str, Any], answer: Any, id_param: str, id_field: str) -> dict[str, str]:
    """The new resource's id, from the create answer or, where it has no body, the list."""
    if "json" not in answer.headers.get("content-type", ""):
        return {}
    body = answer.json()
    if op["kind"] == "list":
        rows = body if isinstance(body, list) else body.get(op.get("list_field") or "items", [])
        body = rows[0] if rows else {}
    return {id_param: str(body[id_field])} if isinstance(body, dict) and id_field in body else {}


def test_every_resource_operation_answers_its_documented_schema() -> None:
    spec = json.loads((AIDP_PROJECT / "aidp_workbench" / "_server_spec.json").read_text())
    document = load_yaml((AIDP_PROJECT / "openapi.yaml").read_text(encoding="utf-8"))
    filler = Filler(Schemas(spec["schemas"]), seed=7)
    by_collection: dict[str, list[dict[str, Any]]] = {}
    for op in spec["operations"]:
        if op["kind"] in ORDER and op["collection"]:
            by_collection.setdefault(op["collection"], []).append(op)
    exercised: set[str] = set()
    transport = SyncASGITransport(create_app(spec=spec))
    with httpx.Client(transport=transport, base_url="http://stub.invalid") as http:
        for path, ops in sorted(by_collection.items()):
            if not any(op["kind"] == "create" for op in ops):
                continue
            collection = spec["collections"][path]
            values: dict[str, str] = {}
            for op in sorted(ops, key=lambda o: (ORDER[o["kind"]], o["name"])):
                body = None
                if op["body"] and op["body"]["json"] and op["body"]["schema"]:
                    body = filler.value(op["body"]["schema"], op["name"], full=True)
                query = {
                    p["name"]: str(filler.value(p["schema"], p["name"], full=False))
                    for p in op["parameters"]
                    if p["in"] == "query" and p["required"]
                }
                answer = http.request(
                    op["method"], fill_path(op["path"], values), json=body, params=query
                )
                assert answer.status_code == op["status"], (op["name"], answer.text)
                exercised.add(op["name"])
                schema = response_schema(document, op, answer.status_code)
                if schema is not None:
                    errors = sorted(
                        OAS31Validator(schema).iter_errors(answer.json()), key=lambda e: e.path
                    )
                    assert not errors, (op["name"], [e.message for e in errors[:3]])
                id_param, id_field = collection["id_param"], collection["id_field"]
                if id_param and id_field and id_param not in values:
                    values.update(found_id(op, answer, id_param, id_field))
    kinds = {op["name"]: op["kind"] for op in spec["operations"]}
    counts = {kind: sum(kinds[name] == kind for name in exercised) for kind in ORDER}
    assert counts["create"] == 18 and counts["delete"] >= 15, counts
    assert sum(counts.values()) >= 80, counts
