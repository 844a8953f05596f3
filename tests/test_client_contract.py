"""A client that keeps its contract: the installed aidp_workbench client sends nothing the
caller did not mean, never hangs, raises errors a program can handle, keeps the
settings it is given, and is documented as it is. One test per defect found by using it
as a demanding new user would, against real loopback servers."""

from __future__ import annotations

import ast
import asyncio
import concurrent.futures
import copy
import enum
import itertools
import json
import multiprocessing
import pickle
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import generator
from generator.generate.views import OperationView, build_views
from generator.model import ApiModel

from .aidp_operations import operation, operations
from .conftest import AIDP_PROJECT
from .scripted_server import Reply, ScriptedServer, scripted_server, serving

SESSION = {"id": "s1", "name": "first", "path": "a.ipynb", "type": "notebook"}
NOT_FOUND = {"code": "NotAuthorizedOrNotFound", "message": "Session s9 not found"}


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with scripted_server() as running:
        yield running


@pytest.fixture(scope="module")
def ops(aidp_model: ApiModel) -> dict[str, OperationView]:
    """The operations these tests call, by what they do."""
    return {
        "get_session": operation(aidp_model, "GET", "/notebook/api/sessions/{sessionId}"),
        "list_sessions": operation(aidp_model, "GET", "/notebook/api/sessions"),
        "create_workspace": operation(aidp_model, "POST", "/{aiDataPlatformId}/workspaces"),
        "get_workspace": operation(aidp_model, "GET", "/workspaces/{workspaceKey}"),
        "delete_workspace": operation(aidp_model, "DELETE", "/workspaces/{workspaceKey}"),
    }


WIRE_VALUES = {
    "aiDataPlatformId": "adp1",
    "workspaceKey": "ws1",
    "sessionId": "s1",
}


def call(client: Any, op: OperationView, **extra: Any) -> Any:
    """``op``'s method on ``client``, with its path arguments and ``extra``."""
    args = {p.name: WIRE_VALUES[p.wire_name] for p in op.parameters if p.location == "path"}
    return getattr(client, op.name)(**args, **extra)


# ---------------------------------------------------------------- what is sent


class Colour(enum.Enum):
    RED = "red"


def test_a_model_inside_a_dict_body_is_sent_as_json(
    aidp_sdk: Path, server: ScriptedServer, ops: dict[str, OperationView]
) -> None:
    """Before: the nested model went as its str(), a Decimal as "1.5", a set as "{1}"."""
    from aidp_workbench import AsyncClient, Client, models

    body = {
        "displayName": "x",
        "networkConfigurationDetails": models.WorkspaceNetworkConfigurationDetails(subnet_id="s"),
        "amount": Decimal("1.50"),
        "ids": {1},
        "pair": (1, 2),
        "colour": Colour.RED,
        "when": datetime(2024, 1, 2, 3, 4, 5),
    }
    sent = {
        "displayName": "x",
        "networkConfigurationDetails": {"subnetId": "s"},
        "amount": "1.50",
        "ids": [1],
        "pair": [1, 2],
        "colour": "red",
        "when": "2024-01-02T03:04:05Z",
    }
    server.script(Reply(200, {}))
    with Client(server.url, retries=0) as client:
        call(client, ops["create_workspace"], body=body)
    assert server.seen[0].json() == sent

    async def send() -> None:
        async with AsyncClient(server.url, retries=0) as client:
            await call(client, ops["create_workspace"], body=body)

    server.script(Reply(200, {}))
    asyncio.run(send())
    assert server.seen[0].json() == sent


def test_nan_is_refused_not_sent(
    aidp_sdk: Path, server: ScriptedServer, ops: dict[str, OperationView]
) -> None:
    from aidp_workbench import Client

    server.script()
    with Client(server.url) as client, pytest.raises(TypeError, match="nan has no JSON form"):
        call(client, ops["create_workspace"], body={"displayName": "x", "size": float("nan")})
    assert server.seen == []


def test_a_misspelt_keyword_is_refused(aidp_sdk: Path) -> None:
    """Before: ``descriptoin`` was sent as a field, and ``model_version`` left the real
    field (``model_version_``) unset and sent a key of its own."""
    from aidp_workbench import models
    from pydantic import ValidationError

    with pytest.raises(TypeError, match="'descriptoin'; did you mean 'description'"):
        models.CreateWorkspaceDetails(display_name="x", descriptoin="typo")
    with pytest.raises(TypeError, match="'model_version'; did you mean 'model_version_'"):
        models.AgentDiagram(model_version="1.0")
    # By its Python name or its JSON name, a field is the same field.
    assert models.CreateWorkspaceDetails(displayName="x").to_wire() == {"displayName": "x"}
    assert models.AgentDiagram(model_version_="1").to_wire() == {"modelVersion": "1"}
    # A nested dict of a model being built is checked the same way.
    with pytest.raises(ValidationError, match="'subnetID': not a field"):
        models.CreateWorkspaceDetails(
            display_name="x", network_configuration_details={"subnetID": "s"}
        )


def test_a_naive_datetime_is_sent_as_utc_everywhere(
    aidp_sdk: Path, aidp_model: ApiModel, server: ScriptedServer, ops: dict[str, OperationView]
) -> None:
    """Before: ``2024-01-02T03:04:05`` went with no offset, which is not RFC 3339."""
    from aidp_workbench import Client

    naive = datetime(2024, 1, 2, 3, 4, 5)
    header = next(p for p in ops["delete_workspace"].parameters if "datetime" in p.annotation)
    listing = next(
        op
        for op in operations(aidp_model)
        if any(p.location == "query" and "datetime" in p.annotation for p in op.parameters)
        and all(p.location == "path" for p in op.parameters if p.required)
    )
    query = next(p for p in listing.parameters if "datetime" in p.annotation)
    server.script(Reply(204, b""), Reply(200, {}))
    with Client(server.url, retries=0) as client:
        call(client, ops["delete_workspace"], **{header.name: naive})
        args = {p.name: "x" for p in listing.parameters if p.required}
        getattr(client, listing.name)(**args, **{query.name: naive})
    assert server.seen[0].headers[header.wire_name.lower()] == "2024-01-02T03:04:05Z"
    sent_query = parse_qs(urlsplit(server.seen[1].path).query)
    assert sent_query[query.wire_name] == ["2024-01-02T03:04:05Z"]


def test_an_empty_path_parameter_is_refused(
    aidp_sdk: Path, server: ScriptedServer, ops: dict[str, OperationView]
) -> None:
    """Before: ``/aiDataPlatforms//workspaces/w`` was sent, another URL altogether."""
    from aidp_workbench import Client

    op = ops["get_workspace"]
    args = {
        p.name: "" if p.wire_name == "aiDataPlatformId" else "w"
        for p in op.parameters
        if p.required
    }
    server.script()
    with (
        Client(server.url) as client,
        pytest.raises(ValueError, match="'aiDataPlatformId' is empty"),
    ):
        getattr(client, op.name)(**args)
    assert server.seen == []


# ---------------------------------------------------------------- hangs


def test_a_repeated_page_token_stops_the_pages(
    aidp_sdk: Path, server: ScriptedServer, ops: dict[str, OperationView]
) -> None:
    """Before: a server that repeated ``opc-next-page`` was paged forever."""
    from aidp_workbench import AsyncClient, Client, UnexpectedResponseError

    pages = ops["list_sessions"].pages_name
    assert pages is not None
    replies = [
        Reply(200, {"items": [SESSION]}, {"opc-next-page": "p2"}),
        Reply(200, {"items": [SESSION]}, {"opc-next-page": "p3"}),
        Reply(200, {"items": [SESSION]}, {"opc-next-page": "p2"}),
    ] + [Reply(200, {"items": []}, {"opc-next-page": "p2"})] * 5
    args = {p.name: WIRE_VALUES[p.wire_name] for p in ops["list_sessions"].parameters if p.required}
    server.script(*replies)
    seen = []
    with Client(server.url) as client, pytest.raises(UnexpectedResponseError, match="'p2'"):
        for page in getattr(client, pages)(**args):
            seen.append(page)
    assert len(seen) == 3 and len(server.seen) == 3

    async def walk() -> int:
        count = 0
        async with AsyncClient(server.url) as client:
            async for _ in getattr(client, pages)(**args):
                count += 1
        return count

    server.script(*replies)
    with pytest.raises(UnexpectedResponseError, match="would repeat forever"):
        asyncio.run(walk())
    assert len(server.seen) == 3


def test_a_waiter_refuses_a_bare_string_and_states_never_documented(
    aidp_sdk: Path, server: ScriptedServer, ops: dict[str, OperationView]
) -> None:
    """Before: ``states="ACTIVE"`` waited for the letters A, C, E, I, T and V, for 20
    minutes; a state the model does not list was waited for as long."""
    from aidp_workbench import Client

    waiter = ops["get_workspace"].waiter
    assert waiter is not None
    args = {p.name: "w" for p in ops["get_workspace"].parameters if p.location == "path"}
    server.script()
    with Client(server.url) as client:
        with pytest.raises(TypeError, match=r"e\.g\. \['ACTIVE'\], not a str"):
            getattr(client, waiter.name)(**args, states="ACTIVE")
        with pytest.raises(ValueError, match="'RUNNING': not a documented state"):
            getattr(client, waiter.name)(**args, states=["ACTIVE", "RUNNING"])
    assert server.seen == []


@contextmanager
def silent_server(trickle: bool = False) -> Iterator[str]:
    """A server that accepts connections and never answers; or, with ``trickle``, that
    answers a byte of its body every tenth of a second, for ever."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            held.append(connection)
            if trickle:
                threading.Thread(target=drip, args=(connection,), daemon=True).start()

    def drip(connection: socket.socket) -> None:
        try:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 100000\r\n\r\n")
            while not stop.wait(0.1):
                connection.sendall(b"x")
        except OSError:
            pass

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()
        for connection in held:
            connection.close()


@pytest.mark.parametrize("trickle", [False, True], ids=["silent", "trickling"])
def test_no_call_waits_longer_than_its_timeout_plus_the_retry_budget(
    aidp_sdk: Path, ops: dict[str, OperationView], trickle: bool
) -> None:
    """Before: a GET to a server that never answered waited 243 s (four 60 s reads), and
    a method given ``timeout=`` raised TypeError."""
    from aidp_workbench import ApiError, ApiTimeoutError, AsyncClient, Client, Retries

    retries = Retries(total=2, backoff=0.05, max_backoff=0.1)
    bound = 0.5 + retries.budget + 0.4  # the timeout, the pauses, and time to notice
    with silent_server(trickle) as url:
        with Client(url, retries=retries, timeout=30) as client:
            started = time.monotonic()
            with pytest.raises(ApiTimeoutError) as caught:
                call(client, ops["get_session"], timeout=0.5)
            assert 0.5 <= time.monotonic() - started < bound
        assert isinstance(caught.value, ApiError) and isinstance(caught.value, TimeoutError)
        assert "in time" in str(caught.value) or "body was still arriving" in str(caught.value)
        with Client(url, retries=retries, timeout=0.5) as client:
            started = time.monotonic()
            with pytest.raises(ApiTimeoutError):
                call(client, ops["get_session"])
            assert time.monotonic() - started < bound

        async def wait() -> str:
            async with AsyncClient(url, retries=retries) as client:
                try:
                    await call(client, ops["get_session"], timeout=0.5)
                except ApiTimeoutError as error:
                    return str(error)
            return "answered"

        started = time.monotonic()
        message = asyncio.run(wait())
        assert time.monotonic() - started < bound
        assert "GET http://127.0.0.1" in message, "the async read timeout says what timed out"


def test_every_method_takes_a_timeout(aidp_sdk: Path) -> None:
    import inspect

    from aidp_workbench import AsyncClient, Client

    for client in (Client, AsyncClient):
        methods = [
            name
            for name in dir(client)
            if not name.startswith("_") and callable(getattr(client, name))
            and name not in ("close", "from_oci_config")
        ]  # fmt: skip
        assert len(methods) > 299
        for name in methods:
            parameter = inspect.signature(getattr(client, name)).parameters["timeout"]
            assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, name


# ---------------------------------------------------------------- errors


def _fetch(url: str, site: str, method: str) -> None:
    """Runs in a worker process: a call that fails with a 404."""
    sys.path.insert(0, site)
    from aidp_workbench import Client

    with Client(url, retries=0) as client:
        getattr(client, method)(ai_data_platform_id="a", workspace_key="w", session_id="s9")


def test_errors_pickle_and_copy(
    aidp_sdk: Path, server: ScriptedServer, ops: dict[str, OperationView]
) -> None:
    """Before: ``pickle`` and ``copy`` of any ApiError failed, and a 404 raised in a
    ProcessPoolExecutor worker reached the caller as BrokenProcessPool."""
    from aidp_workbench import ApiConnectionError, ApiTimeoutError, Client, NotFoundError

    server.script(Reply(404, NOT_FOUND, {"opc-request-id": "r9"}))
    with Client(server.url, retries=0) as client, pytest.raises(NotFoundError) as caught:
        call(client, ops["get_session"])
    for error in (caught.value, ApiTimeoutError("late"), ApiConnectionError("refused")):
        for again in (pickle.loads(pickle.dumps(error)), copy.copy(error), copy.deepcopy(error)):
            assert type(again) is type(error) and str(again) == str(error)
            assert (again.status_code, again.code, again.request_id) == (
                error.status_code,
                error.code,
                error.request_id,
            )
    server.script(Reply(404, NOT_FOUND, {"opc-request-id": "r9"}))
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
        future = pool.submit(_fetch, server.url, str(aidp_sdk.parent), ops["get_session"].name)
        with pytest.raises(NotFoundError) as remote:
            future.result(timeout=120)
    assert remote.value.status_code == 404 and remote.value.request_id == "r9"


def test_no_connection_is_an_api_error(aidp_sdk: Path, ops: dict[str, OperationView]) -> None:
    """Before: a refused connection raised httpx.ConnectError, not an ApiError."""
    from aidp_workbench import ApiConnectionError, AsyncClient, Client

    closed = socket.create_server(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{closed.getsockname()[1]}"
    closed.close()
    with Client(url, retries=0) as client, pytest.raises(ApiConnectionError, match="GET http"):
        call(client, ops["get_session"])

    async def refused() -> None:
        async with AsyncClient(url, retries=0) as client:
            await call(client, ops["get_session"])

    with pytest.raises(ApiConnectionError) as caught:
        asyncio.run(refused())
    assert caught.value.status_code is None and isinstance(caught.value, ConnectionError)


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (
            502,
            "<html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head>"
            "<body><script>var a=1</script><h1>Bad Gateway</h1></body></html>",
            "502 Bad Gateway",
        ),
        (
            503,
            "<html><body><style>p{}</style><p>Upstream   is down</p></body></html>",
            "Upstream is down",
        ),
        (502, {"status": 502}, "Bad Gateway"),
        (400, {"error": {"code": 7, "message": "the inner message"}}, "the inner message"),
        (422, {"errors": [{"detail": "first of many"}, {"detail": "second"}]}, "first of many"),
    ],
    ids=["html-title", "html-text", "json-without-message", "json-error-object", "json-errors"],
)
def test_error_messages_are_readable(
    aidp_sdk: Path,
    server: ScriptedServer,
    ops: dict[str, OperationView],
    status: int,
    body: Any,
    message: str,
) -> None:
    """Before: ``502: 502 Bad Gateway body{color:red} var a=1 Bad Gateway``, raw JSON for
    a JSON error with no message, and a repr without the status."""
    from aidp_workbench import ApiError, Client

    server.script(Reply(status, body))
    with Client(server.url, retries=0) as client, pytest.raises(ApiError) as caught:
        call(client, ops["get_session"])
    assert caught.value.message == message
    assert str(caught.value) == f"{status}: {message}"
    assert repr(caught.value).startswith(f"{type(caught.value).__name__}(status_code={status}, ")


def test_strict_refuses_an_empty_body_where_a_model_is_documented(
    aidp_sdk: Path, server: ScriptedServer, ops: dict[str, OperationView]
) -> None:
    from aidp_workbench import Client, UnexpectedResponseError

    server.script(Reply(200, b""))
    with (
        Client(server.url, retries=0, strict=True) as client,
        pytest.raises(UnexpectedResponseError, match="the body is empty"),
    ):
        call(client, ops["get_session"])
    server.script(Reply(200, b""))
    with Client(server.url, retries=0) as client:
        lenient = call(client, ops["get_session"])
    assert lenient.data is None and lenient.problems == (
        "the body is empty, where the docs give one",
    )


# ---------------------------------------------------------------- settings


class Signing(httpx.Auth):
    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        request.headers["authorization"] = "signed"
        yield request


def test_settings_apply_on_top_of_a_users_http_client(
    aidp_sdk: Path, server: ScriptedServer, ops: dict[str, OperationView]
) -> None:
    """Before: with ``http_client=``, the base URL, headers, auth (the signer) and
    timeout given to the client were dropped without a word."""
    from aidp_workbench import ApiTimeoutError, Client

    theirs = httpx.Client(headers={"x-theirs": "1"}, timeout=60)
    server.script(Reply(200, SESSION))
    with Client(
        server.url, http_client=theirs, headers={"x-ours": "2"}, auth=Signing(), retries=0
    ) as client:
        assert call(client, ops["get_session"]).data.id == "s1"
    seen = server.seen[0]
    assert seen.path.startswith("/20260430/aiDataPlatforms/adp1/")
    assert (seen.headers["x-theirs"], seen.headers["x-ours"]) == ("1", "2")
    assert seen.headers["authorization"] == "signed"
    # Its own base URL: the same one is fine, another is refused, not silently chosen.
    with Client(server.url, http_client=httpx.Client(base_url=server.url)) as client:
        pass
    with pytest.raises(ValueError, match="differs from the http_client's base_url"):
        Client(server.url, http_client=httpx.Client(base_url="http://elsewhere.invalid"))
    with silent_server() as url:
        slow = httpx.Client(timeout=60)
        with Client(url, http_client=slow, timeout=0.3, retries=0) as client:
            started = time.monotonic()
            with pytest.raises(ApiTimeoutError):
                call(client, ops["get_session"])
            assert time.monotonic() - started < 2


def test_the_user_agent_names_the_package_and_docs2sdk(
    aidp_sdk: Path, server: ScriptedServer, ops: dict[str, OperationView]
) -> None:
    """Before: ``python-httpx/0.29.0``: the service could not tell SDK traffic apart."""
    import aidp_workbench
    from aidp_workbench import Client

    server.script(Reply(200, SESSION))
    with Client(server.url) as client:
        call(client, ops["get_session"])
    expected = f"aidp-workbench/{aidp_workbench.__version__} docs2sdk/{generator.__version__}"
    assert server.seen[0].headers["user-agent"] == expected


DEVIATING = """
import logging, sys
import httpx
from aidp_workbench import Client

if sys.argv[2] == "configured":
    logging.basicConfig()
body = {"id": 7}  # a number where the docs say string, and required fields missing
http = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200, json=body)))
with Client("http://service.invalid", http_client=http) as client:
    getattr(client, sys.argv[1])(ai_data_platform_id="a", workspace_key="w", session_id="s")
"""


def test_a_program_that_configures_no_logging_prints_nothing(
    aidp_sdk: Path, ops: dict[str, OperationView]
) -> None:
    """Before: the deviation warning went to stderr through logging's last resort."""
    env = {"PYTHONPATH": str(aidp_sdk.parent), "PATH": "/usr/bin:/bin"}
    runs = {
        setup: subprocess.run(
            [sys.executable, "-c", DEVIATING, ops["get_session"].name, setup],
            env=env,
            capture_output=True,
            text=True,
        )
        for setup in ("none", "configured")
    }
    assert runs["none"].returncode == 0 and runs["none"].stderr == ""
    assert "the response differs from the docs" in runs["configured"].stderr


# ---------------------------------------------------------------- what a user reads


def _readme_signatures() -> dict[str, str]:
    readme = (AIDP_PROJECT / "README.md").read_text(encoding="utf-8")
    return {
        match[1]: match[2]
        for match in re.finditer(
            r"^#### `(\w+)`\n.*?^```python\n(client\.\w+\(.*?\) -> .*?)\n```$",
            readme,
            flags=re.DOTALL | re.MULTILINE,
        )
    }


def _canonical(signature: str) -> str:
    """A signature as one canonical line, whatever its layout."""
    definition = ast.parse(f"def {signature.removeprefix('client.')}: ...")
    return ast.unparse(definition.body[0]).removesuffix(":\n    ...")


def test_the_readme_shows_each_method_as_it_is(aidp_sdk: Path, aidp_model: ApiModel) -> None:
    """Before: positional parameters, and ``body`` after defaulted ones (not Python)."""
    import inspect

    from aidp_workbench import Client

    shown = _readme_signatures()
    names = [op.name for op in operations(aidp_model)]
    assert sorted(shown) == sorted(names)
    for name in names:
        actual = inspect.signature(getattr(Client, name))
        parameters = []
        for parameter in list(actual.parameters.values())[1:]:
            if parameter.kind is inspect.Parameter.KEYWORD_ONLY and "*" not in parameters:
                parameters.append("*")
            default = "" if parameter.default is inspect.Parameter.empty else " = None"
            parameters.append(f"{parameter.name}: {parameter.annotation}{default}")
        real = f"{name}({', '.join(parameters)}) -> {actual.return_annotation}"
        assert _canonical(shown[name]) == _canonical(real), name


def test_the_readme_states_the_timeout_bound() -> None:
    readme = (AIDP_PROJECT / "README.md").read_text(encoding="utf-8")
    assert "**No call waits longer than its timeout plus the retry budget**" in readme


# ---------------------------------------------------------------- the property


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


def _echo_operation(aidp_model: ApiModel) -> OperationView:
    """A JSON operation whose answer is documented as a free-form object: what an echo
    of the request reads back as it came."""
    view = build_views(aidp_model, "aidp_workbench", "0.1.0")
    free_form = {
        cls.name
        for module in view.modules
        for cls in module.classes
        if cls.alias_of == "dict[str, Any]"
    }
    return next(
        op
        for op in view.operations
        if op.body_format == "json"
        and op.data_annotation.removeprefix("models.") in free_form
        and all(p.location == "path" for p in op.parameters if p.required)
    )


class _Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_PUT = do_PATCH = do_POST


@pytest.fixture(scope="module")
def echo() -> Iterator[str]:
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), _Echo)) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}"


def _values() -> st.SearchStrategy[Any]:
    from aidp_workbench import models

    offsets = st.integers(-23 * 60, 23 * 60).map(lambda m: timezone(timedelta(minutes=m)))
    leaves = (
        st.none()
        | st.booleans()
        | st.integers(-(2**53), 2**53)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=8)
        | st.datetimes(timezones=st.none() | st.just(timezone.utc) | offsets)
        | st.decimals(allow_nan=False, allow_infinity=False)
        | st.sampled_from([*Colour, *Level])
    )
    keys = st.text(max_size=6)
    return st.recursive(
        leaves,
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(keys, inner, max_size=4)
            | st.builds(
                lambda content, kind: models.CreateContentDetails(content=content, type=kind),
                st.dictionaries(keys, inner, max_size=3),
                st.text(max_size=5),
            )
        ),
        max_leaves=12,
    )


def _same(sent: Any, back: Any) -> bool:
    """Whether ``back``, read from JSON, is ``sent`` as the docstring of the body encoder
    promises: equal values, models by their JSON names, naive datetimes as UTC."""
    from pydantic import BaseModel, TypeAdapter

    if isinstance(sent, BaseModel):
        fields = type(sent).model_fields
        wire = {
            fields[name].serialization_alias or name: getattr(sent, name)
            for name in sent.model_fields_set
        }
        return _same(wire, back)
    if isinstance(sent, dict):
        return (
            isinstance(back, dict)
            and back.keys() == sent.keys()
            and all(_same(value, back[key]) for key, value in sent.items())
        )
    if isinstance(sent, (list, tuple)):
        return isinstance(back, list) and len(back) == len(sent) and all(map(_same, sent, back))
    if isinstance(sent, datetime):
        aware = sent if sent.tzinfo else sent.replace(tzinfo=timezone.utc)
        return isinstance(back, str) and TypeAdapter(datetime).validate_python(back) == aware
    if isinstance(sent, Decimal):
        return isinstance(back, str) and Decimal(back) == sent
    if isinstance(sent, enum.Enum):
        return bool(back == sent.value)
    return type(back) is type(sent) and bool(back == sent)


def test_any_value_round_trips_through_a_request_body(
    aidp_sdk: Path, aidp_model: ApiModel, echo: str
) -> None:
    """Any JSON-able value made of models, dicts, lists, datetimes, decimals and enums goes
    out as a request body and comes back equal. (Through a loopback server that echoes
    the body: the stub keeps only what its schemas describe.)"""
    from aidp_workbench import Client

    op = _echo_operation(aidp_model)
    args = {p.name: "x" for p in op.parameters if p.required}
    with Client(echo, retries=0) as client:

        @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(_values())
        def round_trip(value: Any) -> None:
            back = getattr(client, op.name)(**args, body={"value": value}).data
            assert _same({"value": value}, back), (value, back)

        round_trip()


def test_any_value_round_trips_through_the_stub(aidp_sdk: Path) -> None:
    """The same values, kept by the stub: sent as a notebook's free-form content, stored,
    and read back by another call."""
    from aidp_workbench.server import create_app
    from aidp_workbench.testing import stub_client

    where = {"ai_data_platform_id": "dp", "workspace_key": "ws"}
    seed = {"/20260430/aiDataPlatforms/dp/workspaces": [{"key": "ws"}]}
    paths = (f"notebook-{n}.ipynb" for n in itertools.count())
    with stub_client(create_app(data=seed)) as client:

        @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(_values())
        def round_trip(value: Any) -> None:
            path = next(paths)
            body = {"type": "notebook", "content": {"value": value}}
            client.create_content(**where, content_path=path, body=body)
            back = client.get_content(**where, content_path=path).data.content
            assert _same({"value": value}, back), (value, back)

        round_trip()


def test_the_round_trip_oracle_notices_a_changed_value(aidp_sdk: Path) -> None:
    """The property's own oracle can fail: a value changed on the way is caught."""
    assert not _same({"a": Decimal("1.5")}, {"a": "1.6"})
    assert not _same(datetime(2024, 1, 1), "2024-01-01T00:00:00+01:00")
    assert not _same(Colour.RED, "RED")
    assert not _same([1], [1, 2])
    assert _same(json.loads('{"a": 1}'), {"a": 1})
