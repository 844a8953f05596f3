"""The generated README's quick start runs as it is written, against the stub server."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import Any

import pytest

from generator.pipeline import model_from_book
from generator.project import project_files
from generator.write import write_tree

from .conftest import AIDP_PROJECT, BOOKS, install_package


def _quick_start(project: Path = AIDP_PROJECT) -> str:
    readme = (project / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```$", readme, flags=re.DOTALL | re.MULTILINE)
    return str(blocks[0])


def _run(code: str) -> list[str]:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    return printed.getvalue().splitlines()


def test_the_quick_start_runs_against_the_stub(
    aidp_sdk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aidp_workbench import Client
    from aidp_workbench.server import create_app
    from aidp_workbench.testing import stub_client

    stub = create_app(lifecycle_delay=0.2)
    configured: list[dict[str, Any]] = []

    def from_oci_config(cls: type[Client], **options: Any) -> Client:
        configured.append(options)
        return stub_client(stub)

    # Only where the client comes from changes: the stub stands in for the service.
    monkeypatch.setattr(Client, "from_oci_config", classmethod(from_oci_config))
    code = _quick_start()
    assert "Client.from_oci_config()" in code
    lines = _run(code)
    assert configured == [{}]
    # The wait saw the workspace settle; the list showed it; the delete took.
    assert lines[0].startswith("ACTIVE ")
    assert any("display_name='example'" in line for line in lines[1:-1])
    assert lines[-1].startswith("Deleted: 404 NotAuthorizedOrNotFound")
    # Everything it created, it deleted.
    assert not any(stub.store.items.values())


def test_the_quick_start_covers_a_whole_life() -> None:
    code = _quick_start()
    for step in ("create_", "wait_for_", "_pages(", "if_match=", "delete_", "NotFoundError"):
        assert step in code, step


def test_a_book_with_no_endpoint_starts_from_a_base_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A book that gives no endpoint (and is not Oracle's): the example names a base URL."""
    model, _ = model_from_book(BOOKS / "jupyter-ul")
    write_tree(tmp_path / "readme_sdk", project_files(model, "readme_sdk", "0.1.0", None))
    install_package(tmp_path / "readme_sdk", tmp_path / "site")
    import readme_sdk
    from readme_sdk.server import create_app
    from readme_sdk.testing import stub_client

    stub = create_app()
    code = _quick_start(tmp_path / "readme_sdk")
    assert 'with Client("https://example.com") as client:' in code
    # The stub stands in for the service.
    monkeypatch.setattr(readme_sdk, "Client", lambda *args, **options: stub_client(stub))
    lines = _run(code)
    assert lines[-1].startswith("Deleted: 404")
    assert not any(stub.store.items.values())


def test_a_book_that_is_not_oracles_is_not_told_to_sign_as_oracle(tmp_path: Path) -> None:
    """Jupyter Server documents no Oracle endpoint or opc- headers: its README installs
    no [oci] extra and signs nothing with OciSigner; where it has no quick start, its
    example calls a method with keyword arguments, as every method takes them."""
    for book, package in (("jupyter-ul", "jupyter_sdk"), ("hostile", "hostile_sdk")):
        model, _ = model_from_book(BOOKS / book)
        readme = project_files(model, package, "0.1.0", None)["README.md"]
        assert "[oci]" not in readme and "OciSigner" not in readme and "OciAuth" not in readme
        assert "from_oci_config" not in readme.partition("## The command line")[0]
        for call in re.findall(r"client\.\w+\((.*)\)\n", readme):
            assert not call.startswith("..."), call
