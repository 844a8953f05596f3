"""``docs2sdk diff --fail-on``: CI can stop on a breaking change (or any at a level)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import BOOKS, docs2sdk


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The Jupyter Server book as it is, with a description edited (a patch), and with
    a response field's type changed (breaking)."""
    root = tmp_path_factory.mktemp("books")
    found = {}
    for name, old, new in (
        ("same", "", ""),
        ("patch", "List of current sessions", "The current sessions"),
        (
            "breaking",
            '<span class="name">path</span>: <span class="type">string',
            '<span class="name">path</span>: <span class="type">integer',
        ),
    ):
        folder = root / name
        shutil.copytree(BOOKS / "jupyter-ul", folder)
        page = folder / "op-api-sessions-get.html"
        page.write_text(page.read_text(encoding="utf-8").replace(old, new), "utf-8")
        found[name] = folder
    return found


@pytest.mark.parametrize(
    ("changed", "fail_on", "code"),
    [
        ("same", "patch", 0),
        ("patch", "breaking", 0),
        ("patch", "minor", 0),
        ("patch", "patch", 1),
        ("breaking", "breaking", 1),
        ("breaking", None, 0),
    ],
)
def test_fail_on_stops_at_its_level(
    books: dict[str, Path], changed: str, fail_on: str | None, code: int
) -> None:
    options = ["--fail-on", fail_on] if fail_on else []
    result = docs2sdk("diff", str(books["same"]), str(books[changed]), *options)
    assert result.returncode == code, result.stdout + result.stderr
    assert result.stdout.startswith("## API changes")  # printed either way
    if code:
        assert f"--fail-on {fail_on}" in result.stderr
