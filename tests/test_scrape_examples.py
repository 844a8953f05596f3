"""Examples on the pages: the command, and each example body and header, read into the
model where the page ties them, whatever the headings' words and the markup."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from generator.changes.diff import diff_models
from generator.errors import Diagnostics, Warning_
from generator.model import ApiModel, Content, Operation, Response, parse_model
from generator.openapi import openapi_yaml, to_openapi
from generator.pipeline import model_from_book
from generator.scrape.page import ScrapedPage, scrape_page
from generator.yamlio import load_yaml

from .conftest import BOOKS
from .remarkup import LIST_STYLES, remark_book
from .spec_examples import expected_examples, scraped_examples

EXAMPLES_BOOK = BOOKS / "github-examples"
SPEC = json.loads((BOOKS / "github-examples-spec.json").read_text(encoding="utf-8"))


# What the book's pages hold wrong themselves: one example does not fit its schema.
EXAMPLE_MISFITS = [("op-orgs-org-actions-variables-get.html", "example 200 response body")]


def misread(diagnostics: Diagnostics) -> list[Warning_]:
    """The warnings other than the book's own misfit examples: what was misread."""
    return [w for w in diagnostics.warnings if (w.page, w.item) not in EXAMPLE_MISFITS]


@pytest.fixture(scope="module")
def examples_model() -> ApiModel:
    model, diagnostics = model_from_book(EXAMPLES_BOOK)
    assert [(w.page, w.item) for w in diagnostics.warnings] == EXAMPLE_MISFITS
    return model


def test_every_example_the_pages_show_is_read_as_the_spec_has_it(
    examples_model: ApiModel,
) -> None:
    expected = expected_examples(SPEC)
    scraped = scraped_examples(examples_model)
    assert len(expected) == 18
    assert {place: [value] for place, value in expected.items()} == scraped
    samples = {op.page: op.code_samples for op in examples_model.operations}
    assert samples.pop("op-orgs-org-delete.html") == [], "a page with no Examples section"
    for page, [sample] in samples.items():
        assert sample.lang == "cURL" and sample.source.startswith("curl -i -X "), page
        assert sample.source.endswith('"'), "the command is whole, its last line included"
        assert sample.description is not None and "using cURL" in sample.description


def test_each_document_is_kept_as_it_is(examples_model: ApiModel) -> None:
    ops = {op.page: op for op in examples_model.operations}
    created = ops["op-agents-repos-owner-repo-tasks-post.html"]
    [example] = created.responses[0].content[0].examples
    assert created.responses[0].status == "201"
    assert example.value["archived_at"] is None and example.value["artifacts"] == []
    assert example.description == (
        "The following example shows the contents of the response body (201) in JSON format:"
    )
    deploy = ops["op-repos-owner-repo-deployments-post.html"].request_body
    assert deploy is not None
    assert deploy.content[0].examples[0].value["payload"] == '{ "deploy": "migrate" }'
    # The model file keeps every document as it is: nulls, empty lists, keys named
    # like the model's own ("ref", "properties").
    assert parse_model(load_yaml(examples_model.to_yaml())) == examples_model


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_examples_in_other_markups_give_the_same_model(
    examples_model: ApiModel, seed: int, tmp_path: Path
) -> None:
    book = remark_book(EXAMPLES_BOOK, tmp_path / "book", LIST_STYLES, seed)
    pages = "".join(page.read_text(encoding="utf-8") for page in book.glob("op-*.html"))
    assert "Example of Request Body" not in pages or "Example Request" in pages
    remarked, diagnostics = model_from_book(book)
    assert not misread(diagnostics)
    assert remarked.to_yaml() == examples_model.to_yaml()


def test_the_openapi_export_carries_the_examples(examples_model: ApiModel) -> None:
    doc = to_openapi(examples_model)
    validate(json.loads(json.dumps(doc)))
    operation = doc["paths"]["/agents/repos/{owner}/{repo}/tasks"]["post"]
    expected = expected_examples(SPEC)
    request = operation["requestBody"]["content"]["application/json"]
    assert request["example"] == expected[("post", "/agents/repos/{owner}/{repo}/tasks", "request")]
    assert operation["responses"]["201"]["content"]["application/json"]["example"]["state"] == (
        "queued"
    )
    [sample] = operation["x-codeSamples"]
    assert sample["lang"] == "cURL" and sample["source"].startswith("curl")


def test_a_changed_example_is_a_documentation_change(
    examples_model: ApiModel, tmp_path: Path
) -> None:
    book = tmp_path / "book"
    shutil.copytree(EXAMPLES_BOOK, book)
    page = book / "op-orgs-org-actions-variables-post.html"
    html = page.read_text(encoding="utf-8")
    page.write_text(html.replace("&quot;octocat&quot;", "&quot;hubot&quot;", 1), "utf-8")
    changed, _ = model_from_book(book)
    diff = diff_models(examples_model, changed)
    assert [(c.kind, c.breaking, c.field) for c in diff.changes] == [
        ("example-changed", False, "request body")
    ]
    assert diff.bump == "patch"


# ---------------------------------------------------------------- pages made here

PAGE = """<html><body>
<h1>Create a thing</h1><div>post</div><div>/things</div>
<h2>Request</h2>
<h3>Body ({request_media})</h3>
<div>Root Schema : Thing</div><div>Type: object</div>
<ul><li>name: string<div>The name.</div></li></ul>
<div>Back to Top</div>
<h2>Response</h2>
<h3>201 Response</h3><div>Created.</div>
<h4>Headers</h4>
<ul><li>etag: string<div>The entity tag.</div></li><li>opc-request-id: string</li></ul>
<h4>Body ({response_media})</h4>
<div>Root Schema : Thing</div><div>Type: object</div>
<ul><li>name: string<div>The name.</div></li></ul>
<h3>404 Response</h3><div>Not found.</div>
<div>Back to Top</div>
{examples}
<div>Copyright 2026.</div>
</body></html>"""


def _scraped(
    examples: str,
    request_media: str = "application/json",
    response_media: str = "application/json",
) -> ScrapedPage:
    html = PAGE.format(
        examples=examples, request_media=request_media, response_media=response_media
    )
    return scrape_page(html, "op-things-post.html")


def _documents(op: Operation) -> dict[str, list[Any]]:
    """Each example of the request (``request``) and responses (their status)."""
    places = [("request", op.request_body.content)] if op.request_body else []
    places.extend((r.status, r.content) for r in op.responses)
    return {
        where: [e.value if e.text is None else e.text for c in contents for e in c.examples]
        for where, contents in places
        if any(c.examples for c in contents)
    }


def test_headings_in_other_words_and_an_http_response() -> None:
    page = _scraped(
        """<h2>Examples</h2>
        <p>Create a thing with cURL:</p>
        <pre>curl -X POST https://api.example.com/things \\
  -d '{"name": "a"}'</pre>
        <h3>Example Request</h3><pre>{"name": "a"}</pre>
        <h3>Example Response</h3>
        <pre>HTTP/1.1 201 Created
ETag: "abc"
Opc-Request-Id: 42
Date: Mon, 1 Jan 2026 00:00:00 GMT

{"name": "a"}</pre>
        <div>Back to Top</div>"""
    )
    op = page.operation
    assert _documents(op) == {"request": [{"name": "a"}], "201": [{"name": "a"}]}
    [sample] = op.code_samples
    assert sample.source == (
        'curl -X POST https://api.example.com/things \\\n  -d \'{"name": "a"}\''
    )
    assert sample.description == "Create a thing with cURL:"
    headers = {h.name: h.example for h in op.responses[0].headers}
    assert headers == {"etag": '"abc"', "opc-request-id": "42"}
    assert not page.diagnostics.warnings


def test_response_headers_an_xml_body_and_the_status_from_the_heading() -> None:
    page = _scraped(
        """<div>Sample Requests and Responses</div>
        <div>Example Response Headers (201)</div>
        <div>etag: W/"1"</div>
        <div>Example of Response Body (201)</div>
        <p>The following example shows the response body in XML format:</p>
        <pre>&lt;thing&gt;
  &lt;name&gt;a&lt;/name&gt;
&lt;/thing&gt;</pre>""",
        response_media="application/xml",
    )
    op = page.operation
    assert _documents(op) == {"201": ["<thing>\n  <name>a</name>\n</thing>"]}
    assert op.responses[0].headers[0].example == 'W/"1"'
    assert op.responses[0].content[0].examples[0].description == (
        "The following example shows the response body in XML format:"
    )
    assert not page.diagnostics.warnings


def test_numbered_examples_are_each_read() -> None:
    page = _scraped(
        """<h2>Examples</h2>
        <h3>Example 1: A thing with a name</h3>
        <p>The request body:</p><pre>{"name": "a"}</pre>
        <p>The response body:</p><pre>{"name": "a"}</pre>
        <h3>Example 2: A thing with no name</h3>
        <p>The request body:</p><pre>{}</pre>
        <p>The response body:</p><pre>[]</pre>"""
    )
    assert _documents(page.operation) == {
        "request": [{"name": "a"}, {}],
        "201": [{"name": "a"}, []],
    }


def test_an_example_the_page_does_not_tie_is_reported_and_left_out() -> None:
    page = _scraped(
        """<h2>Examples</h2>
        <h3>Example of Response Body (202)</h3><pre>{"name": "a"}</pre>
        <h3>Example of Response Body (201)</h3><pre>{"name": oops}</pre>"""
    )
    op = page.operation
    assert _documents(op) == {"201": ['{"name": oops}']}
    assert [w.problem for w in page.diagnostics.warnings] == [
        "an example body of a 202 response, which the page does not document; not read",
        "an example of application/json that is not JSON; kept as text",
    ]
    assert all(w.page == "op-things-post.html" for w in page.diagnostics.warnings)


def test_a_description_ending_in_an_example_line_is_no_example_section() -> None:
    """A last property's description that ends "Example:" and a value is text."""
    html = """<html><body>
<h1>Get a thing</h1><div>get</div><div>/things</div>
<h2>Response</h2><h3>200 Response</h3><h4>Body (application/json)</h4>
<div>Root Schema : Thing</div><div>Type: object</div>
<ul><li>name: string<div>The name.</div><div>Example:</div><div>`a`</div></li></ul>
</body></html>"""
    page = scrape_page(html, "op-things-get.html")
    name = page.schemas["Thing"].properties["name"]  # type: ignore[index]
    assert name.description == "The name.\n\nExample:\n\n`a`"
    assert _documents(page.operation) == {} and not page.operation.code_samples
    assert not page.diagnostics.warnings


def test_hostile_examples_are_read_in_bounded_time() -> None:
    """JSON nested far too deep is kept as text; thousands of lines that start like
    JSON and never parse, or of headings with nothing under them, cost one pass."""
    deep = "[" * 5000 + "]" * 5000
    lines = "".join(f"<div>{{ line {k}</div>" for k in range(5000))
    headings = "".join("<h3>Example Response</h3>" for _ in range(2000))
    start = time.perf_counter()
    page = _scraped(
        f"<h2>Examples</h2><h3>Example Request</h3><pre>{deep}</pre>"
        f"<h3>Example Response</h3>{lines}{headings}"
    )
    assert time.perf_counter() - start < 10
    assert _documents(page.operation) == {"request": [deep], "201": ["\n".join(
        f"{{ line {k}" for k in range(5000)
    )]}  # fmt: skip
    problems = {w.problem for w in page.diagnostics.warnings}
    assert problems == {
        "an example of application/json that is not JSON; kept as text",
        "'Example Response' shows no example",
    }


def test_examples_under_plain_request_and_response_lines() -> None:
    """No "Back to Top" before the section, and no heading with "example" in it but the
    first: lines that say "cURL", "Request", "Response Headers" and "Response" say what
    follows."""
    html = PAGE.format(
        examples="", request_media="application/json", response_media="application/json"
    )
    html = html.replace("<div>Back to Top</div>\n\n<div>Copyright 2026.</div>", "").replace(
        "</body>",
        """<h2>Examples</h2>
<h3>cURL</h3><pre>curl -X POST "https://api.example.com/things"</pre>
<h3>Request</h3><pre>{"name": "a"}</pre>
<h3>Response Headers</h3><div>ETag: "x"</div><div>opc-request-id: 7</div>
<h3>Response</h3><pre>{"name": "a"}</pre>
</body>""",
    )
    page = scrape_page(html, "op-things-post.html")
    op = page.operation
    assert _documents(op) == {"request": [{"name": "a"}], "201": [{"name": "a"}]}
    assert [s.source for s in op.code_samples] == ['curl -X POST "https://api.example.com/things"']
    assert {h.name: h.example for h in op.responses[0].headers} == {
        "etag": '"x"',
        "opc-request-id": "7",
    }
    assert [r.status for r in op.responses] == ["201", "404"]
    assert not page.diagnostics.warnings


TRICKY = {
    "floats": [1e-07, 1e20, -2.5e-300, 0.1, 1.0, -0.0],
    "ints": [0, -1, 10**30],
    "strings": ["", "1e5", "yes", "null", "~", "- x", "a: b", "#", "'", '"', "\\", "\t\n\r"],
    "controls": "\x00\x07\x1b\x7f\x85\x9f\u2028\u2029\ufeff",
    "unicode": "caf\u00e9 \U0001f600 \u4e2d",
    "empty": [{}, [], None, True, False],
    "ref": "Session",
    "properties": {"examples": {"type": "string"}},
    "deep": [[[[[[[[{"a": [1]}]]]]]]]],
}


def test_a_document_of_any_json_is_written_and_read_back_as_it_is() -> None:
    """Example documents are written as their JSON text: YAML reads every value back
    the same, in the model file and in the OpenAPI export."""
    content = Content.model_validate(
        {"media_type": "application/json", "examples": [{"value": TRICKY}, {"value": [TRICKY]}]}
    )
    op = Operation(
        name="get_thing", title="Get a thing", method="get", path="/things", page="op.html",
        responses=[Response(status="200", content=[content])],
    )  # fmt: skip
    model = ApiModel(format_version=1, operations=[op])
    text = model.to_yaml()
    assert '"1e5"' in text and "1.0e-07" in text, "written as JSON, its floats as YAML's"
    assert parse_model(load_yaml(text)) == model
    assert load_yaml(openapi_yaml(model)) == json.loads(json.dumps(to_openapi(model)))
