"""A generated package's own tests pass against it, for GitHub's pages whose values
have to be made with care: a path parameter and a body field that must match a pattern,
a body whose object has fields of its own beside alternatives, a delete that answers a
body, and an item created that is documented as one of two schemas."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.pipeline import model_from_book
from generator.project import project_files
from generator.write import write_tree

from .conftest import BOOKS, install_package

PACKAGE = "own_tests_github"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package of the GitHub pages, generated and installed; returns its project."""
    root = tmp_path_factory.mktemp(PACKAGE)
    model, _ = model_from_book(BOOKS / "github-pages")
    write_tree(root / PACKAGE, project_files(model, PACKAGE, "0.1.0", None))
    install_package(root / PACKAGE, root / "site")
    return root / PACKAGE


def test_the_package_passes_its_own_tests(project: Path) -> None:
    """Each call's arguments are what the stub takes (it answered 400 to a digest and a
    secret made without their patterns, and to a campaign with no name), and each answer
    is what the pages document (a budget's delete answered no body, and a collaborator
    created was shaped to neither of the two schemas it may be)."""
    site = project.parent / "site"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert re.search(r"\b\d+ passed\b", result.stdout)
