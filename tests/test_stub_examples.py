"""The stub makes values up from the pages' own examples first, and serves none that
does not fit its schema: that one the scrape reports, naming the page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from generator.generate.server_spec import server_spec
from generator.model import ApiModel
from generator.pipeline import model_from_book
from generator.runtime.server import SyncASGITransport, create_app

from .conftest import BOOKS

BOOK = BOOKS / "github-examples"
# Its one example that does not fit: a variable's value shown as a boolean, not a string.
MISFIT_PAGE = "op-orgs-org-actions-variables-get.html"


@pytest.fixture(scope="module")
def scraped() -> tuple[ApiModel, list[tuple[str, str, str]]]:
    model, diagnostics = model_from_book(BOOK)
    return model, [(w.page, w.item, w.problem) for w in diagnostics.warnings]


@pytest.fixture(scope="module")
def spec(scraped: tuple[ApiModel, Any]) -> dict[str, Any]:
    # As the generated package stores it: JSON.
    return json.loads(json.dumps(server_spec(scraped[0])))


@pytest.fixture
def http(spec: dict[str, Any]) -> Iterator[httpx.Client]:
    with httpx.Client(
        transport=SyncASGITransport(create_app(spec=spec)), base_url="http://stub.test"
    ) as client:
        yield client


def documented(model: ApiModel, method: str, path: str) -> Any:
    """The first example of an operation's first response body."""
    op = next(o for o in model.operations if (o.method, o.path) == (method, path))
    return op.responses[0].content[0].examples[0].value


def test_an_answer_made_up_is_the_documented_example(
    scraped: tuple[ApiModel, Any], http: httpx.Client
) -> None:
    path = "/repos/{owner}/{repo}/pulls/{pull_number}/merge"
    answer = http.put("/repos/octo/hello/pulls/1/merge", json={})
    assert answer.status_code == 200
    assert answer.json() == documented(scraped[0], "put", path)


def test_a_created_resource_takes_what_the_request_did_not_set_from_the_example(
    scraped: tuple[ApiModel, Any], http: httpx.Client
) -> None:
    example = documented(scraped[0], "post", "/repos/{owner}/{repo}/git/refs")
    answer = http.post("/repos/octo/hello/git/refs", json={"ref": "refs/heads/mine", "sha": "a1"})
    assert answer.status_code == 201
    made = answer.json()
    assert made["ref"] == "refs/heads/mine"  # what the request set, kept
    assert made["node_id"] == example["node_id"] and made["object"] == example["object"]


def test_an_example_that_does_not_fit_its_schema_is_reported_and_not_served(
    scraped: tuple[ApiModel, Any], spec: dict[str, Any]
) -> None:
    _, warnings = scraped
    misfits = [w for w in warnings if "does not fit its own schema" in w[2]]
    assert [(page, item) for page, item, _ in misfits] == [
        (MISFIT_PAGE, "example 200 response body")
    ]
    assert "variables[1].value must be a string, got true" in misfits[0][2]
    # Nothing of it is served: the variable's schema has no example, and no part of the
    # example is anywhere in what the stub reads.
    assert "example" not in spec["schemas"]["organization-actions-variable"]
    example = documented(scraped[0], "get", "/orgs/{org}/actions/variables")
    shown = example["variables"][0]["name"]
    assert shown not in json.dumps(spec)
    # The model keeps it as the page shows it.
    assert example["variables"][1]["value"] is True


def test_a_download_made_up_is_the_documented_text() -> None:
    from generator.runtime.server._fill import Filler
    from generator.runtime.server._schemas import Schemas

    filler = Filler(Schemas({}), seed=0)
    assert filler.body("text/csv", None, "k", "a,b\r\n1,2\r\n") == b"a,b\r\n1,2\r\n"
    assert filler.body("application/x-yaml", None, "k", {"a": 1}) == b'{"a": 1}\n'
    assert filler.body("text/csv", None, "k") == b"id,name\r\n1,example\r\n"
