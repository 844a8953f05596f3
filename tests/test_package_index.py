"""A release proved against a real package index: pypiserver on loopback takes the
small book's freshly built package from twine, pip installs it from there by name and
version into a fresh environment, and it calls the stub. The same version uploaded
again is refused, said why, and leaves the index as it was."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.generate.views import build_views
from generator.model import load_model
from generator.release import fresh_environment

from .conftest import SmallRelease

# One call against the stub, by the name the client has for the operation.
CALL = """
import jupyter_sdk
from jupyter_sdk.server import create_app
from jupyter_sdk.testing import stub_client

with stub_client(create_app()) as client:
    response = client.{method}()
print(response.status_code, jupyter_sdk.__file__)
"""


LIST_SESSIONS = ("GET", "/api/sessions")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A pypiserver on loopback that takes uploads without a password and never sends
    a client elsewhere for a package it lacks; its URL."""
    packages = tmp_path_factory.mktemp("index")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "pypiserver", "run", "--host", "127.0.0.1", "--port", str(port),
         "--authenticate", ".", "--passwords", ".", "--disable-fallback", str(packages)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/simple/", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def upload(url: str, release: SmallRelease) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "twine", "upload", "--non-interactive", "--disable-progress-bar",
         "--verbose", "--repository-url", f"{url}/", "--username", "releaser", "--password",
         "unused", *map(str, release.distributions.files)],
        capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip


def listed(url: str) -> dict[str, str]:
    """The files the index lists for the package, with their digests."""
    with urllib.request.urlopen(f"{url}/simple/jupyter-sdk/", timeout=10) as page:
        html = page.read().decode()
    return dict(re.findall(r'href="[^"#]*/([^/"#]+)#sha256=([0-9a-f]{64})"', html))


def test_a_package_is_uploaded_installed_by_version_and_called(
    index: str, small_release: SmallRelease, tmp_path: Path
) -> None:
    uploaded = upload(index, small_release)
    assert uploaded.returncode == 0, uploaded.stdout + uploaded.stderr
    assert sorted(listed(index)) == sorted(p.name for p in small_release.distributions.files)
    # A fresh environment: the package comes from the index alone, its dependencies
    # from this one (the index holds nothing else).
    python = fresh_environment(tmp_path / "venv", inherit=True)
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--index-url", f"{index}/simple/", "jupyter-sdk==0.1.0"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert install.returncode == 0, install.stdout + install.stderr
    model = load_model(small_release.project / "model.yaml")
    views = build_views(model, small_release.package, "0.1.0")
    [listing] = [op.name for op in views.operations if (op.method, op.path) == LIST_SESSIONS]
    called = subprocess.run(
        [str(python), "-c", CALL.format(method=listing)], capture_output=True, text=True,
        cwd=tmp_path,
    )  # fmt: skip
    assert called.returncode == 0, called.stderr
    status, location = called.stdout.split()
    assert status == "200"
    assert Path(location).is_relative_to(tmp_path / "venv")


def test_the_same_version_again_is_refused_and_changes_nothing(
    index: str, small_release: SmallRelease
) -> None:
    if not listed(index):
        assert upload(index, small_release).returncode == 0
    before = listed(index)
    again = upload(index, small_release)
    said = again.stdout + again.stderr
    assert again.returncode != 0
    assert "already exists" in said, said
    # Refused at the first file: nothing was replaced, nothing added.
    assert len(re.findall(r"^Uploading \S+\.(?:whl|tar\.gz)$", said, re.MULTILINE)) == 1
    assert listed(index) == before
