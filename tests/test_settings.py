"""A book's settings (``docs2sdk.yaml``): checked when read, and each kept in one place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import BOOKS, docs2sdk, make_project


def _edit_a_description(book: Path) -> None:
    """A change to the docs' words only: a patch."""
    page = book / "op-api-sessions-get.html"
    text = page.read_text().replace("List of current sessions", "The current sessions", 1)
    page.write_text(text, encoding="utf-8")


def _config(book: Path, text: str) -> Path:
    config = book / "docs2sdk.yaml"
    config.write_text(text, encoding="utf-8")
    return config


def test_bump_writes_the_version_into_the_settings(tmp_path: Path) -> None:
    """With no ``version:`` key (it is optional), the bumped version is written there too:
    the package, its changelog and the settings agree, and a later build keeps it."""
    book = make_project(tmp_path, "jupyter-ul", "jupyter_sdk")
    config = _config(book, "package: jupyter_sdk\noutput: generated/jupyter_sdk\n")
    assert docs2sdk("build", cwd=tmp_path).returncode == 0
    _edit_a_description(book)

    result = docs2sdk("build", "--bump", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert config.read_text() == "package: jupyter_sdk\noutput: generated/jupyter_sdk\n" + (
        "version: 0.1.1\n"
    )
    package = tmp_path / "generated" / "jupyter_sdk"
    assert 'version = "0.1.1"' in (package / "pyproject.toml").read_text()
    assert "## 0.1.1" in (package / "CHANGELOG.md").read_text()
    assert docs2sdk("check", cwd=tmp_path).returncode == 0
    assert docs2sdk("build", cwd=tmp_path).returncode == 0
    assert 'version = "0.1.1"' in (package / "pyproject.toml").read_text()


def test_bump_keeps_the_version_lines_comment(tmp_path: Path) -> None:
    book = make_project(tmp_path, "jupyter-ul", "jupyter_sdk")
    config = _config(
        book,
        "package: jupyter_sdk  # the import name\n"
        "output: generated/jupyter_sdk\n"
        'version: "0.3.9"   # raised by the regeneration job\n'
        "# the end\n",
    )
    assert docs2sdk("build", cwd=tmp_path).returncode == 0
    _edit_a_description(book)
    assert docs2sdk("build", "--bump", cwd=tmp_path).returncode == 0
    assert config.read_text() == (
        "package: jupyter_sdk  # the import name\n"
        "output: generated/jupyter_sdk\n"
        "version: 0.3.10   # raised by the regeneration job\n"
        "# the end\n"
    )


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("version: banana", "key version: Value error, 'banana' is no version"),
        ("version: 1.0", "key version: Value error, 1.0 is read as a number"),
        ('version: "1.0"', "key version: Value error, '1.0' is no version"),
        ("version: 01.2.3", "is no version"),
        ("url: notaurl", "key url: Value error, 'notaurl' is no http(s) URL"),
        ("url: ftp://example.com/book/", "is no http(s) URL"),
        ("templates: nowhere", "key templates: 'nowhere' is not a folder"),
        ("colour: blue", "key colour: Extra inputs are not permitted"),
    ],
)
def test_a_setting_is_checked_when_read(tmp_path: Path, line: str, problem: str) -> None:
    book = make_project(tmp_path, "jupyter-ul", "jupyter_sdk")
    _config(book, f"package: jupyter_sdk\noutput: generated/jupyter_sdk\n{line}\n")
    for command in ("build", "check"):
        result = docs2sdk(command, cwd=tmp_path)
        assert result.returncode == 3, result.stderr
        assert problem in result.stderr and "docs2sdk.yaml" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "generated").exists()


def test_generate_checks_its_version(tmp_path: Path) -> None:
    model = tmp_path / "model.yaml"
    assert docs2sdk("scrape", str(BOOKS / "jupyter-ul"), "-o", str(model)).returncode == 0
    result = docs2sdk(
        "generate", str(model), "-o", str(tmp_path / "out"), "--package", "x", "--version", "v1"
    )
    assert result.returncode == 1 and "'v1' is no version" in result.stderr
    assert not (tmp_path / "out").exists()


def test_every_unreadable_page_is_reported_with_its_book(tmp_path: Path) -> None:
    """Two books with pages of the same name: each error says which book's page it is,
    and every broken page is reported, not only the first."""
    first = make_project(tmp_path, "jupyter-ul", "jupyter_sdk")
    other = tmp_path / "input" / "other_sdk"
    shutil.copytree(BOOKS / "jupyter-ul", other)
    _config(other, "package: other_sdk\noutput: generated/other_sdk\n")
    broken = [
        (first, "op-api-sessions-get.html"),
        (other, "op-api-sessions-get.html"),
        (other, "op-api-status-get.html"),
    ]
    for book, name in broken:
        page = book / name
        text = page.read_text().replace('<span class="method">get', "<span>fetch")
        page.write_text(text, encoding="utf-8")
    result = docs2sdk("build", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert [line.split(":")[1].strip() for line in errors] == [
        f"input/{book.name}/{name}" for book, name in broken
    ]
    assert not (tmp_path / "generated").exists()
