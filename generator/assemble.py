"""Assemble the pages of a book into one model.

Each page shows the named schemas its bodies use. Here they become one schema per
name; where pages disagree about a name, each distinct version is kept under its own
deterministic name (``Error``, ``Error_2``, ...) and a warning says where and how they
differ. Operations get their Python names here.
"""

from __future__ import annotations

import hashlib
import json
import keyword
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from .errors import ConfigError, Diagnostics, ScrapeError
from .model import FORMAT_VERSION, ApiModel, NamedSchema, Operation, Schema, Tag
from .scrape.book import BookIndex
from .scrape.page import ScrapedPage

ARTICLES = frozenset({"a", "an", "the"})
# Methods every generated client has of its own; an operation may not take their names.
CLIENT_METHODS = frozenset({"close"})


def python_name(title: str) -> str:
    """ "Patch a session" -> ``patch_session``: the title's words, less the articles."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = [w for w in re.findall(r"[a-z0-9]+", ascii_title.lower()) if w not in ARTICLES]
    name = "_".join(words) or "operation"
    if name[0].isdigit():
        name = f"op_{name}"
    return f"{name}_" if keyword.iskeyword(name) or name in CLIENT_METHODS else name


def assemble(
    index: BookIndex,
    pages: list[ScrapedPage],
    name_overrides: Mapping[str, str] | None = None,
) -> tuple[ApiModel, Diagnostics]:
    diagnostics = Diagnostics()
    _check_duplicate_operations(pages)
    renames, schemas = _merge_schemas(pages, diagnostics)
    tag_of = {ref.file: ref.tag for ref in index.pages}
    operations = []
    for page in pages:
        op = page.operation
        rename = renames.get(page.page)
        if rename:
            op = Operation.model_validate(_rename_refs(op.model_dump(by_alias=True), rename))
        operations.append(op.model_copy(update={"tag": tag_of.get(page.page)}))
    operations = _name_operations(operations, dict(name_overrides or {}))
    used_tags = {op.tag for op in operations}
    tags = [Tag(name=name, page=page) for name, page in index.tags if name in used_tags]
    model = ApiModel(
        format_version=FORMAT_VERSION,
        title=index.title,
        endpoint=index.endpoint,
        tags=tags,
        operations=operations,
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

    before = model.model_dump(by_alias=True, exclude_none=True)
    after = visit(before)
    return model if after == before else ApiModel.model_validate(after)


def _check_duplicate_operations(pages: list[ScrapedPage]) -> None:
    seen: dict[tuple[str, str], str] = {}
    for page in pages:
        key = (page.operation.method, page.operation.path)
        if key in seen:
            raise ScrapeError(
                page.page,
                f"{key[0].upper()} {key[1]}",
                f"documented twice: also on {seen[key]}",
            )
        seen[key] = page.page


def _fingerprints(schemas: Mapping[str, Schema]) -> dict[str, str]:
    """A digest per named schema that covers the schemas it refers to, cycles cut."""
    done: dict[str, str] = {}

    def visit(name: str, stack: tuple[str, ...]) -> str:
        if name in done:
            return done[name]
        if name in stack or name not in schemas:
            return f"ref:{name}"
        data = schemas[name].model_dump(exclude_none=True)
        text = json.dumps(
            _rename_refs(data, lambda ref: visit(ref, (*stack, name))), sort_keys=True
        )
        digest = hashlib.sha256(text.encode()).hexdigest()
        done[name] = digest
        return digest

    for name in schemas:
        visit(name, ())
    return done


def _merge_schemas(
    pages: list[ScrapedPage], diagnostics: Diagnostics
) -> tuple[dict[str, dict[str, str]], dict[str, NamedSchema]]:
    """One schema per distinct version; per page, the names its refs must take."""
    versions: dict[str, list[tuple[str, Schema, str]]] = {}  # name -> (digest, schema, page)
    chosen: dict[tuple[str, str], str] = {}  # (name, digest) -> final name
    taken = {name for page in pages for name in page.schemas}
    renames: dict[str, dict[str, str]] = {}
    for page in pages:
        digests = _fingerprints(page.schemas)
        for name, schema in page.schemas.items():
            digest = digests[name]
            known = versions.setdefault(name, [])
            if (name, digest) not in chosen:
                final = name
                if known:
                    n = len(known) + 1
                    while f"{name}_{n}" in taken:
                        n += 1
                    final = f"{name}_{n}"
                    taken.add(final)
                    _, first, first_page = known[0]
                    diagnostics.warn(
                        page.page,
                        f"schema {name}",
                        f"differs from {first_page} ({_difference(first, schema)}); "
                        f"kept as {final}",
                    )
                known.append((digest, schema, page.page))
                chosen[(name, digest)] = final
            final = chosen[(name, digest)]
            if final != name:
                renames.setdefault(page.page, {})[name] = final
    schemas: dict[str, NamedSchema] = {}
    for name, known in versions.items():
        for digest, schema, page_name in known:
            final = chosen[(name, digest)]
            if final in schemas:
                continue
            data = schema.model_dump(by_alias=True)
            rename = renames.get(page_name)
            if rename:
                data = _rename_refs(data, rename)
            schemas[final] = NamedSchema.model_validate({**data, "page": page_name})
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


def _rename_refs(data: Any, rename: Mapping[str, str] | Callable[[str], str]) -> Any:
    """A copy of dumped model data with every schema ``ref`` renamed."""
    if isinstance(data, dict):
        out = {k: _rename_refs(v, rename) for k, v in data.items()}
        ref = data.get("ref")
        if isinstance(ref, str):
            out["ref"] = rename(ref) if callable(rename) else rename.get(ref, ref)
        return out
    if isinstance(data, list):
        return [_rename_refs(v, rename) for v in data]
    return data


def _name_operations(operations: list[Operation], overrides: dict[str, str]) -> list[Operation]:
    """Give each operation a unique Python name; overrides are keyed "METHOD /path"."""
    taken: set[str] = set()
    named = []
    for op in operations:
        key = f"{op.method.upper()} {op.path}"
        base = overrides.pop(key, None) or python_name(op.title)
        name, n = base, 2
        while name in taken:
            name, n = f"{base}_{n}", n + 1
        taken.add(name)
        named.append(op.model_copy(update={"name": name}))
    if overrides:
        unknown = ", ".join(sorted(overrides))
        raise ConfigError(f"docs2sdk.yaml: key operation_names: no such operation: {unknown}")
    return named
