"""A successful call never fails on a body that differs from the docs, and requests are
sent as the caller wrote them: the installed aidp_workbench client against a real
loopback server that answers what real servers answer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .scripted_server import Reply, ScriptedServer, scripted_server

IDS = {"ai_data_platform_id": "ocid1.adp", "workspace_key": "ws1"}
SESSION = {"id": "s1", "name": "first", "path": "a.ipynb", "type": "notebook"}


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with scripted_server() as running:
        yield running


@pytest.fixture
def client(aidp_sdk: Path, server: ScriptedServer) -> Iterator[Any]:
    from aidp_workbench import Client

    with Client(server.url, retries=0) as made:
        yield made


def get_session(client: Any, server: ScriptedServer, body: Any) -> Any:
    server.script(Reply(200, body))
    return client.get_session(**IDS, session_id="s1")


@pytest.mark.parametrize(
    ("body", "field", "kept", "problem"),
    [
        ({"name": "first"}, "id", None, "Session.id: documented as required, missing"),
        ({**SESSION, "id": 7}, "id", 7, "Session.id: Input should be a valid string"),
        ({**SESSION, "name": None}, "name", None, "Session.name: Input should be a valid string"),
        (
            {**SESSION, "lifecycleState": "HIBERNATING"},
            "lifecycle_state",
            "HIBERNATING",
            "'HIBERNATING' is not a documented value",
        ),
        (
            {**SESSION, "kernel": [{"id": "k"}]},
            "kernel",
            [{"id": "k"}],
            "Session.kernel: Input should be a valid dictionary",
        ),
    ],
    ids=["missing-required", "wrong-type", "null", "unknown-enum", "list-for-object"],
)
def test_a_deviating_body_is_read_as_sent(
    client: Any, server: ScriptedServer, body: Any, field: str, kept: Any, problem: str
) -> None:
    from aidp_workbench.models import Session

    response = get_session(client, server, body)
    assert response.status_code == 200
    assert isinstance(response.data, Session)
    assert getattr(response.data, field) == kept
    assert any(problem in p for p in response.problems), response.problems
    if "name" in body and field != "name":
        assert response.data.name == body["name"], "the fields that fit stay typed"


def test_nested_models_that_fit_stay_typed(client: Any, server: ScriptedServer) -> None:
    from aidp_workbench.models import Kernel

    response = get_session(client, server, {**SESSION, "id": 7, "kernel": {"id": "k1"}})
    assert isinstance(response.data.kernel, Kernel) and response.data.kernel.id == "k1"


def test_an_extra_field_is_kept_and_no_problem(client: Any, server: ScriptedServer) -> None:
    response = get_session(client, server, {**SESSION, "newField": {"a": 1}})
    assert response.data.model_extra == {"newField": {"a": 1}}
    assert response.problems == ()


def test_a_list_where_an_object_is_documented(client: Any, server: ScriptedServer) -> None:
    response = get_session(client, server, [SESSION])
    assert response.data == [SESSION]
    assert response.problems == (
        "Input should be a valid dictionary or instance of Session, kept as sent",
    )


def test_a_body_that_is_not_json_is_kept_as_text(client: Any, server: ScriptedServer) -> None:
    response = get_session(client, server, "<html>oops</html>")
    assert response.data == "<html>oops</html>"
    assert response.problems == ("the body is not JSON, kept as text",)


def test_each_problem_is_logged_once_per_operation(
    client: Any, server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="aidp_workbench")
    body = {**SESSION, "type": "a-type-logged-once"}
    for _ in range(3):
        get_session(client, server, body)
    logged = [r.getMessage() for r in caplog.records if "a-type-logged-once" in r.getMessage()]
    assert len(logged) == 1
    assert logged[0].startswith("GET /20260430/aiDataPlatforms/{aiDataPlatformId}/")


def test_strict_turns_problems_into_an_api_error(aidp_sdk: Path, server: ScriptedServer) -> None:
    from aidp_workbench import ApiError, Client
    from aidp_workbench.errors import UnexpectedResponseError

    server.script(Reply(200, {"name": "first"}, {"opc-request-id": "r9"}))
    with (
        Client(server.url, retries=0, strict=True) as client,
        pytest.raises(UnexpectedResponseError) as caught,
    ):
        client.get_session(**IDS, session_id="s1")
    error = caught.value
    assert isinstance(error, ApiError)
    assert error.status_code == 200 and error.request_id == "r9"
    assert error.response is not None and error.response.json() == {"name": "first"}
    assert error.problems == ("Session.id: documented as required, missing",)
    server.script(Reply(200, SESSION))
    with Client(server.url, retries=0, strict=True) as client:
        assert client.get_session(**IDS, session_id="s1").data.id == "s1"


def test_the_async_client_is_lenient_too(aidp_sdk: Path, server: ScriptedServer) -> None:
    from aidp_workbench import AsyncClient

    async def call() -> Any:
        async with AsyncClient(server.url, retries=0) as client:
            return await client.get_session(**IDS, session_id="s1")

    server.script(Reply(200, {"name": "first"}))
    response = asyncio.run(call())
    assert response.data.name == "first" and response.problems


def test_a_redirect_is_followed(client: Any, server: ScriptedServer) -> None:
    elsewhere = "/20260430/aiDataPlatforms/ocid1.adp/workspaces/ws1/notebook/api/sessions/s2"
    server.script(Reply(302, "", {"location": elsewhere}), Reply(200, SESSION))
    response = client.get_session(**IDS, session_id="s1")
    assert response.data.id == "s1"
    assert [seen.path for seen in server.seen][1] == elsewhere


@pytest.mark.parametrize("status", [300, 304])
def test_a_redirect_not_followed_is_an_error(
    client: Any, server: ScriptedServer, status: int
) -> None:
    from aidp_workbench import ApiError

    server.script(Reply(status, ""))
    with pytest.raises(ApiError) as caught:
        client.get_session(**IDS, session_id="s1")
    assert caught.value.status_code == status
    assert caught.value.response is not None


def test_a_dict_body_is_sent_as_given(client: Any, server: ScriptedServer) -> None:
    # The docs may be wrong: a value they do not list, a required field left out.
    body = {"path": "a.ipynb", "type": "a-type-the-docs-lack", "kernel": {"name": "python3"}}
    server.script(Reply(201, SESSION))
    client.create_session(**IDS, body=body)
    assert server.seen[0].json() == body


def test_a_model_body_is_checked_when_built(aidp_sdk: Path) -> None:
    from aidp_workbench.models import CreateSessionDetails
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        CreateSessionDetails.model_validate({"path": "a.ipynb", "kernel": {"execution_state": "x"}})
