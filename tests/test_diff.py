"""The API changelog: what changed between two models, and whether it breaks SDK users."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from generator.changes.diff import ApiDiff, Change, bump_version, diff_models
from generator.changes.migration import Migration
from generator.changes.textdiff import word_diff
from generator.model import ApiModel

Data = dict[str, Any]

# ---------------------------------------------------------------- small models
THING = "/20260430/things/{thingId}"


def _small() -> Data:
    """A one-operation model with a bit of everything the comparison walks."""
    return {
        "format_version": 1,
        "operations": [
            {
                "name": "update_thing",
                "title": "Update a thing",
                "method": "put",
                "path": THING,
                "page": "op-put.html",
                "parameters": [
                    {"name": "thingId", "in": "path", "required": True, "schema": {}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}},
                    {"name": "sortOrder", "in": "query", "schema": {"enum": ["ASC", "DESC"]}},
                    {"name": "if-match", "in": "header", "schema": {"type": "string"}},
                ],
                "request_body": {
                    "content": [{"media_type": "application/json", "schema": {"ref": "Details"}}]
                },
                "responses": [
                    {
                        "status": "200",
                        "headers": [{"name": "etag", "schema": {"type": "string"}}],
                        "content": [{"media_type": "application/json", "schema": {"ref": "Thing"}}],
                    },
                    {
                        "status": "404",
                        "content": [{"media_type": "application/json", "schema": {"ref": "Error"}}],
                    },
                ],
            }
        ],
        "schemas": {
            "Error": {
                "page": "op-put.html",
                "type": "object",
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                "required": ["code", "message"],
            },
            "Details": {
                "page": "op-put.html",
                "type": "object",
                "properties": {
                    "name": {"type": "string", "max_length": 50},
                    "kind": {"type": "string", "enum": ["A", "B"]},
                    "shape": {"one_of": [{"type": "string"}, {"ref": "Part"}]},
                },
                "required": ["name"],
            },
            "Thing": {
                "page": "op-put.html",
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "size": {"type": "integer"},
                    "state": {"type": "string", "enum": ["ACTIVE", "DELETED"]},
                    "labels": {"type": "object", "additional_properties": {"type": "string"}},
                    "parts": {"type": "array", "items": {"ref": "Part"}},
                },
                "required": ["id", "size"],
            },
            # Recursive, so the comparison must stop going round.
            "Part": {
                "page": "op-put.html",
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"ref": "Part"}},
                },
            },
        },
    }


def _at(data: Any, dotted: str) -> Any:
    for key in dotted.split("."):
        data = data[int(key)] if isinstance(data, list) else data[key]
    return data


OP = "operations.0"
QUERY_LIMIT = f"{OP}.parameters.1.schema"
SORT_ORDER = f"{OP}.parameters.2.schema"
DETAILS = "schemas.Details.properties"
THING_PROPS = "schemas.Thing.properties"
PART_PROPS = "schemas.Part.properties"


def _add_error_copy(d: Data) -> None:
    """Error_2: the same content under another name, as a book gives it."""
    d["schemas"]["Error_2"] = dict(d["schemas"]["Error"])
    _at(d, f"{OP}.responses.1.content.0.schema")["ref"] = "Error_2"


def _inline_details(d: Data) -> None:
    _at(d, f"{OP}.request_body.content.0")["schema"] = {
        k: v for k, v in d["schemas"]["Details"].items() if k != "page"
    }


SMALL_CASES: list[tuple[str, Callable[[Data], object], list[tuple[str, bool, str]]]] = [
    ("nothing", lambda d: None, []),
    ("renamed schema", _add_error_copy, []),
    ("ref inlined", _inline_details, []),
    (
        "method renamed",
        lambda d: _at(d, OP).update(name="put_thing"),
        [("operation-renamed", True, "")],
    ),
    ("title", lambda d: _at(d, OP).update(title="Replace a thing"), [("title-changed", False, "")]),
    ("tag", lambda d: _at(d, OP).update(tag="Things"), [("tag-changed", False, "")]),
    ("API title", lambda d: d.update(title="Things API"), [("title-changed", False, "")]),
    # Parameters.
    (
        "optional parameter added",
        lambda d: _at(d, f"{OP}.parameters").append(
            {"name": "page", "in": "query", "schema": {"type": "string"}}
        ),
        [("parameter-added", False, "query parameter page")],
    ),
    (
        "parameter removed",
        lambda d: _at(d, f"{OP}.parameters").pop(1),
        [("parameter-removed", True, "query parameter limit")],
    ),
    (
        "parameter now required",
        lambda d: _at(d, f"{OP}.parameters.1").update(required=True),
        [("parameter-required", True, "query parameter limit")],
    ),
    (
        "path parameter is always required",
        lambda d: _at(d, f"{OP}.parameters.0").update(required=False),
        [],
    ),
    (
        "header names ignore case",
        lambda d: _at(d, f"{OP}.parameters.3").update(name="If-Match"),
        [],
    ),
    (
        "parameter widened",
        lambda d: _at(d, QUERY_LIMIT).update(type="number"),
        [("field-retyped", False, "query parameter limit")],
    ),
    (
        "parameter retyped",
        lambda d: _at(d, QUERY_LIMIT).update(type="string"),
        [("field-retyped", True, "query parameter limit")],
    ),
    (
        "parameter maximum lowered",
        lambda d: _at(d, QUERY_LIMIT).update(maximum=50),
        [("constraint-tightened", True, "query parameter limit")],
    ),
    (
        "parameter maximum dropped",
        lambda d: _at(d, QUERY_LIMIT).pop("maximum"),
        [("constraint-loosened", False, "query parameter limit")],
    ),
    (
        "parameter pattern added",
        lambda d: _at(d, f"{OP}.parameters.3.schema").update(pattern="^W/"),
        [("constraint-tightened", True, "header parameter if-match")],
    ),
    (
        "parameter enum value added and removed",
        lambda d: _at(d, SORT_ORDER).update(enum=["ASC", "RANDOM"]),
        [
            ("enum-value-added", False, "query parameter sortOrder"),
            ("enum-value-removed", True, "query parameter sortOrder"),
        ],
    ),
    (
        "parameter description",
        lambda d: _at(d, f"{OP}.parameters.1").update(description="How many."),
        [("description-changed", False, "query parameter limit")],
    ),
    # Request body.
    (
        "required request field added",
        lambda d: (
            _at(d, DETAILS).update(size={"type": "integer"}),
            _at(d, "schemas.Details.required").append("size"),
        ),
        [("field-added", True, "request body $.size")],
    ),
    (
        "optional request field added",
        lambda d: _at(d, DETAILS).update(size={"type": "integer"}),
        [("field-added", False, "request body $.size")],
    ),
    (
        "request field removed",
        lambda d: _at(d, DETAILS).pop("kind"),
        [("field-removed", True, "request body $.kind")],
    ),
    (
        "request field no longer required",
        lambda d: _at(d, "schemas.Details").update(required=[]),
        [("field-optional", False, "request body $.name")],
    ),
    (
        "request field longer",
        lambda d: _at(d, f"{DETAILS}.name").update(max_length=80),
        [("constraint-loosened", False, "request body $.name")],
    ),
    (
        "request oneOf member removed",
        lambda d: _at(d, f"{DETAILS}.shape.one_of").pop(0),
        # Member 0 is now what member 1 was: a string became an object there.
        [
            ("field-retyped", True, "request body $.shape|oneOf[0]"),
            ("member-removed", True, "request body $.shape|oneOf[1]"),
        ],
    ),
    (
        "inside a recursive oneOf member",
        lambda d: _at(d, PART_PROPS).pop("name"),
        # Once per use, not again for each trip round the recursion ($.parts[].children[]).
        [
            ("field-removed", True, "200 response body $.parts[].name"),
            ("field-removed", True, "request body $.shape|oneOf[1].name"),
        ],
    ),
    (
        "request body media type",
        lambda d: _at(d, f"{OP}.request_body.content.0").update(media_type="application/xml"),
        [
            ("media-type-added", False, "request body"),
            ("media-type-removed", True, "request body"),
        ],
    ),
    (
        "read-only in a request",
        lambda d: _at(d, f"{DETAILS}.kind").update(read_only=True),
        [("access-changed", True, "request body $.kind")],
    ),
    (
        "a choice of media types",
        lambda d: (
            _at(d, f"{DETAILS}.name").update(max_length=80),
            _at(d, f"{OP}.request_body.content").append(
                {"media_type": "application/xml", "schema": {"ref": "Details"}}
            ),
        ),
        [
            ("constraint-loosened", False, "request body (application/json) $.name"),
            ("media-type-added", False, "request body"),
        ],
    ),
    (
        "request body removed",
        lambda d: _at(d, OP).pop("request_body"),
        [("request-body-removed", True, "request body")],
    ),
    # Responses.
    (
        "response field added",
        lambda d: _at(d, THING_PROPS).update(color={"type": "string"}),
        [("field-added", False, "200 response body $.color")],
    ),
    (
        "response field removed",
        lambda d: _at(d, THING_PROPS).pop("state"),
        [("field-removed", True, "200 response body $.state")],
    ),
    (
        "response field widened",
        lambda d: _at(d, f"{THING_PROPS}.size").update(type="number"),
        [("field-retyped", True, "200 response body $.size")],
    ),
    (
        "response field nullable",
        lambda d: _at(d, f"{THING_PROPS}.size").update(nullable=True),
        [("field-nullable", True, "200 response body $.size")],
    ),
    (
        "response field optional",
        lambda d: _at(d, "schemas.Thing").update(required=["id"]),
        [("field-optional", True, "200 response body $.size")],
    ),
    (
        "response enum value added",
        lambda d: _at(d, f"{THING_PROPS}.state.enum").append("FAILED"),
        [("enum-value-added", False, "200 response body $.state")],
    ),
    (
        "response enum value removed",
        lambda d: _at(d, f"{THING_PROPS}.state.enum").pop(),
        [("enum-value-removed", False, "200 response body $.state")],
    ),
    (
        "nullable beside a ref",
        lambda d: _at(d, f"{THING_PROPS}.parts.items").update(nullable=True),
        [("field-nullable", True, "200 response body $.parts[]")],
    ),
    (
        "response map values",
        lambda d: _at(d, f"{THING_PROPS}.labels.additional_properties").update(type="integer"),
        [("field-retyped", True, "200 response body $.labels{}")],
    ),
    (
        "response date format",
        lambda d: _at(d, f"{THING_PROPS}.id").update(format="date-time"),
        [("field-retyped", True, "200 response body $.id")],
    ),
    (
        "response documentation-only format",
        lambda d: _at(d, f"{THING_PROPS}.id").update(format="uuid"),
        [("format-changed", False, "200 response body $.id")],
    ),
    (
        "success status removed",
        lambda d: _at(d, f"{OP}.responses").pop(0),
        [("status-removed", True, "200 response")],
    ),
    (
        "error status removed",
        lambda d: _at(d, f"{OP}.responses").pop(1),
        [("status-removed", False, "404 response")],
    ),
    (
        "status added",
        lambda d: _at(d, f"{OP}.responses").append({"status": "409"}),
        [("status-added", False, "409 response")],
    ),
    (
        "response header removed",
        lambda d: _at(d, f"{OP}.responses.0.headers").pop(),
        [("header-removed", True, "200 response header etag")],
    ),
    (
        "response header added",
        lambda d: _at(d, f"{OP}.responses.0.headers").append(
            {"name": "opc-request-id", "schema": {"type": "string"}}
        ),
        [("header-added", False, "200 response header opc-request-id")],
    ),
]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [pytest.param(edit, expected, id=name) for name, edit, expected in SMALL_CASES],
)
def test_small_model_changes(
    edit: Callable[[Data], object], expected: list[tuple[str, bool, str]]
) -> None:
    new = _small()
    edit(new)
    diff = diff_models(ApiModel.model_validate(_small()), ApiModel.model_validate(new))
    assert [(c.kind, c.breaking, c.field) for c in diff.changes] == expected
    assert {(c.operation, c.method, c.path) for c in diff.changes} <= {
        ("Update a thing", "PUT", THING),
        ("Replace a thing", "PUT", THING),
        ("", "", ""),  # the API's own title
    }


def test_operation_added_and_removed_ordering() -> None:
    old, new = _small(), _small()
    # Another path and another title: nothing says it is the same operation.
    new["operations"][0].update(path="/20260430/things/{thingId}/v2", title="Tag a thing")
    diff = diff_models(ApiModel.model_validate(old), ApiModel.model_validate(new))
    # The new model's operations first, then those only the old one has.
    assert [(c.kind, c.breaking, c.path) for c in diff.changes] == [
        ("operation-added", False, "/20260430/things/{thingId}/v2"),
        ("operation-removed", True, THING),
    ]
    assert diff.bump == "major"


def test_summaries_are_sentences() -> None:
    new = _small()
    _at(new, f"{OP}.parameters").append(
        {"name": "ids", "in": "query", "required": True, "schema": {"type": "array", "items": {}}}
    )
    _at(new, THING_PROPS)["owner"] = {"ref": "Part"}
    diff = diff_models(ApiModel.model_validate(_small()), ApiModel.model_validate(new))
    assert [c.summary for c in diff.changes] == [
        "New optional field `owner` (object).",
        "New required query parameter `ids` (array of any).",
    ]


def test_schema_no_operation_uses() -> None:
    old, new = _small(), _small()
    old["schemas"]["Spare"] = {"page": "p.html", "type": "object", "properties": {}}
    new["schemas"]["Spare"] = {
        "page": "p.html",
        "type": "object",
        "properties": {"x": {"type": "string"}},
        "required": ["x"],
    }
    new["schemas"]["Extra"] = {"page": "p.html", "type": "string"}
    diff = diff_models(ApiModel.model_validate(old), ApiModel.model_validate(new))
    assert diff.to_json()["changes"] == [
        {
            # Breaking if it were sent, so breaking: nobody says which way it goes.
            "kind": "field-added",
            "breaking": True,
            "location": {"operation": "", "method": "", "path": "", "field": "schema Spare $.x"},
            "summary": "New required field `x` (string).",
            "migration": _migration("Check your uses of `models.Spare`."),
        },
        {
            "kind": "schema-added",
            "breaking": False,
            "location": {"operation": "", "method": "", "path": "", "field": "schema Extra"},
            "summary": "New schema `Extra`.",
        },
    ]


def test_identical_changes_are_reported_once() -> None:
    new = _small()
    # The same description change, said by the parameter and by its schema.
    _at(new, f"{OP}.parameters.1")["description"] = "How many."
    _at(new, QUERY_LIMIT)["description"] = "How many."
    diff = diff_models(ApiModel.model_validate(_small()), ApiModel.model_validate(new))
    assert [(c.kind, c.field) for c in diff.changes] == [
        ("description-changed", "query parameter limit")
    ]
    assert diff.bump == "patch"


def test_markdown() -> None:
    assert ApiDiff([]).to_markdown() == "## API changes (bump: none)\n\nNo API changes.\n"
    put = ("Update a thing", "PUT", THING)
    diff = ApiDiff(
        [
            Change("description-changed", False, *put, "", "Description changed."),
            Change("field-added", False, *put, "200 response body $.x", "New field `x`."),
            Change("operation-removed", True, "Drop it", "DELETE", "/d", "", "Removed."),
        ]
    )
    assert diff.to_markdown() == (
        "## API changes (bump: major)\n"
        "\n"
        "### Breaking changes\n"
        "\n"
        "- **Drop it** `DELETE /d`: Removed.\n"
        "\n"
        "### Additions\n"
        "\n"
        f"- **Update a thing** `PUT {THING}`, `200 response body $.x`: New field `x`.\n"
        "\n"
        "### Other changes\n"
        "\n"
        f"- **Update a thing** `PUT {THING}`: Description changed.\n"
    )


@pytest.mark.parametrize(
    ("version", "bump", "expected"),
    [
        ("1.4.2", "major", "2.0.0"),
        ("1.4.2", "minor", "1.5.0"),
        ("1.4.2", "patch", "1.4.3"),
        ("1.4.2", "none", "1.4.2"),
        ("0.1.0", "major", "0.2.0"),
        ("0.4.3", "major", "0.5.0"),
        ("0.9.9", "minor", "0.10.0"),
    ],
)
def test_bump_version(version: str, bump: str, expected: str) -> None:
    assert bump_version(version, bump) == expected


@pytest.mark.parametrize(("version", "bump"), [("1.4", "minor"), ("1.4.2", "huge")])
def test_bump_version_refuses(version: str, bump: str) -> None:
    with pytest.raises(ValueError):
        bump_version(version, bump)


# ---------------------------------------------------------------- the real book
BASE = "/20260430/aiDataPlatforms/{aiDataPlatformId}"
SESSIONS = f"{BASE}/workspaces/{{workspaceKey}}/notebook/api/sessions"


def _edited(model: ApiModel, edit: Callable[[Data], object]) -> ApiModel:
    data = model.model_dump(by_alias=True, exclude_none=True)
    edit(data)
    return ApiModel.model_validate(data)


def _operation(data: Data, title: str) -> Data:
    found: Data = next(op for op in data["operations"] if op["title"] == title)
    return found


def _diff(model: ApiModel, edit: Callable[[Data], object]) -> dict[str, Any]:
    return diff_models(model, _edited(model, edit)).to_json()


def _change(
    kind: str,
    breaking: bool,
    op: tuple[str, str, str],
    field: str,
    summary: str,
    **more: Any,
) -> dict[str, Any]:
    title, method, path = op
    location = {"operation": title, "method": method, "path": path, "field": field}
    return {"kind": kind, "breaking": breaking, "location": location, "summary": summary, **more}


def _migration(note: str, old: str = "", new: str = "") -> dict[str, str]:
    return {"note": note, "old": old, "new": new}


def test_real_identical(aidp_model: ApiModel) -> None:
    assert _diff(aidp_model, lambda d: None) == {"bump": "none", "changes": []}
    assert diff_models(aidp_model, aidp_model).to_markdown().endswith("No API changes.\n")


def test_real_schema_renamed(aidp_model: ApiModel) -> None:
    def rename(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: "Error_2" if k == "ref" and v == "Error" else rename(v) for k, v in value.items()
            }
        return [rename(v) for v in value] if isinstance(value, list) else value

    def edit(data: Data) -> None:
        renamed = rename(data)
        renamed["schemas"]["Error_2"] = renamed["schemas"].pop("Error")
        data.update(renamed)

    # The class users import is gone; every operation sees the same content as before.
    assert _diff(aidp_model, edit) == {
        "bump": "major",
        "changes": [
            _change(
                "schema-renamed",
                True,
                ("", "", ""),
                "schema Error",
                "Schema `Error` is now `Error_2`, the same content under a new name.",
                migration=_migration(
                    "Use the class by its new name.", "models.Error", "models.Error2"
                ),
            )
        ],
    }


def test_real_operation_removed(aidp_model: ApiModel) -> None:
    def edit(data: Data) -> None:
        data["operations"].remove(_operation(data, "Patch a session"))

    patch = ("Patch a session", "PATCH", f"{SESSIONS}/{{sessionId}}")
    assert _diff(aidp_model, edit) == {
        "bump": "major",
        "changes": [
            _change(
                "operation-removed",
                True,
                patch,
                "",
                "Operation `patch_session` was removed.",
                migration=_migration(
                    "The API no longer has this operation: remove the call.",
                    "client.patch_session(ai_data_platform_id=..., workspace_key=..., "
                    "session_id=..., body=...)",
                ),
            )
        ],
    }


def test_real_response_field_added(aidp_model: ApiModel) -> None:
    def edit(data: Data) -> None:
        data["schemas"]["Session"]["properties"]["idleSeconds"] = {"type": "integer"}

    summary = "New optional field `idleSeconds` (integer)."
    # Reported at every operation that returns a Session, where its users see it.
    assert _diff(aidp_model, edit) == {
        "bump": "minor",
        "changes": [
            _change(
                "field-added",
                False,
                ("Create a new session", "POST", SESSIONS),
                "201 response body $.idleSeconds",
                summary,
                schema={"name": "Session", "field": "$.idleSeconds"},
            ),
            _change(
                "field-added",
                False,
                ("Get session details", "GET", f"{SESSIONS}/{{sessionId}}"),
                "200 response body $.idleSeconds",
                summary,
                schema={"name": "Session", "field": "$.idleSeconds"},
            ),
            _change(
                "field-added",
                False,
                ("Patch a session", "PATCH", f"{SESSIONS}/{{sessionId}}"),
                "200 response body $.idleSeconds",
                summary,
                schema={"name": "Session", "field": "$.idleSeconds"},
            ),
        ],
    }


def test_real_required_query_parameter_added(aidp_model: ApiModel) -> None:
    def edit(data: Data) -> None:
        _operation(data, "Get session details")["parameters"].append(
            {"name": "region", "in": "query", "required": True, "schema": {"type": "string"}}
        )

    get = ("Get session details", "GET", f"{SESSIONS}/{{sessionId}}")
    assert _diff(aidp_model, edit) == {
        "bump": "major",
        "changes": [
            _change(
                "parameter-added",
                True,
                get,
                "query parameter region",
                "New required query parameter `region` (string).",
                migration=_migration(
                    "Pass `region`, now required.",
                    "client.get_session("
                    "ai_data_platform_id=..., workspace_key=..., session_id=...)",
                    "client.get_session(ai_data_platform_id=..., workspace_key=..., "
                    "session_id=..., region=...)",
                ),
            )
        ],
    }


def test_real_description_edited(aidp_model: ApiModel) -> None:
    def edit(data: Data) -> None:
        _operation(data, "Get session details")["description"] = "Reads one session."

    get = ("Get session details", "GET", f"{SESSIONS}/{{sessionId}}")
    assert _diff(aidp_model, edit) == {
        "bump": "patch",
        "changes": [
            _change(
                "description-changed",
                False,
                get,
                "",
                "Description changed.",
                old="Returns session details for a given session ID.",
                new="Reads one session.",
            )
        ],
    }


def test_real_request_enum_value_removed(aidp_model: ApiModel) -> None:
    def edit(data: Data) -> None:
        data["schemas"]["CreateVolumeDetails"]["properties"]["volumeType"]["enum"].remove(
            "EXTERNAL"
        )

    create = ("Create a volume", "POST", f"{BASE}/volumes")
    assert _diff(aidp_model, edit) == {
        "bump": "major",
        "changes": [
            _change(
                "enum-value-removed",
                True,
                create,
                "request body $.volumeType",
                "Value `EXTERNAL` was removed.",
                old="MANAGED | EXTERNAL",
                new="MANAGED",
                migration=_migration(
                    "Check the `body` you pass to "
                    "`client.create_volume(ai_data_platform_id=..., body=...)`, at `$.volumeType`."
                ),
                schema={"name": "CreateVolumeDetails", "field": "$.volumeType"},
            )
        ],
    }


# ---------------------------------------------------------------- moves and renames
MOVED = "/20270101/things/{thingId}"


def _two_operations() -> Data:
    """The small model with a second operation on the same path."""
    data = _small()
    second = dict(copy.deepcopy(_at(data, OP)), name="get_thing", title="Get a thing", method="get")
    second.pop("request_body")
    data["operations"].append(second)
    return data


def _changes(old: Data, new: Data) -> list[tuple[str, bool, str, str]]:
    diff = diff_models(ApiModel.model_validate(old), ApiModel.model_validate(new))
    return [(c.kind, c.breaking, c.path, c.summary) for c in diff.changes]


def test_new_version_for_every_operation_is_one_change() -> None:
    new = _two_operations()
    for op in new["operations"]:
        op["path"] = MOVED
    _at(new, f"{OP}.parameters").append(
        {"name": "region", "in": "query", "required": True, "schema": {"type": "string"}}
    )
    summary = (
        "Every path moved from `/20260430` to `/20270101`; the SDK's methods keep their names."
    )
    assert _changes(_two_operations(), new) == [
        ("paths-moved", False, "", summary),
        ("parameter-added", True, MOVED, "New required query parameter `region` (string)."),
    ]


def test_new_version_and_a_method_renamed() -> None:
    new = _two_operations()
    for op in new["operations"]:
        op["path"] = MOVED
    _at(new, OP)["name"] = "replace_thing"
    assert _changes(_two_operations(), new) == [
        ("paths-moved", False, "", "Every path moved from `/20260430` to `/20270101`."),
        ("operation-renamed", True, MOVED, "The SDK method `update_thing` is now `replace_thing`."),
    ]


def test_some_operations_moved() -> None:
    new = _two_operations()
    _at(new, OP)["path"] = MOVED
    assert _changes(_two_operations(), new) == [
        ("path-moved", False, MOVED, f"Moved from `{THING}`; the SDK method keeps its name."),
    ]


def test_moved_path_matched_by_title() -> None:
    new = _small()
    _at(new, OP)["path"] = f"{THING}/details"
    assert _changes(_small(), new) == [
        (
            "path-moved",
            False,
            f"{THING}/details",
            f"Moved from `{THING}`; the SDK method keeps its name.",
        ),
    ]


def test_other_resource_is_no_move() -> None:
    """A prefix that changes more than a version, for one operation, matches nothing."""
    new = _small()
    _at(new, OP).update(path="/20260430/widgets/{thingId}", title="Update a widget")
    assert [kind for kind, *_ in _changes(_small(), new)] == [
        "operation-added",
        "operation-removed",
    ]


def test_parameter_renamed_in_place() -> None:
    new = _small()
    _at(new, f"{OP}.parameters.1")["name"] = "maxItems"
    diff = diff_models(ApiModel.model_validate(_small()), ApiModel.model_validate(new))
    assert [(c.kind, c.breaking, c.field, c.summary) for c in diff.changes] == [
        (
            "parameter-renamed",
            True,
            "query parameter maxItems",
            "The query parameter `limit` is now `maxItems`.",
        )
    ]
    migration = diff.changes[0].migration
    assert migration is not None
    assert (migration.note, migration.old, migration.new) == (
        "Pass `max_items` where you passed `limit`.",
        "client.update_thing(thing_id=..., limit=..., body=...)",
        "client.update_thing(thing_id=..., max_items=..., body=...)",
    )


def test_form_field_removed() -> None:
    old, new = _small(), _small()
    for data in (old, new):
        _at(data, OP).pop("request_body")
    _at(old, f"{OP}.parameters").append({"name": "file", "in": "form", "schema": {}})
    diff = diff_models(ApiModel.model_validate(old), ApiModel.model_validate(new))
    assert [(c.kind, c.migration) for c in diff.changes] == [
        (
            "parameter-removed",
            Migration(
                'Stop passing `body["file"]`.',
                "client.update_thing(thing_id=..., body=...)",
                "client.update_thing(thing_id=...)",
            ),
        )
    ]


def test_parameter_renamed_on_the_wire_only() -> None:
    """``sort_order`` is the SDK's argument for both names: nothing breaks."""
    new = _small()
    _at(new, f"{OP}.parameters.2")["name"] = "sort_order"
    assert [(c.kind, c.breaking) for c in _diff_small(new).changes] == [
        ("parameter-renamed", False)
    ]


def test_parameter_replaced_is_no_rename() -> None:
    new = _small()
    _at(new, f"{OP}.parameters.1").update(name="cursor", schema={"type": "string"})
    assert [(c.kind, c.field) for c in _diff_small(new).changes] == [
        ("parameter-added", "query parameter cursor"),
        ("parameter-removed", "query parameter limit"),
    ]


def test_schema_renamed_and_changed_is_no_rename() -> None:
    """A removed name whose content no new schema has is no rename: the operations
    that use it say what changed."""
    new = _small()
    new["schemas"]["Problem"] = dict(new["schemas"].pop("Error"), description="Why.")
    _at(new, f"{OP}.responses.1.content.0.schema")["ref"] = "Problem"
    assert [(c.kind, c.field) for c in _diff_small(new).changes] == [
        ("description-changed", "404 response body $")
    ]


def _diff_small(new: Data) -> ApiDiff:
    return diff_models(ApiModel.model_validate(_small()), ApiModel.model_validate(new))


def test_markdown_shows_texts_and_migration_notes() -> None:
    new = _small()
    _at(new, OP)["description"] = "Replaces the thing."
    _at(new, SORT_ORDER)["enum"] = ["ASC"]
    new["operations"][0]["name"] = "replace_thing"
    markdown = diff_models(
        ApiModel.model_validate(_small()), ApiModel.model_validate(new)
    ).to_markdown()
    put = f"**Update a thing** `PUT {THING}`"
    assert markdown == (
        "## API changes (bump: major)\n"
        "\n"
        "### Breaking changes\n"
        "\n"
        f"- {put}, `query parameter sortOrder`: Value `DESC` was removed.\n"
        "  ASC ~~| DESC~~\n"
        "\n"
        "1 SDK method renamed:\n"
        "\n"
        "| operation | was | now |\n"
        "|---|---|---|\n"
        f"| `PUT {THING}` | `update_thing` | `replace_thing` |\n"
        "\n"
        "### Other changes\n"
        "\n"
        f"- {put}: Description added.\n"
        "  **Replaces the thing.**\n"
        "\n"
        "### Migration notes\n"
        "\n"
        "Renamed methods take the same arguments as before:\n"
        "\n"
        "- `client.update_thing(...)` → `client.replace_thing(...)`\n"
        "\n"
        f"- {put}, `query parameter sortOrder`: Check the query parameter sortOrder you pass to"
        " `client.replace_thing(thing_id=..., body=...)`.\n"
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("Reads a thing.", "Reads one thing.", "Reads ~~a~~ **one** thing."),
        ("", "New text.", "**New text.**"),
        ("Old text.", "", "~~Old text.~~"),
        # Long unchanged stretches are cut to five words either side of a change.
        (
            "one two three four five six seven eight nine ten eleven twelve",
            "one two three four five six seven eight nine ten eleven twelve thirteen",
            "… eight nine ten eleven twelve **thirteen**",
        ),
        ("Use `a_b` *here*", "Use `a_c` *here*", r"Use ~~\`a\_b\`~~ **\`a\_c\`** \*here\*"),
    ],
)
def test_word_diff(old: str, new: str, expected: str) -> None:
    assert word_diff(old, new) == expected


def test_a_renamed_method_gives_both_names_in_the_json() -> None:
    new = _small()
    new["operations"][0]["name"] = "replace_thing"
    diff = diff_models(ApiModel.model_validate(_small()), ApiModel.model_validate(new))
    [change] = diff.to_json()["changes"]
    assert (change["kind"], change["old"], change["new"]) == (
        "operation-renamed",
        "update_thing",
        "replace_thing",
    )
    assert change["migration"]["new"].startswith("client.replace_thing(")
