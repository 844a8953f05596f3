"""Export a model as an OpenAPI 3.1 document."""

from __future__ import annotations

import functools
from typing import Any

from .model import ApiModel, Content, Example, Header, NamedSchema, Operation, Parameter, Schema
from .yamlio import Items, ItemTexts, Made, dump_document, json_document

OPENAPI_VERSION = "3.1.0"
COMPONENTS = "#/components/schemas/"
_KEYWORDS = {
    "title": "title",
    "description": "description",
    "format": "format",
    "enum": "enum",
    "min_length": "minLength",
    "max_length": "maxLength",
    "minimum": "minimum",
    "maximum": "maximum",
    "exclusive_minimum": "exclusiveMinimum",
    "exclusive_maximum": "exclusiveMaximum",
    "pattern": "pattern",
    "min_items": "minItems",
    "max_items": "maxItems",
    "unique_items": "uniqueItems",
    "read_only": "readOnly",
    "write_only": "writeOnly",
}


def to_openapi(model: ApiModel, version: str = "0") -> dict[str, Any]:
    return _document(model, version, lazy=False)


def openapi_yaml(
    model: ApiModel, version: str = "0", texts: ItemTexts | None = None, head: str = ""
) -> str:
    """``to_openapi`` as YAML, made a path and a schema at a time, after ``head``
    (``texts``: see ``ItemTexts``)."""
    return dump_document(_document(model, version, lazy=True), texts, head)


def _document(model: ApiModel, version: str, lazy: bool) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": model.title or "API", "version": version},
        "x-docs2sdk-format-version": model.format_version,
    }
    if model.tags:
        doc["tags"] = [
            {"name": t.name, **({"x-docs2sdk-page": t.page} if t.page else {})} for t in model.tags
        ]
    by_path: dict[str, list[Operation]] = {}
    for op in model.operations:
        by_path.setdefault(op.path, []).append(op)
    if lazy:
        # Each made only when the document the last build wrote does not have it.
        paths = (
            (path, Made(_sources(ops), functools.partial(_path_item, ops)))
            for path, ops in by_path.items()
        )
        doc["paths"] = Items(paths, pairs=True)
        schemas = (
            (name, Made(schema.model_dump_json(), functools.partial(_component, schema)))
            for name, schema in model.schemas.items()
        )
        doc["components"] = {"schemas": Items(schemas, pairs=True)}
    else:
        doc["paths"] = {path: _path_item(ops) for path, ops in by_path.items()}
        doc["components"] = {"schemas": {name: _component(s) for name, s in model.schemas.items()}}
    return doc


def _sources(ops: list[Operation]) -> str:
    """What a path's item is made from: its operations, as JSON."""
    return "[" + ",".join(op.model_dump_json() for op in ops) + "]"


def _path_item(ops: list[Operation]) -> dict[str, Any]:
    return {op.method: _operation(op) for op in ops}


def _component(schema: NamedSchema) -> dict[str, Any]:
    return {**schema_to_json(schema), "x-docs2sdk-page": schema.page}


def _operation(op: Operation) -> dict[str, Any]:
    out: dict[str, Any] = {"operationId": op.name, "summary": op.title}
    if op.tag:
        out["tags"] = [op.tag]
    if op.description:
        out["description"] = op.description
    params = [p for p in op.parameters if p.in_ != "form"]
    form = [p for p in op.parameters if p.in_ == "form"]
    if params:
        out["parameters"] = [_parameter(p) for p in params]
    body = op.request_body
    if body is not None:
        content = {c.media_type: _content(c) for c in body.content}
        if form:
            content.setdefault("application/x-www-form-urlencoded", {})["schema"] = {
                "type": "object",
                "properties": {
                    p.name: {**schema_to_json(p.schema_), **_described(p.description)} for p in form
                },
                "required": [p.name for p in form if p.required],
            }
        out["requestBody"] = {"content": content, **_described(body.description)}
    out["responses"] = {
        r.status: {
            "description": r.description or "",
            **({"headers": {h.name: _header(h) for h in r.headers}} if r.headers else {}),
            **({"content": {c.media_type: _content(c) for c in r.content}} if r.content else {}),
        }
        for r in op.responses
    }
    if op.code_samples:
        # The form documentation tools read commands from (Redoc, and others after it).
        out["x-codeSamples"] = [
            {"lang": sample.lang, "source": sample.source} for sample in op.code_samples
        ]
    out["x-docs2sdk-page"] = op.page
    if op.labels:
        out["x-docs2sdk-labels"] = op.labels
    return out


def _described(description: str | None) -> dict[str, str]:
    return {"description": description} if description else {}


def _parameter(p: Parameter) -> dict[str, Any]:
    return {
        "name": p.name,
        "in": p.in_,
        **({"required": True} if p.required else {}),
        **_described(p.description),
        "schema": schema_to_json(p.schema_),
    }


def _header(h: Header) -> dict[str, Any]:
    out = {"schema": schema_to_json(h.schema_), **_described(h.description)}
    if h.example is not None:
        out["example"] = h.example
    return out


def _content(c: Content) -> dict[str, Any]:
    out = {"schema": schema_to_json(c.schema_)} if c.schema_ is not None else {}
    if len(c.examples) == 1:
        out["example"] = _example_value(c.examples[0])
    elif c.examples:
        out["examples"] = {
            f"example-{k}": {**_described(e.description), "value": _example_value(e)}
            for k, e in enumerate(c.examples, 1)
        }
    return out


def _example_value(example: Example) -> Any:
    return json_document(example.value) if example.text is None else example.text


def schema_to_json(s: Schema) -> dict[str, Any]:
    """A model schema as an OpenAPI 3.1 (JSON Schema 2020-12) schema."""
    out: dict[str, Any] = {}
    if s.ref is not None:
        out["$ref"] = COMPONENTS + s.ref
    if s.type is not None:
        # Swagger 2's "file" is binary content in OpenAPI 3.
        types = ["string" if t == "file" else t for t in s.type.split(" | ")]
        if "file" in s.type and s.format is None:
            out["format"] = "binary"
        if s.nullable and "null" not in types:
            types.append("null")
        out["type"] = types[0] if len(types) == 1 else types
    for key, keyword in _KEYWORDS.items():
        value = getattr(s, key)
        if value is not None:
            out[keyword] = value
    if s.default is not None:
        out["default"] = s.default
    if s.properties is not None:
        out["properties"] = {k: schema_to_json(v) for k, v in s.properties.items()}
    if s.required:
        out["required"] = list(s.required)
    if s.items is not None:
        out["items"] = schema_to_json(s.items)
    if isinstance(s.additional_properties, Schema):
        out["additionalProperties"] = schema_to_json(s.additional_properties)
    elif s.additional_properties is not None:
        out["additionalProperties"] = s.additional_properties
    for key, keyword in (("all_of", "allOf"), ("one_of", "oneOf"), ("any_of", "anyOf")):
        members = getattr(s, key)
        if members:
            out[keyword] = [schema_to_json(m) for m in members]
    if s.discriminator:
        out["discriminator"] = {"propertyName": s.discriminator}
    if s.nullable and s.type is None:
        # 3.1 has no `nullable`: a typeless schema admits null through a member.
        if s.ref is not None:
            ref = out.pop("$ref")
            out["anyOf"] = [{"$ref": ref}, {"type": "null"}]
        elif "oneOf" in out or "anyOf" in out:
            out["oneOf" if "oneOf" in out else "anyOf"].append({"type": "null"})
        else:
            out["nullable"] = True
    if s.labels:
        out["x-docs2sdk-labels"] = s.labels
    return out
