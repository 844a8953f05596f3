"""Every operation of every test book's generated package is called, sync and async, against
a real loopback server that answers ``{}``: a name a module uses but does not import, or
a response type that cannot be built, or a model left unfinished on import, fails here
whatever the API's shape."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterator
from typing import Any

import pytest

from generator.pipeline import model_from_book
from generator.project import project_files
from generator.write import write_tree

from .conftest import BOOKS, install_package
from .scripted_server import ScriptedServer, scripted_server

# Test books and the package each becomes: free-form maps, text and byte bodies, forms,
# hostile names.
PACKAGES = {
    "jupyter-ul": "every_jupyter",
    "airflow-ul": "every_airflow",
    "hostile": "every_hostile",
}


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with scripted_server() as running:
        yield running


def argument(annotation: str) -> Any:
    """A value of the type an annotation (a string, as written in the package) names."""
    first = annotation.split(" | ")[0]
    for prefix, value in (
        ("bool", True),
        ("int", 1),
        ("float", 1.5),
        ("bytes", b"x"),
        ("FileBody", b"x"),
        ("list", []),
        ("dict", {}),
        ("models.", {}),
        ("Literal[", first.removeprefix("Literal[").split(",")[0].strip("]'\"")),
        ("datetime", "2026-01-02T03:04:05Z"),
        ("date", "2026-01-02"),
    ):
        if first.startswith(prefix):
            return value
    return "x"


def calls(client_class: type) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each operation method and the arguments it requires."""
    for name, method in sorted(operation_methods(client_class).items()):
        parameters = inspect.signature(method).parameters.values()
        yield (
            name,
            {
                p.name: argument(str(p.annotation))
                for p in parameters
                if p.name != "self" and p.default is inspect.Parameter.empty
            },
        )


def operation_methods(client_class: type) -> dict[str, Any]:
    """The methods that call one operation each: not pagers, streams, waiters nor the
    client's own."""
    return {
        name: getattr(client_class, name)
        for name in dir(client_class)
        if not name.startswith(("_", "wait_for_"))
        and name not in ("close", "from_oci_config", "endpoint_template", "user_agent")
        and not name.endswith(("_pages", "_stream"))
    }


@pytest.mark.parametrize("book", sorted(PACKAGES))
def test_every_operation_can_be_called(
    book: str, server: ScriptedServer, tmp_path_factory: pytest.TempPathFactory
) -> None:
    package = PACKAGES[book]
    root = tmp_path_factory.mktemp(package)
    model, _ = model_from_book(BOOKS / book)
    write_tree(root / package, project_files(model, package, "0.1.0", None))
    install_package(root / package, root / "site")
    module = __import__(package)
    # Every model is finished on import, before anything validates one: a response
    # read inside a list or union is serialized by its class's own serializer.
    classes = [getattr(module.models, name) for name in module.models.__all__]
    unfinished = [
        cls.__name__ for cls in classes if not getattr(cls, "__pydantic_complete__", True)
    ]
    assert not unfinished
    operations = list(calls(module.Client))
    assert len(operations) == len(model.operations)
    with module.Client(server.url, retries=0) as client:
        for name, arguments in operations:
            response = getattr(client, name)(**arguments)
            assert response.status_code == 200, name

    async def call_all() -> int:
        async with module.AsyncClient(server.url, retries=0) as client:
            for name, arguments in operations:
                await getattr(client, name)(**arguments)
        return len(operations)

    assert asyncio.run(call_all()) == len(model.operations)
