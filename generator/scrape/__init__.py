"""Scrape stage: a book folder in, one ``ScrapedPage`` per operation page out."""

from __future__ import annotations

from pathlib import Path

from ..cache import Cache, code_digest, default_root
from ..errors import Diagnostics, ScrapeError
from ..parallel import parallel_map
from .book import BookIndex, PageRef, index_book
from .page import ScrapedPage, scrape_page

__all__ = ["BookIndex", "PageRef", "ScrapedPage", "index_book", "scrape_pages"]

# Parsed pages are reused only by the very code that parsed them.
SCRAPER_DIGEST = code_digest(
    *Path(__file__).parent.glob("*.py"),
    *(Path(__file__).parents[1] / name for name in ("model.py", "errors.py")),
)


def _read(base: Path, ref: PageRef) -> str:
    path = base / ref.file
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScrapeError(ref.file, "page", f"not UTF-8 text: {exc.reason}") from exc
    except OSError as exc:
        raise ScrapeError(ref.file, "page", f"cannot read: {exc.strerror}") from exc


def _scrape(job: tuple[str, str]) -> ScrapedPage:
    html, name = job
    return scrape_page(html, name)


def scrape_pages(
    folder: Path, index: BookIndex, cache_root: Path | None = None
) -> tuple[list[ScrapedPage], Diagnostics]:
    """Read every page the index lists, in the index's order.

    A page whose bytes were parsed before (by this version of the scraper) comes from
    the cache; the others are parsed in parallel.
    """
    cache = Cache(cache_root if cache_root is not None else default_root(), "pages")
    base = folder if folder.is_dir() else folder.parent
    jobs = [(_read(base, ref), ref.file) for ref in index.pages]
    keys = [Cache.key(SCRAPER_DIGEST, name, html) for html, name in jobs]
    pages: list[ScrapedPage | None] = [cache.get(key) for key in keys]
    missing = [i for i, page in enumerate(pages) if page is None]
    for i, page in zip(missing, parallel_map(_scrape, [jobs[i] for i in missing]), strict=True):
        pages[i] = page
        cache.put(keys[i], page)
    diagnostics = Diagnostics()
    diagnostics.extend(index.diagnostics)
    done = [page for page in pages if page is not None]
    for page in done:
        diagnostics.extend(page.diagnostics)
    return done, diagnostics
