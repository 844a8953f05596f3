"""``docs2sdk serve`` and ``python -m PACKAGE.server``, run as a user runs them: they say
where they listen, take the same options, and end with a clear error (no traceback)
on seed data that does not fit or an address in use."""

from __future__ import annotations

import os
import re
import select
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from .conftest import AIDP_PROJECT, ROOT

MODEL = AIDP_PROJECT / "model.yaml"
WORKSPACES = "/20260430/aiDataPlatforms/adp1/workspaces"
LISTENING = re.compile(r"listening on (http://\S+)")
# Seconds a command that should end with an error may take (it builds a package first).
ENDS = 120


def docs2sdk_serve(*options: str) -> list[str]:
    return [sys.executable, "-m", "generator", "serve", str(MODEL), *options]


@contextmanager
def listening(command: list[str], env: dict[str, str] | None = None) -> Iterator[str]:
    """Run ``command``; yield the URL it says it listens on."""
    with running(command, env) as (url, _process):
        yield url


@contextmanager
def running(
    command: list[str], env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Run ``command``; yield the URL it says it listens on, and the process."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env
    )
    try:
        assert process.stdout is not None
        # Its first line, or nothing if it says nothing within a minute.
        said, _, _ = select.select([process.stdout], [], [], 60)
        line = process.stdout.readline() if said else ""
        found = LISTENING.search(line)
        if found is None:
            process.terminate()
            pytest.fail(f"no 'listening on' line: {line!r} {process.communicate()[1]}")
        yield found[1], process
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_docs2sdk_serve_needs_no_extra() -> None:
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    needed = {re.split(r"[<>=!~ ]", d)[0].lower() for d in project["dependencies"]}
    assert {"starlette", "uvicorn", "pyyaml"} <= needed, "pip install -e . is enough to serve"


def test_serve_says_where_it_listens_and_takes_the_lifecycle_delay() -> None:
    with listening(docs2sdk_serve("--port", "0", "--lifecycle-delay", "60")) as url:
        made = httpx.post(url + WORKSPACES, json={"displayName": "w"})
        assert made.status_code == 201
        read = httpx.get(f"{url}{WORKSPACES}/{made.json()['key']}")
        assert read.json()["lifecycleState"] == "CREATING", "held for 60 s"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: [b\n", "not YAML"),
        ("/20260430/nowhere: []\n", "no collection is documented at '/20260430/nowhere'"),
        (f"{WORKSPACES}:\n- {{key: w, displayName: x, colour: red}}\n", "'colour' is not a field"),
    ],
)
def test_seed_data_that_does_not_fit_is_exit_3(tmp_path: Path, text: str, message: str) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(text, encoding="utf-8")
    done = subprocess.run(
        docs2sdk_serve("--port", "0", "--data", str(seed)), capture_output=True, text=True,
        timeout=ENDS,
    )  # fmt: skip
    assert done.returncode == 3, done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ")


def test_an_address_in_use_is_exit_1() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            docs2sdk_serve("--port", str(port)), capture_output=True, text=True, timeout=ENDS
        )
    assert done.returncode == 1, done.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_packages_own_command_checks_seed_data(aidp_sdk: Path, tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text('{"/20260430/nowhere": []}', encoding="utf-8")
    path = os.pathsep.join(filter(None, [str(aidp_sdk.parent), os.environ.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "aidp_workbench.server", "--port", "0", "--data", str(seed)]
    done = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": path},
        timeout=ENDS,
    )  # fmt: skip
    assert done.returncode == 3 and "no collection is documented" in done.stderr
    seed.write_text(f'{{"{WORKSPACES}": [{{"key": "w1", "displayName": "w"}}]}}')
    command[-1] = str(seed)
    with listening(command, {**os.environ, "PYTHONPATH": path}) as url:
        assert httpx.get(f"{url}{WORKSPACES}/w1").json()["lifecycleState"] == "ACTIVE"
