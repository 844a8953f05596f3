"""When the docs change: fetch the new book, see what changed, check, build, bump; and
the workflow that does it for every book, one job per book."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
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
        # The edited page now shows its own version of Session, so the book's Session is
        # that one and the other operations' is Session_2: a class users name changed.
        *(
            ("class-changed", True, method, path, field)
            for method, path, field in [
                ("GET", "/api/sessions", "200 response body $[]"),
                ("POST", "/api/sessions", "request body $"),
                ("POST", "/api/sessions", "201 response body $"),
                ("PATCH", "/api/sessions/{session}", "request body $"),
                ("PATCH", "/api/sessions/{session}", "200 response body $"),
            ]
        ),
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


def _workflow() -> dict[str, Any]:
    workflow: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return workflow


def _jobs() -> dict[str, Any]:
    jobs: dict[str, Any] = _workflow()["jobs"]
    return jobs


def _step(job: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in job["steps"] if s.get("name") == name)
    return found


def _run_step(
    step: dict[str, Any], cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """Run a step's script as GitHub runs it: ``shell: bash`` is ``bash -eo pipefail``."""
    assert _workflow()["defaults"]["run"]["shell"] == "bash"
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True,
    )  # fmt: skip


def _fake_command(folder: Path, name: str, script: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(f"#!/usr/bin/env bash\n{script}\n", encoding="utf-8")
    (folder / name).chmod(0o755)


def test_workflow_builds_each_book_in_a_job_of_its_own() -> None:
    jobs = _jobs()
    assert list(jobs) == ["books", "book", "pull-request"]
    books, book, pull_request = jobs["books"], jobs["book"], jobs["pull-request"]
    assert books["outputs"]["books"] == "${{ steps.list.outputs.books }}"
    assert book["needs"] == "books"
    assert book["strategy"]["matrix"]["book"] == "${{ fromJSON(needs.books.outputs.books) }}"
    assert book["strategy"]["fail-fast"] is False
    assert book["env"]["BOOK"] == "${{ matrix.book }}"
    runs = "\n".join(s.get("run", "") for s in book["steps"])
    commands = (
        "docs2sdk fetch",
        "docs2sdk diff",
        'docs2sdk build --bump "$BOOK"',
        'docs2sdk package "$BOOK"',
    )
    for command in commands:
        assert command in runs
    upload = next(
        s for s in book["steps"] if s.get("uses", "").startswith("actions/upload-artifact")
    )
    assert upload["with"]["path"].splitlines() == [
        "${{ matrix.book }}",
        "${{ steps.config.outputs.output }}",
        "changes.md",
        "paths.txt",
    ]
    # A package's manifest is a dotfile: left out, the next build would not own its folder.
    assert upload["with"]["include-hidden-files"] is True
    assert pull_request["needs"] == "book"
    uses = [s.get("uses", "") for s in pull_request["steps"]]
    assert any(u.startswith("actions/download-artifact") for u in uses)
    # One pull request for all the books.
    assert "\n".join(s.get("run", "") for s in pull_request["steps"]).count("gh pr create") == 1
    assert all("gh pr" not in s.get("run", "") for s in book["steps"])


def test_one_failing_book_holds_back_none_of_the_others() -> None:
    assert _jobs()["pull-request"]["if"] == "${{ !cancelled() }}"


def test_runs_do_not_race_and_keep_one_branch() -> None:
    workflow = _workflow()
    assert workflow["concurrency"] == {"group": "regenerate", "cancel-in-progress": False}
    assert workflow["env"]["BRANCH"] == "docs2sdk/regenerate"
    assert "$(date" not in WORKFLOW.read_text(encoding="utf-8")  # no branch a day


def test_no_script_expands_an_expression() -> None:
    """Values reach scripts through the environment: a book's settings expanded into a
    script would be run as shell code."""
    for workflow in (ROOT / ".github" / "workflows").glob("*.yml"):
        jobs = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]
        for job in jobs.values():
            for step in job.get("steps", []):
                assert "${{" not in step.get("run", ""), (workflow.name, step.get("name"))


def test_workflow_lists_the_books(tmp_path: Path) -> None:
    make_project(tmp_path, "hostile", "first")
    make_project(tmp_path, "hostile", "second")
    (tmp_path / "input" / "notes").mkdir()  # a folder without a config is no book
    output = tmp_path / "github-output"
    step = _step(_jobs()["books"], "List the books")
    assert _run_step(step, tmp_path, {"GITHUB_OUTPUT": str(output)}).returncode == 0
    key, _, value = output.read_text(encoding="utf-8").strip().partition("=")
    assert key == "books"
    assert json.loads(value) == ["input/first", "input/second"]


def test_workflow_reads_a_books_settings_checked(tmp_path: Path) -> None:
    book = make_project(tmp_path, "hostile", "first")
    (book / "docs2sdk.yaml").write_text(
        "package: first\noutput: sdks/first\nurl: https://example.com/book/\n", "utf-8"
    )
    output = tmp_path / "github-output"
    env = {"GITHUB_OUTPUT": str(output), "BOOK": "input/first"}
    step = _step(_jobs()["book"], "Read the book's settings")
    step = {"run": step["run"].replace("docs2sdk ", f"{sys.executable} -m generator ")}
    result = _run_step(step, tmp_path, env)
    assert result.returncode == 0, result.stderr
    lines = output.read_text(encoding="utf-8").splitlines()
    assert {"name=first", "output=sdks/first", "url=https://example.com/book/"} <= set(lines)
    (book / "docs2sdk.yaml").write_text("package: first\noutput: ..\n", "utf-8")
    assert _run_step(step, tmp_path, env).returncode == 3


def test_a_failing_diff_fails_its_step(tmp_path: Path) -> None:
    """``docs2sdk diff | sed``: the diff failing must fail the step, not leave an empty
    changelog behind a green step."""
    (tmp_path / "sdk").mkdir()
    (tmp_path / "sdk" / "model.yaml").write_text("format_version: 1\n", encoding="utf-8")
    bin_folder = tmp_path / "bin"
    _fake_command(bin_folder, "docs2sdk", "echo 'error: cannot read the model' >&2; exit 3")
    env = {"OUTPUT": "sdk", "BOOK": "input/x", "PATH": f"{bin_folder}:{os.environ['PATH']}"}
    result = _run_step(_step(_jobs()["book"], "Changes in the API"), tmp_path, env)
    assert result.returncode != 0


def test_workflow_combines_the_books(tmp_path: Path) -> None:
    """Changed books' folders come back as their jobs left them, wherever the output is
    and dotfiles included; unchanged ones are left alone; the changelogs are joined."""
    checkout, artifacts = tmp_path / "checkout", tmp_path / "artifacts"
    for folder in ("input/a", "sdks/a_sdk", "input/b", "generated/b_sdk"):
        (checkout / folder).mkdir(parents=True)
        (checkout / folder / "old.html").write_text("old", encoding="utf-8")
    (checkout / "sdks" / "a_sdk" / ".docs2sdk-manifest.json").write_text("{}", "utf-8")
    (checkout / "sdks" / "a_sdk" / "tests").mkdir()
    (checkout / "sdks" / "a_sdk" / "tests" / "test_mine.py").write_text("x", "utf-8")
    changed = artifacts / "book-a"
    for folder in ("input/a", "sdks/a_sdk"):
        (changed / folder).mkdir(parents=True)
        (changed / folder / "new.html").write_text("new", encoding="utf-8")
    (changed / "sdks" / "a_sdk" / ".docs2sdk-manifest.json").write_text("{new}", "utf-8")
    (changed / "sdks" / "a_sdk" / "tests").mkdir()
    (changed / "sdks" / "a_sdk" / "tests" / "test_mine.py").write_text("x", "utf-8")
    (changed / "paths.txt").write_text("input/a\nsdks/a_sdk\n", encoding="utf-8")
    (changed / "changes.md").write_text("## a_sdk: API changes (bump: minor)\n", encoding="utf-8")
    unchanged = artifacts / "book-b"
    (unchanged / "input" / "b").mkdir(parents=True)
    (unchanged / "paths.txt").write_text("input/b\ngenerated/b_sdk\n", encoding="utf-8")
    (unchanged / "changes.md").write_text("", encoding="utf-8")

    step = _step(_jobs()["pull-request"], "Combine the books")
    result = _run_step(step, checkout, {"ARTIFACTS": str(artifacts)})

    assert result.returncode == 0, result.stderr
    assert sorted(p.relative_to(checkout).as_posix() for p in checkout.rglob("*.*")) == [
        "changes.md",
        "generated/b_sdk/old.html",
        "input/a/new.html",
        "input/b/old.html",
        "sdks/a_sdk/.docs2sdk-manifest.json",
        "sdks/a_sdk/new.html",
        "sdks/a_sdk/tests/test_mine.py",
    ]
    assert (checkout / "sdks" / "a_sdk" / ".docs2sdk-manifest.json").read_text() == "{new}"
    assert (checkout / "changes.md").read_text() == "## a_sdk: API changes (bump: minor)\n\n"
    (changed / "paths.txt").write_text("../outside\n", encoding="utf-8")
    assert _run_step(step, checkout, {"ARTIFACTS": str(artifacts)}).returncode != 0


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A checkout of a repository whose origin is a bare one on disk."""
    origin, checkout = tmp_path / "origin.git", tmp_path / "checkout"
    git = ["git", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q", "--bare", str(origin)], check=True)
    subprocess.run([*git, "clone", "-q", str(origin), str(checkout)], check=True)
    (checkout / "README.md").write_text("project\n", encoding="utf-8")
    for command in (["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit",
                    "-qm", "start"], ["push", "-q", "origin", "HEAD:main"]):  # fmt: skip
        subprocess.run(["git", *command], cwd=checkout, check=True)
    return checkout


def _update_pull_request(
    checkout: Path, tmp_path: Path, open_pr: str, create_fails: bool, own_token: bool
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """The step that updates the pull request, with ``gh`` played by a script that logs
    its calls: ``open_pr`` is the number ``gh pr list`` finds ('' for none)."""
    log = tmp_path / "gh.log"
    fail = "exit 1" if create_fails else "exit 0"
    _fake_command(
        tmp_path / "bin",
        "gh",
        f'echo "$*" >> {log}\n'
        f'case "$*" in "pr list"*) echo "{open_pr}" ;; "pr create"*) {fail} ;; esac',
    )
    (checkout / "changes.md").write_text("## sdk: API changes (bump: minor)\n", "utf-8")
    (checkout / "new.txt").write_text("new\n", encoding="utf-8")
    summary = tmp_path / "summary.md"
    env = {
        "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}",
        "BRANCH": "docs2sdk/regenerate",
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_STEP_SUMMARY": str(summary),
        "OWN_TOKEN": "true" if own_token else "false",
    }
    result = _run_step(_step(_jobs()["pull-request"], "Update the pull request"), checkout, env)
    calls = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return result, calls


def test_the_pull_request_is_opened_once_then_updated(repository: Path, tmp_path: Path) -> None:
    result, calls = _update_pull_request(repository, tmp_path, "", False, own_token=False)
    assert result.returncode == 0, result.stderr
    assert [c.split(" --")[0] for c in calls] == [
        "auth setup-git", "pr list", "pr create", "workflow run ci.yml",
    ]  # fmt: skip
    assert "--ref docs2sdk/regenerate" in calls[-1]  # the workflow's own push starts no tests
    pushed = subprocess.run(
        ["git", "ls-remote", "origin", "docs2sdk/regenerate"], cwd=repository,
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert pushed.stdout.strip()
    # The next run updates the same branch and pull request; with a token of the
    # repository's own, the push starts the tests itself.
    (tmp_path / "gh.log").unlink()
    subprocess.run(["git", "switch", "-q", "main"], cwd=repository, check=True)
    result, calls = _update_pull_request(repository, tmp_path, "7", False, own_token=True)
    assert result.returncode == 0, result.stderr
    assert [c.split(" --")[0] for c in calls] == ["auth setup-git", "pr list", "pr edit 7"]


def test_a_repository_that_refuses_pull_requests_gets_a_clear_warning(
    repository: Path, tmp_path: Path
) -> None:
    result, calls = _update_pull_request(repository, tmp_path, "", True, own_token=False)
    assert result.returncode == 0, result.stderr
    assert "::warning::docs2sdk/regenerate is pushed, but no pull request" in result.stdout
    assert "workflow run ci.yml --ref docs2sdk/regenerate" in calls


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
