"""The stages chained: book folder -> pages -> model."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from .assemble import assemble
from .config import CONFIG_NAME, load_config
from .errors import Diagnostics
from .examples import example_misfits
from .model import ApiModel
from .scrape import ScrapedPage, index_book, scrape_pages


def model_from_book(
    folder: Path,
    name_overrides: Mapping[str, str] | None = None,
    page_digests: Mapping[str, str] | None = None,
) -> tuple[ApiModel, Diagnostics]:
    """The model of the book in ``folder``; ``page_digests`` are its files' digests
    (``cache.file_digests``), when the caller has read them already."""
    index = index_book(folder)
    diagnostics = Diagnostics()
    diagnostics.extend(index.diagnostics)

    def noted(pages: Iterator[ScrapedPage]) -> Iterator[ScrapedPage]:
        for page in pages:
            diagnostics.extend(page.diagnostics)
            yield page

    pages = scrape_pages(folder, index, page_digests=page_digests)
    model, assembly = assemble(index, noted(pages), name_overrides)
    diagnostics.extend(assembly)
    for misfit in example_misfits(model):
        # Kept in the model as the page shows it, but a sign the page (or its reading)
        # is wrong somewhere.
        problem = f"does not fit its own schema: {misfit.problem}; the stub does not serve it"
        diagnostics.warn(misfit.page, misfit.what, problem)
    return model, diagnostics


def book_overrides(folder: Path) -> dict[str, str]:
    """The Python names a book's ``docs2sdk.yaml`` sets, if it has one."""
    config = folder / CONFIG_NAME
    return load_config(config).operation_names if config.is_file() else {}
