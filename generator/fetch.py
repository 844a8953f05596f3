"""Fetch stage: download a book from its site into a folder, whole or not at all.

A book is the set of pages under one URL prefix (the root URL's folder). The crawl
starts at the root page, also tries ``toc.js`` and ``rest-endpoints.html``, and
follows links that stay in that folder. It saves HTML pages and ``toc.js`` under their
file names, flat, as the scraper expects (see ``scrape/book.py``).

In the destination folder, the ``*.html`` files and ``toc.js`` belong to the fetch; any
other file there (``docs2sdk.yaml``) is never touched. ``docs2sdk.lock.json`` records
where each page came from and its validators, so a re-fetch asks the server only for
what changed.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import email.utils
import hashlib
import json
import os
import random
import re
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urldefrag, urljoin, urlsplit, urlunsplit

import httpx

from . import __version__, progress
from .cache import file_digest
from .errors import Docs2SdkError
from .scrape.book import ENDPOINTS_PAGE, INDEX_PAGE, OPERATION_PAGE, TOC_SCRIPT
from .scrape.text import page_soup
from .write import write_file_atomic

LOCK_NAME = "docs2sdk.lock.json"
MAX_REDIRECTS = 5
BACKOFF_BASE = 0.5  # seconds before the first retry; doubled for each one after
MAX_RETRY_AFTER = 60.0  # a longer Retry-After would stall the whole crawl
RETRY_STATUSES = frozenset({429}) | frozenset(range(500, 600))
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
GONE_STATUSES = frozenset({404, 410})
TOC_HREF = re.compile(r'"href"\s*:\s*"((?:[^"\\]|\\.)*)"')

# How a page came to be fetched, which decides what a 404 means.
Reason = Literal["start", "guess", "link"]


class FetchError(Docs2SdkError):
    """A book that cannot be fetched; names the URL (or folder) and the problem."""

    exit_code = 5

    def __init__(self, where: str, problem: str) -> None:
        self.where, self.problem = where, problem
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class LockEntry:
    """Where a saved page came from, its content hash and the server's validators."""

    url: str
    sha256: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FetchReport:
    """What a fetch did to the pages in ``dest`` (file names, sorted)."""

    url: str
    dest: Path
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Links inside the book to pages the server does not have (404/410).
    not_found: list[str] = field(default_factory=list)

    def summary(self) -> str:
        pages = len(self.added) + len(self.changed) + len(self.unchanged)
        lines = [
            f"{self.url} -> {self.dest}: {pages} pages; {len(self.added)} added, "
            f"{len(self.changed)} changed, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged"
        ]
        lines += [f"warning: {url}: linked from the book but not found" for url in self.not_found]
        return "\n".join(lines)


def is_page(name: str) -> bool:
    """Whether a file in a book folder is one of the book's pages."""
    return name.endswith(".html") or name == TOC_SCRIPT


def fetch_book(
    url: str,
    dest: Path,
    *,
    concurrency: int = 8,
    timeout: float = 30.0,
    retries: int = 3,
    max_page_bytes: int = 20 * 2**20,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FetchReport:
    """Download the book at ``url`` into the folder ``dest``, replacing its pages.

    ``url`` is the book's folder (ending in ``/``) or one of its pages. Pages are
    downloaded into a temporary folder beside ``dest``; only when every page has
    arrived are they moved into ``dest``, so a failure leaves ``dest`` as it was.
    ``transport`` lets a caller route requests elsewhere (a proxy, a test).
    """
    if concurrency < 1 or retries < 0 or max_page_bytes < 1:
        raise ValueError("concurrency and max_page_bytes must be positive, retries not negative")
    book, start = _Book.parse(url)
    shown, dest = dest, dest.resolve()
    if dest.exists() and not dest.is_dir():
        raise FetchError(str(dest), "not a folder")
    current = _page_hashes(dest)
    old_lock = _read_lock(dest / LOCK_NAME)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        # Beside dest, so that moving a page into place is a rename on one file system.
        staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.fetch-", dir=dest.parent))
    except OSError as exc:
        raise FetchError(str(dest), f"cannot create a temporary folder: {exc}") from exc
    try:
        with progress.stage("fetch", 0, "pages") as counter:
            crawler = _Crawler(
                book,
                dest,
                staging,
                current,
                old_lock,
                retries=retries,
                max_bytes=max_page_bytes,
                counter=counter,
            )
            asyncio.run(crawler.run(start, concurrency, timeout, transport))
        if not any(OPERATION_PAGE.fullmatch(name) for name in crawler.lock):
            raise FetchError(book.prefix, "no operation pages (op-*.html): not a REST API book?")
        lost = sorted(name for name in crawler.not_found if name in current)
        if lost:
            # The book still links to them: a scrape without them would fail, or lose
            # their operations. The server may be mid-deploy; the copies here are kept.
            raise FetchError(
                book.prefix,
                f"{len(lost)} page(s) the book links to are gone from the server "
                f"({', '.join(book.url_of(name) for name in lost)}); {shown} is left as it was, "
                "its last good copies kept",
            )
        report = FetchReport(
            book.prefix, shown, not_found=sorted(book.url_of(n) for n in crawler.not_found)
        )
        for name, entry in sorted(crawler.lock.items()):
            if name not in current:
                report.added.append(name)
            elif current[name] == entry.sha256:
                report.unchanged.append(name)
            else:
                report.changed.append(name)
        report.removed = sorted(set(current) - set(crawler.lock))
        # A page whose bytes did not change keeps its entry: a server that renews its
        # validators every day must not make every fetch a change to commit.
        lock = {
            name: old if (old := old_lock.get(name)) is not None and old.sha256 == entry.sha256
            and old.url == entry.url else entry
            for name, entry in crawler.lock.items()
        }  # fmt: skip
        _swap(staging, dest, report, lock)
        return report
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@dataclass(frozen=True)
class _Book:
    """The URL prefix a book lives under; ``prefix`` ends with ``/``."""

    prefix: str

    @classmethod
    def parse(cls, url: str) -> tuple[_Book, str]:
        """The book ``url`` points into, and the name of the page to start from."""
        parts = urlsplit(urldefrag(url.strip())[0])
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            raise FetchError(url, "not an http(s) URL")
        folder, _, leaf = (parts.path or "/").rpartition("/")
        if leaf and "." not in leaf:
            # ".../aiwap" names the book's folder, not a page in its parent.
            folder, leaf = f"{folder}/{leaf}", ""
        start = leaf or INDEX_PAGE
        if not is_page(start):
            raise FetchError(url, "not a book's folder or one of its .html pages")
        prefix = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), f"{folder}/", "", ""))
        return cls(prefix), start

    def contains(self, url: str) -> bool:
        parts = urlsplit(url)
        root = urlsplit(self.prefix)
        return (
            parts.scheme.lower() == root.scheme
            and parts.netloc.lower() == root.netloc
            and parts.path.startswith(root.path)
        )

    def page_name(self, url: str) -> str | None:
        """The file name of the book page at ``url``, or None if it is not one."""
        url = urldefrag(url)[0]
        if not self.contains(url):
            return None
        name = urlsplit(url).path[len(urlsplit(self.prefix).path) :] or INDEX_PAGE
        # The book is saved flat: a page in a sub-folder would not land where links
        # from the other pages point.
        if "/" in unquote(name) or "\\" in unquote(name) or not is_page(name):
            return None
        return name

    def url_of(self, name: str) -> str:
        return self.prefix + name


@dataclass
class _Answer:
    status: int
    url: str
    headers: httpx.Headers
    body: bytes = b""


class _Crawler:
    """Downloads a book's pages into ``staging``; the results are in ``lock``."""

    def __init__(
        self,
        book: _Book,
        dest: Path,
        staging: Path,
        current: dict[str, str],
        old_lock: dict[str, LockEntry],
        *,
        retries: int,
        max_bytes: int,
        counter: progress.Stage,
    ) -> None:
        self.book, self.dest, self.staging = book, dest, staging
        self.counter = counter
        self.current, self.old_lock = current, old_lock
        self.retries, self.max_bytes = retries, max_bytes
        self.lock: dict[str, LockEntry] = {}
        self.not_found: list[str] = []
        self._seen: set[str] = set()
        self._tasks: set[asyncio.Task[list[str]]] = set()

    async def run(
        self,
        start: str,
        concurrency: int,
        timeout: float,
        transport: httpx.AsyncBaseTransport | None,
    ) -> None:
        self._semaphore = asyncio.Semaphore(concurrency)
        async with httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,  # each hop is checked against the prefix
            limits=httpx.Limits(max_connections=concurrency),
            headers={"User-Agent": f"docs2sdk/{__version__}"},
        ) as self._client:
            self._schedule(start, "start")
            self._schedule(TOC_SCRIPT, "guess")
            self._schedule(ENDPOINTS_PAGE, "guess")
            try:
                while self._tasks:
                    done, _ = await asyncio.wait(self._tasks, return_when=asyncio.FIRST_COMPLETED)
                    for task in done:
                        self._tasks.discard(task)
                        self.counter.advance()
                        for name in task.result():
                            self._schedule(name, "link")
            finally:
                # The first failure ends the crawl: the other pages would be thrown away.
                # Gathering also collects the errors of finished pages nobody looked at.
                for task in self._tasks:
                    task.cancel()
                await asyncio.gather(*self._tasks, return_exceptions=True)

    def _schedule(self, name: str, reason: Reason) -> None:
        if name not in self._seen:
            self._seen.add(name)
            self.counter.expect()
            self._tasks.add(asyncio.create_task(self._page(name, reason)))

    async def _page(self, name: str, reason: Reason) -> list[str]:
        """Fetch one page; the names of the book pages it links to."""
        url = self.book.url_of(name)
        old = self.old_lock.get(name)
        # A validator is only worth sending while the file it describes is intact.
        if old is None or old.url != url or self.current.get(name) != old.sha256:
            old = None
        headers = {}
        if old is not None and old.etag:
            headers["If-None-Match"] = old.etag
        if old is not None and old.last_modified:
            headers["If-Modified-Since"] = old.last_modified
        answer = await self._get(url, headers)
        if answer.status in REDIRECT_STATUSES:  # one that leaves the book: not followed
            if reason == "guess":  # some sites send a missing file to a page of their own
                return []
            target = urljoin(answer.url, answer.headers.get("Location", ""))
            raise FetchError(url, f"redirects to {target}, outside the book")
        if answer.status in GONE_STATUSES:
            if reason == "start":
                raise FetchError(url, f"HTTP {answer.status}")
            if reason == "link":
                self.not_found.append(name)
            return []
        if answer.status == 304 and old is not None:
            body = (self.dest / name).read_bytes()
            self.lock[name] = replace(
                old,
                etag=answer.headers.get("ETag", old.etag),
                last_modified=answer.headers.get("Last-Modified", old.last_modified),
            )
        elif answer.status == 200:
            body = as_stored(answer.body, answer.headers.get("Content-Type"))
            try:
                (self.staging / name).write_bytes(body)
            except OSError as exc:
                raise FetchError(str(self.staging / name), f"cannot write: {exc}") from exc
            self.lock[name] = LockEntry(
                url,
                hashlib.sha256(body).hexdigest(),
                answer.headers.get("ETag"),
                answer.headers.get("Last-Modified"),
            )
        else:
            raise FetchError(url, f"unexpected HTTP {answer.status}")
        return self._links(name, answer.url, body)

    def _links(self, name: str, base: str, body: bytes) -> list[str]:
        text = body.decode("utf-8", errors="replace")
        if name == TOC_SCRIPT:
            # Read loosely: a toc.js that is not quite JSON still names its pages.
            hrefs = [m.group(1).replace("\\/", "/") for m in TOC_HREF.finditer(text)]
        else:
            hrefs = [str(a["href"]) for a in page_soup(text).find_all("a", href=True)]
        names = (self.book.page_name(urljoin(base, href.strip())) for href in hrefs)
        return [n for n in names if n is not None]

    async def _get(self, url: str, headers: dict[str, str]) -> _Answer:
        """GET ``url``, following redirects while they stay inside the book; a redirect
        that would leave it is returned as it is."""
        for _ in range(MAX_REDIRECTS + 1):
            answer = await self._get_with_retries(url, headers)
            if answer.status not in REDIRECT_STATUSES:
                return answer
            location = answer.headers.get("Location")
            if not location:
                raise FetchError(url, f"HTTP {answer.status} without a Location")
            target = urljoin(url, location)
            if not self.book.contains(target):
                return answer
            url = target
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")

    async def _get_with_retries(self, url: str, headers: dict[str, str]) -> _Answer:
        attempts = self.retries + 1
        for attempt in range(attempts):
            delay = BACKOFF_BASE * 2**attempt
            delay += random.uniform(0, delay)  # so parallel retries do not arrive together
            try:
                async with self._semaphore:
                    answer = await self._get_once(url, headers)
            except httpx.TransportError as exc:
                problem = f"{type(exc).__name__}: {exc}".rstrip(": ")
            except httpx.HTTPError as exc:  # a broken body, say: asking again will not help
                raise FetchError(url, f"{type(exc).__name__}: {exc}") from exc
            else:
                if answer.status not in RETRY_STATUSES:
                    return answer
                problem = f"HTTP {answer.status}"
                delay = _retry_after(answer.headers.get("Retry-After"), delay)
            if attempt + 1 < attempts:
                await asyncio.sleep(delay)
        raise FetchError(url, f"{problem} (gave up after {attempts} attempt{'s' * (attempts > 1)})")

    async def _get_once(self, url: str, headers: dict[str, str]) -> _Answer:
        async with self._client.stream("GET", url, headers=headers) as response:
            answer = _Answer(response.status_code, str(response.url), response.headers)
            if answer.status != 200:
                return answer
            size = response.headers.get("Content-Length", "")
            if size.isdigit() and int(size) > self.max_bytes:
                raise FetchError(url, f"page is {size} bytes, over the {self.max_bytes} limit")
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > self.max_bytes:
                    raise FetchError(url, f"page is over the {self.max_bytes} bytes limit")
            answer.body = bytes(body)
            return answer


_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.IGNORECASE)


def as_stored(body: bytes, content_type: str | None) -> bytes:
    """A page's bytes as they are saved: a page the server says is in an encoding other
    than UTF-8 (``charset=iso-8859-1``) is saved as UTF-8 behind a byte order mark, which
    a browser, and the scrape, take before what the page's markup declares (the server's
    word already did)."""
    found = _CHARSET.search(content_type or "")
    if found is None or body.startswith(codecs.BOM_UTF8):
        return body
    try:
        encoding = codecs.lookup(found[1]).name
    except LookupError:
        return body  # the page's own declaration, or UTF-8, is all there is to go by
    if encoding == "utf-8":
        return body
    return codecs.BOM_UTF8 + body.decode(encoding, errors="replace").encode("utf-8")


def _retry_after(value: str | None, default: float) -> float:
    """Seconds to wait as a Retry-After header asks (a number or an HTTP date)."""
    if value is None:
        return default
    if value.strip().isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    with contextlib.suppress(TypeError, ValueError):
        wait = email.utils.parsedate_to_datetime(value) - datetime.now(timezone.utc)
        return min(max(wait.total_seconds(), 0.0), MAX_RETRY_AFTER)
    return default


def _page_hashes(dest: Path) -> dict[str, str]:
    """sha256 of each page now in ``dest``."""
    if not dest.is_dir():
        return {}
    return {
        path.name: file_digest(path)
        for path in dest.iterdir()
        if path.is_file() and is_page(path.name)
    }


def _read_lock(path: Path) -> dict[str, LockEntry]:
    """The lock file's entries; an unreadable one only costs full downloads, so it is
    treated as empty."""
    try:
        files = json.loads(path.read_text(encoding="utf-8"))["files"]
        return {
            str(name): LockEntry(
                str(entry["url"]),
                str(entry["sha256"]),
                _text_or_none(entry.get("etag")),
                _text_or_none(entry.get("last_modified")),
            )
            for name, entry in files.items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _swap(staging: Path, dest: Path, report: FetchReport, lock: dict[str, LockEntry]) -> None:
    """Move the new pages into ``dest``, drop the removed ones, then record the lock.

    The lock is written last: if this is cut short, pages that no longer match it are
    downloaded again in full next time.
    """
    try:
        dest.mkdir(exist_ok=True)
        for name in report.added + report.changed:
            os.replace(staging / name, dest / name)
        for name in report.removed:
            (dest / name).unlink()
        data = {
            "book": report.url,
            "files": {
                name: {
                    "url": e.url,
                    "sha256": e.sha256,
                    "etag": e.etag,
                    "last_modified": e.last_modified,
                }
                for name, e in sorted(lock.items())
            },
        }
        write_file_atomic(dest / LOCK_NAME, json.dumps(data, indent=2) + "\n")
    except OSError as exc:
        raise FetchError(str(dest), f"cannot update the book's pages: {exc}") from exc
