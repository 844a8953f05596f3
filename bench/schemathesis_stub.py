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
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

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
    package = next(p.parent.name for p in args.project.glob("*/_server_spec.json"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(args.project.resolve())}
    server = subprocess.Popen(
        [sys.executable, "-m", f"{package}.server", "--port", str(port)], env=env
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(url)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        command = [
            sys.executable, "-m", "schemathesis.cli", "run", str(args.project / "openapi.yaml"),
            "--url", url, "--checks", CHECKS, "--max-examples", str(args.examples),
            "--phases", args.phases, "--seed", str(args.seed), "--generation-codec", "ascii",
        ]  # fmt: skip
        return subprocess.run(command).returncode
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
