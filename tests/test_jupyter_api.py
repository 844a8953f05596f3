"""The whole Jupyter Server API, through a client generated from its book, against a real
``jupyter_server``: every operation, with contents, checkpoints, kernels, sessions,
terminals and config created, read, updated and deleted."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.pipeline import model_from_book
from generator.project import project_files
from generator.write import write_tree

from .conftest import BOOKS, install_package
from .test_every_operation import operation_methods
from .test_jupyter_session import TOKEN, jupyter_server

NOTEBOOK = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture(scope="module")
def jupyter_sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("jupyter-sdk")
    model, _ = model_from_book(BOOKS / "jupyter-ul")
    project = root / "jupyter_sdk"
    write_tree(project, project_files(model, "jupyter_sdk", "0.1.0", None))
    install_package(project, root / "site")
    return project


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with jupyter_server(tmp_path_factory.mktemp("jupyter-root")) as url:
        yield url


class Recorder:
    """The client, counting the calls and the operations they reach."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.calls = 0
        self.operations: set[str] = set()

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self.client, name)

        def call(**arguments: Any) -> Any:
            self.calls += 1
            self.operations.add(name)
            response = method(**arguments)
            assert 200 <= response.status_code < 300
            return response

        return call


def test_every_operation_against_the_real_server(jupyter_sdk: Path, server_url: str) -> None:
    from jupyter_sdk import Client, NotFoundError, models

    with Client(server_url, headers={"Authorization": f"token {TOKEN}"}, retries=0) as plain:
        api = Recorder(plain)
        server_and_identity(api, models)
        contents_and_checkpoints(api, models, NotFoundError)
        kernels_and_sessions(api, models)
        terminals(api, models)
        config(api)
        operations = set(operation_methods(Client))
    assert api.operations == operations, sorted(operations - api.operations)
    assert (api.calls, len(operations)) == (39, 32)


def server_and_identity(api: Recorder, models: Any) -> None:
    version = api.get_root().data
    assert isinstance(version, models.GetRootResponse) and version.version
    status = api.get_api_status().data
    assert isinstance(status, models.APIStatus) and status.started
    # Documented as a file (``type: file``): its bytes, as sent.
    assert b"/api/sessions" in api.get_spec_yaml().data
    # The page's title is its whole description; the method is named for ``GET /api/me``.
    identity = api.get_me(permissions='{"contents": ["read"]}').data
    assert identity.identity is not None
    specs = api.list_kernelspecs().data
    assert specs.default == "python3"
    # The pages document "logo-*": the server's logo-64x64 and the like are kept.
    resources = specs.kernelspecs["python3"].resources
    assert any(name.startswith("logo-") for name in resources.model_extra), resources
    assert all("*" not in (f.alias or "") for f in type(resources).model_fields.values())


def contents_and_checkpoints(api: Recorder, models: Any, not_found: type[Exception]) -> None:
    created = api.post_content(path="work", body={"type": "notebook"}).data
    assert isinstance(created, models.Contents) and created.path.startswith("work/Untitled")
    saved = api.update_content(
        path="work/a.ipynb", body={"type": "notebook", "format": "json", "content": NOTEBOOK}
    ).data
    assert saved.name == "a.ipynb"
    api.update_content(
        path="work/notes.txt", body={"type": "file", "format": "text", "content": "hello"}
    )
    folder = api.get_content(path="work").data
    assert folder.type == "directory"
    assert {item["name"] for item in folder.content} >= {"a.ipynb", "notes.txt"}
    text = api.get_content(path="work/notes.txt", format="text").data
    assert text.content == "hello"
    notebook = api.get_content(path="work/a.ipynb", content=1).data
    assert notebook.content["nbformat"] == 4
    copied = api.post_content(path="work", body={"copy_from": "work/a.ipynb"}).data
    assert copied.path.startswith("work/a-Copy")
    renamed = api.patch_content(path=copied.path, body={"path": "work/b.ipynb"}).data
    assert renamed.path == "work/b.ipynb"
    resolved = api.get_resolve_path(path="work/b.ipynb").data
    assert resolved.resolved
    checkpoint = api.create_checkpoint(path="work/a.ipynb").data
    assert checkpoint.id
    listed = api.list_content_checkpoints(path="work/a.ipynb").data
    assert [c.id for c in listed] == [checkpoint.id]
    api.post_checkpoint(path="work/a.ipynb", checkpoint_id=checkpoint.id)
    api.delete_checkpoint(path="work/a.ipynb", checkpoint_id=checkpoint.id)
    assert api.list_content_checkpoints(path="work/a.ipynb").data == []
    api.delete_content(path="work/b.ipynb")
    with pytest.raises(not_found):
        api.client.get_content(path="work/b.ipynb")


def kernels_and_sessions(api: Recorder, models: Any) -> None:
    kernel = api.create_kernel(body={}).data
    assert isinstance(kernel, models.Kernel) and kernel.name == "python3"
    assert kernel.id in {k.id for k in api.list_kernels().data}
    assert api.get_kernel(kernel_id=kernel.id).data.id == kernel.id
    api.interrupt_kernel(kernel_id=kernel.id)
    assert api.restart_kernel(kernel_id=kernel.id).data.id == kernel.id
    api.delete_kernel(kernel_id=kernel.id)

    session = api.create_session(
        body={
            "path": "work/a.ipynb",
            "type": "notebook",
            "name": "a",
            "kernel": {"name": "python3"},
        }
    ).data
    assert isinstance(session, models.Session) and session.kernel.name == "python3"
    assert session.id in {s.id for s in api.list_sessions().data}
    assert api.get_session(session=session.id).data.path == "work/a.ipynb"
    renamed = api.patch_session(session=session.id, body={"name": "b"}).data
    assert renamed.name == "b"
    api.delete_session(session=session.id)
    assert api.list_sessions().data == []


def terminals(api: Recorder, models: Any) -> None:
    terminal = api.create_terminal().data
    assert isinstance(terminal, models.Terminal) and terminal.name
    assert terminal.name in {t.name for t in api.list_terminals().data}
    assert api.get_terminal(terminal_id=terminal.name).data.name
    api.delete_terminal(terminal_id=terminal.name)
    assert api.list_terminals().data == []


def config(api: Recorder) -> None:
    updated = api.patch_config(section_name="docs2sdk", body={"answer": 42}).data
    assert updated == {"answer": 42}
    assert api.get_config(section_name="docs2sdk").data == {"answer": 42}
