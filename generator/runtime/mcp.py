"""Agent tools: the API over the Model Context Protocol (the ``mcp`` extra).

A tool per operation, named after the client's method and described from its page
(with the page's URL); its input schema is the operation's parameters and body as JSON
Schema, the required ones required. A result is the response body as JSON text (and,
when there is a next page, how to ask for it); an error is a tool error whose text is
the status, the service's code and message and the ``opc-request-id``, as JSON.

Safe by default: only the operations that change nothing (GET, HEAD) are offered
unless ``allow_writes``; every tool carries the hints that say whether it only reads,
may destroy what exists, and may be repeated safely.

``PROGRAM mcp [--allow-writes]`` serves the tools on standard input and output, with
the command line's connection options. In code::

    from PACKAGE.mcp import create_server
    server = create_server(AsyncClient(...), allow_writes=False)  # an mcp Server
"""

from __future__ import annotations

import asyncio
import base64
import functools
import json
from pathlib import Path
from typing import Any

import httpx
from mcp import types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server
from mcp.shared.exceptions import MCPError

from ._commands import command_table, commands, error_document, jsonable
from .client import AsyncClient
from .errors import ApiError

__all__ = ["create_server", "run", "serve_stdio", "tools"]

INPUT_SCHEMAS = Path(__file__).with_name("_input_schemas.json")
# The hints of each operation's effect (see ``_commands.json``): whether it only
# reads, whether it may destroy what exists, and whether repeating it changes nothing more.
_HINTS = {
    "read": (True, False, True),
    "create": (False, False, False),
    "replace": (False, True, True),
    "update": (False, True, False),
    "delete": (False, True, True),
    "action": (False, True, False),
}


@functools.cache
def _input_schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = json.loads(INPUT_SCHEMAS.read_text(encoding="utf-8"))
    return schemas


def input_schema(method: str) -> dict[str, Any]:
    """The JSON Schema of the arguments of the tool for the client's ``method``."""
    schemas = _input_schemas()
    entry = schemas["operations"][method]
    schema: dict[str, Any] = {
        "type": "object",
        "properties": entry["properties"],
        "required": entry["required"],
        "additionalProperties": False,
    }
    if entry["defs"]:
        schema["$defs"] = {name: schemas["schemas"][name] for name in entry["defs"]}
    return schema


def _description(entry: dict[str, Any]) -> str:
    parts = [entry["title"], entry["description"], f"{entry['http_method']} {entry['path']}"]
    if entry["url"]:
        parts.append(f"Documented at {entry['url']}")
    return "\n\n".join(part for part in parts if part)


def _tool(entry: dict[str, Any]) -> types.Tool:
    read_only, destructive, idempotent = _HINTS[entry["effect"]]
    return types.Tool(
        name=entry["method"],
        title=entry["title"],
        description=_description(entry),
        input_schema=input_schema(entry["method"]),
        annotations=types.ToolAnnotations(
            title=entry["title"],
            read_only_hint=read_only,
            destructive_hint=destructive,
            idempotent_hint=idempotent,
            open_world_hint=True,
        ),
    )


def tools(*, allow_writes: bool = False) -> list[types.Tool]:
    """The tools offered: every operation's with ``allow_writes``, else those that read."""
    return [_tool(entry) for entry in commands() if allow_writes or entry["effect"] == "read"]


def create_server(client: AsyncClient, *, allow_writes: bool = False) -> Server[Any]:
    """A server of the tools that calls the API through ``client`` (left open)."""
    entries = {entry["method"]: entry for entry in commands()}
    offered = tools(allow_writes=allow_writes)

    async def list_tools(
        ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=offered)

    async def call_tool(
        ctx: ServerRequestContext[Any, Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        entry = entries.get(params.name)
        if entry is None:
            raise MCPError(types.INVALID_PARAMS, f"No tool named {params.name!r}")
        if entry["effect"] != "read" and not allow_writes:
            return _failure(
                f"{params.name} changes data ({entry['http_method']}): this server offers "
                "only operations that read; start it with --allow-writes to offer the others"
            )
        arguments = dict(params.arguments or {})
        schema = _input_schemas()["operations"][entry["method"]]
        unknown = sorted(set(arguments) - set(schema["properties"]))
        missing = [name for name in schema["required"] if name not in arguments]
        if unknown or missing:
            return _failure(
                f"{params.name}: "
                + "; ".join(
                    [f"no argument named {name!r}" for name in unknown]
                    + [f"the argument {name!r} is required" for name in missing]
                )
            )
        body = entry["body"]
        if (
            body is not None
            and body["format"] == "bytes"
            and isinstance(arguments.get("body"), str)
        ):
            arguments["body"] = arguments["body"].encode()  # a file's content, given as text
        try:
            response = await getattr(client, entry["method"])(**arguments)
        except (ApiError, httpx.TransportError) as error:
            return _failure(error_document(error))
        except (TypeError, ValueError) as error:  # arguments the request cannot carry
            return _failure(f"{params.name}: {error}")
        return _result(entry, response.data, response.headers, response.next_page)

    table = command_table()
    return Server(
        table["program"],
        version=table["version"],
        title=table["title"],
        instructions=(
            f"Tools for the {table['title']}: one per operation of its REST API, each "
            "described from its documentation page."
        ),
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


def _failure(what: str | dict[str, Any]) -> types.CallToolResult:
    text = what if isinstance(what, str) else json.dumps(what, ensure_ascii=False)
    return types.CallToolResult(content=[types.TextContent(text=text)], is_error=True)


def _result(
    entry: dict[str, Any], data: Any, headers: httpx.Headers, next_page: str | None
) -> types.CallToolResult:
    content: list[types.ContentBlock] = []
    if isinstance(data, bytes):
        try:
            data = data.decode()
        except UnicodeDecodeError:
            blob = types.BlobResourceContents(
                uri=f"{command_table()['program']}:{entry['method']}",
                mime_type=headers.get("content-type"),
                blob=base64.b64encode(data).decode("ascii"),
            )
            content.append(types.EmbeddedResource(resource=blob))
    if not content:
        text = (
            data
            if entry["download"] is not None
            else json.dumps(jsonable(data), ensure_ascii=False)
        )
        content.append(types.TextContent(text=text))
    if next_page and entry["pages"] is not None:
        content.append(
            types.TextContent(
                text=f"There is a next page: call {entry['method']} again with "
                f"{entry['pages']['page']}={json.dumps(next_page)}."
            )
        )
    return types.CallToolResult(content=content)


async def serve_stdio(client: AsyncClient, *, allow_writes: bool = False) -> None:
    """Serve the tools on standard input and output until the input ends; closes ``client``."""
    server = create_server(client, allow_writes=allow_writes)
    async with client, stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


def run(client: AsyncClient, *, allow_writes: bool = False) -> None:
    """``serve_stdio`` in its own event loop."""
    asyncio.run(serve_stdio(client, allow_writes=allow_writes))
