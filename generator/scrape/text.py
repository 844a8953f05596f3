"""Turn an HTML page into the lines a reader sees.

The scraper never looks at CSS classes or tag names beyond the generic HTML meaning
of an element: a block element starts a new line, an inline element does not, and a
list item (``li``, ``dt``, ``tr``) starts a new item. Each line keeps its text nodes
as separate segments, because some markups set a label and its value side by side
with no white space between them (``Minimum Length:1Maximum Length:64``).
"""

from __future__ import annotations

from dataclasses import dataclass

from bs4 import BeautifulSoup
from bs4.element import Comment, NavigableString, PageElement, Tag

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
    return BeautifulSoup(html, "lxml")


def visible_lines(root: Tag) -> list[Line]:
    """The visible lines under ``root``, in document order."""
    lines: list[Line] = []
    segments: list[str] = []
    links: list[str] = []
    item = False
    pending_item = False

    def flush() -> None:
        nonlocal segments, links, item
        kept = [s for s in segments if s.strip() != TOGGLE_TEXT]
        if any(s.strip() for s in kept):
            lines.append(Line(tuple(kept), item, tuple(links)))
            item = False
        segments, links = [], []

    # Iterative walk: pages may nest elements arbitrarily deep.
    stack: list[tuple[PageElement, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        if isinstance(node, NavigableString):
            if isinstance(node, Comment) or type(node).__name__ in {"Doctype", "Declaration"}:
                continue
            text = str(node)
            if text.strip():
                if not segments and pending_item:
                    item, pending_item = True, False
                segments.append(text)
            continue
        if not isinstance(node, Tag):
            continue
        name = node.name.lower() if node.name else ""
        if name in SKIPPED_TAGS and node is not root:
            continue
        block = name in BLOCK_TAGS
        if closing:
            if block:
                flush()
            continue
        if name == "a" and isinstance(href := node.get("href"), str):
            links.append(href)
        if block:
            flush()
            if name in ITEM_TAGS:
                pending_item = True
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node.contents))
    flush()
    return lines
