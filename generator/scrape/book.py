"""Find a book's operation pages and their tags, from whatever index the book has."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Diagnostics, ScrapeError
from .decode import page_text
from .text import Line, page_soup, visible_lines

ENDPOINTS_PAGE = "rest-endpoints.html"
TOC_SCRIPT = "toc.js"
INDEX_PAGE = "index.html"
TAG_PAGE = re.compile(r"api-.+\.html")
OPERATION_PAGE = re.compile(r"op-.+\.html")
TAG_TITLE_SUFFIX = " REST Endpoints"
# An address with the region left open, as Oracle writes them: https://x.{region}.oci.{...}
REGIONAL_URL = re.compile(r"https?://[^\s\"'<>]*\{region\}[^\s\"'<>]*")


@dataclass(frozen=True)
class PageRef:
    """An operation page: its file name in the book, and its tag."""

    file: str
    tag: str | None = None


@dataclass
class BookIndex:
    title: str | None
    tags: list[tuple[str, str | None]]  # (tag, its page)
    pages: list[PageRef]
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    endpoint: str | None = None  # the service's address in each region, when stated


def index_book(folder: Path) -> BookIndex:
    """The operation pages of the book in ``folder``, in the book's order."""
    if folder.is_file():
        return BookIndex(None, [], [PageRef(folder.name)])
    if not folder.is_dir():
        raise ScrapeError(str(folder), "book", "no such folder")
    title = _book_title(folder)
    for reader in (_from_endpoints, _from_tag_pages, _from_toc):
        found = reader(folder)
        if found is not None:
            tags, pages = found
            index = BookIndex(title, tags, _unique(pages), endpoint=_book_endpoint(folder))
            _check_files(folder, index)
            return index
    pages = [PageRef(p.name) for p in sorted(folder.glob("op-*.html"))]
    if not pages:
        pages = [PageRef(p.name) for p in sorted(folder.glob("*.html"))]
    if not pages:
        raise ScrapeError(str(folder), "book", "no operation pages (op-*.html) and no index")
    return BookIndex(title, [], pages, endpoint=_book_endpoint(folder))


def _book_endpoint(folder: Path) -> str | None:
    """The first address with ``{region}`` in it that the index page shows."""
    index = folder / INDEX_PAGE
    if not index.exists():
        return None
    for line in _read_lines(index):
        found = REGIONAL_URL.search(line.text)
        if found:
            return found[0].rstrip(".,;:)")
    return None


def _read_lines(path: Path) -> list[Line]:
    return visible_lines(_index_text(path))


def _index_text(path: Path) -> str:
    """An index page's text; what cannot be decoded is no link to a page."""
    return page_text(path.read_bytes(), path.name, strict=False)


def _local(href: str) -> str | None:
    """The file a link points to inside the book, or None for links that leave it."""
    if re.match(r"[a-z][a-z0-9+.-]*:", href, re.I) or href.startswith(("/", "#")):
        return None
    name = href.split("#", 1)[0].split("?", 1)[0]
    return name.rsplit("/", 1)[-1] or None


def _book_title(folder: Path) -> str | None:
    index = folder / INDEX_PAGE
    if not index.exists():
        return None
    html = _index_text(index)
    soup = page_soup(html)
    if soup.title and soup.title.get_text(strip=True):
        return " ".join(soup.title.get_text().split())
    lines = visible_lines(html)
    return lines[0].text if lines else None


def _operation_links(line: Line) -> list[str]:
    return [
        name for href in line.links if (name := _local(href)) and OPERATION_PAGE.fullmatch(name)
    ]


def _from_endpoints(folder: Path) -> tuple[list[tuple[str, str | None]], list[PageRef]] | None:
    """``rest-endpoints.html``: a heading per tag, then a row per operation."""
    path = folder / ENDPOINTS_PAGE
    if not path.exists():
        return None
    tag_pages = _tag_page_names(folder)
    tags: list[tuple[str, str | None]] = []
    pages: list[PageRef] = []
    heading: str | None = None
    for line in _read_lines(path):
        links = _operation_links(line)
        if not links:
            if not line.links:
                heading = line.text
            continue
        if heading is not None and heading not in (t for t, _ in tags):
            tags.append((heading, tag_pages.get(heading)))
        pages.extend(PageRef(link, heading) for link in links)
    return (tags, pages) if pages else None


def _tag_page_names(folder: Path) -> dict[str, str]:
    """Tag name -> its ``api-*.html`` page, from the index page's links."""
    index = folder / INDEX_PAGE
    names: dict[str, str] = {}
    if index.exists():
        soup = page_soup(_index_text(index))
        for a in soup.find_all("a", href=True):
            name = _local(str(a["href"]))
            if name and TAG_PAGE.fullmatch(name):
                names.setdefault(" ".join(a.get_text().split()), name)
    return names


def _from_tag_pages(folder: Path) -> tuple[list[tuple[str, str | None]], list[PageRef]] | None:
    """``api-<tag>.html`` pages, each titled "<tag> REST Endpoints"."""
    by_name = {v: k for k, v in _tag_page_names(folder).items()}
    files = sorted(p.name for p in folder.glob("api-*.html"))
    ordered = [f for f in by_name if f in files] + [f for f in files if f not in by_name]
    tags: list[tuple[str, str | None]] = []
    pages: list[PageRef] = []
    for file in ordered:
        lines = _read_lines(folder / file)
        titles = [ln.text for ln in lines if ln.text.endswith(TAG_TITLE_SUFFIX)]
        tag = by_name.get(file) or (titles[0][: -len(TAG_TITLE_SUFFIX)] if titles else file)
        links = [link for line in lines for link in _operation_links(line)]
        if links:
            tags.append((tag, file))
            pages.extend(PageRef(link, tag) for link in links)
    return (tags, pages) if pages else None


def _from_toc(folder: Path) -> tuple[list[tuple[str, str | None]], list[PageRef]] | None:
    """``toc.js``: ``define({"toc": [...]})``, tag topics holding operation topics."""
    path = folder / TOC_SCRIPT
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8", errors="replace")
    start, end = text.find("{"), text.rfind("}")
    try:
        toc = json.loads(text[start : end + 1])
    except ValueError as exc:  # not JSON, or a number longer than int() reads
        raise ScrapeError(TOC_SCRIPT, "toc", f"not a JSON table of contents: {exc}") from exc
    except RecursionError as exc:  # the decoder's own guard against very deep nesting
        raise ScrapeError(TOC_SCRIPT, "toc", "not a table of contents: nested too deep") from exc
    tags: list[tuple[str, str | None]] = []
    pages: list[PageRef] = []
    # Depth first, in the file's order; a stack, not recursion, for any depth of topics.
    stack: list[tuple[Iterator[dict[str, Any]], tuple[str, str | None] | None]] = [
        (_topics(toc.get("toc") if isinstance(toc, dict) else None), None)
    ]
    while stack:
        topics, parent = stack[-1]
        topic = next(topics, None)
        if topic is None:
            stack.pop()
            continue
        href = _local(str(topic.get("href", "")))
        if href and OPERATION_PAGE.fullmatch(href):
            if parent and parent not in tags:
                tags.append(parent)
            pages.append(PageRef(href, parent[0] if parent else None))
        here = (str(topic.get("title", href)), href) if href else parent
        stack.append((_topics(topic.get("topics")), here))
    return (tags, pages) if pages else None


def _topics(value: Any) -> Iterator[dict[str, Any]]:
    """The topics in a toc.js list; anything else in it is no topic."""
    return (t for t in (value if isinstance(value, list) else []) if isinstance(t, dict))


def _unique(pages: list[PageRef]) -> list[PageRef]:
    seen: set[str] = set()
    out = []
    for page in pages:
        if page.file not in seen:
            seen.add(page.file)
            out.append(page)
    return out


def _check_files(folder: Path, index: BookIndex) -> None:
    listed = {p.file for p in index.pages}
    for page in index.pages:
        if not (folder / page.file).exists():
            raise ScrapeError(page.file, "page", "listed in the book's index but missing")
    for extra in sorted(p.name for p in folder.glob("op-*.html")):
        if extra not in listed:
            index.diagnostics.warn(extra, "page", "not listed in the book's index; read anyway")
            index.pages.append(PageRef(extra))
