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

    def starting(self, prefix: str) -> Callable[..., Any]:
        """The method whose name starts with ``prefix``."""
        [name] = [n for n in dir(self.client) if n.startswith(prefix)]
        return self.__getattr__(name)

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
    version = api.get_jupyter_server_version().data
    assert isinstance(version, models.GetJupyterServerVersionResponse) and version.version
    status = api.get_current_status_activity_of_server().data
    assert isinstance(status, models.APIStatus) and status.started
    # Documented as a file (``type: file``): its bytes, as sent.
    assert b"/api/sessions" in api.get_current_spec_for_notebook_server_s_apis().data
    # The page's title is its whole description, and so is the method's name.
    identity = api.starting("get_identity_of_currently_authenticated_user")(
        permissions='{"contents": ["read"]}'
    ).data
    assert identity.identity is not None
    specs = api.get_kernel_specs().data
    assert specs.default == "python3"
    # The pages document "logo-*": the server's logo-64x64 and the like are kept.
    resources = specs.kernelspecs["python3"].resources
    assert any(name.startswith("logo-") for name in resources.model_extra), resources
    assert all("*" not in (f.alias or "") for f in type(resources).model_fields.values())


def contents_and_checkpoints(api: Recorder, models: Any, not_found: type[Exception]) -> None:
    created = api.create_new_file_in_specified_path(path="work", body={"type": "notebook"}).data
    assert isinstance(created, models.Contents) and created.path.startswith("work/Untitled")
    saved = api.save_or_upload_file(
        path="work/a.ipynb", body={"type": "notebook", "format": "json", "content": NOTEBOOK}
    ).data
    assert saved.name == "a.ipynb"
    api.save_or_upload_file(
        path="work/notes.txt", body={"type": "file", "format": "text", "content": "hello"}
    )
    folder = api.get_contents_of_file_or_directory(path="work").data
    assert folder.type == "directory"
    assert {item["name"] for item in folder.content} >= {"a.ipynb", "notes.txt"}
    text = api.get_contents_of_file_or_directory(path="work/notes.txt", format="text").data
    assert text.content == "hello"
    notebook = api.get_contents_of_file_or_directory(path="work/a.ipynb", content=1).data
    assert notebook.content["nbformat"] == 4
    copied = api.create_new_file_in_specified_path(
        path="work", body={"copy_from": "work/a.ipynb"}
    ).data
    assert copied.path.startswith("work/a-Copy")
    renamed = api.rename_file_or_directory_without_re_uploading_content(
        path=copied.path, body={"path": "work/b.ipynb"}
    ).data
    assert renamed.path == "work/b.ipynb"
    resolved = api.resolve_path_to_file(path="work/b.ipynb").data
    assert resolved.resolved
    checkpoint = api.create_new_checkpoint_for_file(path="work/a.ipynb").data
    assert checkpoint.id
    listed = api.get_list_of_checkpoints_for_file(path="work/a.ipynb").data
    assert [c.id for c in listed] == [checkpoint.id]
    api.restore_file_to_particular_checkpointed_state(
        path="work/a.ipynb", checkpoint_id=checkpoint.id
    )
    api.delete_checkpoint(path="work/a.ipynb", checkpoint_id=checkpoint.id)
    assert api.get_list_of_checkpoints_for_file(path="work/a.ipynb").data == []
    api.delete_file_in_given_path(path="work/b.ipynb")
    with pytest.raises(not_found):
        api.client.get_contents_of_file_or_directory(path="work/b.ipynb")


def kernels_and_sessions(api: Recorder, models: Any) -> None:
    kernel = api.start_kernel_and_return_uuid(body={}).data
    assert isinstance(kernel, models.Kernel) and kernel.name == "python3"
    assert kernel.id in {
        k.id for k in api.list_json_data_for_all_kernels_that_are_currently_running().data
    }
    assert api.get_kernel_information(kernel_id=kernel.id).data.id == kernel.id
    api.interrupt_kernel(kernel_id=kernel.id)
    assert api.restart_kernel(kernel_id=kernel.id).data.id == kernel.id
    api.kill_kernel_and_delete_kernel_id(kernel_id=kernel.id)

    session = (
        api.create_new_session_or_return_existing_session_if_session_of_same_name_already_exists(
            body={
                "path": "work/a.ipynb",
                "type": "notebook",
                "name": "a",
                "kernel": {"name": "python3"},
            }
        ).data
    )
    assert isinstance(session, models.Session) and session.kernel.name == "python3"
    assert session.id in {s.id for s in api.list_available_sessions().data}
    assert api.get_session(session=session.id).data.path == "work/a.ipynb"
    renamed = api.this_can_be_used_to_rename_session(session=session.id, body={"name": "b"}).data
    assert renamed.name == "b"
    api.delete_session(session=session.id)
    assert api.list_available_sessions().data == []


def terminals(api: Recorder, models: Any) -> None:
    terminal = api.create_new_terminal().data
    assert isinstance(terminal, models.Terminal) and terminal.name
    assert terminal.name in {t.name for t in api.get_available_terminals().data}
    assert api.get_terminal_session_corresponding_to_id(terminal_id=terminal.name).data.name
    api.delete_terminal_session_corresponding_to_id(terminal_id=terminal.name)
    assert api.get_available_terminals().data == []


def config(api: Recorder) -> None:
    updated = api.update_configuration_section_by_name(
        section_name="docs2sdk", body={"answer": 42}
    ).data
    assert updated == {"answer": 42}
    assert api.get_configuration_section_by_name(section_name="docs2sdk").data == {"answer": 42}
