"""The release workflow does what the README says, in the order that keeps a release
whole: plan from the tags, build and test with no credentials, then per package
publish with trusted publishing and tag, each action pinned to a commit."""

from __future__ import annotations

import re
from typing import Any

import yaml

from .conftest import ROOT, docs2sdk

WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"


def workflow() -> dict[str, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key ``on`` as True.
    loaded["on"] = loaded.pop(True)
    return loaded


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job["steps"])


def runs(job: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in steps(job))


def test_it_runs_on_a_push_to_main_one_run_at_a_time() -> None:
    loaded = workflow()
    assert loaded["on"]["push"] == {"branches": ["main"]}
    assert loaded["concurrency"]["cancel-in-progress"] is False
    assert loaded["permissions"] == {}


def test_every_action_is_pinned_to_a_commit() -> None:
    uses = [
        step["uses"] for job in workflow()["jobs"].values() for step in steps(job) if "uses" in step
    ]
    assert uses
    for action in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action


def test_the_plan_reads_the_tags_and_the_build_has_no_credentials() -> None:
    jobs = workflow()["jobs"]
    plan, build = jobs["plan"], jobs["build"]
    assert steps(plan)[0]["with"]["fetch-depth"] == 0
    # Editable, as CI installs it: the templates are read from the checkout.
    assert "pip install -e ." in runs(plan)
    assert "docs2sdk check" in runs(plan)
    assert "docs2sdk releases --json" in runs(plan)
    assert build["permissions"] == {"contents": "read"}
    assert "docs2sdk package" in runs(build)
    for job in jobs.values():
        for step in steps(job):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_each_package_is_published_with_trusted_publishing_then_tagged() -> None:
    publish = workflow()["jobs"]["publish"]
    assert publish["needs"] == ["plan", "build"]
    assert publish["permissions"] == {"contents": "write", "id-token": "write"}
    assert publish["environment"]["name"] == "${{ matrix.release.environment }}"
    names = [step.get("uses", step.get("name", "")).split("@")[0] for step in steps(publish)]
    assert names == [
        "actions/download-artifact",
        "pypa/gh-action-pypi-publish",
        "pypa/gh-action-pypi-publish",
        "Tag and release",
    ]
    uploads = [step for step in steps(publish) if "pypi-publish" in step.get("uses", "")]
    # No password: the index trusts the workflow; another index comes by its URL.
    assert all("password" not in step["with"] for step in uploads)
    assert [step["with"].get("repository-url") for step in uploads] == [
        None,
        "${{ matrix.release.index }}",
    ]
    tag = steps(publish)[-1]
    assert 'gh release create "$TAG"' in tag["run"]
    assert "--notes-file" in tag["run"]
    # Expressions reach the shell through the environment, never pasted into a script.
    assert "${{" not in tag["run"]


def test_the_commands_it_runs_exist() -> None:
    for command in ("package", "releases", "check"):
        assert docs2sdk(command, "--help").returncode == 0, command
