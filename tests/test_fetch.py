"""The fetch stage, against a real HTTP server on 127.0.0.1 serving a copy of a book."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from generator.fetch import LOCK_NAME, FetchError, fetch_book

from .conftest import BOOKS, docs2sdk

BOOK = BOOKS / "jupyter-ul"
BOOK_FILES = sorted(p.name for p in BOOK.iterdir())
CONFIG = "package: jupyter\noutput: generated/jupyter\n"


class BookServer(ThreadingHTTPServer):
    """Serves ``root`` at ``/``; the book is in ``root/book/``, so ``root`` is outside it.

    Answers conditional requests the way docs.oracle.com does (ETag, Last-Modified,
    304), and can be told to redirect a path, fail it with 503 a number of times, or
    send it without a Content-Length.
    """

    daemon_threads = True
    request_queue_size = 64  # the default 5 drops bursts of connects: 1 s SYN retries

    def __init__(self, root: Path) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.root = root
        self.redirects: dict[str, str] = {}
        self.failures: Counter[str] = Counter()
        self.unsized: set[str] = set()
        self.requests: list[str] = []
        self.not_modified: list[str] = []
        self.content_types: dict[str, str] = {}
        self.etag_salt = ""  # changes every validator, as a server that renews them does
        self.lock = threading.Lock()

    def handle_error(self, request: object, client_address: object) -> None:
        # Fetch hangs up on purpose (a page over the cap, pages cancelled by a failure).
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]

    @property
    def book_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/book/"


class Handler(BaseHTTPRequestHandler):
    server: BookServer

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep the test output clean

    def do_GET(self) -> None:
        server, path = self.server, self.path.split("?", 1)[0]
        with server.lock:
            server.requests.append(path)
            failing = server.failures[path] > 0
            server.failures[path] -= failing
        if failing:
            self._answer(503, {"Retry-After": "0"})
        elif path in server.redirects:
            self._answer(302, {"Location": server.redirects[path]})
        elif not (file := server.root / path.lstrip("/")).is_file():
            self._answer(404, {})
        else:
            body = file.read_bytes()
            etag = f'"{hashlib.sha256(body).hexdigest()[:16]}{server.etag_salt}"'
            modified = formatdate(file.stat().st_mtime, usegmt=True)
            validators = {"ETag": etag, "Last-Modified": modified}
            if path in server.content_types:
                validators["Content-Type"] = server.content_types[path]
            if self.headers.get("If-None-Match") == etag:
                with server.lock:
                    server.not_modified.append(path)
                self._answer(304, validators)
            elif path in server.unsized:
                # HTTP/1.0 without a length: the body ends when the connection closes.
                self._answer(200, validators, body, sized=False)
            else:
                self._answer(200, validators, body)

    def _answer(
        self, status: int, headers: dict[str, str], body: bytes = b"", sized: bool = True
    ) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if sized:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[BookServer]:
    root = tmp_path / "site"
    shutil.copytree(BOOK, root / "book")
    (root / "outside.html").write_text("<p>not part of the book</p>", encoding="utf-8")
    httpd = BookServer(root)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    return tmp_path / "input" / "jupyter"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def book_page(server: BookServer, name: str) -> Path:
    return server.root / "book" / name


def add_link(server: BookServer, page: str, href: str) -> None:
    path = book_page(server, page)
    html = path.read_text(encoding="utf-8")
    path.write_text(html.replace("</body>", f'<a href="{href}">x</a></body>'), encoding="utf-8")


def test_full_fetch_writes_every_page_and_the_lock(server: BookServer, dest: Path) -> None:
    report = fetch_book(server.book_url, dest)

    assert report.added == BOOK_FILES
    assert (report.changed, report.removed, report.unchanged, report.not_found) == ([], [], [], [])
    assert sorted(p.name for p in dest.iterdir()) == sorted([*BOOK_FILES, LOCK_NAME])
    for name in BOOK_FILES:
        assert (dest / name).read_bytes() == (BOOK / name).read_bytes(), name
    lock = json.loads((dest / LOCK_NAME).read_text(encoding="utf-8"))
    assert lock["book"] == server.book_url
    entry = lock["files"]["toc.js"]  # found only by trying it: no page links to it
    assert entry["url"] == server.book_url + "toc.js"
    assert entry["sha256"] == hashlib.sha256((BOOK / "toc.js").read_bytes()).hexdigest()
    assert entry["etag"] and entry["last_modified"]
    assert f"{len(BOOK_FILES)} pages; {len(BOOK_FILES)} added" in report.summary()
    # Nothing is left behind beside dest.
    assert sorted(p.name for p in dest.parent.iterdir()) == ["jupyter"]


def test_a_second_fetch_asks_conditionally_and_changes_nothing(
    server: BookServer, dest: Path
) -> None:
    fetch_book(server.book_url, dest)
    (dest / "docs2sdk.yaml").write_text(CONFIG, encoding="utf-8")
    before = snapshot(dest)
    server.requests.clear()

    report = fetch_book(server.book_url, dest)

    assert report.unchanged == BOOK_FILES
    assert (report.added, report.changed, report.removed) == ([], [], [])
    assert sorted(server.not_modified) == sorted(f"/book/{name}" for name in BOOK_FILES)
    assert len(server.requests) == len(BOOK_FILES)
    assert snapshot(dest) == before


def test_changed_removed_and_added_pages_are_reported(server: BookServer, dest: Path) -> None:
    fetch_book(server.book_url, dest)
    (dest / "docs2sdk.yaml").write_text(CONFIG, encoding="utf-8")
    changed = book_page(server, "op-api-get.html")
    changed.write_text(changed.read_text(encoding="utf-8") + "<!-- new -->", encoding="utf-8")
    removed = "op-api-me-get.html"
    book_page(server, removed).unlink()
    for page in server.root.glob("book/*.html"):  # and no page links to it any more
        text = page.read_text(encoding="utf-8")
        page.write_text(re.sub(rf'<a [^>]*href="{removed}"[^>]*>.*?</a>', "", text), "utf-8")
    toc = book_page(server, "toc.js")
    toc.write_text(toc.read_text(encoding="utf-8").replace(removed, "index.html"), "utf-8")
    shutil.copy(book_page(server, "op-api-get.html"), book_page(server, "op-api-new-get.html"))
    add_link(server, "rest-endpoints.html", "op-api-new-get.html")

    report = fetch_book(server.book_url, dest)

    assert report.added == ["op-api-new-get.html"]
    assert "op-api-get.html" in report.changed
    assert report.removed == [removed]
    assert report.not_found == []
    assert len(report.unchanged) == len(BOOK_FILES) - 1 - len(report.changed)
    assert f"1 added, {len(report.changed)} changed, 1 removed" in report.summary()
    assert not (dest / removed).exists()
    assert (dest / "op-api-get.html").read_bytes() == changed.read_bytes()
    assert (dest / "docs2sdk.yaml").read_text(encoding="utf-8") == CONFIG
    lock = json.loads((dest / LOCK_NAME).read_text(encoding="utf-8"))
    assert sorted(lock["files"]) == sorted(report.added + report.changed + report.unchanged)


def test_a_page_the_server_lost_is_kept_and_the_fetch_fails(server: BookServer, dest: Path) -> None:
    """A page the book still links to that now answers 404 is a server's problem, not a
    page removed from the docs: its last good copy stays, and the fetch says so."""
    fetch_book(server.book_url, dest)
    before = snapshot(dest)
    lost = "op-api-me-get.html"
    book_page(server, lost).unlink()  # still linked from the index
    changed = book_page(server, "op-api-get.html")
    changed.write_text(changed.read_text(encoding="utf-8") + "<!-- new -->", encoding="utf-8")

    result = docs2sdk("fetch", server.book_url, "-o", str(dest))

    assert result.returncode == 5, result.stderr
    assert f"{server.book_url}{lost}" in result.stderr and "last good copies kept" in result.stderr
    assert snapshot(dest) == before  # the changed page is not half taken either


def test_a_local_edit_is_not_trusted_to_a_304(server: BookServer, dest: Path) -> None:
    fetch_book(server.book_url, dest)
    (dest / "index.html").write_text("edited by hand", encoding="utf-8")

    report = fetch_book(server.book_url, dest)

    assert report.changed == ["index.html"]
    assert "/book/index.html" not in server.not_modified
    assert (dest / "index.html").read_bytes() == (BOOK / "index.html").read_bytes()


def test_links_outside_the_book_are_not_followed(server: BookServer, dest: Path) -> None:
    port = server.server_address[1]
    for href in [
        "../outside.html",
        f"http://127.0.0.1:{port}/outside.html",
        "/outside.html",
        "sub/page.html",  # inside the prefix, but the book is flat
        "styles.css",
        "mailto:docs@example.com",
        "ftp://127.0.0.1/book/op-ftp.html",
    ]:
        add_link(server, "index.html", href)
    server.redirects["/book/moved.html"] = "/book/op-api-get.html"
    add_link(server, "index.html", "moved.html")

    report = fetch_book(server.book_url, dest)

    asked = set(server.requests)
    assert "/outside.html" not in asked
    assert not any(path.startswith("/book/sub/") or path.endswith(".css") for path in asked)
    # A redirect that stays inside the book is followed; the page keeps the linked name.
    assert "moved.html" in report.added
    assert (dest / "moved.html").read_bytes() == (BOOK / "op-api-get.html").read_bytes()
    assert sorted(p.name for p in dest.iterdir()) == sorted([*BOOK_FILES, "moved.html", LOCK_NAME])


def test_a_redirect_outside_the_book_fails_the_fetch(server: BookServer, dest: Path) -> None:
    server.redirects["/book/moved.html"] = "/outside.html"
    add_link(server, "index.html", "moved.html")

    with pytest.raises(FetchError, match=r"/book/moved\.html: redirects to .*/outside\.html"):
        fetch_book(server.book_url, dest)

    assert "/outside.html" not in server.requests
    assert not dest.exists()


def test_a_guessed_page_that_redirects_outside_is_skipped(server: BookServer, dest: Path) -> None:
    server.redirects["/book/toc.js"] = "/outside.html"

    report = fetch_book(server.book_url, dest)

    assert "toc.js" not in report.added
    assert report.not_found == []
    assert "/outside.html" not in server.requests


@pytest.mark.parametrize("sized", [True, False], ids=["content-length", "until-close"])
def test_a_page_over_the_size_cap_fails_and_leaves_dest_alone(
    server: BookServer, dest: Path, sized: bool
) -> None:
    fetch_book(server.book_url, dest)
    (dest / "docs2sdk.yaml").write_text(CONFIG, encoding="utf-8")
    before = snapshot(dest)
    page = book_page(server, "op-api-get.html")
    page.write_text(page.read_text(encoding="utf-8") + "x" * 100_000, encoding="utf-8")
    book_page(server, "op-api-status-get.html").unlink()
    if not sized:
        server.unsized.add("/book/op-api-get.html")

    with pytest.raises(FetchError, match=r"/book/op-api-get\.html: page .*over the 65536"):
        fetch_book(server.book_url, dest, max_page_bytes=64 * 1024)

    assert snapshot(dest) == before
    assert sorted(p.name for p in dest.parent.iterdir()) == ["jupyter"]


def test_a_server_error_is_retried(server: BookServer, dest: Path) -> None:
    server.failures["/book/op-api-get.html"] = 2

    report = fetch_book(server.book_url, dest)

    assert "op-api-get.html" in report.added
    assert server.requests.count("/book/op-api-get.html") == 3


def test_a_server_error_that_persists_fails_and_leaves_dest_alone(
    server: BookServer, dest: Path
) -> None:
    fetch_book(server.book_url, dest)
    before = snapshot(dest)
    server.failures["/book/op-api-get.html"] = 10

    with pytest.raises(FetchError, match=r"op-api-get\.html: HTTP 503 \(gave up after 2 attempts"):
        fetch_book(server.book_url, dest, retries=1)

    assert snapshot(dest) == before


def test_a_missing_root_page_fails(server: BookServer, dest: Path) -> None:
    with pytest.raises(FetchError, match=r"/book/nothing\.html: HTTP 404") as caught:
        fetch_book(server.book_url + "nothing.html", dest)
    assert caught.value.exit_code == 5


def test_a_folder_without_operation_pages_is_not_a_book(server: BookServer, dest: Path) -> None:
    (server.root / "index.html").write_text('<a href="outside.html">x</a>', encoding="utf-8")
    with pytest.raises(FetchError, match="no operation pages"):
        fetch_book(server.book_url.replace("/book/", "/"), dest)
    assert not dest.exists()


def test_a_connection_refused_is_retried_then_reported(dest: Path) -> None:
    closed = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = closed.server_address[1]
    closed.server_close()  # nothing listens on the port now

    with pytest.raises(FetchError, match=r"ConnectError.*gave up after 1 attempt\)"):
        fetch_book(f"http://127.0.0.1:{port}/book/", dest, retries=0)


@pytest.mark.parametrize(
    "url", ["file:///tmp/book/", "ftp://127.0.0.1/book/", "javascript:alert(1)", "book/"]
)
def test_a_url_that_is_not_http_is_refused(url: str, dest: Path) -> None:
    with pytest.raises(FetchError, match="not an http"):
        fetch_book(url, dest)
    assert not dest.parent.exists()


def test_the_command_reports_the_pages_it_fetched(server: BookServer, dest: Path) -> None:
    result = docs2sdk("fetch", server.book_url, "-o", str(dest))
    assert result.returncode == 0, result.stderr
    # Every page asked for counts, those a crawl finds by their links included.
    fetched = [line for line in result.stderr.splitlines() if line.startswith("fetch: ")]
    assert re.fullmatch(rf"fetch: {len(BOOK_FILES)} pages in \d+\.\d s", fetched[0]), fetched
    quiet = docs2sdk("fetch", server.book_url, "-o", str(dest), "--quiet")
    assert quiet.returncode == 0, quiet.stderr
    assert not [line for line in quiet.stderr.splitlines() if line.startswith("fetch: ")]


def test_a_page_in_another_charset_is_saved_as_the_scrape_reads_it(
    server: BookServer, dest: Path, tmp_path: Path
) -> None:
    page = book_page(server, "op-api-get.html")
    text = page.read_text(encoding="utf-8").replace('<meta charset="utf-8">', "")
    page.write_bytes(text.replace("</h1>", " (Café Ω)</h1>", 1).encode("utf-8"))
    latin = book_page(server, "op-api-me-get.html")
    text = latin.read_text(encoding="utf-8").replace("</h1>", " (Café)</h1>", 1)
    latin.write_bytes(text.encode("iso-8859-1"))
    server.content_types["/book/op-api-me-get.html"] = "text/html; charset=ISO-8859-1"
    server.content_types["/book/op-api-get.html"] = "text/html; charset=utf-8"

    fetch_book(server.book_url, dest)

    assert (dest / "op-api-get.html").read_bytes() == page.read_bytes()  # UTF-8: as sent
    assert (dest / "op-api-me-get.html").read_bytes() == b"\xef\xbb\xbf" + text.encode("utf-8")
    model = tmp_path / "model.yaml"
    result = docs2sdk("scrape", str(dest), "-o", str(model))
    assert result.returncode == 0, result.stderr
    titles = model.read_text(encoding="utf-8")
    assert "(Café)" in titles and "(Café Ω)" in titles


def test_a_fetch_that_changes_no_page_changes_no_file(server: BookServer, dest: Path) -> None:
    """A server that renews its validators daily gives no change to commit."""
    fetch_book(server.book_url, dest)
    before = snapshot(dest)
    server.etag_salt = "-renewed"
    report = fetch_book(server.book_url, dest)
    assert report.added == report.changed == report.removed == []
    assert snapshot(dest) == before
