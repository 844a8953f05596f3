"""Bad pages give clear errors that name the page and the item, and write nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.errors import ScrapeError
from generator.pipeline import model_from_book
from generator.scrape.page import scrape_page

from .conftest import BOOKS, FIXTURES, docs2sdk

SESSION_PAGE = BOOKS / "jupyter-ul" / "op-api-sessions-session-patch.html"


def session_html() -> str:
    return SESSION_PAGE.read_text(encoding="utf-8")


def test_page_whose_names_are_missing(tmp_path: Path) -> None:
    out = tmp_path / "model.yaml"
    result = docs2sdk("scrape", str(FIXTURES / "op-names-missing-patch.html"), "-o", str(out))
    assert result.returncode == 2
    assert "op-names-missing-patch.html: header parameter: an item with no name" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_file_that_is_not_an_operation_page() -> None:
    with pytest.raises(ScrapeError) as info:
        scrape_page((BOOKS / "jupyter-ul" / "index.html").read_text(), "index.html")
    assert info.value.page == "index.html"
    assert "not an operation page" in str(info.value)


def test_truncated_html() -> None:
    html = session_html()
    with pytest.raises(ScrapeError, match="truncated"):
        scrape_page(html[: len(html) // 2], "cut.html")


def test_truncated_text_without_response_section() -> None:
    html = session_html()
    cut = html[: html.index("<h2>Response</h2>")] + "</body></html>"
    with pytest.raises(ScrapeError, match="no Response section"):
        scrape_page(cut, "cut.html")


def test_reference_to_a_nested_schema_the_page_never_shows() -> None:
    html = session_html()
    start = html.index('<div class="schema">\n<h4>Nested Schema : Kernel</h4>')
    end = html.index('<div class="back-to-top">', start)
    with pytest.raises(ScrapeError) as info:
        scrape_page(html[:start] + html[end:], "op-x.html")
    message = str(info.value)
    assert message.startswith("op-x.html: schema Session property kernel:")
    assert "'Kernel', which the page never shows" in message


def test_two_pages_for_the_same_method_and_path(tmp_path: Path) -> None:
    book = tmp_path / "book"
    book.mkdir()
    shutil.copy(SESSION_PAGE, book / "op-a-patch.html")
    shutil.copy(SESSION_PAGE, book / "op-b-patch.html")
    with pytest.raises(ScrapeError) as info:
        model_from_book(book)
    assert "op-b-patch.html: PATCH /api/sessions/{session}" in str(info.value)
    assert "also on op-a-patch.html" in str(info.value)


def test_unknown_label_is_kept_and_warned_and_strict_fails(tmp_path: Path) -> None:
    html = session_html().replace(
        '<li><span class="name">path</span>: <span class="type">string</span>',
        '<li><span class="name">path</span>: <span class="type">string</span>'
        "<div><span>Example Value:</span> <span>/a/b.ipynb</span></div>",
    )
    page = scrape_page(html, "op-x.html")
    path = page.schemas["Session"].properties["path"]  # type: ignore[index]
    assert path.labels == {"Example Value": "/a/b.ipynb"}
    assert path.description == "path to the session"
    assert [str(w) for w in page.diagnostics.warnings] == [
        "op-x.html: schema Session property path: unknown label 'Example Value' kept as text"
    ]
    book = tmp_path / "book"
    book.mkdir()
    (book / "op-x-patch.html").write_text(html, encoding="utf-8")
    out = tmp_path / "model.yaml"
    lenient = docs2sdk("scrape", str(book), "-o", str(out))
    assert lenient.returncode == 0 and "warning: op-x-patch.html" in lenient.stderr
    assert "Example Value: /a/b.ipynb" in out.read_text()
    out.unlink()
    strict = docs2sdk("scrape", str(book), "-o", str(out), "--strict")
    assert strict.returncode == 4
    assert not out.exists()


def test_labels_run_into_their_values() -> None:
    """Some markups set label and value side by side with no white space at all."""
    html = session_html().replace(
        '<li><span class="name">name</span>: <span class="type">string</span>'
        '<div class="desc">name of the session</div>',
        '<li><span class="name">name</span>: <span class="type">string</span>'
        "<div><b>Minimum Length:</b><i>1</i><b>Maximum Length:</b><i>64</i>"
        "<b>Pattern:</b><i>^[a-z]+$</i>name of the session</div>",
        1,
    )
    name = scrape_page(html, "p.html").schemas["Session"].properties["name"]  # type: ignore[index]
    assert (name.min_length, name.max_length, name.pattern) == (1, 64, "^[a-z]+$")
    assert name.description == "name of the session"


def test_labels_in_one_text_node() -> None:
    html = session_html().replace(
        '<div class="desc">name of the session</div>',
        '<div>Minimum Length:1Maximum Length:64Allowed Values: [ "a", "b" ]</div>'
        "<div>name of the session</div>",
        1,
    )
    name = scrape_page(html, "p.html").schemas["Session"].properties["name"]  # type: ignore[index]
    assert (name.min_length, name.max_length, name.enum) == (1, 64, ["a", "b"])


def test_show_source_between_label_and_value() -> None:
    html = session_html().replace(
        '<div class="desc">A session</div>',
        '<div><span>Title:</span><a href="#">Show Source</a><span>Oracle Session</span></div>'
        '<div class="desc">A session</div>',
        1,
    )
    session = scrape_page(html, "p.html").schemas["Session"]
    assert session.title == "Oracle Session"
    assert session.description == "A session"


def test_name_and_type_on_lines_of_their_own() -> None:
    html = session_html().replace(
        '<li><span class="name">type</span>: <span class="type">string</span>',
        "<li><div>type:</div><div>string</div>",
        1,
    )
    session = scrape_page(html, "p.html").schemas["Session"]
    assert session.properties["type"].type == "string"  # type: ignore[index]
    assert session.properties["type"].description == "session type"  # type: ignore[index]


def test_unknown_label_outside_schemas_is_kept_on_the_operation() -> None:
    html = session_html().replace(
        "<h2>Request</h2>", "<h2>Request</h2>\n<div><b>Deprecated:</b> <i>since 2026</i></div>", 1
    )
    page = scrape_page(html, "op-x.html")
    assert page.operation.labels == {"Deprecated": "since 2026"}
    assert [str(w) for w in page.diagnostics.warnings] == [
        "op-x.html: request: unknown label 'Deprecated' kept as text"
    ]
