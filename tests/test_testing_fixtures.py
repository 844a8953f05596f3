"""The generated package's pytest fixtures, used as a user would: a test suite of its own,
run by pytest in a process of its own, with ``pytest_plugins = ["aidp_workbench.testing"]``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CONFTEST = 'pytest_plugins = ["aidp_workbench.testing"]\n'
USER_TESTS = """
import asyncio

import pytest

from aidp_workbench import ServiceUnavailableError
from aidp_workbench.testing import stub_client

IDS = {"ai_data_platform_id": "adp1", "workspace_key": "ws1"}


@pytest.fixture
def stub_data():
    return {"/20260430/aiDataPlatforms/adp1/workspaces": [{"key": "ws1", "displayName": "w"}]}


def test_create_then_read(client):
    created = client.create_session(**IDS, body={"path": "a.ipynb", "name": "first"})
    fetched = client.get_session(**IDS, session_id=created.data.id)
    assert fetched.data.name == "first"


def test_each_test_gets_a_fresh_stub(client):
    assert client.list_sessions(**IDS).data.items == []


def test_faults_for_a_client(stub):
    with stub_client(stub, faults="503;count=1") as failing:
        with pytest.raises(ServiceUnavailableError):
            failing.list_sessions(**IDS)
    with stub_client(stub, faults="503;count=1", retries=2) as retrying:
        assert retrying.list_sessions(**IDS).status_code == 200


def test_async_client(async_client):
    async def scenario():
        created = await async_client.create_session(**IDS, body={"path": "b.ipynb"})
        return (await async_client.get_session(**IDS, session_id=created.data.id)).data

    assert asyncio.run(scenario()).path == "b.ipynb"
"""
SEEDED_TESTS = """
import pytest

PATH = "/20260430/aiDataPlatforms/adp1/workspaces/ws1/notebook/api/sessions"


@pytest.fixture
def stub_data():
    return {
        "/20260430/aiDataPlatforms/adp1/workspaces": [{"key": "ws1", "displayName": "w"}],
        PATH: [{"id": "s1", "name": "seeded", "path": "x.ipynb"}],
    }


def test_seeded(client):
    session = client.get_session(
        ai_data_platform_id="adp1", workspace_key="ws1", session_id="s1"
    )
    assert session.data.name == "seeded"
"""


def test_a_user_suite_runs_on_the_fixtures(aidp_sdk: Path, tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (tmp_path / "test_user.py").write_text(USER_TESTS, encoding="utf-8")
    (tmp_path / "test_seeded.py").write_text(SEEDED_TESTS, encoding="utf-8")
    path = os.pathsep.join(filter(None, [str(aidp_sdk.parent), os.environ.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": path},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "5 passed" in result.stdout
