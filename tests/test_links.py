"""Links back to the docs: every method and model names its page, and the pages' own
relative links work where the docstrings are read."""

from __future__ import annotations

import re
from pathlib import Path

from generator.config import load_config
from generator.generate import Site, generate_package
from generator.generate.views import absolute_links
from generator.model import ApiModel

from .conftest import AIDP_BOOK, AIDP_PROJECT

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

    op = next(o for o in aidp_model.operations if o.name == "get_session_details")
    page = f"{BOOK_URL}{op.page}"
    for method in (Client.get_session_details, AsyncClient.get_session_details):
        assert (method.__doc__ or "").strip().endswith(page)
    schema_page = f"{BOOK_URL}{aidp_model.schemas['Session'].page}"
    assert (models.Session.__doc__ or "").strip().endswith(schema_page)


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
