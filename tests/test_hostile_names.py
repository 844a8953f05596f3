"""Pages written by others: names that are keywords, builtins, pydantic's own or that
collide, and descriptions full of quotes and template syntax, still give a package that
compiles, imports, type-checks, keeps every JSON name and never runs doc text."""

from __future__ import annotations

import inspect
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.pipeline import model_from_book
from generator.project import project_files
from generator.write import write_tree

from .conftest import BOOKS, install_package
from .scripted_server import Reply, ScriptedServer, scripted_server


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("hostile")
    model, _ = model_from_book(BOOKS / "hostile")
    project = root / "hostile_sdk"
    write_tree(project, project_files(model, "hostile_sdk", "0.1.0", None))
    install_package(project, root / "site")
    yield project


def test_package_imports_without_running_doc_text(hostile: Path) -> None:
    code = "import hostile_sdk, hostile_sdk.models as m; print(sorted(m.__all__))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True,
        cwd=hostile.parent / "site",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "pwned" not in result.stdout + result.stderr
    assert "Client" in result.stdout and "List" in result.stdout


def test_package_passes_mypy_strict_and_ruff(hostile: Path) -> None:
    for command in (["mypy", "--strict", "hostile_sdk"], ["ruff", "check", "."]):
        result = subprocess.run(
            [sys.executable, "-m", *command], cwd=hostile, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout[-2000:]


def test_every_parameter_has_its_own_python_name(hostile: Path) -> None:
    from hostile_sdk import Client

    names = list(inspect.signature(Client.post_from).parameters)
    assert len(names) == len(set(names))
    assert {"class_", "from_", "a_b", "a_b_2", "a_b_3", "self_", "body_", "if_match"} <= set(names)
    assert hasattr(Client, "close_") and Client.close.__qualname__.endswith("Base.close")


def test_model_fields_keep_their_json_names(hostile: Path) -> None:
    from hostile_sdk.models import Client as ClientModel

    aliases = {f.serialization_alias or name for name, f in ClientModel.model_fields.items()}
    assert {"class", "from", "import", "self", "model_config", "model_dump", "schema",
            "a-b", "a_b", "aB", "9lives", "naïve", "date", "datetime"} <= aliases  # fmt: skip
    assert len(ClientModel.model_fields) == 18


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with scripted_server() as running:
        yield running


def test_json_names_go_over_the_wire_exactly(hostile: Path, server: ScriptedServer) -> None:
    from hostile_sdk import Client

    body: dict[str, Any] = {"class": "c", "a-b": "1", "a_b": "2", "aB": "3", "9lives": 9,
                            "model_config": "m", "naïve": "n", "type": "a b"}  # fmt: skip
    server.script(Reply(200, {**body, "import": 1}))
    with Client(server.url, retries=0) as client:
        response = client.post_from(
            class_="x/y", from_="..", body=body, a_b="q1", a_b_2="q2", a_b_3="q3", self_="s",
            body_="b", mode='"""', if_match="lower", if_match_2="upper",
        )  # fmt: skip
    sent = server.seen[0]
    assert sent.path.startswith("/v1/x%2Fy/%2E%2E?"), "a '..' value stays one segment"
    for pair in ("a-b=q1", "a_b=q2", "aB=q3", "self=s", "body=b", "mode=%22%22%22"):
        assert pair in sent.path
    assert sent.json() == body
    assert response.data.import_ == 1
    assert response.data.a_b_3 == "3"


def test_no_operation_takes_a_name_the_clients_have_of_their_own() -> None:
    # The names are read from the runtime's source; they are what the classes have.
    from generator.names import client_attributes
    from generator.runtime._base import AsyncBase, SyncBase

    public = {name for base in (SyncBase, AsyncBase) for name in dir(base) if name[0] != "_"}
    assert client_attributes() == public
    assert {"close", "from_oci_config"} <= public


def test_the_generators_modules_do_not_import_the_http_stack() -> None:
    # httpx (with the terminal libraries it loads) is a tenth of a build's start-up.
    stages = "generator.cli, generator.pipeline, generator.generate, generator.format"
    check = f"import sys, {stages}; print('httpx' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert result.stdout == "False\n", result.stderr


def test_the_scrape_stage_does_not_load_the_generate_stage() -> None:
    # A scrape needs neither the templates' libraries nor what the package tests use.
    loaded = "sorted({'generator.generate', 'jinja2', 'rstr'} & set(sys.modules))"
    check = f"import sys, generator.pipeline; print({loaded})"
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert result.stdout == "[]\n", result.stderr
