"""How often docs2sdk's method names equal the names Oracle's own SDK gives.

The ``oci`` package is Oracle's Python SDK for hundreds of services. Each client
method's source states the operation's shape (``resource_path``, ``method``, the body
parameter's model class, the ``response_type``) beside the name Oracle gave it
(``operation_name``). This feeds each client's shapes, and nothing else, through
docs2sdk's naming rules (``generator.method_names``) and counts the names that come
out equal::

    python bench/naming.py             # agreement, overall and per kind of operation
    python bench/naming.py --misses 40 # and a sample of the names that differ

It also reports the agreement on a table of AI Data Platform operations with the
names Oracle's SDK gives them (``SAMPLE``), which the AI Data Platform's own book
cannot tell.
"""

from __future__ import annotations

import argparse
import ast
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from generator.method_names import Shape, method_names

ROOT = "/20260430/aiDataPlatforms/{aiDataPlatformId}"
# Operations of the AI Data Platform Workbench book with the names Oracle's SDK gives
# them: (method, path under ROOT, body schema, response schema, platform name).
SAMPLE = [
    ("get", "/workspaces/{workspaceKey}/notebook/api/sessions/{sessionId}", None, "Session",
     "get_session"),
    ("post", "/workspaces/{workspaceKey}/clusters", "CreateClusterDetails", "Cluster",
     "create_cluster"),
    ("post", "/workspaces/{workspaceKey}/jobs", "CreateJobDetails", "Job", "create_job"),
    ("get", "/recipients", None, "RecipientCollection", "list_recipients"),
    ("get", "/createWorkspacePermissions", None, "CreateWorkspacePermissionCollection",
     "list_create_workspace_permissions"),
    ("get", "/tables/{tableKey}/permissions", None, "TablePermissionCollection",
     "list_table_permissions"),
    ("get", "/catalogs/{catalogKey}/permissions", None, "CatalogPermissionCollection",
     "list_catalog_permissions"),
    ("post", "/catalogs/{catalogKey}/actions/managePermission", "ManageCatalogPermissionDetails",
     None, "manage_catalog_permission"),
    ("post", "/actions/manageAuditLogs", "ManageAuditLogsDetails", None, "manage_audit_logs"),
    ("post", "/dataTables", "CreateDataTableDetails", None, "create_data_table"),
    ("get", "/workspaces/{workspaceKey}/gitRepositories/{gitRepositoryKey}/gitBranches", None,
     "GitBranchCollection", "list_git_branches"),
    ("get", "/workspaces/{workspaceKey}/agents/{agentKey}/sessions/{sessionId}/chatHistory", None,
     "SessionChatHistoryCollection", "list_agent_session_chat_histories"),
    ("post", "/workspaces/{workspaceKey}/mlops/api/2.0/mlflow/runs/create",
     "CreateExperimentRunDetails", "CreateExperimentRunResponseDetails", "create_experiment_run"),
    ("get", "/mlops/api/2.0/mlflow/registered-models/get", None,
     "GetRegisteredModelResponseDetails", "get_registered_model"),
    ("post", "/workspaces/{workspaceKey}/bundles/actions/sync", "SyncBundleDetails", None,
     "sync_bundle"),
    ("post", "/workspaces/{workspaceKey}/actions/getBundlePublishStatus",
     "FetchBundlePublishStatusDetails", "BundlePublishStatus",
     "fetch_bundle_publish_status_action"),
]  # fmt: skip


@dataclass(frozen=True)
class OciOperation:
    client: str
    name: str  # Oracle's
    shape: Shape


def oci_operations() -> list[OciOperation]:
    """Every operation of every client in the installed ``oci`` package, read from
    the clients' source (parsed, not imported: importing every service takes long)."""
    import oci

    found = []
    for source in sorted(Path(oci.__file__).parent.glob("*/*_client.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for cls in tree.body:
            if isinstance(cls, ast.ClassDef) and cls.name.endswith("Client"):
                client = f"{source.parent.name}.{cls.name}"
                found += [op for fn in cls.body if (op := _operation(client, fn)) is not None]
    return found


def _operation(client: str, fn: ast.stmt) -> OciOperation | None:
    if not isinstance(fn, ast.FunctionDef) or fn.name.startswith("_"):
        return None
    constants: dict[str, str] = {}
    body_argument = response = None
    for node in ast.walk(fn):
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            constants.setdefault(node.targets[0].id, node.value.value)
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "body":
                    body_argument = _argument(keyword.value)
                if keyword.arg == "response_type" and isinstance(keyword.value, ast.Constant):
                    response = str(keyword.value.value)
    if "resource_path" not in constants:
        return None
    body = None
    if body_argument:
        documented = re.search(
            rf":param (\S+) {re.escape(body_argument)}:", ast.get_docstring(fn) or ""
        )
        body = documented.group(1) if documented else None
    return OciOperation(
        client,
        constants["operation_name"],
        Shape(
            method=constants["method"].lower(),
            path=constants["resource_path"],
            body=_schema(body),
            response=_schema(response),
            response_list=bool(response and response.startswith("list[")),
        ),
    )


def _argument(value: ast.expr) -> str | None:
    """The argument a body is passed as: ``body=details`` or ``body=kwargs.get("details")``."""
    if isinstance(value, ast.Name):
        return value.id
    if isinstance(value, ast.Call) and value.args and isinstance(value.args[0], ast.Constant):
        return str(value.args[0].value)
    return None


def _schema(type_name: str | None) -> str | None:
    """The model class a type names (``oci.x.models.Cluster``, ``list[ClusterSummary]``);
    None for ``str``, ``stream`` and other types that are not a schema."""
    if not type_name:
        return None
    inner = re.sub(r"^list\[(.*)\]$", r"\1", type_name).rsplit(".", 1)[-1]
    return inner if inner[:1].isupper() else None


def kind(shape: Shape) -> str:
    if re.search(r"/actions?/", shape.path):
        return "action"
    item = shape.path.endswith("}")
    return f"{shape.method.upper()} {'item' if item else 'collection'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", type=int, default=0, help="show this many names that differ")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    operations = oci_operations()
    by_client: dict[str, list[OciOperation]] = {}
    for op in operations:
        by_client.setdefault(op.client, []).append(op)
    derived: dict[int, str] = {}
    for ops in by_client.values():
        for op, name in zip(ops, method_names([op.shape for op in ops]), strict=True):
            derived[id(op)] = name
    equal: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses = []
    for op in operations:
        total[kind(op.shape)] += 1
        if derived[id(op)] == op.name:
            equal[kind(op.shape)] += 1
        else:
            misses.append(op)
    all_equal, all_total = sum(equal.values()), sum(total.values())
    print(f"oci {_version()}: {len(by_client)} clients, {all_total} operations")
    print(f"  names equal to Oracle's: {all_equal} ({all_equal / all_total:.1%})")
    for name, count in total.most_common():
        print(f"    {name:<20} {equal[name]:>5} of {count:>5} ({equal[name] / count:.1%})")

    shapes = [Shape(m, ROOT + p, b, r) for m, p, b, r, _ in SAMPLE]
    names = method_names(shapes)
    sample_equal = sum(name == row[-1] for name, row in zip(names, SAMPLE, strict=True))
    print(f"AI Data Platform sample: {sample_equal} of {len(SAMPLE)} names equal to Oracle's")
    for name, row in zip(names, SAMPLE, strict=True):
        mark = "=" if name == row[-1] else "x"
        print(f"  {mark} {row[0].upper()} {row[1]}: {name} (Oracle: {row[-1]})")

    if args.misses:
        random.seed(args.seed)
        print(f"{args.misses} of the {len(misses)} names that differ (derived / Oracle's):")
        for op in random.sample(misses, min(args.misses, len(misses))):
            shape = op.shape
            print(
                f"  {shape.method.upper()} {shape.path} [{shape.body or '-'} -> "
                f"{'list of ' if shape.response_list else ''}{shape.response or '-'}]: "
                f"{derived[id(op)]} / {op.name}"
            )


def _version() -> str:
    import oci

    return str(oci.__version__)


if __name__ == "__main__":
    main()
