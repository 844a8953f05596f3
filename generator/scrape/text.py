"""Turn an HTML page into the lines a reader sees.

The scraper never looks at CSS classes or tag names beyond the generic HTML meaning
of an element: a block element starts a new line, an inline element does not, a list
item (``li``, ``dt``) starts a new item, and a table row is read by its column
headings (``Name``, ``Type``, ``Description``) into an item's lines. Text a browser
would not show (``hidden``, inline ``display: none``, ``aria-hidden``, a closed
``details``, the insides of an image such as an inline ``svg``) is not read.
Preformatted text (``pre``, or an inline ``white-space: pre``) keeps all its white
space, for the documents and commands a page shows as they are. Each line keeps its
text nodes as separate segments, because some markups set a label and its value side
by side with no white space between them (``Minimum Length:1Maximum Length:64``).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from lxml import etree

from .labels import parse_type_text

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
        "listing",
        "main",
        "nav",
        "ol",
        "option",
        "p",
        "plaintext",
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
        "xmp",
    ]
)
ITEM_TAGS = frozenset({"li", "dt"})
CELL_TAGS = frozenset({"td", "th"})
TABLE_TAGS = frozenset({"table", "tr"}) | CELL_TAGS
LINE_TAGS = BLOCK_TAGS | CELL_TAGS
# Not shown to a reader, or page furniture around the article. An inline ``svg`` and
# the like are pictures: their text (an icon's ``<title>Copy link</title>``) is not
# part of the text a reader reads.
SKIPPED_TAGS = frozenset(
    {"head", "script", "style", "noscript", "template", "header", "footer", "nav"}
    | {"svg", "canvas", "iframe", "video", "audio", "object"}
)
# Inline styles that hide an element and all it holds.
HIDING_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\b", re.I)
# Elements, and inline styles, that show their text with its white space as it is.
PRE_TAGS = frozenset({"pre", "listing", "xmp", "plaintext"})
PRE_STYLE = re.compile(r"(?:^|;)\s*white-space\s*:\s*(?:pre|break-spaces)", re.I)
# A toggle whose hidden content is unknown; it can land between a label and its value.
TOGGLE_TEXT = "Show Source"
# Column headings of a table of items, by what their cells hold.
COLUMN_ROLES = {
    "name": "name",
    "parameter": "name",
    "property": "name",
    "field": "name",
    "header": "name",
    "type": "type",
    "data type": "type",
    "description": "description",
    "details": "description",
    "required": "required",
}
REQUIRED_MARK = "(required)"
YES = frozenset({"yes", "true", "required", "y", "\u2713", "\u2714"})


@dataclass(slots=True)
class Line:
    """One visible line: its text nodes in order (each with text, but for an empty
    table cell; in preformatted text, white space is text too), whether it opens a
    list item, the targets of the links in it, and whether it is preformatted.
    Not to be changed once made."""

    segments: tuple[str, ...]
    item: bool
    links: tuple[str, ...] = ()
    pre: bool = False
    # The text as a reader sees it: read many times, and never for the many cell lines
    # that join into one row, so made on first use. (Not frozen: a frozen dataclass is
    # slow to make, and a page has tens of thousands of lines.)
    _text: str | None = field(default=None, compare=False, repr=False)
    _parts: tuple[str, ...] | None = field(default=None, compare=False, repr=False)

    @property
    def text(self) -> str:
        """The text as a reader sees it, white space collapsed."""
        if self._text is None:
            self._text = " ".join("".join(self.segments).split())
        return self._text

    @property
    def raw(self) -> str:
        """The text as the page holds it, white space and line breaks kept."""
        return "".join(self.segments)

    @property
    def ends_empty(self) -> bool:
        """Whether the line ends in a table cell shown empty (``Default Value:`` | )."""
        return self.segments[-1] == ""

    @property
    def parts(self) -> tuple[str, ...]:
        """The non-blank segments, stripped."""
        if self._parts is None:
            self._parts = tuple(s.strip() for s in self.segments if s.strip())
        return self._parts


@dataclass
class PageText:
    """A page's visible lines, and what about its layout could not be read with
    certainty (one sentence each, for the scraper to report against the page)."""

    lines: list[Line]
    problems: list[str] = field(default_factory=list)


def page_soup(html: str) -> BeautifulSoup:
    """A page as a tree, for looking up its title and links."""
    # BeautifulSoup warns when markup looks like XML or like a file name. A page is
    # read as HTML whatever it looks like, and the scraper reports its own problems.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(html, "lxml")


def visible_lines(html: str) -> list[Line]:
    """The visible lines of an HTML page, in document order."""
    return visible_text(html).lines


def visible_text(html: str) -> PageText:
    """The visible lines of an HTML page and the layout problems met reading them.

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
    return PageText(builder.out[0], builder.problems)


def _hidden_by(attrib: Mapping[str, str]) -> bool:
    """Whether an element's attributes hide it, with all it holds."""
    if "hidden" in attrib:
        return True
    aria = attrib.get("aria-hidden")
    if aria is not None and aria.strip().lower() == "true":
        return True
    style = attrib.get("style")
    return style is not None and HIDING_STYLE.search(style) is not None


@dataclass
class _Table:
    """A table being read: its column roles once a heading row gave them, and the
    cells of the row being read, each a list of lines."""

    base: int  # how many outputs were open when the table started
    columns: list[str] | None = None
    row: list[list[Line]] = field(default_factory=list)
    first_row: bool = True  # only a table's first row can be its heading row


class _LineBuilder:
    """An lxml parser target that turns the parser's events into lines.

    Lines go to the innermost open output: the page, or the table cell being read.
    A table row, once ended, becomes lines of the output around its table.
    """

    def __init__(self) -> None:
        self.out: list[list[Line]] = [[]]
        self.problems: list[str] = []
        self.segments: list[str] = []
        self.links: list[str] = []
        self.item = False
        self.pending_item = False
        self.pieces: list[str] = []  # the text node being read, handed over in pieces
        self.hidden = 0  # how deep inside an element that is not shown
        # Open elements that matter to what is shown: a closed ``details`` shows
        # only its ``summary``. The depth of each closed one, innermost last.
        self.depth = 0
        self.closed_details: list[int] = []
        self.tables: list[_Table] = []
        self.pre: list[int] = []  # the depth of each open preformatted element

    def start(self, tag: str, attrib: Mapping[str, str]) -> None:
        if self.pieces:
            self.end_text()
        name = tag.lower()
        self.depth += 1
        if (
            self.hidden
            or name in SKIPPED_TAGS
            or (attrib and _hidden_by(attrib))
            or (  # right inside a closed details, only the summary shows
                self.closed_details
                and self.closed_details[-1] == self.depth - 1
                and name != "summary"
            )
        ):
            self.hidden += 1
            return
        if name in LINE_TAGS:
            if self.segments or self.links:
                self.flush()
            if name in ITEM_TAGS:
                self.pending_item = True
            elif name in TABLE_TAGS:
                self.start_table_part(name)
            elif name == "details" and "open" not in attrib:
                self.closed_details.append(self.depth)
        elif name == "a" and (href := attrib.get("href")) is not None:
            self.links.append(href)
        if name in PRE_TAGS or ((style := attrib.get("style")) and PRE_STYLE.search(style)):
            self.pre.append(self.depth)

    def end(self, tag: str) -> None:
        if self.pieces:
            self.end_text()
        depth = self.depth
        self.depth -= 1
        if self.closed_details and self.closed_details[-1] == depth:
            self.closed_details.pop()
        if self.hidden:
            self.hidden -= 1
            return
        name = tag.lower()
        if name in LINE_TAGS:
            if self.segments or self.links:
                self.flush()
            if name in TABLE_TAGS and self.tables:
                self.end_table_part(name)
        if self.pre and self.pre[-1] == depth:
            self.pre.pop()

    def start_table_part(self, name: str) -> None:
        if name == "table":
            self.tables.append(_Table(len(self.out)))
        elif not self.tables:
            return  # a row or cell outside any table: a plain block
        elif name == "tr":
            if self.tables[-1].row or len(self.out) > self.tables[-1].base:
                self.end_row()  # the row before it was never closed
        else:
            self.end_cells()
            self.out.append([])  # the cell's lines

    def end_table_part(self, name: str) -> None:
        if name == "table":
            self.end_row()
            self.tables.pop()
        elif name == "tr":
            self.end_row()
        else:
            self.end_cells()

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
        while self.tables:
            self.end_row()
            self.tables.pop()
        while len(self.out) > 1:  # cells the page never closed
            cell = self.out.pop()
            self.out[-1].extend(cell)

    def end_text(self) -> None:
        """A tag or a comment ends a text node."""
        if not self.pieces:
            return
        text = "".join(self.pieces)
        self.pieces = []
        if self.hidden or not (text.strip() or (self.pre and self.segments)):
            return
        if self.closed_details and self.closed_details[-1] == self.depth:
            return  # loose text in a closed details, outside its summary
        if not self.segments and self.pending_item:
            self.item, self.pending_item = True, False
        self.segments.append(text)

    def flush(self) -> None:
        """A block element starts or ends: the line so far is done."""
        if self.segments:
            # A line of toggles alone, or of white space alone, is no line.
            kept = [s for s in self.segments if s.strip() != TOGGLE_TEXT]
            if any(s.strip() for s in kept):
                line = Line(tuple(kept), self.item, tuple(self.links), bool(self.pre))
                self.out[-1].append(line)
                self.item = False
            self.segments = []
        self.links = []

    def end_row(self) -> None:
        """The row being read is done: its cells become lines of the output."""
        self.end_cells()
        table = self.tables[-1]
        cells, table.row = table.row, []
        if not any(cells):
            return
        if table.first_row:
            table.first_row = False
            if (columns := self.heading_row(cells)) is not None:
                table.columns = columns
                return
        self.out[-1].extend(self.row_lines(table, cells))

    def end_cells(self) -> None:
        """The cells open in the innermost table are done (a page may leave one open)."""
        table = self.tables[-1]
        table.row.extend(self.out[table.base :])
        del self.out[table.base :]

    def heading_row(self, cells: list[list[Line]]) -> list[str] | None:
        """The column roles, when a row is a heading row of a table of items."""
        names = [_cell_text(cell).lower().rstrip(":") for cell in cells]
        roles = [COLUMN_ROLES.get(name, "") for name in names]
        if "name" not in roles or len(set(roles) - {""}) < 2:
            return None
        unplaced = [cell for cell, role in zip(names, roles, strict=True) if not role]
        if unplaced:
            self.problems.append(
                f"a table has columns it cannot place ({', '.join(map(repr, unplaced))}); "
                "their cells are read as each item's description"
            )
        return [role or "description" for role in roles]

    def row_lines(self, table: _Table, cells: list[list[Line]]) -> list[Line]:
        """A table row as a reader takes it: an item's header line, then its lines."""
        columns = table.columns
        if columns is None:
            columns = _guess_columns(cells)
        if columns is None:
            return _plain_row(cells)
        if len(cells) > len(columns):
            self.problems.append(
                f"a table row has {len(cells)} cells for {len(columns)} columns; "
                "the extra cells are read as the item's description"
            )
        name = type_ = ""
        required = False
        rest: list[Line] = []
        links: list[str] = []
        for k, cell in enumerate(cells):
            role = columns[k] if k < len(columns) else "description"
            if role == "description":
                rest.extend(cell)
                continue
            links.extend(a for line in cell for a in line.links)
            text = _cell_text(cell)
            if role == "name":
                name = text
            elif role == "type":
                type_ = text
            elif role == "required":
                required = text.lower() in YES
        if "type" not in columns and rest and parse_type_text(rest[0].text) is not None:
            type_, rest = rest[0].text, rest[1:]  # no Type column: the type leads the text
        return [Line((_item_header(name, type_, required),), True, tuple(links)), *rest]


def _plain_row(cells: list[list[Line]]) -> list[Line]:
    """A row that holds no item: a row of single lines (``Minimum Length:`` | ``1``)
    reads as one line, where an empty cell stays as an empty segment (a value shown
    empty); any other row is its cells' lines in order."""
    if any(len(cell) > 1 for cell in cells):
        return [line for cell in cells for line in cell]
    segments = tuple(s for cell in cells for s in (cell[0].segments if cell else ("",)))
    links = tuple(a for cell in cells for line in cell for a in line.links)
    return [Line(segments, any(line.item for cell in cells for line in cell), links)]


def _cell_text(cell: list[Line]) -> str:
    return " ".join(line.text for line in cell)


def _guess_columns(cells: list[list[Line]]) -> list[str] | None:
    """Columns of a table with no heading row: name, type, then description, when
    the second cell reads as a type. Two cells whose first is a label are a label and
    its value (``Type:`` | ``object``), read as one line."""
    if len(cells) < 2 or len(cells[1]) != 1:
        return None
    if len(cells) == 2 and cells[0] and cells[0][-1].segments[-1].rstrip().endswith(":"):
        return None
    if parse_type_text(cells[1][0].text) is None:
        return None
    return ["name", "type"] + ["description"] * (len(cells) - 2)


def _item_header(name: str, type_: str, required: bool) -> str:
    """The line ``name(required): type`` that a list markup shows for a row."""
    if name.endswith(REQUIRED_MARK):
        name, required = name[: -len(REQUIRED_MARK)].rstrip(), True
    if not name:
        return type_  # a composition member: its type alone
    if name.endswith(":"):
        return f"{name} {type_}".rstrip()  # ``Array of:``
    return f"{name}{REQUIRED_MARK if required else ''}: {type_}".rstrip()
