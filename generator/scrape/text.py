"""Turn an HTML page into the lines a reader sees.

The scraper never looks at CSS classes or tag names beyond the generic HTML meaning
of an element: a block element starts a new line, an inline element does not, and a
list item (``li``, ``dt``, ``tr``) starts a new item. Each line keeps its text nodes
as separate segments, because some markups set a label and its value side by side
with no white space between them (``Minimum Length:1Maximum Length:64``).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from lxml import etree

BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "caption",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "option",
        "p",
        "pre",
        "section",
        "select",
        "summary",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "tr",
        "ul",
    ]
)
ITEM_TAGS = frozenset({"li", "dt"})
# Not shown to a reader, or page furniture around the article.
SKIPPED_TAGS = frozenset(
    {"head", "script", "style", "noscript", "template", "header", "footer", "nav"}
)
# A toggle whose hidden content is unknown; it can land between a label and its value.
TOGGLE_TEXT = "Show Source"


@dataclass(frozen=True)
class Line:
    """One visible line: its text nodes in order, whether it opens a list item, and
    the targets of the links in it."""

    segments: tuple[str, ...]
    item: bool
    links: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return " ".join("".join(self.segments).split())

    @property
    def parts(self) -> tuple[str, ...]:
        """The non-blank segments, stripped."""
        return tuple(s.strip() for s in self.segments if s.strip())


def page_soup(html: str) -> BeautifulSoup:
    """A page as a tree, for looking up its title and links."""
    # BeautifulSoup warns when markup looks like XML or like a file name. A page is
    # read as HTML whatever it looks like, and the scraper reports its own problems.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(html, "lxml")


def visible_lines(html: str) -> list[Line]:
    """The visible lines of an HTML page, in document order.

    The parser's events are read as they come, with no tree: building a BeautifulSoup
    tree takes time that grows with the nesting depth times the number of text nodes,
    and a hostile page nests thousands deep.
    """
    builder = _LineBuilder()
    # The parser and settings of BeautifulSoup's "lxml", so that page_soup sees the
    # same elements. The stubs type a target's arguments str | bytes; fed str, it hands str.
    parser = etree.HTMLParser(target=cast("etree.ParserTarget", builder), recover=True)
    # Some lxml versions misread a str that starts with a byte order mark.
    parser.feed(html[1:] if html.startswith("\ufeff") else html)
    parser.close()
    return builder.lines


class _LineBuilder:
    """An lxml parser target that turns the parser's events into lines."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.segments: list[str] = []
        self.links: list[str] = []
        self.item = False
        self.pending_item = False
        self.pieces: list[str] = []  # the text node being read, handed over in pieces
        self.hidden = 0  # how deep inside an element that is not shown

    def start(self, tag: str, attrib: Mapping[str, str]) -> None:
        self.end_text()
        name = tag.lower()
        if self.hidden or name in SKIPPED_TAGS:
            self.hidden += 1
            return
        if name == "a" and (href := attrib.get("href")) is not None:
            self.links.append(href)
        if name in BLOCK_TAGS:
            self.flush()
            if name in ITEM_TAGS:
                self.pending_item = True

    def end(self, tag: str) -> None:
        self.end_text()
        if self.hidden:
            self.hidden -= 1
        elif tag.lower() in BLOCK_TAGS:
            self.flush()

    def data(self, text: str) -> None:
        self.pieces.append(text)

    def comment(self, text: str) -> None:
        self.end_text()

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        self.end_text()

    def pi(self, target: str, data: str) -> None:
        self.end_text()

    def close(self) -> None:
        self.end_text()
        self.flush()

    def end_text(self) -> None:
        """A tag or a comment ends a text node."""
        if not self.pieces:
            return
        text = "".join(self.pieces)
        self.pieces = []
        if self.hidden or not text.strip():
            return
        if not self.segments and self.pending_item:
            self.item, self.pending_item = True, False
        self.segments.append(text)

    def flush(self) -> None:
        """A block element starts or ends: the line so far is done."""
        if self.segments:
            # Every segment has text; a line of toggles alone is no line.
            kept = [s for s in self.segments if s.strip() != TOGGLE_TEXT]
            if kept:
                self.lines.append(Line(tuple(kept), self.item, tuple(self.links)))
                self.item = False
            self.segments = []
        self.links = []
