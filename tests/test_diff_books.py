"""The changelog of whole books: a new API version, a moved base path, a renamed
schema. Each edited book is made here from a fixture book, as a docs site renders it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from generator.changes.diff import diff_models
from generator.generate.views import build_views
from generator.model import ApiModel
from generator.pipeline import model_from_book

from .conftest import BOOKS, docs2sdk

REMOVED_PAGE = "op-pools-pool_name-delete.html"


def _book(tmp_path: Path, name: str, base: str) -> Path:
    """The Airflow book with every ``/api/v1`` rendered as ``base``."""
    folder = tmp_path / name
    shutil.copytree(BOOKS / "airflow-dl", folder)
    for page in folder.iterdir():
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace("/api/v1", base), encoding="utf-8")
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _four_edits_and_a_rename(book: Path) -> None:
    """Remove an operation, add a response field, add a required query parameter,
    edit a description; and give a schema another name."""
    (book / REMOVED_PAGE).unlink()
    for index in ("rest-endpoints.html", "api-pool.html"):
        text = (book / index).read_text(encoding="utf-8")
        row = re.compile(rf"<tr><td><a href=\"{re.escape(REMOVED_PAGE)}\">.*?</tr>\n")
        (book / index).write_text(row.sub("", text), encoding="utf-8")
    toc = (book / "toc.js").read_text(encoding="utf-8")
    entry = re.compile(rf',?\{{"title":"Delete a pool","href":"{re.escape(REMOVED_PAGE)}"\}}')
    (book / "toc.js").write_text(entry.sub("", toc), encoding="utf-8")
    health = book / "op-health-get.html"
    _edit(
        health,
        "<dt>metadatabase:",
        '<dt>labels: string</dt><dd><div class="d">Free-form labels.</div></dd>\n<dt>metadatabase:',
    )
    _edit(health, "Get the status of Airflow", "Get the health of Airflow")
    _edit(
        book / "op-pools-get.html",
        '<div class="hdr hdr-3">Query Parameters</div>\n<dl class="params">\n',
        '<div class="hdr hdr-3">Query Parameters</div>\n<dl class="params">\n'
        '<dt>region(required): string</dt><dd><div class="d">Where to look.</div></dd>\n',
    )
    _edit(book / "op-version-get.html", "Root Schema : VersionInfo", "Root Schema : ReleaseInfo")


def _model(book: Path, names: dict[str, str] | None = None) -> ApiModel:
    model, _ = model_from_book(book, names)
    return model


def _found(old: ApiModel, new: ApiModel) -> set[tuple[str, bool, str, str, str]]:
    return {(c.kind, c.breaking, c.method, c.path, c.field) for c in diff_models(old, new).changes}


def test_new_version_date_with_edits(tmp_path: Path) -> None:
    old = _model(_book(tmp_path, "old", "/20260430"))
    new_book = _book(tmp_path, "new", "/20270101")
    _four_edits_and_a_rename(new_book)
    new = _model(new_book)
    diff = diff_models(old, new)
    assert diff.bump == "major"
    assert _found(old, new) == {
        ("paths-moved", False, "", "", ""),
        ("schema-renamed", True, "", "", "schema VersionInfo"),
        ("operation-removed", True, "DELETE", "/20260430/pools/{pool_name}", ""),
        ("field-added", False, "GET", "/20270101/health", "200 response body $.labels"),
        ("description-changed", False, "GET", "/20270101/health", ""),
        ("parameter-added", True, "GET", "/20270101/pools", "query parameter region"),
    }
    report = diff.to_json()["changes"]
    assert report[0]["summary"] == (
        "Every path moved from `/20260430` to `/20270101`; the SDK's methods keep their names."
    )
    described = next(c for c in report if c["kind"] == "description-changed")
    assert described["old"].startswith("Get the status of Airflow's metadatabase")
    assert described["new"].startswith("Get the health of Airflow's metadatabase")
    markdown = diff.to_markdown()
    assert "  Get the ~~status~~ **health** of Airflow's metadatabase" in markdown
    assert "  - was: `client.list_pools()`\n  - now: `client.list_pools(region=...)`" in markdown
    assert "  - was: `models.VersionInfo`\n  - now: `models.ReleaseInfo`" in markdown


def test_method_names_survive_a_new_version(tmp_path: Path) -> None:
    old_book = _book(tmp_path, "old", "/20260430")
    new_book = _book(tmp_path, "new", "/20270101")
    # Keyed by the old version's paths, as the book's config was written.
    names = {"GET /20260430/health": "health_check", "GET /20260430/version": "version"}
    old, new = _model(old_book, names), _model(new_book, names)
    old_methods = [op.name for op in build_views(old, "airflow", "1.0.0").operations]
    new_methods = [op.name for op in build_views(new, "airflow", "1.0.0").operations]
    assert "health_check" in new_methods and "version" in new_methods
    assert new_methods == old_methods
    assert [op.path for op in new.operations] != [op.path for op in old.operations]


def test_base_path_move(tmp_path: Path) -> None:
    """Airflow's /api/v1 becoming /api/v2, and nothing else: one change."""
    old = _model(BOOKS / "airflow-dl")
    new = _model(_book(tmp_path, "new", "/api/v2"))
    diff = diff_models(old, new)
    assert [(c.kind, c.breaking, c.summary) for c in diff.changes] == [
        (
            "paths-moved",
            False,
            "Every path moved from `/api/v1` to `/api/v2`; the SDK's methods keep their names.",
        )
    ]
    assert diff.bump == "minor"


def test_renamed_schema_in_a_book(tmp_path: Path) -> None:
    old_book = BOOKS / "airflow-dl"
    new_book = tmp_path / "new"
    shutil.copytree(old_book, new_book)
    _edit(
        new_book / "op-version-get.html", "Root Schema : VersionInfo", "Root Schema : ReleaseInfo"
    )
    result = docs2sdk("diff", str(old_book), str(new_book))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "## API changes (bump: major)\n"
        "\n"
        "### Breaking changes\n"
        "\n"
        "- `schema VersionInfo`: Schema `VersionInfo` is now `ReleaseInfo`, "
        "the same content under a new name.\n"
        "\n"
        "### Migration notes\n"
        "\n"
        "- `schema VersionInfo`: Use the class by its new name.\n"
        "  - was: `models.VersionInfo`\n"
        "  - now: `models.ReleaseInfo`\n"
    )
