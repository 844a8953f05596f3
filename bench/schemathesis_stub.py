"""Schemathesis against the stub server of a generated package, longer than the test does.

    python bench/schemathesis_stub.py [PROJECT] [--examples 20] [--phases examples,coverage,fuzzing]
        [--seeded | --both]

PROJECT is a generated project (default ``generated/aidp_workbench``): its stub server is
started on loopback and driven from the project's ``openapi.yaml`` with the checks for
server errors, status codes, response schemas, response headers and content types.
With ``--seeded`` the stub starts with an item in each collection and every path
parameter is fixed to the ids of those items (as ``tests/test_schemathesis.py`` does),
so that reads, updates, actions and deletes find what they work on; ``--both`` runs
the plain pass and then the seeded one. Prints Schemathesis's summaries; exits with the
first non-zero exit code, else 0.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_schemathesis import seeded
from tests.test_stub_server import serving

CHECKS = (
    "not_a_server_error,status_code_conformance,response_schema_conformance,"
    "response_headers_conformance,content_type_conformance"
)


def run(project: Path, package: str, args: argparse.Namespace, *, seed: bool) -> int:
    with tempfile.TemporaryDirectory() as folder:
        server = [sys.executable, "-m", f"{package}.server", "--port", "{port}"]
        configured: list[str] = []
        if seed:
            spec = json.loads((project / package / "_server_spec.json").read_text("utf-8"))
            data, config = seeded(spec, Path(folder))
            server += ["--data", data]
            configured = ["--config-file", config]
        with serving(server, {**os.environ, "PYTHONPATH": str(project)}) as url:
            command = [
                sys.executable, "-m", "schemathesis.cli", *configured, "run",
                str(project / "openapi.yaml"), "--url", url, "--checks", CHECKS,
                "--max-examples", str(args.examples), "--phases", args.phases,
                "--seed", str(args.seed), "--generation-codec", "ascii",
            ]  # fmt: skip
            return subprocess.run(command, cwd=folder).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description="Schemathesis against a generated stub")
    parser.add_argument("project", type=Path, nargs="?", default=Path("generated/aidp_workbench"))
    parser.add_argument("--examples", type=int, default=20)
    parser.add_argument("--phases", default="examples,coverage,fuzzing")
    parser.add_argument("--seed", type=int, default=1)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--seeded", action="store_true", help="seeded stub, fixed path ids")
    which.add_argument("--both", action="store_true", help="plain, then seeded")
    args = parser.parse_args()
    project = args.project.resolve()
    package = next(p.parent.name for p in project.glob("*/_server_spec.json"))
    passes = [False, True] if args.both else [args.seeded]
    codes = [run(project, package, args, seed=seed) for seed in passes]
    return next((code for code in codes if code), 0)


if __name__ == "__main__":
    sys.exit(main())
