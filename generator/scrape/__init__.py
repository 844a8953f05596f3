"""Scrape stage: a book folder in, one ``ScrapedPage`` per operation page out."""

from __future__ import annotations

from pathlib import Path

from ..errors import Diagnostics, ScrapeError
from .book import BookIndex, PageRef, index_book
from .page import ScrapedPage, scrape_page

__all__ = ["BookIndex", "PageRef", "ScrapedPage", "index_book", "scrape_pages"]


def scrape_pages(folder: Path, index: BookIndex) -> tuple[list[ScrapedPage], Diagnostics]:
    """Read every page the index lists, in the index's order."""
    diagnostics = Diagnostics()
    diagnostics.extend(index.diagnostics)
    base = folder if folder.is_dir() else folder.parent
    pages = []
    for ref in index.pages:
        path = base / ref.file
        try:
            html = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ScrapeError(ref.file, "page", f"not UTF-8 text: {exc.reason}") from exc
        except OSError as exc:
            raise ScrapeError(ref.file, "page", f"cannot read: {exc.strerror}") from exc
        page = scrape_page(html, ref.file)
        diagnostics.extend(page.diagnostics)
        pages.append(page)
    return pages, diagnostics
