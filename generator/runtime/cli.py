"""The command line: every operation of the API from a shell (the ``cli`` extra).

``PROGRAM GROUP COMMAND [OPTIONS]``: a group per tag of the book, a command per
operation, named after the client's methods in kebab-case (``list_workspaces`` is
``list-workspaces``), its options from the operation's parameters. The response body
is written as JSON (indented on a terminal, one line otherwise); ``--query`` picks
from it with a JMESPath expression, ``--all`` follows the pages and streams their
items, ``--wait-for-state`` waits for the resource, ``--raw`` writes a download as it
came. An error exits with status 1 and its status, code, message and
``opc-request-id`` as JSON on standard error; a usage error exits with 2.

Connection and auth are those of ``Client.from_oci_config``: ``--profile``,
``--config-file``, ``--region`` and ``--auth`` (or ``OCI_CLI_PROFILE``,
``OCI_CLI_CONFIG_FILE``, ``OCI_CLI_REGION``, ``OCI_CLI_AUTH``, as the ``oci`` command
line reads them), or ``--endpoint`` with the service's base URL.

Commands are made from ``_commands.json`` only when asked for: ``--help`` imports none
of the package's models, and neither pydantic nor ``oci``. ``PROGRAM mcp`` serves the
agent tools (``NAME.mcp``, the ``mcp`` extra).
"""

from __future__ import annotations

import functools
import json
import re
import sys
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
import httpx

from ._commands import command_table, error_document, jsonable, missing_extra
from .client import AsyncClient, Client
from .errors import ApiError
from .waiters import DEFAULT_WAIT, WaitError

if TYPE_CHECKING:
    from jmespath.parser import ParsedResult

    from ._runtime import ApiResponse

__all__ = ["command_line", "main"]

AUTH_METHODS = ("api_key", "security_token", "instance_principal", "resource_principal", "none")
AnyClient = TypeVar("AnyClient", Client, AsyncClient)
# A Markdown link: help shows its text (click would break the URL across lines).
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
# The option types of the value types; anything else (``json``) is given as JSON text.
_TYPES = {
    "string": click.STRING,
    "integer": click.INT,
    "number": click.FLOAT,
    "boolean": click.BOOL,
}


def _connection_options() -> list[click.Option]:
    """The options that say where the service is and how requests are signed."""
    return [
        click.Option(
            ["--profile"],
            default="DEFAULT",
            show_default=True,
            envvar="OCI_CLI_PROFILE",
            show_envvar=True,
            help="The profile of the OCI config file to use.",
        ),
        click.Option(
            ["--config-file"],
            envvar="OCI_CLI_CONFIG_FILE",
            show_envvar=True,
            help="The OCI config file (default: ~/.oci/config, or OCI_CONFIG_FILE).",
        ),
        click.Option(
            ["--region"],
            envvar="OCI_CLI_REGION",
            show_envvar=True,
            help="The region whose endpoint to call (default: the profile's).",
        ),
        click.Option(
            ["--auth"],
            type=click.Choice(AUTH_METHODS),
            envvar="OCI_CLI_AUTH",
            show_envvar=True,
            help=(
                "How requests are signed (default: the profile's session token if it has "
                "one, else its API key); none sends them unsigned, to --endpoint."
            ),
        ),
        click.Option(
            ["--endpoint"],
            envvar=command_table()["endpoint_variable"],
            show_envvar=True,
            help="The service's base URL, instead of the region's endpoint.",
        ),
    ]


def _connect(client_class: type[AnyClient], values: Mapping[str, Any]) -> AnyClient:
    """A client made as the connection options say; a configuration that does not work
    (no config file, no such profile, no region) is reported as a usage error."""
    from . import auth as signing

    profile, file, region = values["profile"], values["config_file"], values["region"]
    method, endpoint = values["auth"], values["endpoint"]
    if method == "none":
        if endpoint is None:
            raise click.UsageError(
                "--auth none needs --endpoint (there is no region without a profile)"
            )
        return client_class(endpoint)
    try:
        signer: Any = None
        if method == "api_key":
            signer = signing.OciSigner.from_config(file or signing.DEFAULT_CONFIG_FILE, profile)
        elif method == "security_token":
            signer = signing.OciAuth.session_token(profile, file)
        elif method == "instance_principal":
            signer = signing.OciAuth.instance_principals()
        elif method == "resource_principal":
            signer = signing.OciAuth.resource_principals()
        if endpoint is not None:
            signer = signer or signing.config_auth(signing.oci_config(file, profile))
            return client_class(endpoint, auth=signer)
        return client_class.from_oci_config(profile, file, region, auth=signer)
    except Exception as error:  # the oci package's config errors have no common base
        raise click.UsageError(f"cannot connect: {error}") from error


class _Program(click.Group):
    """The program: a group per tag, made when asked for, and ``mcp``."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([group["name"] for group in command_table()["groups"]] + ["mcp"])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name == "mcp":
            return _agent_tools_command()
        for group in command_table()["groups"]:
            if group["name"] == cmd_name:
                return _Tag(group)
        return None


class _Tag(click.Group):
    """One tag's operations: a command each, made when asked for."""

    def __init__(self, group: dict[str, Any]) -> None:
        super().__init__(group["name"], help=group["help"])
        self.entries = {entry["name"]: entry for entry in group["commands"]}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.entries)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = self.entries.get(cmd_name)
        return _command(entry) if entry is not None else None


def _help(entry: dict[str, Any]) -> str:
    """A command's help: the page's title and description, the request, and the page."""
    parts = [entry["title"]]
    if entry["description"]:
        parts.append(_LINK.sub(r"\1", entry["description"]))
    request = f"{entry['http_method']} {entry['path']}"
    # \b keeps click from rewrapping the paragraph: the URL stays whole, at the end.
    parts.append("\b\n" + (f"{request}\n{entry['url']}" if entry["url"] else request))
    return "\n\n".join(parts)


def _option(spec: dict[str, Any], *, required: bool) -> click.Option:
    """A parameter's (or a body field's) option."""
    kind = click.Choice(spec["choices"]) if spec["choices"] else _TYPES.get(spec["type"])
    return click.Option(
        [f"--{spec['flag']}"],
        type=kind,
        multiple=spec["multiple"],
        required=required,
        help=_LINK.sub(r"\1", spec["help"]) or None,
    )


def _command(entry: dict[str, Any]) -> click.Command:
    """The command of one operation."""
    params: list[click.Parameter] = [
        _option(spec, required=spec["required"]) for spec in entry["options"]
    ]
    body = entry["body"]
    if body is not None:
        fields = body["fields"]
        what = "a file of" if body["format"] == "bytes" else "JSON:"
        params.append(
            click.Option(
                ["--body"],
                metavar="TEXT|@FILE|-",
                required=fields is None,
                help=(
                    f"The request body, {what} the text itself, @FILE to read a file, "
                    "- to read standard input. " + _LINK.sub(r"\1", body["help"])
                ).strip()
                + (" The fields' options below set fields of it." if fields else ""),
            )
        )
        params += [_option(field, required=False) for field in fields or []]
    params += [
        click.Option(
            ["--query"],
            metavar="JMESPATH",
            help="A JMESPath expression that picks what to write from the response (with "
            "--all, from each item).",
        ),
        click.Option(
            ["--raw-output"],
            is_flag=True,
            help="Write a string result as it is, without the quotes of JSON.",
        ),
    ]
    if entry["pages"] is not None:
        params.append(
            click.Option(
                ["--all", "all_pages"],
                is_flag=True,
                help="Follow opc-next-page to the last page, writing the items as they come.",
            )
        )
    if entry["wait"] is not None:
        params += [
            click.Option(
                ["--wait-for-state"],
                type=click.Choice(entry["wait"]["states"]),
                multiple=True,
                help="Then wait until the resource is in this state (repeat for any of several).",
            ),
            click.Option(
                ["--max-wait-seconds"],
                type=float,
                default=DEFAULT_WAIT,
                show_default=True,
                help="How long --wait-for-state waits at most.",
            ),
        ]
    if entry["download"] is not None:
        params.append(
            click.Option(
                ["--raw"], is_flag=True, help="Write the body as the service sent it, not as JSON."
            )
        )
    params += _connection_options()

    def invoke(**values: Any) -> None:
        _run(entry, values)

    return click.Command(
        entry["name"],
        callback=invoke,
        params=params,
        help=_help(entry),
        short_help=entry["title"],
    )


def _agent_tools_command() -> click.Command:
    def serve(allow_writes: bool, **values: Any) -> None:
        try:
            from . import mcp as agent_tools
        except ImportError as error:
            if error.name is None or error.name.partition(".")[0] not in ("mcp", "mcp_types"):
                raise
            raise click.UsageError(missing_extra("mcp", "Serving the agent tools")) from error
        agent_tools.run(_connect(AsyncClient, values), allow_writes=allow_writes)

    allow = click.Option(
        ["--allow-writes"],
        is_flag=True,
        help="Offer the operations that change data too (POST, PUT, PATCH, DELETE).",
    )
    return click.Command(
        "mcp",
        callback=serve,
        params=[allow, *_connection_options()],
        help="Serve the API as agent tools over the Model Context Protocol, on standard input "
        "and output: a tool per operation; only those that change nothing (GET, HEAD) unless "
        "--allow-writes.",
        short_help="Serve the API as agent tools (MCP) on standard input and output.",
    )


def _run(entry: dict[str, Any], values: dict[str, Any]) -> None:
    query = _compile(values.pop("query"))
    arguments = _arguments(entry, values)
    if values.get("all_pages") and arguments.get(entry["pages"]["page"]) is not None:
        raise click.UsageError("--all starts at the first page: leave out the page option")
    if values.get("raw") and query is not None:
        raise click.UsageError("--raw writes the body as it came: --query cannot pick from it")
    given = click.get_current_context().obj
    client = given if isinstance(given, Client) else _connect(Client, values)
    try:
        if values.get("all_pages"):
            _write_items(_items(client, entry, arguments), query)
            return
        response: ApiResponse[Any] | None = getattr(client, entry["method"])(**arguments)
        if values.get("wait_for_state"):
            assert response is not None
            response = _wait(client, entry, arguments, response, values)
        if response is not None:
            _write_data(response.data, entry, query, values)
    except (ApiError, WaitError, httpx.TransportError) as error:
        _fail(error_document(error))
    finally:
        if client is not given:
            client.close()


def _fail(document: dict[str, Any]) -> None:
    click.echo(json.dumps(document, ensure_ascii=False), err=True)
    click.get_current_context().exit(1)


def _compile(expression: str | None) -> ParsedResult | None:
    if expression is None:
        return None
    try:
        import jmespath
    except ImportError as error:
        raise click.UsageError(missing_extra("cli", "--query")) from error
    try:
        return jmespath.compile(expression)
    except jmespath.exceptions.JMESPathError as error:
        raise click.BadParameter(str(error), param_hint="--query") from error


def _arguments(entry: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The client method's keyword arguments, from the options given."""
    arguments: dict[str, Any] = {}
    for spec in entry["options"]:
        value = _given(spec, values)
        if value is not None:
            arguments[spec["argument"]] = value
    if entry["body"] is not None:
        arguments["body"] = _body(entry["body"], values)
    return arguments


def _given(spec: dict[str, Any], values: Mapping[str, Any]) -> Any:
    """An option's value as the client takes it: None when not given, a list for a
    repeated option, a number for a numeric choice."""
    value = values[spec["flag"].replace("-", "_")]
    if spec["multiple"]:
        items = [_typed(spec, item) for item in value]
        return items or None
    return None if value is None else _typed(spec, value)


def _typed(spec: dict[str, Any], value: Any) -> Any:
    """A value as its type: a number for a numeric choice, JSON text read (text that is
    not JSON is kept as the string it is)."""
    if spec["choices"] and spec["type"] == "integer":
        return int(value)
    if spec["choices"] and spec["type"] == "number":
        return float(value)
    if spec["type"] == "json":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _body(body: dict[str, Any], values: Mapping[str, Any]) -> Any:
    """The request body: ``--body`` (text, ``@FILE`` or ``-``), with the fields given by
    their own options set in it."""
    given = values["body"]
    content = None if given is None else _read(given)
    if body["format"] == "bytes":
        return content  # --body is required
    document = None
    if content is not None:
        try:
            document = json.loads(content)
        except ValueError as error:
            raise click.BadParameter(f"not JSON: {error}", param_hint="--body") from error
    fields = {
        field["key"]: value
        for field in body["fields"] or []
        if (value := _given(field, values)) is not None
    }
    if document is None:
        missing = [
            f"--{field['flag']}"
            for field in body["fields"] or []
            if field["required"] and field["key"] not in fields
        ]
        if missing:
            raise click.UsageError(f"Missing option {', '.join(missing)} (or the whole --body)")
        return fields
    if fields:
        if not isinstance(document, dict):
            raise click.BadParameter("field options set fields of an object", param_hint="--body")
        document.update(fields)
    return document


def _read(given: str) -> bytes:
    if given == "-":
        return sys.stdin.buffer.read()
    if given.startswith("@"):
        try:
            return Path(given[1:]).expanduser().read_bytes()
        except OSError as error:
            raise click.BadParameter(str(error), param_hint="--body") from error
    return given.encode()


def _wait(
    client: Client,
    entry: dict[str, Any],
    arguments: Mapping[str, Any],
    response: ApiResponse[Any],
    values: Mapping[str, Any],
) -> ApiResponse[Any] | None:
    """The waiter's last answer, after the call: None when what was waited for is gone."""
    wait = entry["wait"]
    data = jsonable(response.data)
    waiter_arguments = {}
    for name, (source, key) in wait["arguments"].items():
        if source == "option":
            waiter_arguments[name] = arguments[key]
        elif isinstance(data, dict) and data.get(key) is not None:
            waiter_arguments[name] = data[key]
        else:
            raise click.ClickException(f"the answer has no {key!r} to wait on")
    waited: ApiResponse[Any] | None = getattr(client, wait["method"])(
        **waiter_arguments,
        states=list(values["wait_for_state"]),
        timeout=values["max_wait_seconds"],
    )
    return waited


def _items(client: Client, entry: dict[str, Any], arguments: dict[str, Any]) -> Iterable[Any]:
    """Every item of every page, page by page as they come."""
    key = entry["pages"]["items"]
    for response in getattr(client, entry["pages"]["method"])(**arguments):
        page = jsonable(response.data)
        if key is None:
            yield page
        elif key == "":
            yield from page if isinstance(page, list) else [page]
        else:
            items = page.get(key) if isinstance(page, dict) else None
            yield from items if isinstance(items, list) else []


def _terminal() -> bool:
    return sys.stdout.isatty()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2 if _terminal() else None)


def _write_items(items: Iterable[Any], query: ParsedResult | None) -> None:
    """A JSON array of ``items`` (each picked by ``query``; the null ones left out, as
    a JMESPath projection leaves them), written item by item."""
    out = sys.stdout
    terminal = _terminal()
    written = 0
    out.write("[")
    for item in items:
        value = query.search(item) if query is not None else item
        if value is None and query is not None:
            continue
        text = "\n" + textwrap.indent(_json(value), "  ") if terminal else _json(value)
        out.write(("," if written else "") + text)
        out.flush()
        written += 1
    out.write("\n]\n" if terminal and written else "]\n")


def _write_data(
    data: Any, entry: dict[str, Any], query: ParsedResult | None, values: Mapping[str, Any]
) -> None:
    """The response's data: as JSON (picked by ``query``; a string bare with
    ``--raw-output``), or a download as it came (``--raw``)."""
    if entry["download"] is not None and values.get("raw"):
        sys.stdout.flush()  # what was written as text before goes first
        sys.stdout.buffer.write(data if isinstance(data, bytes) else str(data).encode())
        sys.stdout.buffer.flush()
        return
    if isinstance(data, bytes):
        try:
            data = data.decode()
        except UnicodeDecodeError:
            raise click.ClickException(
                f"the body is {len(data)} bytes of binary content: add --raw to write it "
                "as it came (to a file: > FILE)"
            ) from None
    value = jsonable(data)
    if query is not None:
        value = query.search(value)
    click.echo(value if isinstance(value, str) and values["raw_output"] else _json(value))


@functools.cache
def command_line() -> click.Group:
    """The program's root group."""
    table = command_table()
    root = _Program(
        table["program"], help=f"The {table['title']}: a command per operation, grouped by tag."
    )
    click.version_option(table["version"], prog_name=table["program"])(root)
    return root


def main(args: Sequence[str] | None = None, *, client: Client | None = None) -> None:
    """Run the command line on ``args`` (the process's own when None), and exit.
    ``client``, when given, is used instead of one made from the connection options (a
    client of the stub server, in a test) and is left open."""
    command_line().main(args, prog_name=command_table()["program"], obj=client)
