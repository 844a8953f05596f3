"""Schemathesis, which nobody here wrote, drives every operation of the stub server from the
OpenAPI document exported with the package, and finds no response that breaks it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

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


def test_the_stub_keeps_its_own_description(aidp_sdk: Path, tmp_path: Path) -> None:
    examples = os.environ.get("DOCS2SDK_SCHEMATHESIS_EXAMPLES", "1")
    with running_stub(aidp_sdk.parent) as url:
        result = subprocess.run(
            [
                *schemathesis_command(), "run", str(AIDP_PROJECT / "openapi.yaml"),
                "--url", url, "--checks", ",".join(CHECKS),
                "--max-examples", examples, "--seed", "1",
                # Coverage (boundary and invalid values) and fuzzing; the document has no
                # links, so there is no stateful phase to run.
                "--phases", "coverage,fuzzing",
                # Header values outside Latin-1 cannot be sent by Schemathesis's own HTTP
                # client (it fails before sending): such requests test nothing here.
                "--generation-codec", "ascii",
                "--report-dir", str(tmp_path),
            ],
            capture_output=True, text=True, timeout=600, cwd=tmp_path,
            env={**os.environ, "NO_COLOR": "1"},
        )  # fmt: skip
    summary = result.stdout[result.stdout.rfind("SUMMARY") :]
    assert result.returncode == 0, summary or result.stdout[-4000:] + result.stderr[-2000:]
    assert "Tested: 299" in summary
