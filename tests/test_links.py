"""Links back to the docs: every method and model names its page, and the pages' own
relative links work where the docstrings are read."""

from __future__ import annotations

import re
from pathlib import Path

from generator.config import load_config
from generator.generate import Site, generate_package
from generator.generate.views import absolute_links, build_views
from generator.model import ApiModel
from generator.names import class_name
from generator.pipeline import model_from_book

from .conftest import AIDP_BOOK, AIDP_PROJECT, BOOKS

BOOK_URL = load_config(AIDP_BOOK / "docs2sdk.yaml").url


def test_relative_links_become_absolute() -> None:
    text = 'The [OCID](/iaas/Content/x.htm), <a href="/en/y.html">y</a>, [z](https://e.org/z)'
    assert absolute_links(text) == (
        "The [OCID](https://docs.oracle.com/iaas/Content/x.htm), "
        '<a href="https://docs.oracle.com/en/y.html">y</a>, [z](https://e.org/z)'
    )
    assert absolute_links(None) is None


def test_methods_and_models_end_with_their_page(aidp_sdk: Path, aidp_model: ApiModel) -> None:
    from aidp_workbench import AsyncClient, Client, models

    op = next(o for o in aidp_model.operations if o.name == "get_session")
    page = f"{BOOK_URL}{op.page}"
    for method in (Client.get_session, AsyncClient.get_session):
        assert (method.__doc__ or "").strip().endswith(page)
    # Every model of a named schema, also those that hold classes of their own inline.
    for name, schema in aidp_model.schemas.items():
        model = getattr(models, name, None)
        if isinstance(model, type):
            assert (model.__doc__ or "").strip().endswith(f"{BOOK_URL}{schema.page}"), name


def test_no_relative_link_is_left() -> None:
    sources = [*(AIDP_PROJECT / "aidp_workbench").rglob("*.py"), AIDP_PROJECT / "README.md"]
    texts = {p.relative_to(AIDP_PROJECT).as_posix(): p.read_text("utf-8") for p in sources}
    assert [name for name, text in texts.items() if re.search(r"\]\(/|href=\"/", text)] == []
    assert "[OCID](https://docs.oracle.com/iaas/" in texts["aidp_workbench/_operations/notebook.py"]


def test_the_readme_links_every_operation(aidp_model: ApiModel) -> None:
    readme = (AIDP_PROJECT / "README.md").read_text(encoding="utf-8")
    for op in aidp_model.operations:
        assert f"]({BOOK_URL}{op.page})" in readme, op.name


def test_no_link_without_the_books_url(aidp_model: ApiModel) -> None:
    files = generate_package(aidp_model, "sdk", site=Site(docs_url=None))
    assert BOOK_URL is not None and not any(BOOK_URL in text for text in files.values())


def test_every_model_ends_with_the_page_that_shows_it() -> None:
    """A named schema's class links to its page; a class a schema or an operation holds
    inline links to the page of the schema or operation that holds it."""
    model, _ = model_from_book(BOOKS / "jupyter-ul")
    view = build_views(model, "sdk", "0.1.0", Site(docs_url="https://example.org/book"))
    pages = {c.name: c.page_url for m in view.modules for c in m.classes}
    named = {class_name(n): f"https://example.org/book/{s.page}" for n, s in model.schemas.items()}
    assert {name: pages[name] for name in named} == named
    inline = {name: url for name, url in pages.items() if name not in named}
    assert inline and all(url and url.startswith("https://example.org/book/op-") for url in
                          inline.values()), inline  # fmt: skip
