"""Generating packages: build, check, determinism, templates, and the code's quality."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.generate.render import docstring
from generator.project import book_configs, build_all, stale_diff

from .conftest import AIDP_PROJECT, BOOKS, ROOT, build_with_templates, docs2sdk, make_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small project: the Jupyter Server book as its only input."""
    make_project(tmp_path, "jupyter-ul", "jupyter_sdk", "1.2.3")
    return tmp_path


def test_committed_aidp_package_is_current() -> None:
    assert stale_diff(build_all(ROOT), ROOT) == ""


def test_build_then_check_then_stale(project: Path) -> None:
    assert docs2sdk("build", cwd=project).returncode == 0
    output = project / "generated" / "jupyter_sdk"
    assert (output / "jupyter_sdk" / "client.py").exists()
    current = docs2sdk("check", cwd=project)
    assert current.returncode == 0, current.stdout + current.stderr
    page = project / "input" / "jupyter_sdk" / "op-api-sessions-session-get.html"
    page.write_text(page.read_text().replace("Get session", "Get one session"), encoding="utf-8")
    stale = docs2sdk("check", cwd=project)
    assert stale.returncode == 1
    assert "--- a/generated/jupyter_sdk/model.yaml" in stale.stdout
    assert "+  title: Get one session" in stale.stdout
    # The title is the docstring's first line; it names no method.
    assert '+        """Get one session.' in stale.stdout
    sessions = output / "jupyter_sdk" / "_operations" / "sessions.py"
    assert "def get_session(" in sessions.read_text(encoding="utf-8")
    assert "-    def get_session(" not in stale.stdout
    assert docs2sdk("build", cwd=project).returncode == 0
    assert docs2sdk("check", cwd=project).returncode == 0


def test_two_builds_give_identical_bytes(project: Path) -> None:
    first = build_all(project)[0].files
    second = build_all(project)[0].files
    assert first == second
    for name, text in first.items():
        assert "docs2sdk" in text.splitlines()[0], f"{name} does not name docs2sdk first"
        assert str(project) not in text, f"{name} holds an absolute path"


def test_templates_can_be_replaced_file_by_file(project: Path, tmp_path: Path) -> None:
    templates = tmp_path / "my-templates"
    templates.mkdir()
    (templates / "README.md.j2").write_text("{{ header_text }}\nOur own {{ package }}.\n")
    result = build_with_templates(project, templates)
    assert result.returncode == 0, result.stderr
    output = project / "generated" / "jupyter_sdk"
    assert (output / "README.md").read_text().endswith("Our own jupyter_sdk.\n")
    assert "class Client" in (output / "jupyter_sdk" / "client.py").read_text()


def test_generate_command_writes_an_installable_project(tmp_path: Path) -> None:
    model = tmp_path / "model.yaml"
    assert (
        docs2sdk("scrape", str(BOOKS / "airflow-dl"), "-o", str(model), cwd=tmp_path).returncode
        == 0
    )
    out = tmp_path / "airflow"
    result = docs2sdk(
        "generate", str(model), "-o", str(out), "--package", "airflow_sdk", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert (out / "pyproject.toml").exists() and (out / "airflow_sdk" / "py.typed").exists()
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "airflow_sdk"],
        cwd=out, capture_output=True, text=True,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout[-3000:]


def test_generate_links_to_the_book_and_takes_the_service_address(tmp_path: Path) -> None:
    model = tmp_path / "model.yaml"
    assert docs2sdk("scrape", str(BOOKS / "jupyter-ul"), "-o", str(model)).returncode == 0
    out = tmp_path / "sdk"
    endpoint = "https://jupyter.{region}.oci.{secondLevelDomain}"
    book_url = "https://example.org/book/"
    result = docs2sdk("generate", str(model), "-o", str(out), "--package", "sdk",
                      "--docs-url", book_url, "--endpoint", endpoint)  # fmt: skip
    assert result.returncode == 0, result.stderr
    sessions = (out / "sdk" / "_operations" / "sessions.py").read_text()
    assert "https://example.org/book/op-api-sessions-get.html" in sessions
    assert "(https://example.org/book/op-" in (out / "README.md").read_text()
    assert repr(endpoint).replace("'", '"') in (out / "sdk" / "client.py").read_text()
    # Without them, no link, and no address the book did not state.
    plain = tmp_path / "plain"
    assert docs2sdk("generate", str(model), "-o", str(plain), "--package", "sdk").returncode == 0
    assert "example.org" not in (plain / "README.md").read_text()
    bad = docs2sdk("generate", str(model), "-o", str(tmp_path / "x"), "--package", "sdk",
                   "--endpoint", "https://jupyter.example.org")  # fmt: skip
    assert bad.returncode != 0 and "no http(s) URL with a {region} in it" in bad.stderr
    assert not (tmp_path / "x").exists()


def test_generated_aidp_package_passes_mypy_strict_and_ruff(tmp_path: Path) -> None:
    copy = tmp_path / "aidp_workbench"
    shutil.copytree(AIDP_PROJECT, copy, ignore=shutil.ignore_patterns("__pycache__"))
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."], cwd=copy, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout[-3000:]
    types = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "aidp_workbench"],
        cwd=copy, capture_output=True, text=True,
    )  # fmt: skip
    assert types.returncode == 0, types.stdout[-3000:]


def test_input_configs_validate() -> None:
    books = book_configs(ROOT)
    assert [book.config.package for book in books] == ["aidp_workbench"]


@pytest.mark.parametrize(
    "text", ['The state, e.g. "ACTIVE"\n', 'Ends in """', "A backslash \\", '"Quoted"', " "]
)
def test_a_docstring_holds_any_text(text: str) -> None:
    # A one-line docstring closes on its line: the text's own quotes must not close it.
    source = f'def f() -> None:\n    """{docstring(text, 4)}"""\n'
    namespace: dict[str, Any] = {}
    exec(compile(source, "doc.py", "exec"), namespace)
    assert namespace["f"].__doc__ == text.strip()


def test_the_fixed_modules_are_copied_as_they_are() -> None:
    runtime = ROOT / "generator" / "runtime"
    package = AIDP_PROJECT / "aidp_workbench"
    header = (package / "client.py").read_text(encoding="utf-8").splitlines()[0]
    copied = sorted(
        p.relative_to(runtime)
        for p in runtime.rglob("*.py")
        if p.name != "__init__.py" or p.parent != runtime
    )
    assert Path("server/_store.py") in copied and Path("_runtime.py") in copied
    for relative in copied:
        text = (package / relative).read_text(encoding="utf-8")
        assert text == f"{header}\n{(runtime / relative).read_text(encoding='utf-8')}", relative


def test_what_a_template_may_read_is_documented() -> None:
    """docs/templates.md names every template and every value the views hand them."""
    from generator.generate import views

    doc = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    for template in (ROOT / "templates").rglob("*.j2"):
        assert f"`{template.relative_to(ROOT / 'templates').as_posix()}`" in doc
    for view in (
        views.PackageView, views.OperationGroupView, views.OperationView, views.ParameterView,
        views.ErrorView, views.WaiterView, views.ModuleView, views.ClassView, views.FieldView,
    ):  # fmt: skip
        for item in dataclasses.fields(view):
            assert f"`{item.name}`" in doc, f"{view.__name__}.{item.name}"
