"""Schemathesis against the stub server of a generated package, longer than the test does.

    python bench/schemathesis_stub.py [PROJECT] [--examples 20] [--phases examples,coverage,fuzzing]

PROJECT is a generated project (default ``generated/aidp_workbench``): its stub server is
started on loopback and driven from the project's ``openapi.yaml`` with the checks for
server errors, status codes, response schemas, response headers and content types.
Prints Schemathesis's summary; exits with its exit code.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_stub_server import serving

CHECKS = (
    "not_a_server_error,status_code_conformance,response_schema_conformance,"
    "response_headers_conformance,content_type_conformance"
)


def main() -> int:
    parser = argparse.ArgumentParser(description="Schemathesis against a generated stub")
    parser.add_argument("project", type=Path, nargs="?", default=Path("generated/aidp_workbench"))
    parser.add_argument("--examples", type=int, default=20)
    parser.add_argument("--phases", default="examples,coverage,fuzzing")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    project = args.project.resolve()
    package = next(p.parent.name for p in project.glob("*/_server_spec.json"))
    server = [sys.executable, "-m", f"{package}.server", "--port", "{port}"]
    with serving(server, {**os.environ, "PYTHONPATH": str(project)}) as url:
        command = [
            sys.executable, "-m", "schemathesis.cli", "run", str(project / "openapi.yaml"),
            "--url", url, "--checks", CHECKS, "--max-examples", str(args.examples),
            "--phases", args.phases, "--seed", str(args.seed), "--generation-codec", "ascii",
        ]  # fmt: skip
        return subprocess.run(command).returncode


if __name__ == "__main__":
    sys.exit(main())
