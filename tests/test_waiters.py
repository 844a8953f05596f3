"""Waiting for a resource's lifecycle state, against the stub, whose created resources
move from their first documented state (CREATING) to the one they settle in (ACTIVE)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

IDS = {"ai_data_platform_id": "ocid1.adp", "workspace_key": "ws1"}
SESSIONS = "/20260430/aiDataPlatforms/ocid1.adp/workspaces/ws1/notebook/api/sessions"
# The workspace the sessions are in: what a path names must exist.
WORKSPACE = {
    "/20260430/aiDataPlatforms/ocid1.adp/workspaces": [{"key": "ws1", "displayName": "ws1"}]
}


def _client(lifecycle_delay: float = 0.0, data: Any = None) -> Any:
    from aidp_workbench.server import create_app
    from aidp_workbench.testing import stub_client

    seed = {**WORKSPACE, **(data or {})}
    return stub_client(create_app(lifecycle_delay=lifecycle_delay, data=seed))


def test_a_created_session_becomes_active(aidp_sdk: Path) -> None:
    with _client(lifecycle_delay=0.3) as client:
        created = client.create_session(**IDS, body={"name": "s"}).data
        assert created.lifecycle_state == "CREATING"
        ids = {**IDS, "session_id": created.id}
        assert client.get_session(**ids).data.lifecycle_state == "CREATING"
        started = time.monotonic()
        reached = client.wait_for_session(**ids, states=["ACTIVE"], timeout=10)
        assert reached.data.lifecycle_state == "ACTIVE"
        # One poll at once, the next a second later: the state moved in between.
        assert 0.9 < time.monotonic() - started < 5


def test_with_no_delay_the_first_read_is_the_next_state(aidp_sdk: Path) -> None:
    with _client() as client:
        created = client.create_session(**IDS, body={}).data
        assert created.lifecycle_state == "CREATING"
        ids = {**IDS, "session_id": created.id}
        assert client.wait_for_session(**ids, states=["ACTIVE"]).data.lifecycle_state == "ACTIVE"
        listed = client.list_sessions(**IDS).data.items
        assert [s.lifecycle_state for s in listed] == ["ACTIVE"]


def test_timeout(aidp_sdk: Path) -> None:
    from aidp_workbench.waiters import WaitTimeoutError

    with _client(lifecycle_delay=60) as client:
        created = client.create_session(**IDS, body={}).data
        started = time.monotonic()
        with pytest.raises(WaitTimeoutError, match="still 'CREATING'") as raised:
            client.wait_for_session(**IDS, session_id=created.id, states=["ACTIVE"], timeout=0.5)
        assert 0.5 <= time.monotonic() - started < 2
        assert raised.value.response.data.lifecycle_state == "CREATING"
        assert isinstance(raised.value, TimeoutError)


def test_a_failure_state_ends_the_wait_at_once(aidp_sdk: Path) -> None:
    from aidp_workbench.waiters import WaitFailedError

    seeded = {SESSIONS: [{"id": "broken", "lifecycleState": "FAILED"}]}
    with _client(data=seeded) as client:
        started = time.monotonic()
        with pytest.raises(WaitFailedError, match="'FAILED', a failure; waited for ACTIVE"):
            client.wait_for_session(**IDS, session_id="broken", states=["ACTIVE"])
        assert time.monotonic() - started < 0.5
        # Asked for, a failure state is a state like any other.
        done = client.wait_for_session(**IDS, session_id="broken", states=["ACTIVE", "FAILED"])
        assert done.data.lifecycle_state == "FAILED"


def test_waiting_for_deletion_ends_at_404(aidp_sdk: Path) -> None:
    from aidp_workbench import NotFoundError

    with _client() as client:
        created = client.create_workspace(
            ai_data_platform_id="ocid1.adp", body={"displayName": "w"}
        ).data
        assert created.lifecycle_state == "CREATING"
        ids = {"ai_data_platform_id": "ocid1.adp", "workspace_key": created.key}
        # The next documented state is UPDATING, a transition too: it settles in ACTIVE.
        assert client.wait_for_workspace(**ids, states=["ACTIVE"]) is not None
        client.delete_workspace(**ids)
        assert client.wait_for_workspace(**ids, states=["DELETED"]) is None
        # For any other state, a resource that is gone is an error.
        with pytest.raises(NotFoundError):
            client.wait_for_workspace(**ids, states=["ACTIVE"])


def test_async_wait(aidp_sdk: Path) -> None:
    from aidp_workbench.server import create_app
    from aidp_workbench.testing import async_stub_client

    async def main() -> str:
        async with async_stub_client(create_app(lifecycle_delay=0.2, data=WORKSPACE)) as client:
            created = (await client.create_session(**IDS, body={})).data
            reached = await client.wait_for_session(
                **IDS, session_id=created.id, states=["ACTIVE"], timeout=10
            )
            return str(reached.data.lifecycle_state)

    assert asyncio.run(main()) == "ACTIVE"


def test_polls_back_off_up_to_the_maximum(aidp_sdk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from aidp_workbench import waiters

    slept: list[float] = []
    monkeypatch.setattr(waiters.time, "sleep", slept.append)
    answers = iter([{"state": "CREATING"}] * 6 + [{"state": "ACTIVE"}])

    class Answer:
        def __init__(self) -> None:
            self.data = next(answers)

    reached = waiters.wait_until(Answer, "state", {"ACTIVE"}, interval=1, max_interval=5)
    assert reached is not None and reached.data == {"state": "ACTIVE"}
    assert slept == [1, 2, 4, 5, 5, 5]
    with pytest.raises(ValueError, match="at least one state"):
        waiters.wait_until(Answer, "state", [])


def test_which_states_a_new_resource_takes(aidp_sdk: Path) -> None:
    from aidp_workbench.waiters import settling

    assert settling(["CREATING", "UPDATING", "FAILED", "ACTIVE", "DELETED"]) == (
        "CREATING",
        "ACTIVE",
    )
    # A first state that is settled already (ACTIVE, DRAFT) is kept.
    assert settling(["ACTIVE", "CREATING", "DELETING"]) is None
    assert settling(["DRAFT", "DEPLOYED"]) is None
    assert settling(["CREATING", "FAILED"]) is None
    assert settling([]) is None
