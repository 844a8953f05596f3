"""The generated stub server (``aidp_workbench.server``), run for real by uvicorn in a
process of its own and driven by the generated client."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.generate.server_spec import server_spec
from generator.model import load_model

from .conftest import AIDP_PROJECT, ROOT

WORKSPACES = "/20260430/aiDataPlatforms/{platform}/workspaces"
SESSIONS = "/20260430/aiDataPlatforms/{platform}/workspaces/{workspace}/notebook/api/sessions"
JOBS = "/20260430/aiDataPlatforms/{platform}/workspaces/{workspace}/jobs"
FAULT = "x-docs2sdk-fault"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Any) -> None:
    """Wait for any HTTP answer at ``url``; a process that dies shows its log."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(url)
            return
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(log.read().decode(errors="replace"))
        time.sleep(0.05)
    raise RuntimeError(f"nothing answers at {url} after 60 s")


@contextmanager
def serving(command: list[str], env: dict[str, str] | None = None) -> Iterator[str]:
    """Run ``command`` with ``{port}`` filled in; yield its URL once it answers."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [part.format(port=port) for part in command],
            stdout=subprocess.DEVNULL, stderr=log, env=env, cwd=ROOT,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(url, process, log)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)


@contextmanager
def running_stub(site: Path, *options: str) -> Iterator[str]:
    """``python -m aidp_workbench.server`` with the package installed in ``site``."""
    path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "aidp_workbench.server", "--port", "{port}", *options]
    with serving(command, {**os.environ, "PYTHONPATH": path}) as url:
        yield url


@pytest.fixture(scope="module")
def stub(aidp_sdk: Path) -> Iterator[str]:
    with running_stub(aidp_sdk.parent) as url:
        yield url


def new_workspace(stub: str, platform: str = "adp1") -> dict[str, str]:
    """A workspace made on the stub, where sessions and the like can be made: the
    resources a path names must exist."""
    url = stub + WORKSPACES.format(platform=platform)
    made = httpx.post(url, json={"displayName": f"ws-{uuid.uuid4().hex[:8]}"})
    assert made.status_code == 201, made.text
    return {"ai_data_platform_id": platform, "workspace_key": made.json()["key"]}


@pytest.fixture
def ids(stub: str) -> dict[str, str]:
    """A workspace of its own for each test, so tests never see each other's sessions."""
    return new_workspace(stub)


@pytest.fixture
def client(stub: str) -> Iterator[Any]:
    from aidp_workbench import Client

    with Client(stub, retries=0) as made:
        yield made


def sessions_url(stub: str, ids: dict[str, str]) -> str:
    path = SESSIONS.format(platform=ids["ai_data_platform_id"], workspace=ids["workspace_key"])
    return stub + path


def test_stale_if_match_is_precondition_failed(client: Any, ids: dict[str, str]) -> None:
    from aidp_workbench import PreconditionFailedError

    created = client.create_session(**ids, body={"path": "a.ipynb"})
    sid, first = created.data.id, created.etag
    renamed = client.patch_session(**ids, session_id=sid, body={"name": "b"}, if_match=first)
    assert renamed.etag and renamed.etag != first
    with pytest.raises(PreconditionFailedError) as info:
        client.patch_session(**ids, session_id=sid, body={"name": "c"}, if_match=first)
    assert info.value.code == "NoEtagMatch" and first in info.value.message
    with pytest.raises(PreconditionFailedError):
        client.delete_session(**ids, session_id=sid, if_match=first)
    current = client.get_session(**ids, session_id=sid)
    assert (current.data.name, current.etag) == ("b", renamed.etag)
    assert client.delete_session(**ids, session_id=sid, if_match=renamed.etag).status_code == 204


def test_invalid_requests_are_bad_requests_naming_the_field(
    client: Any, ids: dict[str, str]
) -> None:
    from aidp_workbench import BadRequestError
    from aidp_workbench.models import CreateClusterDetails, PatchSessionDetails

    sid = client.create_session(**ids, body={"path": "a.ipynb"}).data.id
    # model_construct skips the client's own checks, so the wrong values reach the server;
    # pydantic warns about them while serializing.
    wrong_type = PatchSessionDetails.model_construct(name=5)
    no_driver = CreateClusterDetails.model_construct(type="USER", display_name="c")
    big = CreateClusterDetails.model_construct(type="BIG", display_name="c", driver_config={})
    cluster = "create_cluster"
    wrong = [
        (
            "patch_session",
            {"session_id": sid, "body": wrong_type},
            "Invalid request body field 'name': must be a string, got 5",
        ),
        (cluster, {"body": no_driver}, "Invalid request body field 'driverConfig': is required"),
        (
            cluster,
            {"body": big},
            'Invalid request body field \'type\': must be one of "USER", "AI_COMPUTE", got "BIG"',
        ),
        (
            "list_sessions",
            {"limit": "ten"},
            "Invalid query parameter 'limit': must be an integer, got 'ten'",
        ),
        (
            "create_session",
            {"body": {"path": "a.ipynb"}, "opc_retry_token": "x" * 65},
            "Invalid header parameter 'opc-retry-token': must be at most 64 characters long",
        ),
    ]
    for method, arguments, message in wrong:
        with warnings.catch_warnings(), pytest.raises(BadRequestError) as info:
            warnings.simplefilter("ignore")
            getattr(client, method)(**ids, **arguments)
        assert (info.value.code, info.value.message) == ("InvalidParameter", message)


def test_listing_finds_created_sessions_filtered_and_paged(
    client: Any, stub: str, ids: dict[str, str]
) -> None:
    made = [
        client.create_session(**ids, body={"path": f"n{i}.ipynb", "name": f"s{i}"}).data.id
        for i in range(5)
    ]
    assert [s.id for s in client.list_sessions(**ids).data.items] == made
    only = client.list_sessions(**ids, path="n3.ipynb").data.items
    assert [(s.id, s.name) for s in only] == [(made[3], "s3")]
    pages = list(client.list_sessions_pages(**ids, limit=2))
    assert [len(p.data.items) for p in pages] == [2, 2, 1]
    assert [s.id for p in pages for s in p.data.items] == made
    other = new_workspace(stub)
    assert client.list_sessions(**other).data.items == []


def test_every_response_has_an_opc_request_id(client: Any, stub: str, ids: dict[str, str]) -> None:
    from aidp_workbench import NotFoundError

    created = client.create_session(**ids, body={"path": "a.ipynb"}, opc_request_id="MINE-1")
    assert created.request_id == "MINE-1", "echoed"
    with pytest.raises(NotFoundError) as info:
        client.get_session(**ids, session_id="nope", opc_request_id="MINE-2")
    assert info.value.request_id == "MINE-2"
    url = sessions_url(stub, ids)
    answers = [
        httpx.get(url),
        httpx.put(url, json={}),
        httpx.get(f"{stub}/nowhere"),
        httpx.post(url, content=b"{", headers={"content-type": "application/json"}),
        httpx.get(url, headers={FAULT: "503"}),
        httpx.delete(f"{url}/{created.data.id}"),
    ]
    assert [a.status_code for a in answers] == [200, 405, 404, 400, 503, 204]
    for answer in answers:
        assert len(answer.headers["opc-request-id"]) == 32, "generated when not sent"


@pytest.mark.parametrize("status", [429, 503])
def test_retries_get_through_injected_faults(stub: str, ids: dict[str, str], status: int) -> None:
    from aidp_workbench import ApiError, Client, Retries

    fault = {FAULT: f"{status};count=2;retry-after=0"}
    with Client(stub, headers=fault, retries=Retries(total=3, backoff=0.01)) as client:
        created = client.create_session(**ids, body={"path": "a.ipynb"})
        assert created.status_code == 201
        fetched = client.get_session(**ids, session_id=created.data.id)
        assert fetched.data.id == created.data.id
    for retries in (0, Retries(total=1, backoff=0.01)):
        with Client(stub, headers=fault, retries=retries) as client:
            with pytest.raises(ApiError) as info:
                client.list_sessions(**ids)
            assert (info.value.status_code, info.value.headers["retry-after"]) == (status, "0")
            # Another call is another request: its first two attempts fail again.
            with pytest.raises(ApiError):
                client.list_sessions(**ids)
    with Client(stub, retries=0) as client:
        assert len(client.list_sessions(**ids).data.items) == 1


def test_injected_delay(client: Any, stub: str, ids: dict[str, str]) -> None:
    from aidp_workbench import Client

    with Client(stub, headers={FAULT: "delay=0.3"}, retries=0) as slow:
        start = time.monotonic()
        slow.list_sessions(**ids)
        assert time.monotonic() - start >= 0.3
    assert httpx.get(sessions_url(stub, ids), headers={FAULT: "nonsense"}).status_code == 400


def test_concurrent_writers_with_one_etag_exactly_one_wins(stub: str, ids: dict[str, str]) -> None:
    from aidp_workbench import AsyncClient, PreconditionFailedError

    async def scenario() -> None:
        async with AsyncClient(stub, retries=0) as client:
            created = await client.create_session(**ids, body={"path": "a.ipynb"})
            sid, etag = created.data.id, created.etag
            writes = [
                client.patch_session(**ids, session_id=sid, body={"name": f"w{i}"}, if_match=etag)
                for i in range(20)
            ]
            results = await asyncio.gather(*writes, return_exceptions=True)
            wins = [r for r in results if not isinstance(r, BaseException)]
            assert len(wins) == 1
            losses = [r for r in results if isinstance(r, BaseException)]
            assert all(isinstance(r, PreconditionFailedError) for r in losses)
            final = await client.get_session(**ids, session_id=sid)
            assert (final.data.name, final.etag) == (wins[0].data.name, wins[0].etag)

    asyncio.run(scenario())


def test_retry_token_replays_the_first_answer(client: Any, ids: dict[str, str]) -> None:
    from aidp_workbench import ConflictError

    token = uuid.uuid4().hex
    first = client.create_session(**ids, body={"path": "a.ipynb"}, opc_retry_token=token)
    again = client.create_session(**ids, body={"path": "a.ipynb"}, opc_retry_token=token)
    assert (again.status_code, again.data, again.etag) == (201, first.data, first.etag)
    assert len(client.list_sessions(**ids).data.items) == 1
    with pytest.raises(ConflictError) as info:
        client.create_session(**ids, body={"path": "b.ipynb"}, opc_retry_token=token)
    assert info.value.code == "InvalidatedRetryToken"
    assert len(client.list_sessions(**ids).data.items) == 1


def test_protocol_errors_answer_the_error_body(stub: str, ids: dict[str, str]) -> None:
    url = sessions_url(stub, ids)
    json_type = {"content-type": "application/json"}
    not_allowed = httpx.put(url, json={})
    assert not_allowed.status_code == 405
    assert not_allowed.json()["code"] == "MethodNotAllowed"
    assert set(not_allowed.headers["allow"].split(", ")) == {"GET", "POST"}
    too_big = httpx.post(url, content=b" " * (1024 * 1024 + 1), headers=json_type)
    assert (too_big.status_code, too_big.json()["code"]) == (413, "PayloadTooLarge")
    malformed = httpx.post(url, content=b'{"path": ', headers=json_type)
    assert (malformed.status_code, malformed.json()["code"]) == (400, "InvalidParameter")
    assert "malformed JSON" in malformed.json()["message"]
    text = httpx.post(url, content=b"{}", headers={"content-type": "text/plain"})
    assert (text.status_code, text.json()["code"]) == (415, "UnsupportedMediaType")
    unknown = httpx.get(f"{stub}/20260430/nothing/here")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "NotAuthorizedOrNotFound")
    for answer in (not_allowed, too_big, malformed, text, unknown):
        assert set(answer.json()) == {"code", "message"}


def test_path_traversal_is_only_an_unknown_id(client: Any, stub: str, ids: dict[str, str]) -> None:
    from aidp_workbench import NotFoundError

    for weird in ("../..", "../../etc/passwd", "a/../b", "%2e%2e"):
        with pytest.raises(NotFoundError) as info:
            client.get_session(**ids, session_id=weird)
        assert repr(weird) in info.value.message, "one segment: the id, encoded"
    # A bare ".." is not encoded by the client, so httpx removes it as a dot segment.
    with pytest.raises(NotFoundError):
        client.get_session(**ids, session_id="..")
    # Dot segments sent as they are (httpx would remove them): still a plain 404.
    host, port = stub.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port))
    path = SESSIONS.format(platform="adp1", workspace="..") + "/../../.."
    connection.request("GET", path)
    answer = connection.getresponse()
    assert answer.status == 404 and json.loads(answer.read())["code"] == "NotAuthorizedOrNotFound"
    connection.close()
    assert client.create_session(**ids, body={"path": "../x"}).status_code == 201


# One collection per tag: the operations that create, read, update, list and delete
# its resources, the bodies to send, and the keyword that names a resource.
CRUD: dict[str, dict[str, Any]] = {
    "Workspace": {
        "create": ("create_workspace", {"displayName": "first"}),
        "read": "get_workspace",
        "update": ("update_workspace", {"displayName": "second"}),
        "list": "list_workspaces",
        "delete": "delete_workspace",
        "key": "workspace_key",
    },
    "Volume": {
        "create": (
            "create_volume",
            {"displayName": "first", "catalogName": "cat", "schemaName": "sch"},
        ),
        "read": "get_volume",
        "update": ("update_volume", {"displayName": "second"}),
        "list": "list_volumes",
        "list_filter": {"catalog_key": "cat", "schema_key": "sch"},  # required ones
        "delete": "delete_volume",
        "key": "volume_key",
    },
    "Role": {
        "create": ("create_role", {"displayName": "first"}),
        "read": "get_role",
        "update": ("update_role", {"displayName": "second"}),
        "list": "list_roles",
        "delete": "delete_role",
        "key": "role_key",
    },
    "Cluster": {
        "in_workspace": True,
        "create": (
            "create_cluster",
            {"type": "USER", "displayName": "first", "driverConfig": {"driverShape": "VM"}},
        ),
        "read": "get_cluster",
        "update": ("update_cluster", {"type": "USER", "displayName": "second"}),
        "list": "list_clusters",
        "delete": "delete_cluster",
        "key": "cluster_key",
    },
    "Credentials": {
        "create": (
            "create_data_lake_credential",
            {
                "displayName": "first",
                "type": "SECRET_TOKEN",
                "credentialDetails": {"credentialType": "SECRET_TOKEN"},
            },
        ),
        "read": "get_credential",
        "update": ("update_data_lake_credential", {"displayName": "second"}),
        "list": "list_credentials",
        "delete": "delete_credential",
        "key": "credential_key",
    },
}


@pytest.mark.parametrize("tag", sorted(CRUD))
def test_create_read_update_list_delete_in_other_tags(client: Any, stub: str, tag: str) -> None:
    from aidp_workbench import NotFoundError

    crud = CRUD[tag]
    platform = f"adp-{uuid.uuid4().hex[:8]}"
    where = new_workspace(stub, platform) if crud.get("in_workspace") else {}
    where["ai_data_platform_id"] = platform

    def listing(**filters: str) -> list[Any]:
        items = getattr(client, crud["list"])(**where, **crud.get("list_filter", {}), **filters)
        return list(items.data.items)

    create, body = crud["create"]
    created = getattr(client, create)(**where, body=body)
    listed = listing()
    assert [item.display_name for item in listed] == ["first"]
    key = listed[0].key
    if created.data is not None:  # some creates answer 204, with no body
        assert created.data.key == key and created.data.display_name == "first"
    at = {**where, crud["key"]: key}
    fetched = getattr(client, crud["read"])(**at)
    assert (fetched.data.key, fetched.data.display_name) == (key, "first")
    assert fetched.data.time_created is not None, "filled in by the server"
    update, changes = crud["update"]
    getattr(client, update)(**at, body=changes, if_match=fetched.etag)
    updated = getattr(client, crud["read"])(**at)
    assert updated.data.display_name == "second"
    assert updated.data.time_created == fetched.data.time_created, "server-set fields stay"
    assert [item.key for item in listing(display_name="second")] == [key]
    assert listing(display_name="first") == []
    assert getattr(client, crud["delete"])(**at, if_match=updated.etag).status_code == 204
    with pytest.raises(NotFoundError):
        getattr(client, crud["read"])(**at)
    assert listing() == []


def test_seed_data_and_seeded_values(aidp_sdk: Path, tmp_path: Path) -> None:
    from aidp_workbench import Client

    seed = tmp_path / "seed.yaml"
    seed.write_text(
        f"{WORKSPACES.format(platform='adp1')}:\n"
        "- {key: ws1, displayName: seeded}\n"
        f"{SESSIONS.format(platform='adp1', workspace='ws1')}:\n"
        "- {id: s1, name: seeded, path: a.ipynb}\n"
        "- {name: second}\n",
        encoding="utf-8",
    )
    ids = {"ai_data_platform_id": "adp1", "workspace_key": "ws1"}
    answers = []
    for options in (("--seed", "7"), ("--seed", "7"), ("--seed", "8")):
        with running_stub(aidp_sdk.parent, "--data", str(seed), *options) as url, Client(url) as c:
            listed = c.list_sessions(**ids).data.items
            assert (listed[0].id, listed[0].name) == ("s1", "seeded")
            assert listed[1].name == "second" and listed[1].id
            created = c.create_session(**ids, body={"path": "b.ipynb"}).data
            answers.append((listed, created))
    assert answers[0] == answers[1], "the same seed gives the same values"
    assert answers[0][1].name != answers[2][1].name, "another seed, other values"


def test_create_app_serves_in_process_with_its_own_body_limit(aidp_sdk: Path) -> None:
    from aidp_workbench.server import create_app

    path = SESSIONS.format(platform="adp1", workspace="ws1")
    workspace = {WORKSPACES.format(platform="adp1"): [{"key": "ws1", "displayName": "w"}]}

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=create_app(max_body=16, data=workspace))
        async with httpx.AsyncClient(transport=transport, base_url="http://stub") as http:
            assert (await http.post(path, json={"path": "a"})).status_code == 201
            too_big = await http.post(path, json={"path": "abcdefghij"})
            assert too_big.status_code == 413
            assert too_big.json()["message"] == "The request body is 21 bytes; at most 16"

    asyncio.run(scenario())


def test_server_spec_infers_resources_from_paths() -> None:
    spec = server_spec(load_model(AIDP_PROJECT / "model.yaml"))
    prefix = "/20260430/aiDataPlatforms/{aiDataPlatformId}"
    sessions = f"{prefix}/workspaces/{{workspaceKey}}/notebook/api/sessions"
    assert spec["collections"][sessions]["id_field"] == "id"
    assert spec["collections"][f"{prefix}/workspaces"]["id_field"] == "key"
    kinds = {(op["method"], op["path"]): op["kind"] for op in spec["operations"]}
    assert kinds["POST", sessions] == "create"
    assert kinds["GET", sessions] == "list"
    assert kinds["PATCH", sessions + "/{sessionId}"] == "merge"
    start = f"{prefix}/workspaces/{{workspaceKey}}/clusters/{{clusterKey}}/actions/start"
    assert kinds["POST", start] == "action"
    assert len(spec["operations"]) == 299
    node = spec["schemas"]["AgentDiagramNode"]
    assert "description" not in node, "prose is left out"
    assert node["properties"]["description"] == {"type": "string"}, "a field named so is kept"


THINGS_MODEL = """\
format_version: 1
title: Things API
operations:
- {name: create_thing, title: Create a thing, method: post, path: /things, page: a.html,
   request_body: {content: [{media_type: application/json, schema: {ref: Thing}}]},
   responses: [{status: '201', content: [{media_type: application/json, schema: {ref: Thing}}]}]}
- {name: list_things, title: List things, method: get, path: /things, page: b.html,
   responses: [{status: '200', content: [{media_type: application/json,
                schema: {type: array, items: {ref: Thing}}}]}]}
- {name: get_thing, title: Get a thing, method: get, path: '/things/{thingId}', page: c.html,
   parameters: [{name: thingId, in: path, required: true, schema: {type: string}}],
   responses: [{status: '200', content: [{media_type: application/json, schema: {ref: Thing}}]}]}
schemas:
  Thing:
    type: object
    page: a.html
    properties:
      id: {type: string}
      name: {type: string, max_length: 5, pattern: '^[a-z]+$'}
      size: {type: integer, minimum: 1, default: 3}
    required: [name]
"""


def test_serve_model_runs_a_stub_with_no_package_on_disk(tmp_path: Path) -> None:
    model = tmp_path / "model.yaml"
    model.write_text(THINGS_MODEL, encoding="utf-8")
    code = (
        "import sys; from pathlib import Path; from generator.model import load_model; "
        "from generator.generate.serve import serve_model; "
        "serve_model(load_model(Path(sys.argv[1])), port=int(sys.argv[2]))"
    )
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "TMPDIR": str(temporary)}
    with serving([sys.executable, "-c", code, str(model), "{port}"], env) as url:
        created = httpx.post(f"{url}/things", json={"name": "abc"})
        assert created.status_code == 201
        thing = created.json()
        assert thing["name"] == "abc" and thing["size"] == 3 and thing["id"]
        assert httpx.get(f"{url}/things/{thing['id']}").json() == thing
        assert httpx.get(f"{url}/things").json() == [thing]
        too_long = httpx.post(f"{url}/things", json={"name": "abcdef"})
        assert too_long.json()["message"] == (
            "Invalid request body field 'name': must be at most 5 characters long"
        )
        digits = httpx.post(f"{url}/things", json={"name": "a1"})
        assert digits.json()["message"] == (
            "Invalid request body field 'name': must match the pattern '^[a-z]+$'"
        )
        small = httpx.post(f"{url}/things", json={"name": "a", "size": 0})
        assert small.json()["message"] == "Invalid request body field 'size': must be at least 1"
    assert list(temporary.iterdir()) == [], "the generated package is removed"


def test_null_for_an_optional_field_means_absent(stub: str, ids: dict[str, str]) -> None:
    url = stub + JOBS.format(platform=ids["ai_data_platform_id"], workspace=ids["workspace_key"])
    created = httpx.post(url, json={"name": "j1", "description": None})
    assert created.status_code == 201, created.text
    assert "description" not in created.json(), "left unset, and not made up"
    [listed] = httpx.get(url).json()["items"]
    assert None not in listed.values()


def test_stored_values_fit_the_response_schema(client: Any, ids: dict[str, str]) -> None:
    # The request documents "type" as any string, the response as an enum.
    created = client.create_session(**ids, body={"path": "a.ipynb", "type": ""})
    assert created.problems == ()
    assert created.data.type in ("notebook", "file", "agentflow")
    fetched = client.get_session(**ids, session_id=created.data.id)
    assert fetched.problems == () and fetched.data.type == created.data.type


@pytest.mark.parametrize("odd", ["a%0Ab", "a%0Db", "%00", "a%09b", "%E2%80%8B"])
def test_any_path_gets_the_documented_json_error(stub: str, ids: dict[str, str], odd: str) -> None:
    answer = httpx.get(f"{sessions_url(stub, ids)}/{odd}")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["code"] == "NotAuthorizedOrNotFound"


def test_a_retry_token_belongs_to_one_operation_and_resource(
    client: Any, stub: str, ids: dict[str, str]
) -> None:
    token = uuid.uuid4().hex
    other = new_workspace(stub)
    first = client.create_session(**ids, body={"path": "a.ipynb"}, opc_retry_token=token)
    elsewhere = client.create_session(**other, body={"path": "a.ipynb"}, opc_retry_token=token)
    assert elsewhere.status_code == 201 and elsewhere.data.id != first.data.id
    job = client.create_job(**ids, body={"name": "j1"}, opc_retry_token=token)
    assert job.status_code == 201 and job.data.name == "j1"


def test_downloads_answer_a_body_of_their_media_type(client: Any) -> None:
    answer = client.export_lineage(
        ai_data_platform_id="adp1", body={"anchorNode": "n1", "direction": "BOTH"}
    )
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.data.splitlines()[0] == b"id,name"  # documented string(binary): bytes
