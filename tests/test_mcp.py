"""The AI Data Platform package's agent tools, used as an agent uses them: a real MCP
client session of the ``mcp`` SDK, in memory against the in-memory stub, and over
standard input and output with the command line serving and the stub on HTTP."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import mcp
import pytest
from jsonschema import Draft202012Validator
from mcp import types

from generator.model import ApiModel, load_model
from generator.yamlio import load_yaml

from .conftest import AIDP_PROJECT
from .stub_calls import Call, StubPlan, serving

T = TypeVar("T")


@pytest.fixture(scope="module")
def plan(aidp_sdk: Path) -> StubPlan:
    return StubPlan(aidp_sdk)


@pytest.fixture(scope="module")
def model() -> ApiModel:
    """The model the installed package was made from."""
    return load_model(AIDP_PROJECT / "model.yaml")


def session(
    plan: StubPlan,
    use: Callable[[mcp.Client], Awaitable[T]],
    *,
    allow_writes: bool = False,
    mode: str = "auto",
    on_request: Callable[[httpx.Request], None] | None = None,
    stub: Any = None,
) -> T:
    """``use`` run in a session of an MCP client with the tools' server, in memory, whose
    client of the API talks to ``stub``, by default a fresh in-memory stub."""
    from aidp_workbench.mcp import create_server
    from aidp_workbench.server import create_app

    async def run() -> T:
        hooks = {"request": [_async(on_request)]} if on_request else {}
        app = create_app(data=plan.data()) if stub is None else stub
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://stub.invalid",
            event_hooks=hooks,
        )
        from aidp_workbench import AsyncClient

        async with AsyncClient("http://stub.invalid", http_client=http, retries=0) as api:
            server = create_server(api, allow_writes=allow_writes)
            async with mcp.Client(server, mode=mode) as client:
                return await use(client)

    return asyncio.run(run())


def _async(hook: Callable[[httpx.Request], None]) -> Callable[[httpx.Request], Awaitable[None]]:
    async def called(request: httpx.Request) -> None:
        hook(request)

    return called


def listed(plan: StubPlan, **options: Any) -> list[types.Tool]:
    async def use(client: mcp.Client) -> list[types.Tool]:
        return (await client.list_tools()).tools

    return session(plan, use, **options)


@pytest.mark.parametrize("mode", ["auto", "legacy"])
def test_only_tools_that_read_are_offered_unless_writes_are_allowed(
    plan: StubPlan, model: ApiModel, mode: str
) -> None:
    tools = listed(plan, mode=mode)
    methods = {(e["http_method"], e["path"]): e["method"] for e in plan_entries(plan)}
    assert sorted(t.name for t in tools) == sorted(
        methods[op.method.upper(), op.path]
        for op in model.operations
        if op.method in ("get", "head")
    )
    every = listed(plan, allow_writes=True, mode=mode)
    assert sorted(t.name for t in every) == sorted(methods.values())
    assert len(every) == len(model.operations)


def plan_entries(plan: StubPlan) -> list[dict[str, Any]]:
    return [entry for group in plan.table["groups"] for entry in group["commands"]]


def test_every_tool_is_described_and_hinted(plan: StubPlan, model: ApiModel) -> None:
    by_name = {e["method"]: e for e in plan_entries(plan)}
    http_method = {(op.method.upper(), op.path): op.method.upper() for op in model.operations}
    for tool in listed(plan, allow_writes=True):
        entry = by_name[tool.name]
        method = http_method[entry["http_method"], entry["path"]]
        assert tool.description is not None and entry["title"] in tool.description
        if entry["url"]:
            assert entry["url"] in tool.description
        hints = tool.annotations
        assert hints is not None
        assert hints.read_only_hint is (method in ("GET", "HEAD"))
        assert isinstance(hints.destructive_hint, bool)
        assert isinstance(hints.idempotent_hint, bool)
        if method == "DELETE":
            assert hints.destructive_hint and hints.idempotent_hint
        if method in ("GET", "HEAD", "PUT", "DELETE"):
            assert hints.idempotent_hint
        if method == "POST":
            assert not hints.idempotent_hint


def test_each_input_schema_is_json_schema_with_the_required_ones_required(
    plan: StubPlan, model: ApiModel
) -> None:
    by_request = {(op.method.upper(), op.path): op for op in model.operations}
    entries = {e["method"]: e for e in plan_entries(plan)}
    arguments = {call.entry["method"]: call.tool_arguments for call in plan.calls()}
    for tool in listed(plan, allow_writes=True):
        schema = tool.input_schema
        Draft202012Validator.check_schema(schema)
        entry = entries[tool.name]
        op = by_request[entry["http_method"], entry["path"]]
        required = [p for p in op.parameters if p.always_required and p.in_ != "form"]
        assert len(schema["required"]) == len(required) + (op.request_body is not None), tool.name
        # What the stub accepts, the schema accepts; without a required one, it does not.
        validator = Draft202012Validator(schema)
        errors = [e.message for e in validator.iter_errors(arguments[tool.name])]
        assert not errors, (tool.name, errors)
        for name in schema["required"]:
            less = {k: v for k, v in arguments[tool.name].items() if k != name}
            assert not validator.is_valid(less), (tool.name, name)


def test_each_input_schema_takes_the_documented_examples(plan: StubPlan) -> None:
    """A request body the pages show as an example fits the tool's input schema (the
    OpenAPI export carries a page's examples as its media types' ``example``)."""
    document = load_yaml((AIDP_PROJECT / "openapi.yaml").read_text(encoding="utf-8"))
    schemas = {tool.name: tool.input_schema for tool in listed(plan, allow_writes=True)}
    methods = {(e["http_method"], e["path"]): e["method"] for e in plan_entries(plan)}
    arguments = {call.entry["method"]: call.tool_arguments for call in plan.calls()}
    checked = 0
    for path, item in document["paths"].items():
        for http_method, operation in item.items():
            for content in operation.get("requestBody", {}).get("content", {}).values():
                examples = [content["example"]] if "example" in content else []
                examples += [e["value"] for e in content.get("examples", {}).values()]
                name = methods[http_method.upper(), path]
                for example in examples:
                    given = {**arguments[name], "body": example}
                    errors = list(Draft202012Validator(schemas[name]).iter_errors(given))
                    assert not errors, (name, [e.message for e in errors])
                    checked += 1
    if not checked:
        pytest.skip("the book's pages show no example request bodies")


class Reseeded:
    """The stub, seeded anew for each call at ``reset``: a call then finds what it works
    on whatever the calls before it renamed or deleted."""

    def __init__(self, plan: StubPlan) -> None:
        self.plan = plan
        self.app: Any = None

    def reset(self, call: Call) -> None:
        from aidp_workbench.server import create_app

        self.app = create_app(data=self.plan.data_for(call))

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


def test_every_tool_called_through_a_session(plan: StubPlan) -> None:
    calls = plan.calls()
    stub = Reseeded(plan)

    async def use(client: mcp.Client) -> list[tuple[Any, types.CallToolResult]]:
        results = []
        for call in calls:
            stub.reset(call)
            results.append(
                (call, await client.call_tool(call.entry["method"], call.tool_arguments))
            )
        return results

    results = session(plan, use, allow_writes=True, stub=stub)
    assert len(results) == len(plan.spec["operations"])
    for call, result in results:
        text = "".join(c.text for c in result.content if isinstance(c, types.TextContent))
        if call.found:
            assert not result.is_error, (call.entry["method"], text)
            if call.entry["download"] is None and result.content:
                json.loads(result.content[0].text)  # type: ignore[union-attr]
        else:
            assert result.is_error
            assert json.loads(text)["status"] == 404


def test_a_result_is_the_body_as_json_with_the_next_page(plan: StubPlan) -> None:
    call = next(
        c
        for c in plan.calls()
        if c.kind == "list" and c.entry["pages"] and c.entry["pages"]["items"]
    )
    page = call.entry["pages"]["page"]
    limit = next(o["argument"] for o in call.entry["options"] if o["wire"] == "limit")

    async def use(client: mcp.Client) -> tuple[types.CallToolResult, types.CallToolResult]:
        for _ in range(2):  # the seeded one and two more: pages of 2
            create = next(
                c
                for c in plan.calls()
                if c.kind == "create" and c.entry["path"] == call.entry["path"]
            )
            body = {k: v for k, v in create.tool_arguments["body"].items()}
            body.pop(plan.spec["collections"][call.entry["path"]]["id_field"], None)
            made = await client.call_tool(
                create.entry["method"], {**create.tool_arguments, "body": body}
            )
            assert not made.is_error, made.content
        first = await client.call_tool(call.entry["method"], {**call.tool_arguments, limit: 2})
        assert len(first.content) == 2
        token = first.content[1].text.rsplit(f"{page}=", 1)[1].rstrip(".")  # type: ignore[union-attr]
        second = await client.call_tool(
            call.entry["method"], {**call.tool_arguments, limit: 2, page: json.loads(token)}
        )
        return first, second

    first, second = session(plan, use, allow_writes=True)
    items = call.entry["pages"]["items"]
    assert len(json.loads(first.content[0].text)[items]) == 2  # type: ignore[union-attr]
    assert len(json.loads(second.content[0].text)[items]) == 1  # type: ignore[union-attr]
    assert len(second.content) == 1  # the last page


def test_a_write_is_refused_without_allow_writes(plan: StubPlan) -> None:
    sent: list[httpx.Request] = []
    call = next(c for c in plan.calls() if c.kind == "create")

    async def use(client: mcp.Client) -> types.CallToolResult:
        return await client.call_tool(call.entry["method"], call.tool_arguments)

    result = session(plan, use, on_request=sent.append)
    assert result.is_error
    assert "--allow-writes" in result.content[0].text  # type: ignore[union-attr]
    assert sent == []  # nothing reached the API


def test_an_error_is_a_tool_error_with_status_code_message_and_request_id(
    plan: StubPlan,
) -> None:
    call = next(c for c in plan.calls() if c.kind == "read" and c.found)
    path_options = [o for o in call.entry["options"] if o["in"] == "path"]
    arguments = {**call.tool_arguments, path_options[-1]["argument"]: "no-such-thing"}

    async def use(client: mcp.Client) -> list[types.CallToolResult]:
        return [
            await client.call_tool(call.entry["method"], arguments),
            await client.call_tool(call.entry["method"], {**arguments, "unknown": 1}),
            await client.call_tool(call.entry["method"], {}),
            await client.call_tool(
                call.entry["method"], {**arguments, path_options[-1]["argument"]: None}
            ),
        ]

    missing, unknown, nothing, null = session(plan, use)
    assert null.is_error and "required" in null.content[0].text  # type: ignore[union-attr]
    assert missing.is_error
    error = json.loads(missing.content[0].text)  # type: ignore[union-attr]
    assert error["status"] == 404 and error["code"] == "NotAuthorizedOrNotFound"
    assert "no-such-thing" in error["message"] and error["opc-request-id"]
    assert unknown.is_error and "'unknown'" in unknown.content[0].text  # type: ignore[union-attr]
    assert nothing.is_error and "is required" in nothing.content[0].text  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def served(
    aidp_sdk: Path, plan: StubPlan, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with serving(plan, aidp_sdk.parent, tmp_path_factory.mktemp("seed")) as url:
        yield url


def over_stdio(aidp_sdk: Path, url: str, *options: str) -> mcp.StdioServerParameters:
    """The console script serving the tools on standard input and output."""
    path = os.pathsep.join(filter(None, [str(aidp_sdk.parent), os.environ.get("PYTHONPATH")]))
    return mcp.StdioServerParameters(
        command=str(aidp_sdk.parent / "bin" / "aidp-workbench"),
        args=["mcp", "--endpoint", url, "--auth", "none", *options],
        env={**os.environ, "PYTHONPATH": path},
    )


def test_a_session_over_standard_input_and_output(
    aidp_sdk: Path, plan: StubPlan, served: str
) -> None:
    read = next(c for c in plan.calls() if c.kind == "read" and c.found)
    write = next(c for c in plan.calls() if c.kind == "create")

    async def use(parameters: mcp.StdioServerParameters) -> list[Any]:
        async with mcp.Client(parameters) as client:
            tools = (await client.list_tools()).tools
            return [
                tools,
                await client.call_tool(read.entry["method"], read.tool_arguments),
                await client.call_tool(write.entry["method"], write.tool_arguments),
            ]

    tools, got, refused = asyncio.run(use(over_stdio(aidp_sdk, served)))
    assert all(tool.annotations and tool.annotations.read_only_hint for tool in tools)
    assert read.entry["method"] in {tool.name for tool in tools}
    assert not got.is_error and json.loads(got.content[0].text)
    assert refused.is_error and "--allow-writes" in refused.content[0].text

    _, _, made = asyncio.run(use(over_stdio(aidp_sdk, served, "--allow-writes")))
    assert not made.is_error, made.content
