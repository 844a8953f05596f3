"""One session scenario, run by the generated client against two backends: the generated
stub server, and the real backend the notebook API fronts, jupyter_server."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from .test_stub_server import running_stub, serving

BASE = "/20260430/aiDataPlatforms/adp1/workspaces/ws1/notebook/"
TOKEN = "docs2sdk-test-token"


@dataclass(frozen=True)
class Backend:
    url: str
    headers: dict[str, str]


@contextmanager
def jupyter_server(root: Path, base_url: str = "/") -> Iterator[str]:
    """A real jupyter_server serving ``root`` at ``base_url``, its runtime and config
    files kept in ``root`` (a config PATCH writes there, not in the user's home)."""
    (root / "work").mkdir()
    command = [
        sys.executable, "-m", "jupyter_server",
        "--ServerApp.ip=127.0.0.1", "--ServerApp.port={port}",
        f"--ServerApp.base_url={base_url}", f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={root}", "--ServerApp.open_browser=False",
        "--allow-root",
    ]  # fmt: skip
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(root / ".runtime"),
        "JUPYTER_CONFIG_DIR": str(root / ".config"),
    }
    with serving(command, env) as url:
        yield url


@pytest.fixture(scope="module", params=["stub", "jupyter_server"])
def backend(
    request: pytest.FixtureRequest, aidp_sdk: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    if request.param == "stub":
        seed = tmp_path_factory.mktemp("seed") / "workspace.json"
        workspaces = "/20260430/aiDataPlatforms/adp1/workspaces"
        seed.write_text(json.dumps({workspaces: [{"key": "ws1", "displayName": "w"}]}))
        with running_stub(aidp_sdk.parent, "--data", str(seed)) as url:
            yield Backend(url, {})
    else:
        with jupyter_server(tmp_path_factory.mktemp("notebooks"), BASE) as url:
            yield Backend(url, {"Authorization": f"token {TOKEN}"})


def test_session_lifecycle(backend: Backend) -> None:
    from aidp_workbench import Client, NotFoundError
    from aidp_workbench.models import Session

    ids = {"ai_data_platform_id": "adp1", "workspace_key": "ws1"}
    with Client(backend.url, headers=backend.headers, retries=0) as client:
        body = {"path": "work/a.ipynb", "type": "notebook", "name": "first"}
        created = client.create_session(**ids, body={**body, "kernel": {"name": "python3"}})
        assert created.status_code == 201
        session = created.data
        assert isinstance(session, Session)
        assert (session.path, session.name, session.type) == ("work/a.ipynb", "first", "notebook")
        assert session.kernel is not None and session.kernel.name == "python3"

        fetched = client.get_session(**ids, session_id=session.id)
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
            client.get_session(**ids, session_id=session.id)
        assert info.value.status_code == 404
        assert session.id in info.value.message
