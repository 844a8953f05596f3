"""What the command line and the agent tools share: the command table, and how
results and errors become JSON.

``_commands.json``, written with the package, describes each operation's command: its
group and name, options, body, pages, waiter and help. Reading it imports none of the
package's models, so that ``PROGRAM GROUP COMMAND --help`` starts fast.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from .errors import ApiError

if TYPE_CHECKING:
    from pydantic import TypeAdapter

    from .waiters import WaitError

COMMAND_TABLE = Path(__file__).with_name("_commands.json")


@functools.cache
def command_table() -> dict[str, Any]:
    """The command table: the program's name, its groups and each one's commands."""
    table: dict[str, Any] = json.loads(COMMAND_TABLE.read_text(encoding="utf-8"))
    return table


def commands() -> Iterator[dict[str, Any]]:
    """Every operation's entry in the command table, group by group."""
    for group in command_table()["groups"]:
        yield from group["commands"]


def missing_extra(extra: str, needed_by: str) -> str:
    """What to install for ``needed_by``, which needs the package's ``extra``."""
    program = command_table()["program"]
    return f"{needed_by} needs the {extra!r} extra: pip install '{program}[{extra}]'"


def jsonable(data: Any) -> Any:
    """A response's data as JSON values: models by their JSON names, with the fields the
    service sent (those the pages do not list among them), and nothing else."""
    if data is None or isinstance(data, (str, int, float, bool)):
        return data
    return _any_adapter().dump_python(
        data, mode="json", by_alias=True, exclude_unset=True, warnings=False
    )


@functools.cache
def _any_adapter() -> TypeAdapter[Any]:
    # Only data that holds models gets here, so pydantic is loaded already.
    from pydantic import TypeAdapter

    return TypeAdapter(Any)


def error_document(error: ApiError | WaitError | httpx.TransportError) -> dict[str, Any]:
    """What a failed call reports: the status, the service's code and message, and the
    ``opc-request-id`` to quote to the service's support; for a wait that ended short,
    its last answer's; for a connection that failed, the message alone."""
    if isinstance(error, httpx.TransportError):
        return {"status": None, "code": None, "message": str(error), "opc-request-id": None}
    if isinstance(error, ApiError):
        return {
            "status": error.status_code,
            "code": error.code,
            "message": error.message,
            "opc-request-id": error.request_id,
        }
    return {
        "status": error.response.status_code,
        "code": None,
        "message": str(error),
        "opc-request-id": error.response.request_id,
    }
