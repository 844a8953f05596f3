"""When the docs change: fetch the new book, see what changed, check, build, bump; and
the workflow that does it for every book, one job per book."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.fetch import fetch_book

from .conftest import BOOKS, ROOT, docs2sdk, make_project

REMOVED_PAGE = "op-api-contents-path-checkpoints-checkpoint_id-delete.html"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """The Jupyter Server book served over HTTP on loopback."""
    served = tmp_path / "site" / "book"
    shutil.copytree(BOOKS / "jupyter-ul", served)
    handler = functools.partial(_Quiet, directory=str(served.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield served, f"http://127.0.0.1:{server.server_address[1]}/book/"
    finally:
        server.shutdown()
        server.server_close()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def change_the_docs(served: Path) -> None:
    """Four edits: remove an operation, add an optional response field, add a required
    query parameter, edit a description."""
    (served / REMOVED_PAGE).unlink()
    for index in ("rest-endpoints.html", "api-contents.html"):
        text = (served / index).read_text(encoding="utf-8")
        row = re.compile(rf"<tr><td><a href=\"{re.escape(REMOVED_PAGE)}\">.*?</tr>\n")
        (served / index).write_text(row.sub("", text), encoding="utf-8")
    toc = (served / "toc.js").read_text(encoding="utf-8")
    entry = re.compile(rf',?\{{"title":"Delete a checkpoint","href":"{re.escape(REMOVED_PAGE)}"\}}')
    (served / "toc.js").write_text(entry.sub("", toc), encoding="utf-8")
    get_session = served / "op-api-sessions-session-get.html"
    text = get_session.read_text(encoding="utf-8")
    anchor = '<li><span class="name">kernel</span>: <span class="type">object Kernel</span>'
    added = (
        '<li><span class="name">created</span>: <span class="type">string(date-time)</span>'
        '<div class="desc">When the session started.</div></li>\n'
    )
    get_session.write_text(text.replace(anchor, added + anchor, 1), encoding="utf-8")
    edit(
        served / "op-api-sessions-get.html",
        "<h2>Request</h2>\n",
        '<h2>Request</h2>\n<h3>Query Parameters</h3>\n<ul class="params">\n'
        '<li><span class="name">region</span><span class="req">(required)</span>: '
        '<span class="type">string</span><div class="desc">Where to look.</div></li>\n</ul>\n',
    )
    edit(
        served / "op-api-kernels-get.html",
        '<div class="description"><p>',
        '<div class="description"><p>Now with more detail. ',
    )


def test_docs_change_end_to_end(site: tuple[Path, str], tmp_path: Path) -> None:
    served, url = site
    project = tmp_path / "project"
    book = project / "input" / "jupyter"
    first = fetch_book(url, book)
    assert len(first.added) == 45 and not first.changed
    (book / "docs2sdk.yaml").write_text(
        "package: jupyter_sdk\noutput: generated/jupyter_sdk\nversion: 1.4.2\n", encoding="utf-8"
    )
    assert docs2sdk("build", cwd=project).returncode == 0
    assert docs2sdk("check", cwd=project).returncode == 0

    change_the_docs(served)
    second = fetch_book(url, book)
    assert second.removed == [REMOVED_PAGE]
    assert sorted(second.changed) == sorted(
        [
            "api-contents.html", "op-api-kernels-get.html", "op-api-sessions-get.html",
            "op-api-sessions-session-get.html", "rest-endpoints.html", "toc.js",
        ]
    )  # fmt: skip

    committed = project / "generated" / "jupyter_sdk" / "model.yaml"
    result = docs2sdk("diff", str(committed), str(book), "--json", cwd=project)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["bump"] == "major"
    found = {(c["kind"], c["breaking"], c["location"]["method"], c["location"]["path"],
              c["location"]["field"]) for c in report["changes"]}  # fmt: skip
    assert found == {
        (
            "operation-removed",
            True,
            "DELETE",
            "/api/contents/{path}/checkpoints/{checkpoint_id}",
            "",
        ),
        ("field-added", False, "GET", "/api/sessions/{session}", "200 response body $.created"),
        ("parameter-added", True, "GET", "/api/sessions", "query parameter region"),
        ("description-changed", False, "GET", "/api/kernels", "200 response"),
    }

    stale = docs2sdk("check", cwd=project)
    assert stale.returncode == 1 and "generated/ is stale" in stale.stderr
    bumped = docs2sdk("build", "--bump", cwd=project)
    assert bumped.returncode == 0, bumped.stderr
    assert "version: 2.0.0" in (book / "docs2sdk.yaml").read_text()
    output = project / "generated" / "jupyter_sdk"
    assert 'version = "2.0.0"' in (output / "pyproject.toml").read_text()
    changelog = (output / "CHANGELOG.md").read_text()
    assert changelog.startswith("<!-- Generated by docs2sdk")
    assert "## 2.0.0 (bump: major)" in changelog and "query parameter region" in changelog
    # What users change in their code, for each breaking change.
    notes = changelog.partition("### Migration notes\n")[2]
    assert "Pass `region`, now required." in notes
    assert "  - was: `client.delete_checkpoint(" in notes
    assert docs2sdk("check", cwd=project).returncode == 0


# ---------------------------------------------------------------- the workflow
WORKFLOW = ROOT / ".github" / "workflows" / "regenerate.yml"


def _jobs() -> dict[str, Any]:
    jobs: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]
    return jobs


def _step(job: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in job["steps"] if s.get("name") == name)
    return found


def _run_step(step: dict[str, Any], cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=cwd, env={**os.environ, **env}, check=True
    )


def test_workflow_builds_each_book_in_a_job_of_its_own() -> None:
    jobs = _jobs()
    assert list(jobs) == ["books", "book", "pull-request"]
    books, book, pull_request = jobs["books"], jobs["book"], jobs["pull-request"]
    assert books["outputs"]["books"] == "${{ steps.list.outputs.books }}"
    assert book["needs"] == "books"
    assert book["strategy"]["matrix"]["book"] == "${{ fromJSON(needs.books.outputs.books) }}"
    assert book["env"]["BOOK"] == "${{ matrix.book }}"
    runs = "\n".join(s.get("run", "") for s in book["steps"])
    for command in ("docs2sdk fetch", "docs2sdk diff", 'docs2sdk build --bump "$BOOK"', "pytest"):
        assert command in runs
    upload = next(
        s for s in book["steps"] if s.get("uses", "").startswith("actions/upload-artifact")
    )
    assert upload["with"]["path"].splitlines() == [
        "${{ matrix.book }}",
        "${{ steps.config.outputs.output }}",
        "changes.md",
    ]
    assert pull_request["needs"] == "book"
    uses = [s.get("uses", "") for s in pull_request["steps"]]
    assert any(u.startswith("actions/download-artifact") for u in uses)
    # One pull request for all the books.
    assert "\n".join(s.get("run", "") for s in pull_request["steps"]).count("gh pr create") == 1
    assert all("gh pr" not in s.get("run", "") for s in book["steps"])


def test_workflow_lists_the_books(tmp_path: Path) -> None:
    make_project(tmp_path, "hostile", "first")
    make_project(tmp_path, "hostile", "second")
    (tmp_path / "input" / "notes").mkdir()  # a folder without a config is no book
    output = tmp_path / "github-output"
    _run_step(_step(_jobs()["books"], "List the books"), tmp_path, {"GITHUB_OUTPUT": str(output)})
    key, _, value = output.read_text(encoding="utf-8").strip().partition("=")
    assert key == "books"
    assert json.loads(value) == ["input/first", "input/second"]


def test_workflow_combines_the_books(tmp_path: Path) -> None:
    """Changed books replace their folders whole; unchanged ones are left alone; the
    changelogs are joined."""
    checkout = tmp_path / "checkout"
    for folder in ("input/a", "generated/a_sdk", "input/b", "generated/b_sdk"):
        (checkout / folder).mkdir(parents=True)
        (checkout / folder / "old.html").write_text("old", encoding="utf-8")
    changed = checkout / "artifacts" / "book-a"
    for folder in ("input/a", "generated/a_sdk"):
        (changed / folder).mkdir(parents=True)
        (changed / folder / "new.html").write_text("new", encoding="utf-8")
    (changed / "changes.md").write_text("## a_sdk: API changes (bump: minor)\n", encoding="utf-8")
    unchanged = checkout / "artifacts" / "book-b"
    (unchanged / "input" / "b").mkdir(parents=True)
    (unchanged / "changes.md").write_text("", encoding="utf-8")
    _run_step(_step(_jobs()["pull-request"], "Combine the books"), checkout, {})
    assert sorted(p.relative_to(checkout).as_posix() for p in checkout.rglob("*.*")) == [
        "changes.md",
        "generated/a_sdk/new.html",
        "generated/b_sdk/old.html",
        "input/a/new.html",
        "input/b/old.html",
    ]
    assert (checkout / "changes.md").read_text() == "## a_sdk: API changes (bump: minor)\n\n"


def test_build_one_book(tmp_path: Path) -> None:
    make_project(tmp_path, "hostile", "first")
    make_project(tmp_path, "hostile", "second")
    result = docs2sdk("build", "input/second", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "generated" / "second" / "model.yaml").is_file()
    assert not (tmp_path / "generated" / "first").exists()
    wrong = docs2sdk("build", "input/third", cwd=tmp_path)
    assert wrong.returncode == 1
    assert "no input/*/docs2sdk.yaml in input/third" in wrong.stderr
