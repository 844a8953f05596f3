"""Each method's docstring shows a call made from the request its page documents, and
every such example runs as written against the stub server; the README's quick start
takes the documented values where the pages give them."""

from __future__ import annotations

import contextlib
import inspect
import io
import json
import re
import shutil
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from generator.generate.views import build_views
from generator.model import ApiModel, CodeSample, Operation, Parameter, Schema
from generator.pipeline import model_from_book
from generator.project import project_files
from generator.write import write_tree

from .conftest import BOOKS, install_package
from .spec_examples import expected_examples

SPEC = json.loads((BOOKS / "github-examples-spec.json").read_text(encoding="utf-8"))
EXAMPLE = re.compile(r"^Example:\n((?:    .*\n?|\n)+)", re.MULTILINE)


@pytest.fixture(scope="module")
def book_model() -> ApiModel:
    model, _ = model_from_book(BOOKS / "github-examples")
    return model


@pytest.fixture(scope="module")
def sdk(book_model: ApiModel, tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    root = tmp_path_factory.mktemp("examples-sdk")
    write_tree(root / "ghx", project_files(book_model, "ghx", "0.1.0", None))
    install_package(root / "ghx", root / "site")
    import ghx

    return ghx


def _examples(sdk: ModuleType) -> dict[str, str]:
    """Each method's example, as code, by method name."""
    found = {}
    for name, method in inspect.getmembers(sdk.Client, inspect.isfunction):
        match = EXAMPLE.search(inspect.getdoc(method) or "")
        if match is not None:
            found[name] = textwrap.dedent(match[1])
    return found


def test_every_operation_with_a_documented_example_shows_one(
    sdk: ModuleType, book_model: ApiModel
) -> None:
    documented = {op.name for op in book_model.operations if op.code_samples}
    assert len(documented) == 11
    assert set(_examples(sdk)) == documented


def test_every_docstring_example_runs_against_the_stub(
    sdk: ModuleType, book_model: ApiModel
) -> None:
    from ghx.errors import NotFoundError
    from ghx.server import SyncASGITransport, create_app
    from ghx.testing import BASE_URL

    sent: dict[tuple[str, str], Any] = {}

    def record(request: httpx.Request) -> None:
        body = request.read()
        sent[(request.method.lower(), request.url.path)] = json.loads(body) if body else None

    http = httpx.Client(
        transport=SyncASGITransport(create_app()),
        base_url=BASE_URL,
        event_hooks={"request": [record]},
    )
    client = sdk.Client(BASE_URL, http_client=http, retries=0)
    expected = expected_examples(SPEC)
    ops = {op.name: op for op in book_model.operations}
    for name, code in _examples(sdk).items():
        sent.clear()
        try:
            exec(
                compile(code, f"{name} docstring", "exec"), {"client": client, "models": sdk.models}
            )
        except NotFoundError:
            # A fresh stub holds no resources: a call on one is well-formed all the same.
            assert "my-" in code, name
        [(method, _path)] = sent
        op = ops[name]
        assert method == op.method
        documented = expected.get((op.method, op.path, "request"))
        if documented is not None:  # the body sent is the page's example, as JSON
            assert next(iter(sent.values())) == documented, name


def test_a_body_is_shown_as_its_model_class(sdk: ModuleType) -> None:
    examples = _examples(sdk)
    assert "body=models.UpdateContentRequest(" in examples["update_content"]
    # A nested object is its own class too.
    assert "committer=models.UpdateContentRequestCommitter(" in examples["update_content"]
    assert re.search(r"^response\.data  # models\.\w+\(", examples["create_task"], re.MULTILINE)


def test_no_example_is_made_up(tmp_path: Path) -> None:
    """A book whose pages document no examples: no docstring shows one."""
    model, _ = model_from_book(BOOKS / "jupyter-ul")
    files = project_files(model, "plain", "0.1.0", None)
    assert not any("Example:" in text for path, text in files.items() if "_operations" in path)


def test_the_quick_start_takes_the_documented_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A create page with a request example: the README's quick start sends its values
    (the made-up ones where the page has none) and runs as written against the stub."""
    book = tmp_path / "book"
    shutil.copytree(BOOKS / "jupyter-ul", book)
    page = book / "op-api-sessions-post.html"
    examples = (
        "<h2>Examples</h2><h3>Example of Request Body</h3>"
        '<pre>{"name": "analysis", "path": "analysis.ipynb", "type": "notebook"}</pre>'
        '<div><a href="#top">Back to Top</a></div>'
    )
    page.write_text(
        page.read_text(encoding="utf-8").replace("</article>", examples + "</article>"), "utf-8"
    )
    model, _ = model_from_book(book)
    write_tree(tmp_path / "qs_sdk", project_files(model, "qs_sdk", "0.1.0", None))
    readme = (tmp_path / "qs_sdk" / "README.md").read_text(encoding="utf-8")
    [code, *_] = re.findall(r"^```python\n(.*?)^```$", readme, flags=re.DOTALL | re.MULTILINE)
    assert 'body=models.Session(name="analysis")' in code, "the documented name"
    assert 'body=models.Session(name="renamed")' in code, "the update has no example"
    install_package(tmp_path / "qs_sdk", tmp_path / "site")
    import qs_sdk
    import qs_sdk.auth
    from qs_sdk.server import create_app
    from qs_sdk.testing import stub_client

    stub = create_app()
    monkeypatch.setattr(qs_sdk, "Client", lambda *args, **options: stub_client(stub))
    monkeypatch.setattr(qs_sdk.auth.OciSigner, "from_config", staticmethod(lambda: None))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    assert "name='analysis'" in printed.getvalue()
    assert printed.getvalue().splitlines()[-1].startswith("Deleted: 404")


def test_the_commands_values_are_the_calls_arguments() -> None:
    """Values the cURL command shows (in its URL's path and query, and its headers)
    are passed as they read in the parameter's type; placeholders are not."""
    string, integer = Schema(type="string"), Schema(type="integer")
    op = Operation(
        name="list_things", title="List things", method="get", page="op.html",
        path="/20160918/things/{thingId}/parts/{partId}",
        parameters=[
            Parameter.model_validate({"name": "thingId", "in": "path", "schema": string}),
            Parameter.model_validate({"name": "partId", "in": "path", "schema": integer}),
            Parameter.model_validate({"name": "limit", "in": "query", "schema": integer}),
            Parameter.model_validate(
                {"name": "sortOrder", "in": "query", "schema": {"enum": ["ASC", "DESC"]}}
            ),
            Parameter.model_validate({"name": "if-match", "in": "header", "schema": string}),
            Parameter.model_validate({"name": "page", "in": "query", "schema": string}),
        ],
        code_samples=[
            CodeSample(
                lang="cURL",
                source="curl -X GET -H 'if-match: \"7\"' \\\n"
                "  'https://x.example.com/20160918/things/ocid1.thing..aa/parts/<partId>"
                "?limit=10&sortOrder=ASC&page=%7Bpage%7D'",
            )
        ],
    )  # fmt: skip
    view = build_views(ApiModel(format_version=1, operations=[op]), "things", "0.1.0")
    assert view.operations[0].example == (
        "response = client.list_things(\n"
        '    thing_id="ocid1.thing..aa",\n'
        "    part_id=1,\n"
        "    limit=10,\n"
        '    sort_order="ASC",\n'
        "    if_match='\"7\"',\n"
        ")"
    )
