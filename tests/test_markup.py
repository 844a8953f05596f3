"""One model whatever the markup: items read from what a reader sees, hidden text unread,
and ambiguous layouts reported."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.pipeline import model_from_book
from generator.scrape.page import ScrapedPage, scrape_page

from .conftest import AIDP_BOOK, BOOKS, docs2sdk
from .remarkup import LIST_STYLES, remark_book, remarkup

# Markups none of the given books use: no list or table element around items, and
# no colon between a name and its type.
UNSEEN_STYLES = ("div-flat", "div-item", "p", "table-noheading", "grid", "heading")
COLONLESS_STYLES = ("grid", "heading")
PAGES = sorted(
    [*(BOOKS / "jupyter-ul").glob("op-*.html"), *(BOOKS / "airflow-ul").glob("op-*.html")]
)


def same_reading(a: ScrapedPage, b: ScrapedPage) -> None:
    assert a.operation == b.operation
    assert a.schemas == b.schemas


@pytest.mark.parametrize("api", ["jupyter", "airflow"])
def test_every_given_markup_gives_byte_identical_models(api: str) -> None:
    ul, _ = model_from_book(BOOKS / f"{api}-ul")
    for markup in ("dl", "table"):
        other, _ = model_from_book(BOOKS / f"{api}-{markup}")
        assert other.to_yaml() == ul.to_yaml(), markup


@pytest.mark.parametrize("style", UNSEEN_STYLES)
def test_a_book_in_an_unseen_markup_gives_the_same_model(style: str, tmp_path: Path) -> None:
    original, _ = model_from_book(BOOKS / "jupyter-ul")
    book = remark_book(BOOKS / "jupyter-ul", tmp_path / "book", (style,), seed=1)
    page = (book / "op-api-sessions-post.html").read_text(encoding="utf-8")
    assert "<li" not in page.split("Request", 1)[1] and "class=" not in page
    remarked, _ = model_from_book(book)
    assert remarked.to_yaml() == original.to_yaml()
    kernel = remarked.schemas["Kernel"]
    assert kernel.properties is not None and kernel.required == ["id", "name"]


@pytest.mark.parametrize("style", COLONLESS_STYLES)
@pytest.mark.parametrize(
    "book", [BOOKS / "airflow-dl", BOOKS / "github-examples", AIDP_BOOK], ids=lambda b: b.name
)
def test_items_with_no_colon_give_the_same_model(book: Path, style: str, tmp_path: Path) -> None:
    original, expected = model_from_book(book)
    remarked, diagnostics = model_from_book(remark_book(book, tmp_path / "book", (style,), 3))
    # Only what the pages hold wrong themselves (an example that does not fit its schema).
    assert diagnostics.warnings == expected.warnings
    assert all("does not fit its own schema" in w.problem for w in expected.warnings)
    assert remarked.to_yaml() == original.to_yaml()


def test_the_aidp_book_as_tables_gives_the_same_model(tmp_path: Path) -> None:
    original, _ = model_from_book(AIDP_BOOK)
    book = remark_book(AIDP_BOOK, tmp_path / "book", ("table", "table-noheading"), seed=2)
    remarked, _ = model_from_book(book)
    assert remarked.to_yaml() == original.to_yaml()


@settings(
    max_examples=int(os.environ.get("REMARKUP_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(page=st.sampled_from(PAGES), seed=st.integers(0, 2**32 - 1))
def test_any_markup_that_keeps_the_visible_text_gives_the_same_page(page: Path, seed: int) -> None:
    html = page.read_text(encoding="utf-8")
    remarked = remarkup(html, random.Random(seed), LIST_STYLES)
    same_reading(scrape_page(remarked, page.name), scrape_page(html, page.name))


ITEM_PAGE = """<html><body>
<h1>Get a thing</h1><div>get</div><div>/things{path}</div>
<h2>Request</h2><h3>{section}</h3>
{params}
<h2>Response</h2><h3>200 Response</h3><div>OK</div>
</body></html>"""


def _page(params: str, section: str = "Path Parameters") -> str:
    """A page whose only list is ``params``, under ``section``."""
    path = "/{id}" if section == "Path Parameters" else ""
    return (
        ITEM_PAGE.replace("{path}", path).replace("{section}", section).replace("{params}", params)
    )


@pytest.mark.parametrize(
    "decoy",
    [
        "<span hidden>ghost(required): string</span>",
        '<div style="display:none">ghost: string</div>',
        '<div style="COLOR: red;VISIBILITY : hidden">ghost: string</div>',
        '<div aria-hidden="true">ghost: string</div>',
        "<template><div>ghost: string</div></template>",
        "<details><summary>Show Source</summary>ghost: string<pre>ghost: string</pre></details>",
    ],
)
def test_hidden_text_is_not_read(decoy: str) -> None:
    params = f"<div>id(required): string<br>The id.{decoy}<br>Minimum Length: 1</div>"
    page = scrape_page(_page(params), "op-things-get.html")
    [param] = page.operation.parameters
    assert param.name == "id" and param.description == "The id."
    assert param.schema_.min_length == 1
    assert "ghost" not in repr(page)


def test_an_open_details_is_read() -> None:
    params = "<details open><summary>id(required): string</summary><p>The id.</p></details>"
    [param] = scrape_page(_page(params), "op-things-get.html").operation.parameters
    assert (param.name, param.description) == ("id", "The id.")


def test_items_from_lines_in_one_block() -> None:
    params = (
        "<p>id(required): string<br>The id.<br>Minimum Length: 1<br>"
        "limit: integer<br>Minimum Value:<br>1<br>How many.<br>"
        "sort: string<br>Allowed Values: [ &quot;ASC&quot;, &quot;DESC&quot; ]</p>"
    )
    page = scrape_page(_page(params, "Query Parameters"), "op-things-get.html")
    by_name = {p.name: p for p in page.operation.parameters}
    assert list(by_name) == ["id", "limit", "sort"]
    assert by_name["limit"].schema_.minimum == 1
    assert by_name["limit"].description == "How many."
    assert by_name["sort"].schema_.enum == ["ASC", "DESC"]
    assert not page.diagnostics.warnings


def test_a_table_with_columns_in_any_order_and_a_required_column() -> None:
    params = (
        "<table><tr><th>Description</th><th>Required</th><th>Type</th><th>Name</th></tr>"
        "<tr><td>The id.</td><td>Yes</td><td>string</td><td>id</td></tr>"
        "<tr><td>How many.</td><td>No</td><td>integer</td><td>limit</td></tr></table>"
    )
    page = scrape_page(_page(params, "Query Parameters"), "op-things-get.html")
    by_name = {p.name: p for p in page.operation.parameters}
    assert by_name["id"].required and not by_name["limit"].required
    assert by_name["limit"].schema_.type == "integer"
    assert by_name["limit"].description == "How many."


def test_a_column_the_scraper_cannot_place_is_reported() -> None:
    params = (
        "<table><tr><th>Name</th><th>Type</th><th>Example</th></tr>"
        "<tr><td>id</td><td>string</td><td>abc</td></tr></table>"
    )
    page = scrape_page(_page(params), "op-things-get.html")
    [param] = page.operation.parameters
    assert param.description == "abc", "the cell's text is kept"
    [warning] = page.diagnostics.warnings
    assert warning.page == "op-things-get.html"
    assert "'example'" in warning.problem and "cannot place" in warning.problem


def test_a_description_line_shaped_like_an_item_is_reported(tmp_path: Path) -> None:
    params = (
        "<ul><li>id(required): string<div>The id, one of:</div><div>other: string</div></li></ul>"
    )
    page = scrape_page(_page(params), "op-things-get.html")
    assert [w.problem for w in page.diagnostics.warnings] == [
        "a line shaped like an item is not laid out as one: 'other: string'; read as an item"
    ]
    book = tmp_path / "book"
    book.mkdir()
    (book / "op-things-get.html").write_text(_page(params), encoding="utf-8")
    result = docs2sdk("scrape", str(book), "-o", str(tmp_path / "m.yaml"), "--strict")
    assert result.returncode == 4
    assert "op-things-get.html: path parameter: a line shaped like an item" in result.stderr


def test_a_table_with_no_type_column_takes_the_type_from_the_description() -> None:
    params = (
        "<table><tr><th>Parameter</th><th>Description</th></tr>"
        "<tr><td>limit</td><td>integer<br>Maximum Value: 10<br>How many.</td></tr></table>"
    )
    page = scrape_page(_page(params, "Query Parameters"), "op-things-get.html")
    [param] = page.operation.parameters
    assert (param.name, param.schema_.type, param.schema_.maximum) == ("limit", "integer", 10)
    assert param.description == "How many."


def test_the_text_of_an_inline_image_is_not_read() -> None:
    """An icon's ``<title>`` is a tooltip, not text on the line: the name is ``path``."""
    icon = (
        '<svg viewBox="0 0 16 16" aria-label="anchor"><title>Copy link</title>'
        '<desc>A chain</desc><path d="M0 0h16"/><text x="1">#</text></svg>'
    )
    params = f"<ul><li>path{icon}(required): string<div>The path.</div></li></ul>"
    page = scrape_page(_page(params, "Query Parameters"), "op-things-get.html")
    [param] = page.operation.parameters
    assert (param.name, param.required, param.description) == ("path", True, "The path.")
    assert not page.diagnostics.warnings


def test_rows_of_blocks_are_read_as_a_table_with_no_heading_row() -> None:
    """Name, type and description each a block, no colon, as a CSS grid draws a table;
    the blocks of a heading row, if shown, are no item."""
    cell = "<div>{}</div>"
    rows = [
        ("Name", "Type", "Description"),
        ("id <span>(required)</span>", "string", "<div>The id.</div><div>Minimum Length: 1</div>"),
        ("limit", "integer(int32)", "<div>Default Value:</div><div>10</div>"),
        ("number", "integer", ""),  # a name that is also a type's
        ("sort <small>required</small>", "string", "How to sort."),
    ]
    grid = "".join(f"<div>{''.join(cell.format(c) for c in row)}</div>" for row in rows)
    page = scrape_page(_page(f"<div>{grid}</div>", "Query Parameters"), "op-things-get.html")
    by_name = {p.name: p for p in page.operation.parameters}
    assert list(by_name) == ["id", "limit", "number", "sort"]
    assert [p.required for p in by_name.values()] == [True, False, False, True]
    assert by_name["id"].schema_.min_length == 1 and by_name["id"].description == "The id."
    assert by_name["limit"].schema_.format == "int32" and by_name["limit"].schema_.default == 10
    assert by_name["number"].schema_.type == "integer" and by_name["number"].description is None
    assert not page.diagnostics.warnings


def test_an_item_shown_as_a_heading_with_its_type_on_the_next_line() -> None:
    params = (
        "<h5>id <span>required</span></h5><div>string</div><p>The id.</p>"
        "<h5>tags</h5><p><code>array[string]</code></p><p>Tags to match.</p>"
    )
    page = scrape_page(_page(params, "Query Parameters"), "op-things-get.html")
    [id_, tags] = page.operation.parameters
    assert (id_.name, id_.required, id_.schema_.type, id_.description) == (
        "id",
        True,
        "string",
        "The id.",
    )
    assert tags.schema_.items is not None and tags.schema_.items.type == "string"
    assert not page.diagnostics.warnings


def test_members_and_properties_with_no_colon() -> None:
    """Members come first: a type after a type is a member until a property is read;
    then ``number`` then ``integer`` is a property. A member's one-word description
    before a member shown inline (``object allOf-1``) is no property."""

    def grid(*rows: tuple[str, str, str]) -> str:
        cells = "".join(f"<div>{n}</div><div>{t}</div><div>{d}</div>" for n, t, d in rows)
        return f'<div style="display: grid">{cells}</div>'

    item = grid(
        ("", "string", ""), ("", "integer", ""), ("kind", "string", ""), ("number", "integer", "")
    )
    detail = grid(("", "object Base", "DAG"), ("", "object allOf-1", ""))
    html = f"""<html><body><h1>Put a thing</h1><div>put</div><div>/things</div>
<h2>Request</h2><h3>Body (application/json)</h3>
<div>Root Schema : Item</div><div>Match One Schema</div>{item}
<h2>Response</h2><h3>200 Response</h3><h4>Body (application/json)</h4>
<div>Root Schema : Detail</div><div>Match All</div>{detail}
<div>Nested Schema : Base</div><div>Type: object</div>{grid(("id", "string", ""))}
<div>Nested Schema : allOf-1</div><div>Type: object</div>{grid(("extra", "boolean", ""))}
</body></html>"""
    schemas = scrape_page(html, "op-things-put.html").schemas
    assert [m.type for m in schemas["Item"].one_of or []] == ["string", "integer"]
    assert list(schemas["Item"].properties or {}) == ["kind", "number"]
    [base, inline] = schemas["Detail"].all_of or []
    assert (base.ref, list(inline.properties or {})) == ("Base", ["extra"])
    assert schemas["Detail"].properties is None
