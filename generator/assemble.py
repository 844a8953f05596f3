"""Assemble the pages of a book into one model.

Each page shows the named schemas its bodies use. Here they become one schema per
name; where pages disagree about a name, each distinct version is kept under its own
deterministic name (``Error``, ``Error_2``, ...) and a warning says where and how they
differ. Operations get their Python names here, by the rules in ``names``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from .changes.path_versions import versionless
from .errors import ConfigError, Diagnostics, ScrapeError
from .method_names import Shape, method_names
from .model import (
    FORMAT_VERSION,
    ApiModel,
    Content,
    NamedSchema,
    Operation,
    Schema,
    Tag,
    is_success,
    rename_refs,
)
from .names import NameSpace, client_attributes, method_problem, safe_method
from .scrape.book import BookIndex
from .scrape.page import ScrapedPage

_Item = TypeVar("_Item", Operation, NamedSchema)


def assemble(
    index: BookIndex,
    pages: Iterable[ScrapedPage],
    name_overrides: Mapping[str, str] | None = None,
) -> tuple[ApiModel, Diagnostics]:
    """The model of the book, from its pages in the index's order. Each page is taken
    in once and let go: of the schemas it shows, only a version not seen before is
    kept, so a book of thousands of pages that each repeat the same schemas is never
    held whole."""
    diagnostics = Diagnostics()
    shown = _ShownSchemas()
    seen: dict[tuple[str, str], str] = {}  # (method, path) -> page
    operations: list[tuple[str, Operation]] = []
    for page in pages:
        key = (page.operation.method, page.operation.path)
        if key in seen:
            raise ScrapeError(
                page.page, f"{key[0].upper()} {key[1]}", f"documented twice: also on {seen[key]}"
            )
        seen[key] = page.page
        shown.add(page)
        operations.append((page.page, page.operation))
    renames, schemas = shown.merged(diagnostics)
    tag_of = {ref.file: ref.tag for ref in index.pages}
    named = []
    for page_name, op in operations:
        rename = renames.get(page_name)
        if rename:
            op = Operation.model_validate(rename_refs(op.model_dump(by_alias=True), rename))
        named.append(op.model_copy(update={"tag": tag_of.get(page_name)}))
    named = _name_operations(named, dict(name_overrides or {}))
    used_tags = {op.tag for op in named}
    tags = [Tag(name=name, page=page) for name, page in index.tags if name in used_tags]
    model = ApiModel(
        format_version=FORMAT_VERSION,
        title=index.title,
        endpoint=index.endpoint,
        tags=tags,
        operations=named,
        schemas=dict(sorted(schemas.items())),
    )
    return _prefer_named_schemas(model), diagnostics


def _prefer_named_schemas(model: ApiModel) -> ApiModel:
    """A property shown as ``object repository`` reads the same whether ``repository``
    is a named schema or an inline one named after the property. Where the book has a
    named schema of that name with exactly that content, refer to it: one class, not
    a copy per place it is used."""
    named = {
        name: schema.model_dump(exclude_none=True, exclude={"page"})
        for name, schema in model.schemas.items()
    }

    def visit(data: Any) -> Any:
        if isinstance(data, list):
            return [visit(item) for item in data]
        if not isinstance(data, dict):
            return data
        return {
            key: (
                {name: refer(name, prop) for name, prop in value.items()}
                if key == "properties" and isinstance(value, dict)
                else visit(value)
            )
            for key, value in data.items()
        }

    def refer(name: str, prop: Any) -> Any:
        # Compared as the page showed it, before anything inside was replaced.
        if isinstance(prop, dict) and "ref" not in prop and named.get(name) == prop:
            return {"ref": name}
        return visit(prop)

    def revisited(item: _Item) -> _Item:
        # One operation or schema at a time: the whole model is never copied as data.
        before = item.model_dump(by_alias=True, exclude_none=True)
        after = visit(before)
        return item if after == before else type(item).model_validate(after)

    return model.model_copy(
        update={
            "operations": [revisited(op) for op in model.operations],
            "schemas": {name: revisited(schema) for name, schema in model.schemas.items()},
        }
    )


class _ShownSchemas:
    """The named schemas the pages show, taken in a page at a time: each distinct
    version (by content, the schemas it refers to included) once, with the first page
    that showed it, and per page which version of each name it showed."""

    def __init__(self) -> None:
        self.first: dict[tuple[str, str], tuple[Schema, str]] = {}  # version -> (schema, page)
        self.shown: list[tuple[str, list[tuple[str, str]]]] = []  # page -> its versions

    def add(self, page: ScrapedPage) -> None:
        versions = []
        for name, digest in page.schema_digests.items():
            version = (name, digest)
            if version not in self.first:  # only then is the schema itself read
                self.first[version] = (page.schemas[name], page.page)
            versions.append(version)
        self.shown.append((page.page, versions))

    def merged(
        self, diagnostics: Diagnostics
    ) -> tuple[dict[str, dict[str, str]], dict[str, NamedSchema]]:
        """One schema per distinct version; per page, the names its refs must take."""
        chosen: dict[tuple[str, str], str] = {}  # version -> final name
        versions: dict[str, list[tuple[str, str]]] = {}  # name -> its versions, in order
        taken = {name for name, _ in self.first}
        renames: dict[str, dict[str, str]] = {}
        for page, shown in self.shown:
            for version in shown:
                name = version[0]
                known = versions.setdefault(name, [])
                if version not in chosen:
                    final = name
                    if known:
                        n = len(known) + 1
                        while f"{name}_{n}" in taken:
                            n += 1
                        final = f"{name}_{n}"
                        taken.add(final)
                        first, first_page = self.first[known[0]]
                        diagnostics.warn(
                            page,
                            f"schema {name}",
                            f"differs from {first_page} "
                            f"({_difference(first, self.first[version][0])}); kept as {final}",
                        )
                    known.append(version)
                    chosen[version] = final
                if chosen[version] != name:
                    renames.setdefault(page, {})[name] = chosen[version]
        schemas: dict[str, NamedSchema] = {}
        for known in versions.values():
            for version in known:
                schema, page = self.first[version]
                data = schema.model_dump(by_alias=True)
                rename = renames.get(page)
                if rename:
                    data = rename_refs(data, rename)
                schemas[chosen[version]] = NamedSchema.model_validate({**data, "page": page})
        return renames, schemas


def _difference(a: Schema, b: Schema) -> str:
    """The first place where two versions of a schema differ, in words."""
    da, db = a.model_dump(exclude_none=True), b.model_dump(exclude_none=True)

    def first(x: Any, y: Any, path: str) -> str | None:
        if isinstance(x, dict) and isinstance(y, dict):
            for key in list(x) + [k for k in y if k not in x]:
                if key not in y:
                    return f"{path}{key} only in the first"
                if key not in x:
                    return f"{path}{key} only in the second"
                found = first(x[key], y[key], f"{path}{key}.")
                if found:
                    return found
            return None
        if x != y:
            return f"{path.rstrip('.')}: {str(x)[:40]!r} vs {str(y)[:40]!r}"
        return None

    return first(da, db, "") or "a schema it refers to differs"


def _override_key(op: Operation, overrides: Mapping[str, str]) -> str | None:
    """The key in ``overrides`` for ``op``: its own "METHOD /path", else the one key
    written for another version of the API, so names survive a new version date."""
    key = f"{op.method.upper()} {op.path}"
    if key in overrides:
        return key
    same = [k for k in overrides if versionless(k) == versionless(key)]
    return same[0] if len(same) == 1 else None


def shape_of(op: Operation) -> Shape:
    """What naming reads of an operation (see ``method_names``)."""
    body = _schema_of(op.request_body.content) if op.request_body else None
    response = next(
        (_schema_of(r.content) for r in op.responses if is_success(r.status) and r.content), None
    )
    items = response.items if response is not None and response.type == "array" else None
    return Shape(
        method=op.method,
        path=op.path,
        body=body.ref if body is not None else None,
        response=(items if items is not None else response or Schema()).ref,
        response_list=items is not None,
    )


def _schema_of(content: list[Content]) -> Schema | None:
    """The schema of a body's JSON content, else of its first."""
    chosen = next((c for c in content if "json" in c.media_type.lower()), None)
    return (chosen or (content[0] if content else None) or Content(media_type="")).schema_


def _name_operations(operations: list[Operation], overrides: dict[str, str]) -> list[Operation]:
    """Give each operation its Python name: the one ``operation_names`` sets (keyed
    "METHOD /path"), else the one its shape gives (``method_names``)."""
    chosen: dict[int, tuple[str, str]] = {}  # operation -> (name, its key)
    for i, op in enumerate(operations):
        key = _override_key(op, overrides)
        if key is not None:
            chosen[i] = (overrides.pop(key), key)
    if overrides:
        unknown = ", ".join(sorted(overrides))
        raise ConfigError(f"docs2sdk.yaml: key operation_names: no such operation: {unknown}")
    set_by: dict[str, str] = {}  # name -> the key that sets it
    for name, key in chosen.values():
        problem = method_problem(name)
        if problem:
            raise ConfigError(f"docs2sdk.yaml: key operation_names: {key}: {name!r} {problem}")
        if name in set_by:
            raise ConfigError(
                f"docs2sdk.yaml: key operation_names: {key}: {name!r} is also the name "
                f"{set_by[name]} is given"
            )
        set_by[name] = key
    derived = method_names([shape_of(op) for op in operations])
    for i, op in enumerate(operations):
        if i not in chosen and derived[i] in set_by:
            raise ConfigError(
                f"docs2sdk.yaml: key operation_names: {set_by[derived[i]]}: "
                f"{derived[i]!r} is the name of {op.method.upper()} {op.path}; "
                "name that operation in operation_names too"
            )
    methods = NameSpace(client_attributes() | set(set_by))
    named = []
    for i, op in enumerate(operations):
        name = chosen[i][0] if i in chosen else methods.claim(safe_method(derived[i]))
        named.append(op.model_copy(update={"name": name}))
    return named
