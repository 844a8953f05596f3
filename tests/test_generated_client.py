"""The generated aidp_workbench client, installed, against a real loopback server."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from .scripted_server import Reply, ScriptedServer, scripted_server

IDS = {"ai_data_platform_id": "ocid1.adp", "workspace_key": "ws1"}
PREFIX = "/20260430/aiDataPlatforms/ocid1.adp/workspaces/ws1/notebook/api/sessions"
SESSION = {"id": "s1", "name": "first", "path": "a.ipynb", "type": "notebook"}
ERROR = {"code": "NotAuthorizedOrNotFound", "message": "Session s9 not found"}


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with scripted_server() as running:
        yield running


@pytest.fixture
def client(aidp_sdk: Path, server: ScriptedServer) -> Iterator[Any]:
    from aidp_workbench import Client, Retries

    with Client(server.url, retries=Retries(total=3, backoff=0.01)) as made:
        yield made


def test_call_sends_the_documented_request(client: Any, server: ScriptedServer) -> None:
    server.script(Reply(200, SESSION, {"etag": "e1", "opc-request-id": "r1"}))
    response = client.get_session(**IDS, session_id="a/b c", opc_request_id=None)
    request = server.seen[0]
    assert request.method == "GET"
    assert request.path == f"{PREFIX}/a%2Fb%20c"
    assert len(request.headers["opc-request-id"]) == 32, "generated when not given"
    assert (response.status_code, response.etag, response.request_id) == (200, "e1", "r1")
    assert response.data.name == "first"


def test_query_parameters_none_left_out(client: Any, server: ScriptedServer) -> None:
    server.script(Reply(200, {"items": [SESSION]}))
    response = client.list_sessions(**IDS, limit=10, sort_order="ASC", page=None)
    assert server.seen[0].path == f"{PREFIX}?limit=10&sortOrder=ASC"
    assert response.data.items[0].id == "s1"


def test_patch_sends_only_what_was_set(client: Any, server: ScriptedServer) -> None:
    from aidp_workbench.models import PatchSessionDetails

    server.script(Reply(200, SESSION), Reply(200, SESSION), Reply(200, SESSION))
    client.patch_session(**IDS, session_id="s1", body=PatchSessionDetails(name="renamed"))
    client.patch_session(**IDS, session_id="s1", body=PatchSessionDetails(cluster_id=None))
    client.patch_session(**IDS, session_id="s1", body={"name": "x", "must_refresh_context": True})
    assert server.seen[0].json() == {"name": "renamed"}
    assert server.seen[1].json() == {"cluster_id": None}, "an explicit None is sent as null"
    assert server.seen[2].json() == {"name": "x", "must_refresh_context": True}
    assert server.seen[0].headers["content-type"] == "application/json"


def test_json_names_go_over_the_wire_unchanged(client: Any, server: ScriptedServer) -> None:
    from aidp_workbench.models import CreateSessionDetails

    server.script(Reply(201, SESSION))
    body = CreateSessionDetails(path="a.ipynb", cluster_id="c1", agent_flow_key="k1")
    client.create_session(**IDS, body=body)
    assert server.seen[0].json() == {"path": "a.ipynb", "cluster_id": "c1", "agentFlowKey": "k1"}


def test_responses_keep_unknown_fields_and_enum_values(client: Any, server: ScriptedServer) -> None:
    server.script(Reply(200, {**SESSION, "lifecycleState": "HIBERNATING", "newField": [1, 2]}))
    session = client.get_session(**IDS, session_id="s1").data
    assert session.lifecycle_state == "HIBERNATING"
    assert session.model_extra == {"newField": [1, 2]}
    assert session.to_wire()["newField"] == [1, 2]


def test_request_enums_are_checked(aidp_sdk: Path) -> None:
    from aidp_workbench.models import Session

    assert Session(id="s", name="n", lifecycle_state="ACTIVE").lifecycle_state == "ACTIVE"
    with pytest.raises(ValidationError):
        Session(id="s", name="n", lifecycle_state="HIBERNATING")


def test_date_time_fields_parse_to_datetime(aidp_sdk: Path) -> None:
    from datetime import datetime, timezone

    from aidp_workbench.models import AggregatedDataPoint

    point = AggregatedDataPoint.model_validate({"timestamp": "2026-01-02T03:04:05Z", "value": 1})
    assert point.timestamp == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert point.to_wire() == {"timestamp": "2026-01-02T03:04:05Z", "value": 1.0}


@pytest.mark.parametrize(
    ("status", "body", "error", "code", "message"),
    [
        (404, ERROR, "NotFoundError", "NotAuthorizedOrNotFound", "Session s9 not found"),
        (400, "bad input here", "BadRequestError", None, "bad input here"),
        (
            500,
            "<html><body><h1>Oops</h1> broke</body></html>",
            "InternalServerError",
            None,
            "Oops broke",
        ),
        (412, {"detail": "stale etag"}, "PreconditionFailedError", None, "stale etag"),
        # A JSON body with no message of its own: the status says what happened.
        (418, {"unexpected": True}, "ApiError", None, "I'm a Teapot"),
    ],
)
def test_error_statuses_raise_typed_errors(
    aidp_sdk: Path,
    server: ScriptedServer,
    status: int,
    body: Any,
    error: str,
    code: Any,
    message: str,
) -> None:
    import aidp_workbench
    from aidp_workbench import ApiError, Client

    server.script(Reply(status, body, {"opc-request-id": "req-9"}))
    with Client(server.url, retries=0) as client, pytest.raises(ApiError) as info:
        client.get_session(**IDS, session_id="s9")
    assert type(info.value) is getattr(aidp_workbench, error)
    assert (info.value.status_code, info.value.code, info.value.message) == (status, code, message)
    assert info.value.request_id == "req-9"
    assert info.value.headers["opc-request-id"] == "req-9"


def test_retries_keep_the_retry_token(client: Any, server: ScriptedServer) -> None:
    server.script(
        Reply(503, ERROR),
        Reply(429, ERROR, {"retry-after": "0"}),
        Reply(409, {"code": "IncorrectState", "message": "busy"}),
        Reply(201, SESSION),
    )
    response = client.create_session(**IDS, body={"path": "a.ipynb"})
    assert response.status_code == 201
    tokens = {r.headers["opc-retry-token"] for r in server.seen}
    assert len(server.seen) == 4 and len(tokens) == 1


def test_retries_stop_where_they_should(aidp_sdk: Path, server: ScriptedServer) -> None:
    from aidp_workbench import Client, ConflictError, Retries, ServiceUnavailableError

    with Client(server.url, retries=Retries(total=2, backoff=0.01)) as client:
        server.script(Reply(409, {"code": "Conflict", "message": "no"}))
        with pytest.raises(ConflictError):
            client.get_session(**IDS, session_id="s1")
        assert len(server.seen) == 1, "a 409 without a retryable code is not retried"
        server.script(*[Reply(503, ERROR)] * 5)
        with pytest.raises(ServiceUnavailableError):
            client.get_session(**IDS, session_id="s1")
        assert len(server.seen) == 3
    with Client(server.url, retries=0) as client:
        server.script(Reply(503, ERROR), Reply(200, SESSION))
        with pytest.raises(ServiceUnavailableError):
            client.get_session(**IDS, session_id="s1")
        assert len(server.seen) == 1


def test_connection_errors_are_retried_then_raised(aidp_sdk: Path) -> None:
    from aidp_workbench import ApiConnectionError, ApiError, Client, Retries

    attempts = []

    def refuse(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        raise httpx.ConnectError("refused", request=request)

    http = httpx.Client(base_url="http://127.0.0.1:9", transport=httpx.MockTransport(refuse))
    retries = Retries(total=2, backoff=0.01)
    with (
        Client("http://127.0.0.1:9", http_client=http, retries=retries) as client,
        pytest.raises(ApiConnectionError) as caught,
    ):
        client.get_session(**IDS, session_id="s1")
    assert len(attempts) == 3
    assert isinstance(caught.value, ApiError) and isinstance(caught.value, ConnectionError)
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert "refused (3 attempt(s))" in str(caught.value)


def test_pages_follow_opc_next_page(client: Any, server: ScriptedServer) -> None:
    server.script(
        Reply(200, {"items": [SESSION]}, {"opc-next-page": "p2"}),
        Reply(200, {"items": [{**SESSION, "id": "s2"}]}),
    )
    pages = list(client.list_sessions_pages(**IDS, limit=1))
    assert [p.data.items[0].id for p in pages] == ["s1", "s2"]
    assert "page=p2" in server.seen[1].path and "page=" not in server.seen[0].path


def test_async_client(aidp_sdk: Path, server: ScriptedServer) -> None:
    from aidp_workbench import AsyncClient, NotFoundError

    async def scenario() -> None:
        async with AsyncClient(server.url, retries=0) as client:
            server.script(Reply(200, SESSION), Reply(404, ERROR))
            response = await client.get_session(**IDS, session_id="s1")
            assert response.data.id == "s1"
            with pytest.raises(NotFoundError):
                await client.delete_session(**IDS, session_id="s1")

    asyncio.run(scenario())


def test_importing_the_client_loads_no_model_nor_pydantic_nor_the_server_nor_oci(
    aidp_sdk: Path,
) -> None:
    # A command-line tool that imports the client starts fast: models and pydantic
    # load with the first call that needs them, the stub server and oci never.
    code = (
        "import sys, aidp_workbench\n"
        "from aidp_workbench import Client\n"
        "print(sorted(m for m in sys.modules"
        " if m.partition('.')[0] in ('pydantic', 'starlette', 'uvicorn', 'oci', 'cryptography')"
        " or m.startswith('aidp_workbench.models.') or m == 'aidp_workbench.server'))"
    )
    env = {**os.environ, "PYTHONPATH": str(aidp_sdk.parent)}
    loaded = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"


def test_a_deprecated_operation_warns_naming_its_page(
    client: Any, server: ScriptedServer, aidp_model: Any
) -> None:
    op = next(
        o
        for o in aidp_model.operations
        if o.title.startswith("(Deprecated)") and o.path.endswith("/bundles/actions/sync")
    )
    server.script(Reply(200, {}))
    with pytest.warns(DeprecationWarning, match=op.page):
        getattr(client, op.name)(**IDS, body={})
    assert server.seen[0].path.endswith("/bundles/actions/sync")
