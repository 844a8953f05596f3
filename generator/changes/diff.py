"""A semantic changelog of an API between two models, for the people who use its SDK.

Operations are matched by method and path, or across a moved version or base prefix,
or by method and title (``matching``); parameters by location and name, fields by
name. Schemas are compared by structure with their ``ref``s resolved, so a schema
used under another name changes nothing inside the operations; a name that is gone
while a new name has the same content is reported once, as a renamed class. Each
change says whether it breaks callers of the generated SDK, which decides the bump,
and a breaking change says what callers change in their code (``migration``).

Direction matters: a request schema is what callers send (accepting less breaks
them), a response schema is what they read (returning something else breaks them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..generate.views import STRING_FORMATS
from ..model import (
    ApiModel,
    Content,
    NamedSchema,
    Operation,
    Parameter,
    Schema,
    child_schemas,
    is_success,
)
from .matching import match_operations
from .migration import Calls, Migration
from .textdiff import word_diff

# Kinds that change only documentation; all other non-breaking kinds bump minor.
DOC_KINDS = frozenset(
    {"description-changed", "title-changed", "tag-changed", "format-changed", "example-changed"}
)
BUMPS = ("none", "patch", "minor", "major")
# Beyond any real nesting; only a malformed model gets here, and is then cut short.
MAX_DEPTH = 64
_ANY = Schema()
_MEMBERS = {"all_of": "allOf", "one_of": "oneOf", "any_of": "anyOf"}
_LOWER_BOUNDS = {"min_length", "minimum", "exclusive_minimum", "min_items"}
_CONSTRAINTS = {
    "min_length": "Minimum length",
    "max_length": "Maximum length",
    "minimum": "Minimum",
    "maximum": "Maximum",
    "exclusive_minimum": "Exclusive minimum",
    "exclusive_maximum": "Exclusive maximum",
    "pattern": "Pattern",
    "min_items": "Minimum number of items",
    "max_items": "Maximum number of items",
    "unique_items": "Unique items",
    "closed": "Closed to additional properties",
}

Texts = tuple[str, str]  # the old and the new text


@dataclass(frozen=True)
class Within:
    """The named schema a change lies in (the innermost one both sides share), and where
    in it: the same change of a class shows up wherever the API uses it."""

    schema: str
    field: str  # a JSONPath inside the schema, e.g. "$.connections"
    model_class: str  # e.g. "models.Kernel"


@dataclass(frozen=True)
class _Found:
    """One difference a comparison found, as it reported it."""

    kind: str
    breaking: bool
    field: str
    summary: str
    texts: Texts | None
    migration: Migration | None
    within: tuple[str, str] | None  # (schema, JSONPath inside it), see ``Within``


class Emit:
    """Where the comparisons report what they find: each report kept, in order, for
    the caller to go through."""

    def __init__(self) -> None:
        self.found: list[_Found] = []
        # The named schemas being compared, innermost last: (name, where it starts).
        self.inside: list[tuple[str, str]] = []

    def __call__(
        self,
        kind: str,
        breaking: bool,
        field: str,
        summary: str,
        *,
        texts: Texts | None = None,
        migration: Migration | None = None,
    ) -> None:
        within = None
        if self.inside and field.startswith(self.inside[-1][1]):
            name, start = self.inside[-1]
            within = (name, "$" + field[len(start) :])
        self.found.append(_Found(kind, breaking, field, summary, texts, migration, within))


@dataclass(frozen=True)
class Change:
    kind: str
    breaking: bool
    operation: str  # the operation's title; "" outside operations (unused schemas, API title)
    method: str
    path: str
    field: str  # where inside the operation, e.g. "request body $.kernel.name"
    summary: str
    texts: Texts | None = None  # a changed description, title or list of values, in full
    migration: Migration | None = None  # what callers change, for a breaking change
    within: Within | None = None  # the named schema it lies in, when it does

    @property
    def level(self) -> str:
        """The version bump this change alone calls for."""
        if self.breaking:
            return "major"
        return "patch" if self.kind in DOC_KINDS else "minor"

    def location(self) -> dict[str, str]:
        return {
            "operation": self.operation,
            "method": self.method,
            "path": self.path,
            "field": self.field,
        }


@dataclass(frozen=True)
class ApiDiff:
    changes: list[Change]

    @property
    def bump(self) -> str:
        return max((c.level for c in self.changes), key=BUMPS.index, default="none")

    def to_json(self) -> dict[str, Any]:
        return {"bump": self.bump, "changes": [_change_json(c) for c in self.changes]}

    def to_markdown(self) -> str:
        lines = [f"## API changes (bump: {self.bump})", ""]
        if not self.changes:
            return "\n".join([*lines, "No API changes.", ""])
        # Renamed methods are many at once (naming rules change, a new API version),
        # so they are one table, and one line each in the migration notes.
        renames = [c for c in self.changes if c.kind == "operation-renamed" and c.texts]
        others = [c for c in self.changes if c not in renames]
        for level, heading in (
            ("major", "Breaking changes"),
            ("minor", "Additions"),
            ("patch", "Other changes"),
        ):
            changes = [c for c in others if c.level == level]
            if changes or (level == "major" and renames):
                lines += [f"### {heading}", "", *(_bullet(g) for g in _grouped(changes))]
                if level == "major" and renames:
                    lines += ["", *_rename_table(renames)] if changes else _rename_table(renames)
                lines.append("")
        notes = [_migration_bullet(g) for g in _grouped(others) if g[0].migration]
        if renames:
            lines += ["### Migration notes", ""]
            lines += ["Renamed methods take the same arguments as before:", ""]
            lines += [
                f"- `client.{c.texts[0]}(...)` → `client.{c.texts[1]}(...)`"
                for c in renames
                if c.texts
            ]
            lines += ["", *notes, ""] if notes else [""]
        elif notes:
            lines += ["### Migration notes", "", *notes, ""]
        return "\n".join(lines)


def _grouped(changes: list[Change]) -> list[list[Change]]:
    """Changes in the order given, those that are one change of one class (the same in
    the same named schema, wherever the API uses it) together."""
    groups: dict[Any, list[Change]] = {}
    for number, change in enumerate(changes):
        key: Any = number
        if change.within is not None:
            key = (change.within, change.kind, change.breaking, change.summary, change.texts)
        groups.setdefault(key, []).append(change)
    return list(groups.values())


def _change_json(change: Change) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": change.kind,
        "breaking": change.breaking,
        "location": change.location(),
        "summary": change.summary,
    }
    if change.within is not None:
        out["schema"] = {"name": change.within.schema, "field": change.within.field}
    if change.texts is not None:
        out["old"], out["new"] = change.texts
    if change.migration is not None:
        out["migration"] = change.migration.to_json()
    return out


def _where(change: Change) -> str:
    where = [f"**{change.operation}** `{change.method} {change.path}`"] if change.method else []
    if change.field:
        where.append(f"`{change.field}`")
    return ", ".join(where)


def _group_where(group: list[Change]) -> str:
    """Where a group of changes is: the one change's place, or the class and where in it,
    and the operations that use it."""
    first = group[0]
    if len(group) == 1 or first.within is None:
        return _where(first)
    operations = list(dict.fromkeys(f"`{c.method} {c.path}`" for c in group if c.method))
    shown = ", ".join(operations[:3]) + (
        f" and {len(operations) - 3} more" if len(operations) > 3 else ""
    )
    return (
        f"`{first.within.model_class}` `{first.within.field}`, "
        f"in {len(operations)} operations ({shown})"
    )


def _bullet(group: list[Change]) -> str:
    change = group[0]
    where = _group_where(group)
    line = f"- {where}: {change.summary}" if where else f"- {change.summary}"
    if change.texts is not None:
        line += "\n  " + word_diff(*change.texts)
    return line


def _rename_table(renames: list[Change]) -> list[str]:
    """The renamed methods, one row each: the operation, its old and new name."""
    if not renames:
        return []
    rows = [
        f"| `{c.method} {c.path}` | `{c.texts[0]}` | `{c.texts[1]}` |" for c in renames if c.texts
    ]
    heading = f"{len(rows)} SDK method{'s' if len(rows) > 1 else ''} renamed:"
    return [heading, "", "| operation | was | now |", "|---|---|---|", *rows]


def _migration_bullet(group: list[Change]) -> str:
    change, where = group[0], _group_where(group)
    migration = change.migration
    assert migration is not None
    if len(group) > 1 and change.within is not None:
        # One class changed: what to check is the class, not each call that uses it.
        migration = Migration(
            f"Check your uses of `{change.within.model_class}`, at `{change.within.field}`."
        )
    lines = [f"- {where}: {migration.note}" if where else f"- {migration.note}"]
    if migration.old:
        lines.append(f"  - was: `{migration.old}`")
    if migration.new:
        lines.append(f"  - now: `{migration.new}`")
    return "\n".join(lines)


def bump_version(version: str, bump: str) -> str:
    """``"1.4.2", "minor"`` -> ``"1.5.0"``: semver. Below 1.0 a breaking change
    raises the minor version (``"0.1.0", "major"`` -> ``"0.2.0"``): 1.0 is a promise
    of stability that only its owners make."""
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", version)
    if match is None:
        raise ValueError(f"version {version!r} is not MAJOR.MINOR.PATCH")
    major, minor, patch = (int(part) for part in match.groups())
    if bump == "major" and major == 0:
        return f"0.{minor + 1}.0"
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    if bump == "patch":
        return f"{major}.{minor}.{patch + 1}"
    if bump == "none":
        return version
    raise ValueError(f"bump {bump!r} is not one of {', '.join(BUMPS)}")


def diff_models(old: ApiModel, new: ApiModel) -> ApiDiff:
    calls = Calls(old, new)
    schemas = _Schemas(old, new, calls)
    match = match_operations(old, new)
    groups: list[list[Change]] = []
    if match.book_move is not None:
        moved_from, moved_to = match.book_move.old or "/", match.book_move.new or "/"
        summary = f"Every path moved from `{moved_from}` to `{moved_to}`"
        if all(before.name == after.name for before, after in match.pairs):
            summary += "; the SDK's methods keep their names"
        summary += "."
        groups.append([Change("paths-moved", False, "", "", "", "", summary)])
    renames = _schema_renames(old, new, schemas)
    schemas.renames.update(renames)
    groups.append([_schema_renamed(was, now, calls) for was, now in renames])
    before_of = {(op.method, op.path): before for before, op in match.pairs}
    for op in new.operations:
        before = before_of.get((op.method, op.path))
        if before is None:
            groups.append(
                [_change(op, "operation-added", False, "", f"New operation `{op.name}`.")]
            )
        else:
            moved = match.book_move is None and before.path != op.path
            groups.append(_operation_changes(before, op, moved, schemas, calls))
    for op in match.removed:
        summary = f"Operation `{op.name}` was removed."
        migration = Migration(
            "The API no longer has this operation: remove the call.", calls.old_call(op)
        )
        groups.append([_change(op, "operation-removed", True, "", summary, migration=migration)])
    if old.title != new.title:
        summary = f"The API's title changed from “{old.title}” to “{new.title}”."
        groups.append([Change("title-changed", False, "", "", "", "", summary)])
    renamed = {name for pair in renames for name in pair}
    groups.append(_unused_schema_changes(old, new, schemas, calls, renamed))
    return ApiDiff(
        [
            change
            for group in groups
            for change in sorted(dict.fromkeys(group), key=lambda c: (c.kind, c.field, c.summary))
        ]
    )


def _change(
    op: Operation,
    kind: str,
    breaking: bool,
    field: str,
    summary: str,
    texts: Texts | None = None,
    migration: Migration | None = None,
) -> Change:
    path, method = op.path, op.method.upper()
    return Change(kind, breaking, op.title, method, path, field, summary, texts, migration)


def _schema_renames(old: ApiModel, new: ApiModel, schemas: _Schemas) -> list[tuple[str, str]]:
    """(old name, new name) of each schema gone from ``old`` whose content a schema
    new in ``new`` has."""
    # Only schemas alike at the top can have the same content: compared in full, every
    # removed schema against every added one would be slow when most names changed.
    added: dict[tuple[Any, ...], list[str]] = {}
    for name in new.schemas:
        if name not in old.schemas:
            added.setdefault(_outline(new.schemas[name]), []).append(name)
    renames: list[tuple[str, str]] = []
    for name, schema in old.schemas.items():
        if name in new.schemas:
            continue
        candidates = added.get(_outline(schema), [])
        found = next((c for c in candidates if schemas.same(schema, new.schemas[c])), None)
        if found is not None:
            candidates.remove(found)
            renames.append((name, found))
    return renames


def _outline(schema: Schema) -> tuple[Any, ...]:
    """What two schemas with the same content have in common at the top."""
    return (
        _type_of(schema),
        tuple(sorted(schema.properties or ())),
        tuple(sorted(schema.required or ())),
        _key(schema.enum),
        schema.description,
    )


def _schema_renamed(was: str, now: str, calls: Calls) -> Change:
    old_class, new_class = calls.old_class(was), calls.new_class(now)
    migration = Migration("Use the class by its new name.", old_class, new_class)
    summary = f"Schema `{was}` is now `{now}`, the same content under a new name."
    # Two names may give one class name, and then no code changes.
    breaking = old_class != new_class
    return Change(
        "schema-renamed",
        breaking,
        "",
        "",
        "",
        f"schema {was}",
        summary,
        migration=migration if breaking else None,
    )


def _operation_changes(
    old: Operation, new: Operation, moved: bool, schemas: _Schemas, calls: Calls
) -> list[Change]:
    """What changed in one operation; ``moved`` reports a path the operation alone moved."""
    emit = Emit()
    if moved:
        keeps = "; the SDK method keeps its name" if old.name == new.name else ""
        emit("path-moved", False, "", f"Moved from `{old.path}`{keeps}.")
    if old.name != new.name:
        summary = f"The SDK method `{old.name}` is now `{new.name}`."
        migration = Migration(
            "Call the method by its new name.", calls.old_call(old), calls.new_call(new)
        )
        texts = (old.name, new.name)
        emit("operation-renamed", True, "", summary, texts=texts, migration=migration)
    if old.title != new.title:
        emit("title-changed", False, "", f"Title changed from “{old.title}” to “{new.title}”.")
    if old.tag != new.tag:
        emit("tag-changed", False, "", f"Tag changed from `{old.tag}` to `{new.tag}`.")
    _text(old.description, new.description, "", emit)
    if old.code_samples != new.code_samples:
        emit("example-changed", False, "", "The documented command changed.")
    _parameters(old, new, schemas, calls, emit)

    ob, nb = old.request_body, new.request_body
    if ob is None and nb is not None:
        migration = Migration("Pass a `body`.", calls.old_call(old), calls.new_call(new))
        summary = "The operation now takes a body."
        emit("request-body-added", True, "request body", summary, migration=migration)
    elif ob is not None and nb is None:
        migration = Migration("Stop passing a `body`.", calls.old_call(old), calls.new_call(new))
        summary = "The operation no longer takes a body."
        emit("request-body-removed", True, "request body", summary, migration=migration)
    elif ob is not None and nb is not None:
        _text(ob.description, nb.description, "request body", emit)
        _contents(ob.content, nb.content, "request body", True, True, schemas, emit)

    old_responses = {r.status: r for r in old.responses}
    new_statuses = {r.status for r in new.responses}
    for response in new.responses:
        where = f"{response.status} response"
        before = old_responses.get(response.status)
        if before is None:
            emit("status-added", False, where, f"New {response.status} response.")
            continue
        _text(before.description, response.description, where, emit)
        old_headers = {h.name.lower(): h for h in before.headers}
        new_headers = {h.name.lower() for h in response.headers}
        for header in response.headers:
            was = old_headers.get(header.name.lower())
            at = f"{where} header {header.name}"
            if was is None:
                emit("header-added", False, at, f"New response header `{header.name}`.")
            else:
                _text(was.description, header.description, at, emit)
                schemas.compare(was.schema_, header.schema_, at, False, emit)
                if was.example != header.example:
                    emit("example-changed", False, at, "The documented example changed.")
        for name, header in old_headers.items():
            if name not in new_headers:
                summary = f"Response header `{header.name}` was removed."
                emit("header-removed", True, f"{where} header {header.name}", summary)
        success = is_success(response.status)
        body = f"{response.status} response body"
        _contents(before.content, response.content, body, False, success, schemas, emit)
    for status in old_responses:
        if status not in new_statuses:
            # Callers rely on success statuses; a dropped error status only stops failing.
            success = is_success(status)
            summary = f"The {status} response was removed."
            emit("status-removed", success, f"{status} response", summary)
    changes = []
    for f in emit.found:
        note = f.migration
        if f.breaking and note is None:  # what to check, where nothing better is said
            note = _check_note(calls, new, f.field)
        within = (
            Within(f.within[0], f.within[1], calls.new_class(f.within[0])) if f.within else None
        )
        change = _change(new, f.kind, f.breaking, f.field, f.summary, f.texts, note)
        changes.append(replace(change, within=within))
    return changes


def _parameters(
    old_op: Operation, new_op: Operation, schemas: _Schemas, calls: Calls, emit: Emit
) -> None:
    old_by_key = {_parameter_key(p): p for p in old_op.parameters}
    new_keys = {_parameter_key(p) for p in new_op.parameters}
    renamed_from = _parameter_renames(old_op, new_op, schemas)
    for param in new_op.parameters:
        where = f"{param.in_} parameter {param.name}"
        before = old_by_key.get(_parameter_key(param))
        now = _required(param)
        if before is None and param.name in renamed_from:
            before = renamed_from[param.name]
            old_argument = calls.old_argument(old_op, before)
            new_argument = calls.new_argument(new_op, param)
            summary = f"The {param.in_} parameter `{before.name}` is now `{param.name}`."
            # The wire name may change while the SDK's argument stays, e.g. thingId to thing_id.
            breaking = old_argument != new_argument
            migration = Migration(
                f"Pass `{new_argument}` where you passed `{old_argument}`.",
                calls.old_call(old_op, before),
                calls.new_call(new_op, param),
            )
            emit("parameter-renamed", breaking, where, summary, migration=migration)
        elif before is None:
            kind_of = "required" if now else "optional"
            shape = _describe(param.schema_, schemas.new)
            summary = f"New {kind_of} {param.in_} parameter `{param.name}` ({shape})."
            note = _required_note(old_op, new_op, param, calls) if now else None
            emit("parameter-added", now, where, summary, migration=note)
            continue
        was = _required(before)
        if now and not was:
            migration = _required_note(old_op, new_op, param, calls)
            summary = f"`{param.name}` is now required."
            emit("parameter-required", True, where, summary, migration=migration)
        elif was and not now:
            emit("parameter-optional", False, where, f"`{param.name}` is now optional.")
        _text(before.description, param.description, where, emit)
        schemas.compare(before.schema_, param.schema_, where, True, emit)
    renamed = {_parameter_key(p) for p in renamed_from.values()}
    for key, param in old_by_key.items():
        if key not in new_keys and key not in renamed:
            where = f"{param.in_} parameter {param.name}"
            summary = f"The {param.in_} parameter `{param.name}` was removed."
            migration = Migration(
                f"Stop passing `{calls.old_argument(old_op, param)}`.",
                calls.old_call(old_op, param),
                calls.new_call(new_op),
            )
            emit("parameter-removed", True, where, summary, migration=migration)


def _parameter_renames(
    old_op: Operation, new_op: Operation, schemas: _Schemas
) -> dict[str, Parameter]:
    """New parameter name -> the old parameter it replaces in place: the same location,
    requiredness and schema, where the old name is gone and the new one is new."""
    new_keys = {_parameter_key(p) for p in new_op.parameters}
    old_keys = {_parameter_key(p) for p in old_op.parameters}
    gone = [p for p in old_op.parameters if _parameter_key(p) not in new_keys]
    renames: dict[str, Parameter] = {}
    for param in new_op.parameters:
        if _parameter_key(param) in old_keys:
            continue
        candidates = [
            p
            for p in gone
            if p.in_ == param.in_
            and _required(p) == _required(param)
            and schemas.same(p.schema_, param.schema_)
        ]
        # Several alike: the one at the same place in the list, if any.
        in_place = [p for p in candidates if _position(old_op, p) == _position(new_op, param)]
        chosen = in_place or (candidates if len(candidates) == 1 else [])
        if chosen:
            renames[param.name] = chosen[0]
            gone.remove(chosen[0])
    return renames


def _position(op: Operation, param: Parameter) -> int:
    return op.parameters.index(param)


def _required_note(
    old_op: Operation, new_op: Operation, param: Parameter, calls: Calls
) -> Migration:
    return Migration(
        f"Pass `{calls.new_argument(new_op, param)}`, now required.",
        calls.old_call(old_op),
        calls.new_call(new_op),
    )


def _parameter_key(param: Parameter) -> tuple[str, str]:
    # Header names are case-insensitive on the wire and give the same SDK argument.
    return (param.in_, param.name.lower() if param.in_ == "header" else param.name)


def _required(param: Parameter) -> bool:
    # The SDK always makes a path parameter a required argument.
    return param.required or param.in_ == "path"


def _contents(
    old: list[Content],
    new: list[Content],
    where: str,
    request: bool,
    removal_breaks: bool,
    schemas: _Schemas,
    emit: Emit,
) -> None:
    """Compare the media types of a body, and the schema of each one in both."""
    old_by_type = {c.media_type: c for c in old}
    new_types = {c.media_type for c in new}
    # Name the media type in the location only where there is a choice of them.
    named = len(old) > 1 or len(new) > 1
    verb = "accepts" if request else "returns"
    for content in new:
        before = old_by_type.get(content.media_type)
        if before is None:
            summary = f"Now also {verb} `{content.media_type}`."
            emit("media-type-added", False, where, summary)
        elif before.schema_ is not None or content.schema_ is not None:
            at = f"{where} ({content.media_type}) $" if named else f"{where} $"
            old_schema, new_schema = before.schema_ or _ANY, content.schema_ or _ANY
            # An error response's body is not read into classes: only success bodies are.
            schemas.compare(old_schema, new_schema, at, request, emit, typed=removal_breaks)
        if before is not None and before.examples != content.examples:
            at = f"{where} ({content.media_type})" if named else where
            emit("example-changed", False, at, "The documented example changed.")
    for media_type in old_by_type:
        if media_type not in new_types:
            summary = f"No longer {verb} `{media_type}`."
            emit("media-type-removed", removal_breaks, where, summary)


def _text(
    old: str | None, new: str | None, where: str, emit: Emit, kind: str = "description"
) -> None:
    before, after = (old or "").strip(), (new or "").strip()
    if before == after:
        return
    what = "added" if not before else "removed" if not after else "changed"
    emit(f"{kind}-changed", False, where, f"{kind.capitalize()} {what}.", texts=(before, after))


def _check_note(calls: Calls, op: Operation, field: str) -> Migration:
    """The note for a breaking change inside what an operation sends or returns."""
    call = calls.new_call(op)
    _, dollar, inside = field.partition("$")
    at = f", at `${inside}`" if dollar else ""
    if field.startswith("request body"):
        return Migration(f"Check the `body` you pass to `{call}`{at}.")
    if " response" in field:
        return Migration(f"Check how you use the {field.split()[0]} response of `{call}`{at}.")
    if field:
        return Migration(f"Check the {field} you pass to `{call}`.")
    return Migration(f"Check your calls of `{call}`.")


def _unused_schema_changes(
    old: ApiModel, new: ApiModel, schemas: _Schemas, calls: Calls, renamed: set[str]
) -> list[Change]:
    """Named schemas no operation uses in either model are still SDK classes: compare
    them by name, and since nobody says which way they travel, as both ways."""
    old_unused = set(old.schemas) - _used_schemas(old) - renamed
    new_unused = set(new.schemas) - _used_schemas(new) - renamed
    emit = Emit()
    for name in sorted(old_unused | new_unused):
        where = f"schema {name}"
        if name in old_unused and name in new_unused:
            for request in (True, False):
                schemas.compare(old.schemas[name], new.schemas[name], f"{where} $", request, emit)
        elif name in new_unused and name not in old.schemas:
            emit("schema-added", False, where, f"New schema `{name}`.")
        elif name in old_unused and name not in new.schemas:
            emit("schema-removed", True, where, f"Schema `{name}` was removed.")
    found: dict[tuple[str, str, str, Texts | None], bool] = {}
    for f in emit.found:  # compared both ways: the same report comes twice
        key = (f.kind, f.field, f.summary, f.texts)
        found[key] = found.get(key, False) or f.breaking
    changes = []
    for (kind, field, summary, texts), breaking in found.items():
        schema = field.split()[1]
        # The class is gone, or what it holds changed: code using it is what to check.
        own_class = calls.old_class(schema) if kind == "schema-removed" else calls.new_class(schema)
        migration = Migration(f"Check your uses of `{own_class}`.") if breaking else None
        changes.append(Change(kind, breaking, "", "", "", field, summary, texts, migration))
    return changes


def _used_schemas(model: ApiModel) -> set[str]:
    roots: list[Schema] = []
    for op in model.operations:
        roots += [p.schema_ for p in op.parameters]
        bodies = [*(op.request_body.content if op.request_body else [])]
        for response in op.responses:
            roots += [h.schema_ for h in response.headers]
            bodies += response.content
        roots += [c.schema_ for c in bodies if c.schema_ is not None]
    used: set[str] = set()
    while roots:
        schema = roots.pop()
        if schema.ref is not None and schema.ref not in used:
            used.add(schema.ref)
            roots.append(model.schemas[schema.ref])
        roots += [child for _key, child in child_schemas(schema)]
    return used


class _Schemas:
    """Structural comparison of schemas, each side's ``ref``s resolved in its own model."""

    def __init__(self, old: ApiModel, new: ApiModel, calls: Calls) -> None:
        self.old = old.schemas
        self.new = new.schemas
        self.calls = calls
        self.renames: set[tuple[str, str]] = set()  # (old name, new name): said once
        self._typed = True  # see ``compare``

    def compare(
        self, old: Schema, new: Schema, where: str, request: bool, emit: Emit, *, typed: bool = True
    ) -> None:
        """Report how ``new`` differs from ``old``; ``where`` names the spot, and the
        JSONPath of anything inside is appended to it. ``typed``: whether the SDK shows
        the value as its classes (an error response's body it does not read into them)."""
        self._typed = typed
        try:
            self._compare(old, new, where, request, emit, frozenset(), 0)
        finally:
            self._typed = True

    def same(self, old: Schema, new: Schema) -> bool:
        """Whether the two have the same content, documentation included."""
        emit = Emit()
        for request in (True, False):
            self.compare(old, new, "", request, emit)
        return not emit.found

    def _compare(
        self,
        old: Schema,
        new: Schema,
        where: str,
        request: bool,
        emit: Emit,
        seen: frozenset[tuple[str | None, str | None]],
        depth: int,
    ) -> None:
        pair = (old.ref, new.ref)
        if pair in seen or depth > MAX_DEPTH:
            return  # a recursive schema: the enclosing comparison covers this pair
        if old.ref is not None and new.ref is not None and (old.ref, new.ref) not in self.renames:
            was, now = self.calls.old_class(old.ref), self.calls.new_class(new.ref)
            if was != now and self._typed:  # another schema here: users name another class
                migration = Migration("Use the new class where you named the old one.", was, now)
                summary = f"The class here is now `{now}`, was `{was}`."
                emit("class-changed", True, where, summary, migration=migration)
        if old.ref is not None or new.ref is not None:
            seen = seen | {pair}
        # Inside a schema both sides share, what is found is a change of that class.
        shared = new.ref is not None and new.ref == old.ref
        if shared:
            emit.inside.append((new.ref or "", where))
        try:
            a, b = _resolve(old, self.old), _resolve(new, self.new)
            old_type, new_type = _type_of(a), _type_of(b)
            if old_type != new_type:
                # What is inside a retyped value is not comparable; one change says it all.
                widened = request and _accepts(new_type, old_type)
                summary = f"Type changed from {_describe(a, self.old)} to {_describe(b, self.new)}."
                emit("field-retyped", not widened, where, summary)
                return
            _text(a.description, b.description, where, emit)
            _text(a.title, b.title, where, emit, kind="title")
            _values(a, b, where, request, emit)
            self._children(a, b, where, request, emit, seen, depth + 1)
        finally:
            if shared:
                emit.inside.pop()

    def _children(
        self,
        a: Schema,
        b: Schema,
        where: str,
        request: bool,
        emit: Emit,
        seen: frozenset[tuple[str | None, str | None]],
        depth: int,
    ) -> None:
        old_children, new_children = dict(child_schemas(a)), dict(child_schemas(b))
        old_required, new_required = set(a.required or []), set(b.required or [])
        closed = a.additional_properties is False or b.additional_properties is False
        for key in [*new_children, *(k for k in old_children if k not in new_children)]:
            group, _, name = key.partition(".")
            at = where + _segment(group, name)
            before, after = old_children.get(key), new_children.get(key)
            if before is not None and after is not None:
                self._compare(before, after, at, request, emit, seen, depth)
                if group == "properties":
                    _requiredness(name in old_required, name in new_required, at, request, emit)
            elif group == "properties" and after is not None:
                required = name in new_required
                shape = _describe(after, self.new)
                summary = f"New {'required' if required else 'optional'} field `{name}` ({shape})."
                emit("field-added", request and required, at, summary)
            elif group == "properties":
                emit("field-removed", True, at, f"Field `{name}` was removed.")
            elif group in _MEMBERS:
                self._member(group, name, after, at, request, emit)
            elif group == "items" or not closed:
                # Items or map values given on one side only: the other side allows any.
                self._compare(before or _ANY, after or _ANY, at, request, emit, seen, depth)

    def _member(
        self, group: str, index: str, after: Schema | None, where: str, request: bool, emit: Emit
    ) -> None:
        """A member on one side only: ``after`` is the new one, or ``None`` if removed."""
        label = f"{_MEMBERS[group]} member {index}"
        if after is not None:
            # A new allOf member may add required fields; a new oneOf/anyOf shape is
            # one that callers reading a response do not expect.
            breaking = request if group == "all_of" else not request
            summary = f"New {label} ({_describe(after, self.new)})."
            emit("member-added", breaking, where, summary)
        else:
            # Dropping an allOf member drops its fields, which breaks either way.
            breaking = True if group == "all_of" else request
            emit("member-removed", breaking, where, f"The {label} was removed.")


def _requiredness(was: bool, now: bool, where: str, request: bool, emit: Emit) -> None:
    if now and not was:
        emit("field-required", request, where, "Now required.")
    elif was and not now:
        # A response field that is no longer always there may come back as None.
        emit("field-optional", not request, where, "No longer required.")


def _values(a: Schema, b: Schema, where: str, request: bool, emit: Emit) -> None:
    """Compare what ``a`` and ``b`` (of the same type) say about their own value."""
    if bool(a.nullable) != bool(b.nullable):
        if b.nullable:
            emit("field-nullable", not request, where, "May now be null.")
        else:
            emit("field-not-nullable", request, where, "Can no longer be null.")
    _enum(a.enum, b.enum, where, request, emit)
    old_limits, new_limits = _constraints(a), _constraints(b)
    for key, label in _CONSTRAINTS.items():
        before, after = old_limits[key], new_limits[key]
        if before != after:
            summary = f"{label} changed from {_show(before)} to {_show(after)}."
            if _tightened(key, before, after):
                emit("constraint-tightened", request, where, summary)
            else:
                emit("constraint-loosened", False, where, summary)
    if (a.default is not None or b.default is not None) and _key(a.default) != _key(b.default):
        summary = f"Default changed from {_show(a.default)} to {_show(b.default)}."
        emit("default-changed", False, where, summary)
    if a.format != b.format:
        summary = f"Format changed from {_show(a.format)} to {_show(b.format)}."
        emit("format-changed", False, where, summary)
    # A read-only value that callers send is ignored; a write-only one is never returned.
    for flag, word, breaks in (
        ("read_only", "read-only", request),
        ("write_only", "write-only", not request),
    ):
        was, now = bool(getattr(a, flag)), bool(getattr(b, flag))
        if was != now:
            summary = f"{'Now' if now else 'No longer'} {word}."
            emit("access-changed", breaks and now, where, summary)
    # Which property tells the variants apart is what senders set and readers test.
    if a.discriminator != b.discriminator:
        summary = (
            f"Discriminator changed from {_show(a.discriminator)} to {_show(b.discriminator)}."
        )
        emit("discriminator-changed", True, where, summary)


def _enum(
    old: list[Any] | None, new: list[Any] | None, where: str, request: bool, emit: Emit
) -> None:
    if old is None and new is None:
        return
    if old is None:
        values = ", ".join(f"`{_show(v)}`" for v in new or [])
        emit("constraint-tightened", request, where, f"Now limited to the values {values}.")
    elif new is None:
        emit("constraint-loosened", False, where, "No longer limited to a list of values.")
    else:
        old_keys, new_keys = {_key(v) for v in old}, {_key(v) for v in new}
        texts = (" | ".join(_show(v) for v in old), " | ".join(_show(v) for v in new))
        for value in old:
            if _key(value) not in new_keys:
                # The SDK keeps values it does not know, so only requests break.
                summary = f"Value `{_show(value)}` was removed."
                emit("enum-value-removed", request, where, summary, texts=texts)
        for value in new:
            if _key(value) not in old_keys:
                emit("enum-value-added", False, where, f"New value `{_show(value)}`.", texts=texts)


def _constraints(schema: Schema) -> dict[str, Any]:
    limits = {key: getattr(schema, key) for key in _CONSTRAINTS if key != "closed"}
    limits["closed"] = True if schema.additional_properties is False else None
    return limits


def _tightened(key: str, old: Any, new: Any) -> bool:
    """Whether the new value of constraint ``key`` may reject a value the old allowed."""
    if new is None or new is False:
        return False
    if old is None or old is False:
        return True
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (old, new)):
        return bool(new > old) if key in _LOWER_BOUNDS else bool(new < old)
    # A different pattern, or a bound switching between flag and number: assume worse.
    return True


def _resolve(schema: Schema, schemas: Mapping[str, NamedSchema]) -> Schema:
    """The schema a ``ref`` names, with what the referring line says laid over it."""
    if schema.ref is None:
        return schema
    local = {
        key: getattr(schema, key)
        for key in schema.model_fields_set
        if key != "ref" and getattr(schema, key) is not None
    }
    return schemas[schema.ref].model_copy(update=local)


def _type_of(schema: Schema) -> frozenset[str] | None:
    """The value's types as the SDK sees them, ``None`` for any value; a string with
    a format the SDK turns into another Python type counts as its own type."""
    if schema.type:
        names = [t.strip() for t in schema.type.split("|")]
    elif schema.properties is not None or isinstance(schema.additional_properties, Schema):
        names = ["object"]
    elif schema.items is not None:
        names = ["array"]
    else:
        return None
    return frozenset(
        f"string({schema.format})" if t == "string" and schema.format in STRING_FORMATS else t
        for t in names
    )


def _accepts(new: frozenset[str] | None, old: frozenset[str] | None) -> bool:
    """Whether a request value of type ``old`` is still a valid ``new`` one."""
    if new is None:
        return True
    if old is None:
        return False
    return all(t in new or (t == "integer" and "number" in new) for t in old)


def _describe(schema: Schema, schemas: Mapping[str, NamedSchema], depth: int = 0) -> str:
    """A short name for a schema's type, for summaries: ``array of string``."""
    resolved = _resolve(schema, schemas)
    types = _type_of(resolved)
    # Two levels say enough, and a recursive schema would never end.
    nested = depth < 2
    if types is None:
        if resolved.all_of and nested:
            return " & ".join(_describe(m, schemas, depth + 1) for m in resolved.all_of)
        members = resolved.one_of or resolved.any_of
        if members and nested:
            return " | ".join(_describe(m, schemas, depth + 1) for m in members)
        return "any"
    parts = []
    for name in sorted(types):
        if name == "array" and resolved.items is not None and nested:
            parts.append(f"array of {_describe(resolved.items, schemas, depth + 1)}")
        elif name == "object" and isinstance(resolved.additional_properties, Schema) and nested:
            values = _describe(resolved.additional_properties, schemas, depth + 1)
            parts.append(f"map of {values}")
        else:
            parts.append(name)
    return " | ".join(parts)


def _segment(group: str, name: str) -> str:
    """The JSONPath step for a ``child_schemas`` key."""
    if group == "properties":
        return f".{name}"
    if group == "items":
        return "[]"
    if group == "additional_properties":
        return "{}"
    return f"|{_MEMBERS[group]}[{name}]"


def _key(value: Any) -> str:
    # JSON text tells apart values Python finds equal (1, 1.0 and True).
    return json.dumps(value, sort_keys=True)


def _show(value: Any) -> str:
    if value is None:
        return "none"
    return value if isinstance(value, str) else json.dumps(value)
