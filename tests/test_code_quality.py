"""The generator's own code is lint-clean and type-checks strictly, in CI as on a desk."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


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
