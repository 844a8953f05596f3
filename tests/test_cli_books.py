"""Every operation of every test book's package is reachable from its command line and
as an agent tool: each command, given every option it has, sends each parameter under
its exact name to a real loopback server, and each tool is listed and called there.
The books have free-form maps, text and byte bodies, forms, and hostile names
(keywords, builtins, names that collide once snake-cased, leading digits)."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from urllib.parse import parse_qs, urlsplit

import mcp
import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator
from mcp import types

from generator.pipeline import model_from_book
from generator.project import project_files
from generator.write import write_tree

from .conftest import BOOKS, install_package
from .scripted_server import ScriptedServer, scripted_server
from .stub_calls import StubPlan
from .test_cli import flags, groups_of

# Test books and the package each becomes.
PACKAGES = {"jupyter-ul": "cli_jupyter", "airflow-ul": "cli_airflow", "hostile": "cli_hostile"}


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with scripted_server() as running:
        yield running


@pytest.fixture(scope="module", params=sorted(PACKAGES))
def package(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """A test book's package, generated and installed."""
    name = PACKAGES[request.param]
    root = tmp_path_factory.mktemp(name)
    model, _ = model_from_book(BOOKS / request.param)
    write_tree(root / name, project_files(model, name, "0.1.0", None))
    install_package(root / name, root / "site")
    return importlib.import_module(name)


def plan_of(package: ModuleType) -> StubPlan:
    return StubPlan(Path(package.__file__ or "").parent)


def test_every_operation_from_the_command_line(package: ModuleType, server: ScriptedServer) -> None:
    cli = importlib.import_module(f"{package.__name__}.cli")
    plan = plan_of(package)
    groups = groups_of(plan.table)
    calls = plan.calls(optional=True)
    assert len(calls) == len(plan.spec["operations"]) == len(groups)
    for call in calls:
        entry = call.entry
        args = [groups[entry["method"]], entry["name"], *flags(entry, call.arguments)]
        server.script()
        result = CliRunner().invoke(
            cli.command_line(), [*args, "--endpoint", server.url, "--auth", "none"]
        )
        assert result.exit_code == 0, (args, result.output, result.exception)
        (seen,) = server.seen
        assert seen.method == entry["http_method"]
        query = parse_qs(urlsplit(seen.path).query, keep_blank_values=True)
        for option in entry["options"]:
            if option["argument"] not in call.arguments:
                continue
            if option["in"] == "query":
                assert option["wire"] in query, (entry["name"], option)
            elif option["in"] == "header":
                assert option["wire"].lower() in seen.headers, (entry["name"], option)
            else:
                assert str(call.arguments[option["argument"]]) in seen.path


def test_every_operation_as_an_agent_tool(package: ModuleType, server: ScriptedServer) -> None:
    agent_tools = importlib.import_module(f"{package.__name__}.mcp")
    plan = plan_of(package)
    calls = plan.calls()

    async def run() -> tuple[list[types.Tool], list[types.CallToolResult]]:
        async with package.AsyncClient(server.url, retries=0) as api:
            server_of_tools = agent_tools.create_server(api, allow_writes=True)
            async with mcp.Client(server_of_tools) as client:
                tools = (await client.list_tools()).tools
                results = [
                    await client.call_tool(call.entry["method"], call.arguments) for call in calls
                ]
        return tools, results

    server.script()
    tools, results = asyncio.run(run())
    assert sorted(tool.name for tool in tools) == sorted(call.entry["method"] for call in calls)
    schemas = {tool.name: tool.input_schema for tool in tools}
    for call, result in zip(calls, results, strict=True):
        Draft202012Validator.check_schema(schemas[call.entry["method"]])
        assert Draft202012Validator(schemas[call.entry["method"]]).is_valid(call.arguments)
        text = " ".join(c.text for c in result.content if isinstance(c, types.TextContent))
        assert not result.is_error, (call.entry["method"], text)
    assert len(server.seen) == len(calls)


def test_each_option_has_a_flag_of_its_own(package: ModuleType) -> None:
    """Parameter names that are the commands' own options (``body``, ``query``), or
    that collide once turned into flags (``a-b``, ``a_b``), each get a flag of their own;
    names that are Python keywords or the client's own are words as they are."""
    cli = importlib.import_module(f"{package.__name__}.cli")
    for group in plan_of(package).table["groups"]:
        for entry in group["commands"]:
            names = [o["flag"] for o in entry["options"]]
            names += [f["flag"] for f in (entry["body"] or {}).get("fields") or []]
            assert len(names) == len(set(names)), entry["name"]
            # Keyword-safe Python names (``class_``, ``close_``) are plain words here.
            assert not any(name.endswith("-") for name in [*names, entry["name"]])
            shown = CliRunner().invoke(cli.command_line(), [group["name"], entry["name"], "--help"])
            assert shown.exit_code == 0, shown.output
            flags_shown = {word for word in shown.stdout.split() if word.startswith("--")}
            assert {f"--{name}" for name in names} <= flags_shown
