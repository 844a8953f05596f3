"""Scrape stage: a book folder in, one ``ScrapedPage`` per operation page out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .. import progress
from ..cache import Cache, code_digest, default_root
from ..errors import ScrapeError
from ..parallel import parallel_iter
from .book import BookIndex, PageRef, index_book
from .page import ScrapedPage, scrape_page

__all__ = ["BookIndex", "PageRef", "ScrapedPage", "index_book", "scrape_pages"]

# Parsed pages are reused only by the very code that parsed them.
SCRAPER_DIGEST = code_digest(
    *Path(__file__).parent.glob("*.py"),
    *(Path(__file__).parents[1] / name for name in ("model.py", "errors.py")),
)


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScrapeError(path.name, "page", f"not UTF-8 text: {exc.reason}") from exc
    except OSError as exc:
        raise ScrapeError(path.name, "page", f"cannot read: {exc.strerror}") from exc


def _scrape(job: tuple[Path, str, Path | None]) -> ScrapedPage:
    """One page, read and parsed where this runs (a worker): the parent never holds
    the book's HTML. A page whose bytes were parsed before comes from the cache."""
    base, name, cache_root = job
    html = _read(base / name)
    cache = Cache(cache_root, "pages")
    key = Cache.key(SCRAPER_DIGEST, name, html)
    page: ScrapedPage | None = cache.get(key)
    if page is None:
        page = scrape_page(html, name)
        cache.put(key, page)
    return page


def scrape_pages(
    folder: Path, index: BookIndex, cache_root: Path | None = None
) -> Iterator[ScrapedPage]:
    """Every page the index lists, in the index's order, one at a time as the workers
    read them (a book of thousands of pages is never held whole)."""
    root = cache_root if cache_root is not None else default_root()
    base = folder if folder.is_dir() else folder.parent
    jobs = [(base, ref.file, root) for ref in index.pages]
    with progress.stage("scrape", len(jobs), "pages") as counter:
        for page in parallel_iter(_scrape, jobs):
            counter.advance()
            yield page
