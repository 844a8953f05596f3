from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.cache import CACHE_ENV
from generator.model import ApiModel
from generator.pipeline import model_from_book
from generator.release import Distributions, build_distributions

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BOOKS = FIXTURES / "books"
AIDP_BOOK = ROOT / "input" / "aidp"
AIDP_PROJECT = ROOT / "generated" / "aidp_workbench"


@pytest.fixture(scope="session", autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every test run caches in a folder of its own, never in the user's: a stale entry
    from another checkout cannot make a test pass. Processes the tests start inherit it."""
    os.environ[CACHE_ENV] = str(tmp_path_factory.mktemp("docs2sdk-cache"))


@pytest.fixture(scope="session")
def aidp_model() -> ApiModel:
    model, _ = model_from_book(AIDP_BOOK)
    return model


def docs2sdk(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the command as a user would, in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=cwd
    )


def make_project(root: Path, book: str, package: str, version: str = "0.1.0") -> Path:
    """A project in ``root`` whose only input is the fixture book ``book``; returns the
    book's folder in it."""
    folder = root / "input" / package
    shutil.copytree(BOOKS / book, folder)
    (folder / "docs2sdk.yaml").write_text(
        f"package: {package}\noutput: generated/{package}\nversion: {version}\n",
        encoding="utf-8",
    )
    return folder


def set_templates(project: Path, templates: Path) -> None:
    """Give every book of ``project`` the templates in ``templates`` (its ``docs2sdk.yaml``
    key ``templates``, as a path from the book's folder)."""
    for config in (project / "input").glob("*/docs2sdk.yaml"):
        kept = [
            line
            for line in config.read_text(encoding="utf-8").splitlines()
            if not line.startswith("templates:")
        ]
        relative = os.path.relpath(templates, config.parent)
        config.write_text("\n".join([*kept, f"templates: {relative}"]) + "\n", encoding="utf-8")


def build_with_templates(project: Path, templates: Path) -> subprocess.CompletedProcess[str]:
    """``docs2sdk build`` in ``project`` with its books set to use ``templates``."""
    set_templates(project, templates)
    return docs2sdk("build", cwd=project)


def install_package(project: Path, target: Path) -> None:
    """Install a generated project for real (a wheel built by pip) into ``target``
    and make it importable. A copy is built, so the project folder stays clean."""
    source = target.parent / f"{project.name}-source"
    shutil.copytree(project, source, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(source),
        ],
        check=True,
    )
    sys.path.insert(0, str(target))


@pytest.fixture(scope="session")
def aidp_sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed ``generated/aidp_workbench``, installed; returns where."""
    target = tmp_path_factory.mktemp("site")
    install_package(AIDP_PROJECT, target)
    return target / "aidp_workbench"


@dataclass(frozen=True)
class SmallRelease:
    """A project with one small book, built, and its package's sdist and wheel."""

    root: Path
    book: Path
    project: Path  # the generated package project
    package: str
    distributions: Distributions


@pytest.fixture(scope="session")
def small_release(tmp_path_factory: pytest.TempPathFactory) -> SmallRelease:
    """The Jupyter Server book as a project of its own, with the settings a release
    reads, built once for the whole run (offline: no package index is asked)."""
    root = tmp_path_factory.mktemp("release")
    book = make_project(root, "jupyter-ul", "jupyter_sdk")
    with (book / "docs2sdk.yaml").open("a", encoding="utf-8") as config:
        config.write(
            "url: https://docs.example.com/jupyter/\n"
            "license: mit OR apache-2.0\n"
            "repository: https://github.com/example/sdks\n"
        )
    built = docs2sdk("build", cwd=root)
    assert built.returncode == 0, built.stderr
    project = root / "generated" / "jupyter_sdk"
    distributions = build_distributions(project, root / "dist", offline=True)
    return SmallRelease(root, book, project, "jupyter_sdk", distributions)
