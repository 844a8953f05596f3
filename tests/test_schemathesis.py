"""Schemathesis, which nobody here wrote, drives every operation of the stub server from the
OpenAPI document exported with the package, and finds no response that breaks it.

Twice: with every parameter made up (the paths name resources that do not exist, so
most answers are errors: every odd path and header is tried), and with the path
parameters fixed to the ids of resources the stub is seeded with (so reads, updates,
actions and deletes find what they work on, and their answers are checked too)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import AIDP_PROJECT
from .test_stub_server import running_stub

CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "content_type_conformance",
]


def schemathesis_command() -> list[str]:
    found = shutil.which("schemathesis", path=os.path.dirname(sys.executable))
    if found is None:
        pytest.fail("the test extra installs schemathesis")
    return [found]


def seeded(spec: dict[str, Any], folder: Path) -> list[str]:
    """Seed data with one item in each collection whose items have an id field, every
    path parameter one value, and a Schemathesis configuration that sends those values;
    returns the stub's options and Schemathesis's for them."""
    values = {
        p["name"]: f"{p['name']}-1"
        for op in spec["operations"]
        for p in op["parameters"]
        if p["in"] == "path"
    }
    collections = spec["collections"]
    kept = {
        path
        for path, c in collections.items()
        if c["id_param"] and c["id_field"]
        and all(collections[parent]["id_field"] for parent in c["parents"])
    }  # fmt: skip
    data = {}
    for path in sorted(kept):
        filled = path
        for name, value in values.items():
            filled = filled.replace("{" + name + "}", value)
        collection = collections[path]
        data[filled] = [{collection["id_field"]: values[collection["id_param"]]}]
    (folder / "seed.json").write_text(json.dumps(data), encoding="utf-8")
    lines = ["[parameters]"] + [f'"path.{n}" = "{v}"' for n, v in sorted(values.items())]
    (folder / "schemathesis.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [str(folder / "seed.json"), str(folder / "schemathesis.toml")]


def run_schemathesis(
    url: str, folder: Path, *options: str, config: str | None = None
) -> subprocess.CompletedProcess[str]:
    examples = os.environ.get("DOCS2SDK_SCHEMATHESIS_EXAMPLES", "1")
    configured = ["--config-file", config] if config else []
    return subprocess.run(
        [
            *schemathesis_command(), *configured, "run", str(AIDP_PROJECT / "openapi.yaml"),
            "--url", url, "--checks", ",".join(CHECKS),
            "--max-examples", examples, "--seed", "1",
            # Coverage (boundary and invalid values) and fuzzing; the document has no
            # links, so there is no stateful phase to run.
            "--phases", "coverage,fuzzing",
            # Header values outside Latin-1 cannot be sent by Schemathesis's own HTTP
            # client (it fails before sending): such requests test nothing here.
            "--generation-codec", "ascii",
            "--report-dir", str(folder), *options,
        ],
        capture_output=True, text=True, timeout=1200, cwd=folder,
        env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip


def summary(result: subprocess.CompletedProcess[str]) -> str:
    found = result.stdout[result.stdout.rfind("SUMMARY") :]
    return found or result.stdout[-4000:] + result.stderr[-2000:]


def test_the_stub_keeps_its_own_description(aidp_sdk: Path, tmp_path: Path) -> None:
    with running_stub(aidp_sdk.parent) as url:
        result = run_schemathesis(url, tmp_path)
    assert result.returncode == 0, summary(result)
    assert "Tested: 299" in summary(result)


def test_the_stub_keeps_its_description_where_its_resources_exist(
    aidp_sdk: Path, tmp_path: Path
) -> None:
    spec = json.loads((AIDP_PROJECT / "aidp_workbench" / "_server_spec.json").read_text())
    seed, config = seeded(spec, tmp_path)
    with running_stub(aidp_sdk.parent, "--data", seed) as url:
        result = run_schemathesis(url, tmp_path, config=config)
    assert result.returncode == 0, summary(result)
    assert "Tested: 299" in summary(result)
