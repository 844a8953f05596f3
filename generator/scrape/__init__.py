"""Scrape stage: a book folder in, one ``ScrapedPage`` per operation page out."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from .. import progress
from ..cache import Cache, code_digest, default_root, file_digest
from ..errors import ScrapeError, scrape_failure
from ..parallel import Started
from .book import BookIndex, PageRef, index_book
from .decode import page_text
from .page import ScrapedPage, scrape_page

__all__ = ["BookIndex", "PageRef", "ScrapedPage", "index_book", "scrape_pages"]

# Parsed pages are reused only by the very code that parsed them.
SCRAPER_DIGEST = code_digest(
    *Path(__file__).parent.glob("*.py"),
    *(Path(__file__).parents[1] / name for name in ("model.py", "errors.py")),
)


def _read(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScrapeError(path.name, "page", f"cannot read: {exc.strerror}") from exc
    return page_text(data, path.name)


def _digest(path: Path) -> str:
    try:
        return file_digest(path)
    except OSError as exc:
        raise ScrapeError(path.name, "page", f"cannot read: {exc.strerror}") from exc


def _scrape(job: tuple[Path, str, str, Path | None]) -> ScrapedPage | ScrapeError:
    """One page, read and parsed where this runs (a worker): the parent never holds
    the book's HTML. ``key`` is the page's cache key, which the parent made. A page that
    cannot be read comes back as its error, so that the other pages are still read."""
    base, name, key, cache_root = job
    try:
        page = scrape_page(_read(base / name), name).packed()
    except ScrapeError as error:
        return error
    Cache(cache_root, "pages").put(key, page)
    return page


def scrape_pages(
    folder: Path,
    index: BookIndex,
    cache_root: Path | None = None,
    page_digests: Mapping[str, str] | None = None,
) -> Iterator[ScrapedPage]:
    """Every page the index lists, in the index's order, one at a time (a book of
    thousands of pages is never held whole). A page whose bytes were parsed before (by
    this version of the scraper) comes from the cache; the others are parsed by the
    workers meanwhile. ``page_digests`` are the digests of the book's files by name,
    when the caller has read them (``cache.file_digests``): a page is not read twice.
    Pages that cannot be read are all reported, once the others have been read."""
    root = cache_root if cache_root is not None else default_root()
    cache = Cache(root, "pages")
    base = folder if folder.is_dir() else folder.parent
    known = page_digests or {}
    keys = [
        Cache.key(SCRAPER_DIGEST, ref.file, known.get(ref.file) or _digest(base / ref.file))
        for ref in index.pages
    ]
    cached = [key in cache for key in keys]
    pages = list(zip(index.pages, keys, cached, strict=True))
    missing = [(base, ref.file, key, root) for ref, key, hit in pages if not hit]
    failed: list[ScrapeError] = []
    with (
        progress.stage("scrape", len(keys), "pages") as counter,
        Started(_scrape, missing) as parsed,
    ):
        counter.note = f"{len(missing)} parsed, {len(keys) - len(missing)} from the cache"
        for ref, key, hit in pages:
            page = cache.get(key) if hit else next(parsed)
            if page is None:  # an entry that could not be read after all
                page = _scrape((base, ref.file, key, root))
            counter.advance()
            if isinstance(page, ScrapeError):
                failed.append(page)
            elif not failed:  # past a failure nothing is built: the pages are only read
                yield page
    if failed:
        raise scrape_failure(failed)
