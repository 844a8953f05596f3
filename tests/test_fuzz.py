"""Hostile and broken pages: ``scrape_page`` returns a page or raises a ``ScrapeError``
that names the page, never another exception, and in bounded time.

The mutations are those of ``bench/fuzz.py``, which runs many more of them.
"""

from __future__ import annotations

import functools
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import ScrapeError
from generator.model import Schema, parse_model
from generator.pipeline import model_from_book
from generator.scrape.labels import KNOWN_LABELS
from generator.scrape.page import MAX_SCHEMA_DEPTH, ScrapedPage, scrape_page
from generator.yamlio import load_yaml

from .conftest import BOOKS, ROOT

sys.path.insert(0, str(ROOT / "bench"))
import fuzz

PAGES = fuzz.fixture_pages()
LABELLED_PAGES = [p for p in PAGES if "Allowed Values:" in p.read_text(encoding="utf-8")]
SESSION_PAGE = BOOKS / "jupyter-ul" / "op-api-sessions-session-patch.html"
# Per example: generous for a slow CI machine, yet far below what a hang would take.
FUZZ = settings(max_examples=200, deadline=2000)
# A page of 10 MB, or 5,000 of anything, is read in this many seconds at most.
BIG_PAGE_SECONDS = 10.0


@functools.cache
def page_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def session_html() -> str:
    return page_text(SESSION_PAGE)


def read_or_fail(html: str, page: str = "op-x.html") -> ScrapedPage | ScrapeError:
    """The page read, or the ScrapeError it gave; anything else fails the test."""
    try:
        scraped = scrape_page(html, page)
    except ScrapeError as exc:
        assert exc.page == page
        return exc
    # What comes back is a model that the later stages can serialise.
    scraped.operation.model_dump(mode="json")
    for schema in scraped.schemas.values():
        schema.model_dump(mode="json")
    return scraped


def timed(function: Callable[[], ScrapedPage | ScrapeError]) -> ScrapedPage | ScrapeError:
    start = time.perf_counter()
    result = function()
    assert time.perf_counter() - start < BIG_PAGE_SECONDS
    return result


def read(html: str) -> ScrapedPage:
    """The page read within the time allowed; a ScrapeError fails the test."""
    result = timed(lambda: read_or_fail(html))
    assert isinstance(result, ScrapedPage), str(result)
    return result


def refused(html: str) -> ScrapeError:
    """The ScrapeError the page gives within the time allowed."""
    result = timed(lambda: read_or_fail(html))
    assert isinstance(result, ScrapeError), "the page was read"
    return result


def properties(schema: Schema) -> dict[str, Schema]:
    assert schema.properties is not None
    return schema.properties


# ------------------------------------------------------------------ property-based


@FUZZ
@given(
    page=st.sampled_from(PAGES),
    mutations=st.lists(st.sampled_from(sorted(fuzz.MUTATIONS)), min_size=1, max_size=3),
    seed=st.integers(0, 2**32),
)
def test_mutated_pages(page: Path, mutations: list[str], seed: int) -> None:
    # A seeded Random, not st.randoms(): a mutation may draw thousands of numbers.
    rng = random.Random(seed)
    html = page_text(page)
    for name in mutations:
        html = fuzz.MUTATIONS[name](html, rng)
    read_or_fail(html, page.name)


@FUZZ
@given(
    page=st.sampled_from(PAGES),
    where=st.floats(0, 1),
    text=st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
    | st.binary(max_size=300).map(lambda b: b.decode("latin-1")),
)
def test_injected_text(page: Path, where: float, text: str) -> None:
    """Any text but a lone surrogate, at any place: control characters, NUL, RTL marks,
    stray markup."""
    html = page_text(page)
    at = int(where * len(html))
    read_or_fail(html[:at] + text + html[at:], page.name)


@FUZZ
@given(page=st.sampled_from(PAGES), where=st.floats(0, 1), close=st.booleans())
def test_truncated_anywhere(page: Path, where: float, close: bool) -> None:
    html = page_text(page)
    cut = html[: int(where * len(html))] + ("</body></html>" if close else "")
    read_or_fail(cut, page.name)


@FUZZ
@given(data=st.data(), value=st.text(max_size=60) | st.sampled_from(fuzz.BAD_VALUES))
def test_corrupted_label_values(data: st.DataObject, value: str) -> None:
    """The text after any known label replaced by anything."""
    page = data.draw(st.sampled_from(LABELLED_PAGES))
    html = page_text(page)
    found = [
        m for lb in KNOWN_LABELS for m in re.finditer(rf"{re.escape(lb)}:(?:\s*<[^>]*>)*", html)
    ]
    label = data.draw(st.sampled_from(found))
    end = html.find("<", label.end())
    read_or_fail(html[: label.end()] + value + html[end:], page.name)


@FUZZ
@given(
    page=st.sampled_from(PAGES),
    data=st.data(),
    new=st.sampled_from(["Minimum Lenght:", "Root Schema", "Nested Schema : Nowhere", ""])
    | st.text(max_size=20),
)
def test_corrupted_labels(page: Path, data: st.DataObject, new: str) -> None:
    """A label or heading misspelt, removed, or made to point nowhere."""
    html = page_text(page)
    old = re.compile(
        r"Minimum Length:|Allowed Values:|\(required\)|Root Schema : |Nested Schema : \w+"
        r"|object \w+|Response|Request|Body"
    )
    found = list(old.finditer(html))
    if found:
        match = data.draw(st.sampled_from(found))
        html = html[: match.start()] + new + html[match.end() :]
    read_or_fail(html, page.name)


# ------------------------------------------------------------------ deep nesting


def test_article_inside_5000_elements() -> None:
    html = session_html()
    start, end = html.index("<article"), html.index("</article>") + len("</article>")
    wrapped = html[:start] + "<div>" * 5000 + html[start:end] + "</div>" * 5000 + html[end:]
    unclosed = html[:start] + "<div>" * 5000 + html[start:]
    expected = scrape_page(html, "op-x.html")
    for page in (wrapped, unclosed):
        scraped = read(page)
        assert scraped.operation == expected.operation
        assert scraped.schemas == expected.schemas


def test_property_inside_5000_elements() -> None:
    html = session_html()
    item = '<li><span class="name">path</span>: <span class="type">string</span>'
    nested = html.replace(item, "<span>" * 5000 + item + "</span>" * 5000)
    path = properties(read(nested).schemas["Session"])["path"]
    assert (path.type, path.description) == ("string", "path to the session")


def chained(depth: int, inline: bool) -> str:
    """The session page with a property that starts a chain of ``depth`` nested
    schema blocks, each the only property of the one before."""
    names = [f"p{n}" if inline else f"S{n}" for n in range(depth)]
    blocks = "".join(
        f'<div class="schema"><h4>Nested Schema : {name}</h4><ul class="properties">'
        f'<li><span class="name">p{n + 1}</span>: <span class="type">'
        + (f"object {names[n + 1]}" if n + 1 < depth else "string")
        + "</span></li></ul></div>"
        for n, name in enumerate(names)
    )
    kernel = '<li><span class="name">kernel</span>'
    start = f'<li><span class="name">p0</span>: <span class="type">object {names[0]}</span></li>'
    html = session_html().replace(kernel, start + kernel, 1)
    end = html.index('<div class="back-to-top">')
    return html[:end] + blocks + html[end:]


@pytest.mark.parametrize("inline", [False, True], ids=["named", "inline"])
def test_5000_chained_nested_schemas(inline: bool) -> None:
    error = refused(chained(5000, inline))
    assert f"schemas nested more than {MAX_SCHEMA_DEPTH} deep" in str(error)


def test_chained_nested_schemas_within_the_limit() -> None:
    depth = MAX_SCHEMA_DEPTH - 2  # the root and the chain's start are levels too
    named = read(chained(depth, inline=False)).schemas
    assert properties(named["Session"])["p0"].ref == "S0"
    assert properties(named[f"S{depth - 2}"])[f"p{depth - 1}"].ref == f"S{depth - 1}"
    assert properties(named[f"S{depth - 1}"])[f"p{depth}"].type == "string"
    schema = properties(read(chained(depth, inline=True)).schemas["Session"])["p0"]
    for n in range(1, depth + 1):
        schema = properties(schema)[f"p{n}"]
    assert schema.type == "string"


# ------------------------------------------------------------------ big pages


def test_10_mb_description() -> None:
    words = random.Random(1).choices(["lorem", "ipsum:", "Minimum", "object", "a\nb"], k=2_000_000)
    text = " ".join(words)[:10_000_000]
    html = session_html().replace("<h2>Request</h2>", f"<p>{text}</p><h2>Request</h2>")
    scraped = read(html)
    assert scraped.operation.description == " ".join(text.split())
    assert len(scraped.operation.responses) == 2


def test_schema_with_10000_properties() -> None:
    first = '<li><span class="name">id</span>: <span class="type">string(uuid)</span></li>'
    many = "".join(
        f'<li><span class="name">p{n}</span>(required): <span class="type">integer</span>'
        f'<div class="desc">{f"property number {n} " * 50}</div></li>'
        for n in range(10_000)
    )
    html = session_html().replace(first, first + many)
    assert len(html) > 10_000_000
    scraped = read(html)
    session = scraped.schemas["Session"]
    assert list(properties(session))[:3] == ["id", "p0", "p1"]
    assert len(properties(session)) == 10_005
    assert session.required == [f"p{n}" for n in range(10_000)]
    assert properties(session)["p9999"].description == ("property number 9999 " * 50).strip()
    assert not scraped.diagnostics.warnings


@pytest.mark.parametrize(
    "line",
    [
        "a " * 500_000,  # no colon: once a parse per starting point
        "a: array[" * 100_000,  # a type name after every colon
        "Minimum Length:1" * 500_000,  # labels run on in one text node
        "Title:ab" * 1_000_000,
    ],
    ids=["prose", "colons", "number-labels", "text-labels"],
)
def test_long_lines_in_bounded_time(line: str) -> None:
    html = session_html()
    for item in ('<li><span class="name">session</span>', '<div class="desc">A session</div>'):
        page = html.replace(item, f"<div>{line}</div>{item}", 1)
        timed(functools.partial(read_or_fail, page))


def test_deeply_nested_json_in_a_label() -> None:
    desc = '<div class="desc">name of the session</div>'
    for value in ("[" * 100_000, "[" * 100 + "]" * 100, "9" * 5000, "1e999", "1.5"):
        scraped = read(session_html().replace(desc, f"<div>Allowed Values: {value}</div>"))
        name = properties(scraped.schemas["Session"])["name"]
        assert name.enum is None and "Allowed Values" in (name.labels or {})
        scraped = read(session_html().replace(desc, f"<div>Maximum Length: {value}</div>"))
        assert properties(scraped.schemas["Session"])["name"].max_length is None


def test_label_whose_value_is_the_next_line_with_more_after_it() -> None:
    desc = '<div class="desc">name of the session</div>'
    html = session_html().replace(desc, "<div>Maximum Length:</div><div>64 or so</div>", 1)
    assert properties(read(html).schemas["Session"])["name"].max_length == 64


def test_array_of_outside_an_item_list() -> None:
    desc = '<div class="desc">name of the session</div>'
    scraped = read(session_html().replace(desc, "<div>Array of: string</div>"))
    name = properties(scraped.schemas["Session"])["name"]
    assert (name.type, name.items, name.labels) == ("string", None, {"Array of": "string"})
    assert "'Array of' outside an item list; kept as text" in str(scraped.diagnostics.warnings)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("false", False), ("object", "object"), ("string(uuid)", "string")],
)
def test_additional_properties_of_a_parameter(value: str, expected: bool | str) -> None:
    desc = '<div class="desc">session uuid</div>'
    html = session_html().replace(desc, f"{desc}<div>Additional Properties Allowed: {value}</div>")
    extra = read(html).operation.parameters[0].schema_.additional_properties
    assert extra is not None
    assert (extra if isinstance(extra, bool) else extra.type) == expected


# ------------------------------------------------------------------ recursive schemas


def recursive_page() -> str:
    """Kernel refers to itself and to Session (which refers to Kernel); Spec and
    Kernel refer to each other."""
    html = session_html()
    kernel_end = html.index("</ul>", html.index("Nested Schema : Kernel"))
    extra = (
        '<li><span class="name">parent</span>: <span class="type">object Kernel</span></li>'
        '<li><span class="name">session</span>: <span class="type">object Session</span></li>'
        '<li><span class="name">spec</span>: <span class="type">object Spec</span></li>'
    )
    spec = (
        '<div class="schema"><h4>Nested Schema : Spec</h4><ul class="properties">'
        '<li><span class="name">kernel</span>: <span class="type">object Kernel</span></li>'
        "</ul></div>"
    )
    block_end = html.index("</div>", kernel_end) + len("</div>")
    return html[:kernel_end] + extra + html[kernel_end:block_end] + spec + html[block_end:]


def test_self_referencing_and_mutually_recursive_schemas() -> None:
    schemas = read(recursive_page()).schemas
    kernel = properties(schemas["Kernel"])
    assert properties(schemas["Session"])["kernel"].ref == "Kernel"
    assert kernel["parent"].ref == "Kernel"
    assert kernel["session"].ref == "Session"
    assert kernel["spec"].ref == "Spec"
    assert properties(schemas["Spec"])["kernel"].ref == "Kernel"


def test_recursive_schemas_make_a_valid_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCS2SDK_CACHE", "off")
    (tmp_path / "op-x-patch.html").write_text(recursive_page(), encoding="utf-8")
    model, _ = model_from_book(tmp_path)
    again = parse_model(load_yaml(model.to_yaml()))  # checks every ref resolves
    assert again.schemas["Kernel"].properties["parent"].ref == "Kernel"  # type: ignore[index]


# ------------------------------------------------------------------ odd text


def test_lone_surrogate() -> None:
    error = refused(session_html().replace("session uuid", "session \ud800 uuid"))
    assert "lone surrogate" in str(error)


@pytest.mark.filterwarnings("error")
def test_xml_declaration_and_control_characters_give_no_python_warning() -> None:
    html = '<?xml version="1.0" encoding="ebcdic"?>\n' + session_html().replace(
        "session uuid", "session\x00\x01\u202e uuid"
    )
    assert read(html).operation.parameters[0].name == "session"
