"""Bugs a review of the codebase found, each held by a test that failed before its fix."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.write import read_tree, write_tree

from .conftest import AIDP_BOOK, AIDP_PROJECT, BOOKS, docs2sdk, make_project
from .scripted_server import Reply, ScriptedServer, scripted_server

IDS = {"ai_data_platform_id": "adp1", "workspace_key": "ws1"}


def test_read_tree_ignores_folders_named_build_above_it(tmp_path: Path) -> None:
    root = tmp_path / "build" / "checkout" / "generated"
    write_tree(root, {"sdk/a.py": "x = 1\n", "sdk/build/leftover.txt": "old\n"})
    assert read_tree(root) == {"sdk/a.py": "x = 1\n"}


def test_an_unknown_operation_name_override_is_a_config_error(tmp_path: Path) -> None:
    folder = make_project(tmp_path, "jupyter-ul", "jupyter_sdk")
    config = folder / "docs2sdk.yaml"
    config.write_text(
        config.read_text(encoding="utf-8") + 'operation_names:\n  "GET /nowhere": x\n',
        encoding="utf-8",
    )
    result = docs2sdk("build", cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert "operation_names" in result.stderr and "GET /nowhere" in result.stderr


@pytest.mark.parametrize(
    ("name", "why"), [("bad-name", "lower-case letters"), ("class", "keyword"), ("1st", "digit")]
)
def test_a_package_name_that_cannot_be_imported_is_refused(
    name: str, why: str, tmp_path: Path
) -> None:
    model = tmp_path / "model.yaml"
    assert docs2sdk("scrape", str(Path(__file__).parent / "fixtures" / "books" / "jupyter-ul"),
                    "-o", str(model)).returncode == 0  # fmt: skip
    result = docs2sdk("generate", str(model), "-o", str(tmp_path / "out"), "--package", name)
    assert result.returncode == 1
    assert why in result.stderr and not (tmp_path / "out").exists()
    folder = make_project(tmp_path / "project", "jupyter-ul", "ok_name")
    config = folder / "docs2sdk.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("package: ok_name", f"package: '{name}'"),
        encoding="utf-8",
    )
    result = docs2sdk("build", cwd=tmp_path / "project")
    assert result.returncode == 3 and "package" in result.stderr


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with scripted_server() as running:
        yield running


@pytest.fixture
def client(aidp_sdk: Path, server: ScriptedServer) -> Iterator[Any]:
    from aidp_workbench import Client, Retries

    with Client(server.url, retries=Retries(total=3, backoff=0.01)) as made:
        yield made


def validate(client: Any) -> Any:
    # A POST with no opc-retry-token: repeating it could repeat what it does.
    return client.validate_agent(**IDS, agent_key="a1")


def test_a_post_with_no_retry_token_is_not_retried_on_a_server_error(
    client: Any, server: ScriptedServer
) -> None:
    from aidp_workbench import ServiceUnavailableError

    server.script(Reply(503, {"code": "x", "message": "busy"}), Reply(200, {}))
    with pytest.raises(ServiceUnavailableError):
        validate(client)
    assert len(server.seen) == 1


def test_a_post_with_no_retry_token_is_retried_when_it_was_not_carried_out(
    client: Any, server: ScriptedServer
) -> None:
    server.script(
        Reply(429, {"code": "TooManyRequests", "message": "slow down"}),
        Reply(409, {"code": "LockConflict", "message": "locked"}),
        Reply(200, {}),
    )
    assert validate(client).status_code == 200
    assert len(server.seen) == 3


def test_a_post_with_a_retry_token_is_retried(client: Any, server: ScriptedServer) -> None:
    server.script(Reply(503, {"code": "x", "message": "busy"}), Reply(201, {"id": "a1"}))
    created = client.create_agent(**IDS, body={"displayName": "a"})
    assert created.status_code == 201
    tokens = {seen.headers["opc-retry-token"] for seen in server.seen}
    assert len(server.seen) == 2 and len(tokens) == 1


def test_module_names_follow_module_rules() -> None:
    from generator.names import module_name

    assert [module_name(n) for n in ("schema", "ModelVersion", "class", "List")] == [
        "schema",
        "model_version",
        "class_module",
        "list",
    ]
    package = AIDP_PROJECT / "aidp_workbench"
    modules = [p.stem for p in package.rglob("*.py") if p.stem not in ("__init__", "__main__")]
    assert [m for m in modules if m.endswith("_")] == []
    client = (package / "client.py").read_text(encoding="utf-8")
    assert "OperationsOperations" not in client and "AsyncOperations," in client
    # No class name says a word twice, the asyncio twins included.
    classes = re.findall(
        r"^class (\w+)",
        client
        + "".join(p.read_text(encoding="utf-8") for p in (package / "_operations").glob("*.py")),
        re.MULTILINE,
    )
    assert "AioAsyncOperations" in classes
    assert [c for c in classes if re.search(r"([A-Z][a-z]+)\1", c)] == []


def test_an_operation_never_takes_a_name_the_client_has_of_its_own() -> None:
    from generator.names import client_attributes
    from generator.pipeline import model_from_book

    model, _ = model_from_book(BOOKS / "hostile")
    assert "close" in client_attributes()
    # ``POST /v1/close`` is the verb ``close``, which every client has.
    assert {op.path: op.name for op in model.operations}["/v1/close"] == "close_"


def test_a_pager_never_takes_the_name_of_another_operation(tmp_path: Path) -> None:
    from generator.pipeline import model_from_book
    from generator.project import project_files

    name = "aidataplatformid-workspaces-workspacekey-notebook-api-sessions-get"
    page = AIDP_BOOK / f"op-aidataplatforms-{name}.html"
    html = page.read_text(encoding="utf-8")
    book = tmp_path / "book"
    book.mkdir()
    (book / page.name).write_text(html, encoding="utf-8")
    other = html.replace("Get available sessions<", "Get available sessions pages<").replace(
        "/notebook/api/sessions<", "/notebook/api/sessionsPages<"
    )
    (book / "op-other-get.html").write_text(other, encoding="utf-8")
    model, _ = model_from_book(book)
    assert sorted(op.name for op in model.operations) == [
        "list_sessions",
        "list_sessions_pages",
    ]
    files = project_files(model, "pager_sdk", "0.1.0", None)
    [module] = [text for path, text in files.items() if "/_operations/" in path and "def " in text]
    assert module.count("    def list_sessions_pages(") == 1
    # The pager of Client and of AsyncClient (which returns an async iterator).
    assert module.count("    def list_sessions_pages_2(") == 2


def test_an_object_query_parameter_imports_any_only_where_used(tmp_path: Path) -> None:
    import subprocess
    import sys

    from generator.pipeline import model_from_book
    from generator.project import project_files

    book = tmp_path / "book"
    shutil.copytree(BOOKS / "jupyter-ul", book)
    page = book / "op-api-contents-path-get.html"
    integer = '<span class="name">content</span>: <span class="type">integer</span>'
    html = page.read_text(encoding="utf-8")
    assert integer in html
    page.write_text(html.replace(integer, integer.replace("integer", "object")), "utf-8")
    model, _ = model_from_book(book)
    write_tree(tmp_path / "sdk", project_files(model, "filter_sdk", "0.1.0", None))
    package = tmp_path / "sdk" / "filter_sdk"
    assert "content: dict[str, Any] | None" in (package / "_operations" / "contents.py").read_text()
    assert (package / "models" / "_contents.py").exists(), "the tag's own models module"
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "F", "--no-cache", "."],
        capture_output=True, text=True, cwd=tmp_path / "sdk",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout


def test_a_class_name_quoted_as_an_enum_value_is_not_imported() -> None:
    from generator.generate.views import build_views
    from generator.model import ApiModel

    model = ApiModel.model_validate(
        {
            "format_version": 1,
            "title": "Teams",
            "operations": [
                {
                    "name": "list_owners",
                    "title": "List owners",
                    "method": "get",
                    "path": "/owners",
                    "tag": "Owners",
                    "page": "op-owners-get.html",
                    # The parameter names Team in the signature, not in the tag's models.
                    "parameters": [{"name": "team", "in": "query", "schema": {"ref": "Team"}}],
                    "responses": [
                        {
                            "status": "200",
                            "content": [
                                {
                                    "media_type": "application/json",
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "kind": {"type": "string", "enum": ["User", "Team"]}
                                        },
                                    },
                                }
                            ],
                        }
                    ],
                }
            ],
            "schemas": {
                "Team": {
                    "page": "team.html",
                    "type": "object",
                    "properties": {"name": {"type": "string"}},
                },
                "Owner": {
                    "page": "owner.html",
                    "type": "object",
                    "properties": {"kind": {"type": "string", "enum": ["User", "Team"]}},
                },
            },
        }
    )
    modules = {m.name: m for m in build_views(model, "teams", "0.1.0").modules}
    assert [c.name for c in modules["_owners"].classes] == ["ListOwnersResponse"]
    assert modules["_owners"].imports == {}
    lines = [line for group in modules["_owners"].import_groups for line in group]
    assert "from .team import Team" not in lines
