"""The generator's own code is lint-clean and type-checks strictly, in CI as on a desk."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import BOOKS, ROOT, docs2sdk


def test_ruff_finds_nothing() -> None:
    for command in (["check", "generator", "tests", "bench"], ["format", "--check", "generator"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command], capture_output=True, text=True, cwd=ROOT
        )
        assert result.returncode == 0, result.stdout[-3000:]


def test_mypy_strict_on_the_generator() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "generator"],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.parametrize("book", ["jupyter-ul", "airflow-ul"])
def test_a_generated_package_passes_its_own_ruff(book: str, tmp_path: Path) -> None:
    """With the lint settings its pyproject.toml gives: import blocks as isort sorts them,
    ``__all__`` as ruff sorts it, no import an enum's quoted value seems to need."""
    model, package = tmp_path / "model.yaml", book.split("-")[0] + "_sdk"
    assert docs2sdk("scrape", str(BOOKS / book), "-o", str(model)).returncode == 0
    out = tmp_path / package
    result = docs2sdk("generate", str(model), "-o", str(out), "--package", package)
    assert result.returncode == 0, result.stderr
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        capture_output=True, text=True, cwd=out,
    )  # fmt: skip
    assert lint.returncode == 0, lint.stdout[-3000:]
