"""Method and class names: from what an operation is, never from its title; short,
unique and stable; ``operation_names`` still overrides any, and refuses what it cannot."""

from __future__ import annotations

import keyword
import shutil
from pathlib import Path

import pytest

from generator.assemble import shape_of
from generator.errors import ConfigError
from generator.generate.views import build_views, is_deprecated
from generator.method_names import Shape, method_names
from generator.model import ApiModel
from generator.names import (
    CLASS_NAME_LIMIT,
    class_name,
    client_attributes,
    safe_argument,
    safe_attribute,
    safe_method,
)
from generator.pipeline import model_from_book

from .conftest import BOOKS

ROOT = "/20260430/aiDataPlatforms/{aiDataPlatformId}"
WS = f"{ROOT}/workspaces/{{workspaceKey}}"


def names_of(*shapes: Shape) -> list[str]:
    return method_names(list(shapes))


MLFLOW = "mlops/api/2.0/mlflow"
CASES = [
    # Rows of the AI Data Platform operations whose platform names are known.
    ("get", f"{WS}/notebook/api/sessions/{{sessionId}}", None, "Session", "get_session"),
    ("post", f"{WS}/clusters", "CreateClusterDetails", "Cluster", "create_cluster"),
    ("get", f"{ROOT}/recipients", None, "RecipientCollection", "list_recipients"),
    ("get", f"{ROOT}/createWorkspacePermissions", None, "CreateWorkspacePermissionCollection",
     "list_create_workspace_permissions"),
    ("post", f"{ROOT}/catalogs/{{catalogKey}}/actions/managePermission",
     "ManageCatalogPermissionDetails", None, "manage_catalog_permission"),
    ("post", f"{ROOT}/actions/manageAuditLogs", "ManageAuditLogsDetails", None,
     "manage_audit_logs"),
    ("post", f"{ROOT}/dataTables", "CreateDataTableDetails", None, "create_data_table"),
    ("get", f"{WS}/gitRepositories/{{gitRepositoryKey}}/gitBranches", None, "GitBranchCollection",
     "list_git_branches"),
    ("post", f"{WS}/{MLFLOW}/runs/create", "CreateExperimentRunDetails", None,
     "create_experiment_run"),
    ("get", f"{ROOT}/{MLFLOW}/registered-models/get", None, "GetRegisteredModelResponseDetails",
     "get_registered_model"),
    ("post", f"{WS}/bundles/actions/sync", "SyncBundleDetails", None, "sync_bundle"),
    # The platform's convention, and books that are not Oracle's.
    ("post", "/clusters/{clusterId}/actions/restart", None, None, "restart_cluster"),
    ("delete", "/clusters/{clusterId}", None, None, "delete_cluster"),
    ("put", "/clusters/{clusterId}", "UpdateClusterDetails", None, "update_cluster"),
    ("get", "/clusters", None, "ClusterCollection", "list_clusters"),
    ("get", "/api/me", None, "Identity", "get_me"),
    ("patch", "/api/sessions/{session}", None, "Session", "patch_session"),
    ("post", "/api/kernels/{kernel_id}/interrupt", None, None, "interrupt_kernel"),
    ("get", "/workRequests/{id}/logs", None, "WorkRequestLogEntryCollection",
     "list_work_request_logs"),
    ("get", "/n/{namespaceName}/b/{bucketName}", None, None, "get_bucket"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "body", "response", "name"), CASES)
def test_a_name_says_what_the_operation_is(
    method: str, path: str, body: str | None, response: str | None, name: str
) -> None:
    # Beside an operation elsewhere: a path every operation shares is the API's root.
    other = Shape("get", "/status")
    assert names_of(Shape(method, path, body, response), other)[0] == name


def test_an_array_response_is_a_list() -> None:
    shapes = [Shape("get", "/api/sessions", None, "Session", True), Shape("get", "/status")]
    assert method_names(shapes)[0] == "list_sessions"


def test_the_same_noun_under_several_parents_is_qualified_by_its_parent() -> None:
    names = names_of(
        Shape("get", f"{ROOT}/tables/{{tableKey}}/permissions", None, "TablePermissionCollection"),
        Shape("get", f"{ROOT}/catalogs/{{catalogKey}}/permissions", None, "Permissions"),
        Shape("get", f"{ROOT}/shares/{{shareKey}}/recipients", None, "RecipientCollection"),
        Shape("get", f"{ROOT}/recipients", None, "RecipientCollection"),
    )
    assert names == [
        "list_table_permissions",
        "list_catalog_permissions",
        "list_share_recipients",
        "list_recipients",
    ]


def test_an_action_that_many_resources_have_is_named_with_its_resource() -> None:
    names = names_of(
        Shape("post", "/clusters/{clusterId}/actions/changeCompartment"),
        Shape("post", "/nodePools/{nodePoolId}/actions/changeCompartment"),
        Shape("post", "/clusters/{clusterId}/actions/addKafka"),
    )
    assert names == [
        "change_cluster_compartment",
        "change_node_pool_compartment",
        "add_kafka",
    ]


def test_what_paths_cannot_tell_apart_is_told_apart_by_the_action_or_a_parameter() -> None:
    names = names_of(
        Shape("post", f"{WS}/bundles", "CreateBundleDetails"),
        Shape("post", f"{WS}/actions/createBundle", "CreateBundleDetails"),
        Shape("get", "/gists/{gist_id}"),
        Shape("get", "/gists/{gist_id}/{sha}"),
    )
    assert names == ["create_bundle", "create_bundle_action", "get_gist", "get_gist_by_sha"]


def test_a_derived_name_that_python_or_the_client_keeps_is_made_safe() -> None:
    assert safe_method("import") == "import_"
    assert safe_method("close") == "close_"
    assert safe_method("2fa_settings") == "op_2fa_settings"
    assert "close" in client_attributes()


def test_aidp_names_are_short_unique_and_carry_no_marker(aidp_model: ApiModel) -> None:
    names = [op.name for op in aidp_model.operations]
    assert len(set(names)) == len(names)
    assert all(name.isidentifier() and not keyword.iskeyword(name) for name in names)
    assert max(map(len, names)) <= 48
    marked_names = [
        op.name
        for op in aidp_model.operations
        if op.title.startswith(("(Preview)", "(Deprecated)"))
    ]
    assert len(marked_names) > 100
    assert not [n for n in marked_names if n.startswith(("preview_", "deprecated_"))]
    marked = [op for op in aidp_model.operations if is_deprecated(op.title)]
    assert marked, "the book marks operations deprecated"
    # The operations the table names, found by their shape, not by their name.
    by_shape = {(op.method, op.path): op.name for op in aidp_model.operations}
    assert by_shape["get", f"{WS}/notebook/api/sessions/{{sessionId}}"] == "get_session"
    assert by_shape["get", f"{ROOT}/tables/{{tableKey}}/permissions"] == "list_table_permissions"


def test_the_model_names_each_operation_as_method_names_does(aidp_model: ApiModel) -> None:
    derived = method_names([shape_of(op) for op in aidp_model.operations])
    assert [op.name for op in aidp_model.operations] == derived


def test_class_names_fit_the_limit() -> None:
    long = "org-private-registry-configuration-with-selected-repositories"
    assert len(class_name(long)) <= CLASS_NAME_LIMIT
    assert class_name(long) == "OrgRegistryConfigurationWithSelectedRepositories"
    assert class_name("Session") == "Session"


# ---------------------------------------------------------------- stability
def _edited_copy(tmp_path: Path, page: str, old: str, new: str) -> Path:
    book = tmp_path / "book"
    shutil.copytree(BOOKS / "jupyter-ul", book)
    path = book / page
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return book


def _names(model: ApiModel) -> tuple[list[str], list[str]]:
    view = build_views(model, "sdk", "0.1.0")
    return [op.name for op in model.operations], sorted(
        cls.name for module in view.modules for cls in module.classes
    )


def test_a_title_edit_renames_no_method_and_no_class(tmp_path: Path) -> None:
    before, _ = model_from_book(BOOKS / "jupyter-ul")
    edited = _edited_copy(
        tmp_path,
        "op-api-sessions-session-patch.html",
        "This can be used to rename the session.",
        "Patch an existing notebook session (Preview)",
    )
    after, _ = model_from_book(edited)
    changed = [
        op.title for op in after.operations if op.title not in {o.title for o in before.operations}
    ]
    assert changed == ["Patch an existing notebook session (Preview)"]
    assert _names(after) == _names(before)


# ---------------------------------------------------------------- operation_names
def _model_with(names: dict[str, str]) -> ApiModel:
    model, _ = model_from_book(BOOKS / "jupyter-ul", names)
    return model


def test_operation_names_override_a_derived_name() -> None:
    model = _model_with({"GET /api/me": "whoami"})
    assert {op.path: op.name for op in model.operations if op.method == "get"}[
        "/api/me"
    ] == "whoami"


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ({"GET /api/me": "class"}, "'class' is a Python keyword"),
        ({"GET /api/me": "close"}, "'close' is the name of a method every client has"),
        ({"GET /api/me": "get me"}, "is not a Python name"),
        ({"GET /api/me": "who", "GET /api/status": "who"}, "'who' is also the name"),
        ({"GET /api/me": "get_api_status"}, "is the name of GET /api/status"),
    ],
)
def test_operation_names_that_cannot_be_used_are_configuration_errors(
    names: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        _model_with(names)


def test_a_query_parameter_named_like_a_pydantic_attribute_keeps_its_name(
    aidp_model: ApiModel,
) -> None:
    op = aidp_model.operations[0].model_copy(deep=True)
    parameter = {"name": "fields", "in": "query", "schema": {"type": "string"}}
    op = op.model_validate({**op.model_dump(by_alias=True), "parameters": [parameter]})
    model = aidp_model.model_copy(update={"operations": [op]})
    view = build_views(model, "sdk", "0.1.0")
    assert [p.name for p in view.operations[0].parameters] == ["fields"]


def test_names_do_not_follow_the_running_pythons_keywords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python 3.12 made ``type`` a soft keyword: a build there named a field ``type_``
    where 3.10 and 3.11 name it ``type``. The same pages give the same names anywhere."""
    monkeypatch.setattr(keyword, "softkwlist", ["_", "case", "match", "type"])
    monkeypatch.setattr(keyword, "issoftkeyword", frozenset(keyword.softkwlist).__contains__)
    assert safe_attribute("type") == "type" and safe_argument("type") == "type"
    assert safe_method("type") == "type"
    assert safe_argument("match") == "match_" and safe_method("case") == "case_"
