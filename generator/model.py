"""The API model: what a book documents, as plain typed data.

The scraper produces it, the generators read it, and it is saved as YAML between
them (``docs/model.md`` describes the file). Key names follow JSON Schema where JSON
Schema has a word for the thing, in snake_case.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import ModelError
from .yamlio import Items, ItemTexts, Made, dump_document, json_document, load_yaml

FORMAT_VERSION = 1

ParameterLocation = Literal["path", "query", "header", "form"]
HttpMethod = Literal["get", "put", "post", "delete", "options", "head", "patch", "trace"]
JsonValue = Any


_SUCCESS = re.compile(r"2\d\d")


def is_success(status: str) -> bool:
    """Whether a documented status (``200``, ``2XX``'s members, ``default``) is a success."""
    return _SUCCESS.fullmatch(status) is not None


def is_json(media_type: str | None) -> bool:
    """Whether a media type is JSON (``application/json``, ``application/problem+json``)."""
    return media_type is not None and "json" in media_type.lower()


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Schema(_Data):
    """A JSON value's shape as the pages show it; ``ref`` names a shared schema."""

    ref: str | None = None
    type: str | None = None
    format: str | None = None
    title: str | None = None
    description: str | None = None
    enum: list[JsonValue] | None = None
    default: JsonValue = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | int | None = None
    maximum: float | int | None = None
    exclusive_minimum: float | int | bool | None = None
    exclusive_maximum: float | int | bool | None = None
    pattern: str | None = None
    min_items: int | None = None
    max_items: int | None = None
    unique_items: bool | None = None
    nullable: bool | None = None
    read_only: bool | None = None
    write_only: bool | None = None
    properties: dict[str, Schema] | None = None
    required: list[str] | None = None
    items: Schema | None = None
    additional_properties: bool | Schema | None = None
    all_of: list[Schema] | None = None
    one_of: list[Schema] | None = None
    any_of: list[Schema] | None = None
    discriminator: str | None = None
    labels: dict[str, str] | None = Field(
        default=None, description="Labels the scraper does not know, with their raw values."
    )


class NamedSchema(Schema):
    """A schema shown under its own name; ``page`` is where it was first read."""

    page: str


class Parameter(_Data):
    name: str
    in_: ParameterLocation = Field(alias="in")
    required: bool = False
    description: str | None = None
    schema_: Schema = Field(alias="schema")

    @property
    def always_required(self) -> bool:
        """Required as documented, or a path parameter, which always is."""
        return self.required or self.in_ == "path"


class Header(_Data):
    name: str
    description: str | None = None
    schema_: Schema = Field(alias="schema")
    example: str | None = Field(
        default=None, description="The value an example of the response's headers shows."
    )


class Example(_Data):
    """A document a page shows as an example of a body: JSON parsed into ``value``,
    any other document (XML, plain text) as shown in ``text``."""

    description: str | None = None
    value: JsonValue = None
    text: str | None = None

    @model_validator(mode="after")
    def _one_document(self) -> Example:
        if (self.value is None) == (self.text is None):
            raise ValueError("an example holds either a value (JSON) or a text")
        return self


class CodeSample(_Data):
    """A command a page shows to call the operation (``lang``: ``cURL``, ``HTTP``)."""

    lang: str
    source: str
    description: str | None = None


class Content(_Data):
    media_type: str
    schema_: Schema | None = Field(default=None, alias="schema")
    examples: list[Example] = []


class RequestBody(_Data):
    description: str | None = None
    content: list[Content]


class Response(_Data):
    status: str
    description: str | None = None
    headers: list[Header] = []
    content: list[Content] = []


class Operation(_Data):
    name: str
    title: str
    method: HttpMethod
    path: str
    tag: str | None = None
    description: str | None = None
    page: str
    parameters: list[Parameter] = []
    request_body: RequestBody | None = None
    responses: list[Response] = []
    code_samples: list[CodeSample] = []
    labels: dict[str, str] | None = None


class Tag(_Data):
    name: str
    page: str | None = None


class ApiModel(_Data):
    format_version: int
    title: str | None = None
    endpoint: str | None = Field(
        default=None,
        description="The service's address in each region, where the book's index states it.",
    )
    tags: list[Tag] = []
    operations: list[Operation] = []
    schemas: dict[str, NamedSchema] = {}

    def resolve(self, schema: Schema | None) -> Schema | None:
        """The schema a reference leads to, through references; None where one dangles."""
        seen: set[str] = set()
        while schema is not None and schema.ref is not None and schema.ref not in seen:
            seen.add(schema.ref)
            schema = self.schemas.get(schema.ref)
        return schema

    def merged_properties(self, schema: Schema | None) -> tuple[dict[str, Schema], set[str]]:
        """A schema's properties and required names, with those of its ``Match All``
        members under its own, as the generated models and the stub merge them."""
        target = self.resolve(schema)
        if target is None:
            return {}, set()
        props: dict[str, Schema] = {}
        required: set[str] = set()
        for member in target.all_of or []:
            if self.resolve(member) is not target:
                member_props, member_required = self.merged_properties(member)
                props.update(member_props)
                required |= member_required
        props.update(target.properties or {})
        required |= set(target.required or [])
        return props, required

    def to_yaml(self, texts: ItemTexts | None = None, head: str = "") -> str:
        """The model file's text, made an operation and a schema at a time, after
        ``head`` (``texts``: see ``ItemTexts``)."""
        data = _dumped(self, exclude={"operations", "schemas"})
        if self.operations:
            data["operations"] = Items(_file_item(op) for op in self.operations)
        if self.schemas:
            data["schemas"] = Items(
                ((name, _file_item(schema)) for name, schema in self.schemas.items()), pairs=True
            )
        return dump_document(data, texts, head)


def _file_item(item: BaseModel) -> Made:
    """An item of the model file, made from ``item`` only when its text is not found."""
    return Made(item.model_dump_json(), functools.partial(_dumped, item))


def _dumped(item: BaseModel, exclude: set[str] | None = None) -> Any:
    return _drop_empty(item.model_dump(by_alias=True, exclude_none=True, exclude=exclude))


def _drop_empty(value: Any) -> Any:
    """Leave out empty lists and mappings so the file shows only what pages say."""
    if isinstance(value, dict):
        return {
            k: [_as_json(example) for example in v] if is_verbatim(k, v) else _drop_empty(v)
            for k, v in value.items()
            if not (isinstance(v, (list, dict)) and not v and k not in {"enum", "properties"})
        }
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


def _as_json(example: Any) -> Any:
    """An example with its JSON value marked to be written as the JSON it is."""
    if isinstance(example, dict) and "value" in example:
        return {**example, "value": json_document(example["value"])}
    return example


def load_model(path: Path) -> ApiModel:
    """Read and validate a model file; errors name the file and the offending key."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ModelError(f"{path}: cannot read the model: {exc}") from exc
    return parse_model(data, source=str(path))


def parse_model(data: Any, source: str = "model") -> ApiModel:
    if not isinstance(data, dict):
        raise ModelError(f"{source}: a model is a mapping with format_version, operations, schemas")
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelError(
            f"{source}: format_version is {version!r}; this docs2sdk reads {FORMAT_VERSION}"
        )
    try:
        model = ApiModel.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise ModelError(
            f"{source}: key {key}: {first['msg']} ({exc.error_count()} problem(s) in all)"
        ) from exc
    _check_references(model, source)
    return model


def _check_references(model: ApiModel, source: str) -> None:
    def walk(schema: Schema, where: str) -> None:
        if schema.ref is not None and schema.ref not in model.schemas:
            raise ModelError(f"{source}: key {where}.ref: no schema named {schema.ref!r}")
        for key, child in child_schemas(schema):
            walk(child, f"{where}.{key}")

    for name, named in model.schemas.items():
        walk(named, f"schemas.{name}")
    for i, op in enumerate(model.operations):
        for j, p in enumerate(op.parameters):
            walk(p.schema_, f"operations.{i}.parameters.{j}.schema")
        if op.request_body:
            for j, c in enumerate(op.request_body.content):
                if c.schema_:
                    walk(c.schema_, f"operations.{i}.request_body.content.{j}.schema")
        for j, r in enumerate(op.responses):
            for k, c in enumerate(r.content):
                if c.schema_:
                    walk(c.schema_, f"operations.{i}.responses.{j}.content.{k}.schema")


def child_schemas(schema: Schema) -> list[tuple[str, Schema]]:
    """The schemas directly inside ``schema``, each with the key path that leads to it."""
    out: list[tuple[str, Schema]] = []
    for name, prop in (schema.properties or {}).items():
        out.append((f"properties.{name}", prop))
    if schema.items is not None:
        out.append(("items", schema.items))
    if isinstance(schema.additional_properties, Schema):
        out.append(("additional_properties", schema.additional_properties))
    for key in ("all_of", "one_of", "any_of"):
        for i, member in enumerate(getattr(schema, key) or []):
            out.append((f"{key}.{i}", member))
    return out


# Where dumped model data holds documents as the pages show them (example bodies),
# which hold any keys: code that goes through dumped data leaves them as they are.
VERBATIM_KEYS = frozenset({"examples"})


def is_verbatim(key: str, value: Any) -> bool:
    """Whether ``value``, under ``key`` in dumped model data, is documents (a list of
    examples) rather than model data (a property named ``examples`` is a mapping)."""
    return key in VERBATIM_KEYS and isinstance(value, list)


def rename_refs(data: Any, rename: Mapping[str, str] | Callable[[str], str]) -> Any:
    """A copy of dumped model data with every schema ``ref`` renamed."""
    if isinstance(data, dict):
        out = {k: v if is_verbatim(k, v) else rename_refs(v, rename) for k, v in data.items()}
        ref = data.get("ref")
        if isinstance(ref, str):
            out["ref"] = rename(ref) if callable(rename) else rename.get(ref, ref)
        return out
    if isinstance(data, list):
        return [rename_refs(v, rename) for v in data]
    return data


def schema_digests(schemas: Mapping[str, Schema]) -> dict[str, str]:
    """A digest per named schema (of those a page shows) that covers the schemas it
    refers to, cycles cut: two pages show the same schema when the digests agree."""
    done: dict[str, str] = {}

    def visit(name: str, stack: tuple[str, ...]) -> str:
        if name in done:
            return done[name]
        if name in stack or name not in schemas:
            return f"ref:{name}"
        data = schemas[name].model_dump(exclude_none=True)
        text = json.dumps(rename_refs(data, lambda ref: visit(ref, (*stack, name))), sort_keys=True)
        digest = hashlib.sha256(text.encode()).hexdigest()
        done[name] = digest
        return digest

    for name in schemas:
        visit(name, ())
    return done
