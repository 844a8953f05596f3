"""The generated client against the real backend the notebook API fronts: jupyter_server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

BASE = "/20260430/aiDataPlatforms/adp1/workspaces/ws1/notebook/"
TOKEN = "docs2sdk-test-token"
AUTH = {"Authorization": f"token {TOKEN}"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("notebooks")
    (root / "work").mkdir()
    port = _free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(root / ".runtime")}
    log = root / "server.log"
    server = subprocess.Popen(
        [
            sys.executable, "-m", "jupyter_server",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
            f"--ServerApp.base_url={BASE}", f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={root}", "--ServerApp.open_browser=False",
            "--allow-root",
        ],
        stdout=subprocess.DEVNULL, stderr=log.open("wb"), env=env,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status = httpx.get(f"{url}{BASE}api/status", headers=AUTH)
                if status.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None:
                raise RuntimeError(log.read_text())
            time.sleep(0.2)
        else:
            raise RuntimeError("jupyter_server did not start in 60 s")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_session_lifecycle_against_jupyter_server(aidp_sdk: Path, jupyter: str) -> None:
    from aidp_workbench import Client, NotFoundError
    from aidp_workbench.models import Session

    ids = {"ai_data_platform_id": "adp1", "workspace_key": "ws1"}
    with Client(jupyter, headers=AUTH, retries=0) as client:
        created = client.create_new_session(
            **ids, body={"path": "work/a.ipynb", "type": "notebook", "name": "first"}
        )
        assert created.status_code == 201
        session = created.data
        assert isinstance(session, Session)
        assert (session.path, session.name, session.type) == ("work/a.ipynb", "first", "notebook")
        assert session.kernel is not None and session.kernel.id

        fetched = client.get_session_details(**ids, session_id=session.id)
        assert fetched.status_code == 200
        assert fetched.data.id == session.id

        patched = client.patch_session(**ids, session_id=session.id, body={"name": "renamed"})
        assert patched.status_code == 200
        assert patched.data.name == "renamed"
        assert patched.data.path == "work/a.ipynb", "PATCH sent only the name"

        deleted = client.delete_session(**ids, session_id=session.id)
        assert deleted.status_code == 204
        assert deleted.data is None

        with pytest.raises(NotFoundError) as info:
            client.get_session_details(**ids, session_id=session.id)
        assert info.value.status_code == 404
        assert session.id in info.value.message
