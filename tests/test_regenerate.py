"""When the docs change: fetch the new book, see what changed, check, build, bump."""

from __future__ import annotations

import functools
import json
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from generator.fetch import fetch_book

from .conftest import BOOKS, docs2sdk

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
    assert docs2sdk("check", cwd=project).returncode == 0
