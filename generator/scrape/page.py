"""Read one operation page, by its visible labels and their order.

The page's lines (see ``text.py``) are read top to bottom: title, method, path and
description; then ``Request`` with its parameter sections and bodies; then
``Response`` with one block per status. A body is a tree of schema blocks (``Root
Schema : X``, ``Nested Schema : Y``) that refer to each other by name. Examples, read
by ``examples.py``, close the page (or a section).
"""

from __future__ import annotations

import itertools
import pickle
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from lxml import etree

from ..errors import Diagnostics, ScrapeError
from ..model import (
    Content,
    Header,
    Operation,
    Parameter,
    RequestBody,
    Response,
    Schema,
    schema_digests,
)
from .examples import Examples, is_example_heading, read_examples, tie_examples
from .labels import (
    KNOWN_LABELS,
    PRIMITIVES,
    TYPE_START,
    UNKNOWN_LABEL,
    LabelSyntaxError,
    TypeText,
    convert_default,
    match_label,
    parse_type_text,
    skip_space,
    take_value,
)
from .text import COLUMN_ROLES, Line, visible_text

LONE_SURROGATE = re.compile("[\ud800-\udfff]")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PARAMETER_SECTIONS = {
    "Path Parameters": "path",
    "Query Parameters": "query",
    "Header Parameters": "header",
    "Form Parameters": "form",
}
MEDIA_TYPES = "Supported Media Types"
HEADERS = "Headers"
BACK_TO_TOP = "Back to Top"
NO_PARAMETERS = "There are no request parameters for this operation."
BODY = re.compile(r"Body\s*\((?P<media>[^()]*)\)")
STATUS = re.compile(r"(?P<status>\d{3}|\dXX|Default) Response")
SCHEMA_BLOCK = re.compile(r"(?P<where>Root|Nested) Schema\s*:\s*(?P<name>.+)")
COMPOSITIONS = {"Match All": "all_of", "Match One Schema": "one_of", "Match Any Schema": "any_of"}
INLINE_ROOT = "schema"
ARRAY_OF = "Array of"
INLINE_MEMBER = re.compile(r"(allOf|oneOf|anyOf)-\d+")
MEDIA_TYPE = re.compile(r"[\w.+-]+/[\w.+*-]+(?:\s*;.*)?")
ITEM_HEADER = re.compile(r"(?P<name>.+?)(?P<required>\(required\))?\s*:\s*(?P<type>\S.*)")
NAME_ONLY = re.compile(r"(?P<name>.+?)(?P<required>\(required\))?\s*:")
# A name with no colon after it, as a heading or a table's cell shows it, the type on
# the line after it: one word, and its required mark, if any.
BARE_NAME = re.compile(r"(?P<name>[^\s:]+)(?:\s*(?P<required>\(required\)|required))?", re.I)
ARRAY_OF_LINE = re.compile(rf"{ARRAY_OF}:?")
# Type texts that are also names of properties (``number: integer``).
TYPE_WORDS = frozenset({*PRIMITIVES, "object", "array"})
# Kinds of item list: parameters and headers, a schema block's items, and those of a
# block of composition members ("Match All" ...), where a bare type is a member.
SCHEMA_KINDS = ("schema", "members")
# Colons tried as the end of an item's name: a name holds a colon or two, and a long
# line of prose must not cost a full parse per colon.
MAX_NAME_COLONS = 20
# Real bodies nest a dozen schemas deep at most. Each level costs a few stack frames
# here and in every later stage that walks the model, so a deeper page is refused.
MAX_SCHEMA_DEPTH = 64
SCHEMA_KEYS = {key for key, _kind in KNOWN_LABELS.values()} - {"items"}
BLOCK_ONLY_LABELS = {"Discriminator"}
# Parameter constraints that, on an array parameter, describe its items.
ITEM_CONSTRAINTS = {"enum", "min_length", "max_length", "pattern", "minimum", "maximum"}


@dataclass
class Item:
    """One list item: a parameter, header, property, array item or member."""

    header: str
    name: str | None
    required: bool
    type: TypeText
    values: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    description: str | None = None
    role: str = "property"  # property | items | member


@dataclass
class Block:
    """A ``Root Schema`` or ``Nested Schema`` block before its references are resolved."""

    name: str
    root: bool
    composition: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    description: str | None = None
    items: list[Item] = field(default_factory=list)


@dataclass
class ScrapedPage:
    """What one page says: its operation and the named schemas its bodies show."""

    page: str
    operation: Operation
    schemas: Mapping[str, Schema]
    diagnostics: Diagnostics
    # A digest of each of those schemas, made where the page is read (in a worker).
    schema_digests: dict[str, str]

    def packed(self) -> ScrapedPage:
        """The page with its schemas pickled now, once for every pickling that follows
        (a worker's into the cache, then back to the build process)."""
        return replace(self, schemas=_PackedSchemas.of(self.schemas))

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled (by a worker, or into the cache) with each schema apart, so that the
        # build process unpickles only the versions it has not seen: most of a page's
        # schemas are the same as other pages'.
        packed = _PackedSchemas.of(self.schemas)
        return ScrapedPage, (self.page, self.operation, packed, self.diagnostics,
                             self.schema_digests)  # fmt: skip


class _PackedSchemas(Mapping[str, Schema]):
    """Schemas each kept pickled until it is read."""

    def __init__(self, packed: dict[str, bytes]) -> None:
        self._packed = packed
        self._read: dict[str, Schema] = {}

    @classmethod
    def of(cls, schemas: Mapping[str, Schema]) -> _PackedSchemas:
        if isinstance(schemas, _PackedSchemas):
            return schemas
        return cls({name: pickle.dumps(schema, protocol=5) for name, schema in schemas.items()})

    def __reduce__(self) -> tuple[Any, ...]:
        return _PackedSchemas, (self._packed,)

    def __getitem__(self, name: str) -> Schema:
        schema = self._read.get(name)
        if schema is None:
            schema = self._read[name] = pickle.loads(self._packed[name])
        return schema

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)


def scrape_page(html: str, page: str) -> ScrapedPage:
    """Read an operation page; raise ``ScrapeError`` naming the page and item."""
    if (surrogate := LONE_SURROGATE.search(html)) is not None:
        # Text decoded with errors="surrogateescape" can hold one; no parser takes it.
        raise ScrapeError(
            page, "page", f"not Unicode text: a lone surrogate at character {surrogate.start()}"
        )
    if re.search(r"<html", html, re.I) and not re.search(r"</html\s*>", html, re.I):
        raise ScrapeError(page, "page", "the HTML ends before </html>: the page is truncated")
    try:
        text = visible_text(html)
    except etree.LxmlError as exc:
        # lxml's own verdict on markup it cannot read even in recovery mode. None is
        # known, but the parser is not ours to vouch for. Only lxml's errors are
        # caught: an exception from the scraper's own code is a bug and propagates.
        raise ScrapeError(page, "page", f"the HTML parser gives up: {exc}") from exc
    reader = _PageReader(text.lines, page)
    for problem in text.problems:
        reader.warn("layout", problem)
    return reader.read()


def _is_structural(text: str, in_responses: bool) -> bool:
    # Inside the responses, "Response" is a plain description, as GitHub's often are.
    return (
        text in (MEDIA_TYPES, HEADERS, BACK_TO_TOP)
        or (not in_responses and text in ("Request", "Response"))
        or text in PARAMETER_SECTIONS
        or bool(BODY.fullmatch(text) or STATUS.fullmatch(text) or SCHEMA_BLOCK.fullmatch(text))
    )


def _paragraphs(texts: list[str]) -> str | None:
    kept = ["\n".join(x.strip() for x in t.strip().splitlines()) for t in texts if t.strip()]
    return "\n\n".join(kept) if kept else None


class _PageReader:
    def __init__(self, lines: list[Line], page: str) -> None:
        self.lines = lines
        self.texts = [line.text for line in lines]
        self.page = page
        self.pos = 0
        self.diagnostics = Diagnostics()
        self.schemas: dict[str, Schema] = {}
        self.in_responses = False
        self.labels: dict[str, str] = {}  # unknown labels outside schemas and items
        self.examples = Examples()  # those shown inside the page's sections
        # The examples that close the page, if any: the page's anatomy ends where they start.
        self.end = len(lines)
        self.closing, self.closing_problems = self.closing_examples()

    # ---------------------------------------------------------------- helpers
    def fail(self, item: str, problem: str) -> ScrapeError:
        return ScrapeError(self.page, item, problem)

    def warn(self, item: str, problem: str) -> None:
        self.diagnostics.warn(self.page, item, problem)

    def at_end(self) -> bool:
        return self.pos >= self.end

    def peek(self) -> str:
        return self.texts[self.pos]

    def take_until_structural(self) -> list[Line]:
        start = self.pos
        while not self.at_end() and not _is_structural(self.peek(), self.in_responses):
            self.pos += 1
        return self.lines[start : self.pos]

    # ---------------------------------------------------------------- page
    def read(self) -> ScrapedPage:
        title, method, path = self.read_heading()
        description = _paragraphs([ln.text for ln in self.take_until_structural()])
        parameters: list[Parameter] = []
        bodies: list[Content] = []
        body_description: str | None = None
        responses: list[Response] = []
        seen_response = False
        while not self.at_end():
            text = self.peek()
            if text == "Request":
                self.pos += 1
            elif text == "Response":
                seen_response = self.in_responses = True
                self.pos += 1
                responses = self.read_responses()
                break
            elif text in PARAMETER_SECTIONS:
                self.pos += 1
                parameters.extend(self.read_parameters(PARAMETER_SECTIONS[text]))
            elif text == MEDIA_TYPES:
                self.pos += 1
                self.skip_media_types()
            elif BODY.fullmatch(text):
                content, desc = self.read_body("request body")
                bodies.append(content)
                body_description = body_description or desc
            elif text in (BACK_TO_TOP, NO_PARAMETERS):
                self.pos += 1
            elif is_example_heading(text):
                self.pos += 1
                lines = [self.lines[self.pos - 1], *self.take_until_structural()]
                self.add_examples(read_examples(lines, self.warn))
            else:
                self.unknown_text("request", self.lines[self.pos])
                self.pos += 1
        if not seen_response:
            raise self.fail("Response", "the page has no Response section (is it truncated?)")
        self.check_parameters(parameters, path)
        request_body = RequestBody(description=body_description, content=bodies) if bodies else None
        form = [p for p in parameters if p.in_ == "form"]
        if form and request_body is None:
            request_body = RequestBody(content=[])
        if self.closing is not None:
            self.add_examples(self.closing)
            self.diagnostics.extend(self.closing_problems)
        request_body, responses = tie_examples(self.examples, request_body, responses, self.warn)
        operation = Operation(
            name="",
            title=title,
            method=method,  # type: ignore[arg-type]
            path=path,
            description=description,
            page=self.page,
            parameters=parameters,
            request_body=request_body,
            responses=responses,
            code_samples=self.examples.code_samples,
            labels=self.labels or None,
        )
        return ScrapedPage(
            self.page, operation, self.schemas, self.diagnostics, schema_digests(self.schemas)
        )

    def closing_examples(self) -> tuple[Examples | None, Diagnostics]:
        """Examples after the page's last response: from the first example heading
        past the ``Response`` label and every section, block and label of the page's
        anatomy (a ``Request`` or ``Response`` after it heads an example), up to the last
        ``Back to Top`` (page furniture follows it). Headings with no example under
        them are not examples (a description may end with a line "Example:")."""
        try:
            responses = self.texts.index("Response")
        except ValueError:
            responses = -1
        start = None
        for k in range(len(self.texts) - 1, responses, -1):
            text = self.texts[k]
            if is_example_heading(text):
                start = k
            elif text != BACK_TO_TOP and _is_structural(text, in_responses=True):
                break
        problems = Diagnostics()
        if start is None:
            return None, problems
        lines = self.lines[start:]
        tops = [k for k, line in enumerate(lines) if line.text == BACK_TO_TOP]
        if tops:
            lines = lines[: tops[-1]]
        found = read_examples(
            [line for line in lines if line.text != BACK_TO_TOP],
            lambda item, problem: problems.warn(self.page, item, problem),
        )
        if not (found.code_samples or found.bodies or found.headers):
            return None, Diagnostics()
        self.end = start
        return found, problems

    def add_examples(self, found: Examples) -> None:
        self.examples.code_samples.extend(found.code_samples)
        self.examples.bodies.extend(found.bodies)
        self.examples.headers.extend(found.headers)

    def unknown_text(self, section: str, line: Line) -> None:
        """Text outside the page's anatomy: an unknown ``Label: value`` is kept on the
        operation, anything else only reported."""
        parts = line.parts
        if len(parts) >= 2 and UNKNOWN_LABEL.fullmatch(parts[0]):
            label = parts[0][:-1]
            self.labels.setdefault(label, " ".join(parts[1:]))
            self.warn(section, f"unknown label {label!r} kept as text")
        else:
            self.warn(section, f"text the scraper does not know: {line.text[:80]!r}")

    def read_heading(self) -> tuple[str, str, str]:
        for i, text in enumerate(self.texts):
            method = text.lower()
            if method in METHODS and i + 1 < len(self.texts) and self.texts[i + 1][:1] == "/":
                path, self.pos = self.texts[i + 1], i + 2
            else:
                match = re.fullmatch(r"(?P<m>[A-Za-z]+)\s+(?P<p>/\S*)", text)
                if not match or match["m"].lower() not in METHODS:
                    continue
                method, path, self.pos = match["m"].lower(), match["p"], i + 1
            if i == 0:
                raise self.fail("title", "no title before the method line")
            return self.texts[i - 1], method, path
        raise self.fail(
            "method and path",
            "not an operation page: no HTTP method line followed by a path",
        )

    def check_parameters(self, parameters: list[Parameter], path: str) -> None:
        seen: set[tuple[str, str]] = set()
        for p in parameters:
            key = (p.in_, p.name)
            if key in seen:
                self.warn(f"{p.in_} parameter {p.name}", "listed twice; the first is kept")
            seen.add(key)
        for name in re.findall(r"\{([^}]+)\}", path):
            if ("path", name) not in seen:
                self.warn(f"path parameter {name}", "in the path but not documented")

    def read_responses(self) -> list[Response]:
        responses: list[Response] = []
        while not self.at_end():
            text = self.peek()
            self.pos += 1
            match = STATUS.fullmatch(text)
            if text == MEDIA_TYPES:
                self.skip_media_types()
            elif text == BACK_TO_TOP:
                # What follows the last response is page furniture.
                if self.at_end() or not STATUS.fullmatch(self.peek()):
                    break
            elif match:
                status = "default" if match["status"] == "Default" else match["status"]
                if any(r.status == status for r in responses):
                    raise self.fail(f"{status} response", "shown twice on the page")
                description = _paragraphs([ln.text for ln in self.take_until_structural()])
                headers: list[Header] = []
                content: list[Content] = []
                while not self.at_end():
                    if self.peek() == HEADERS:
                        self.pos += 1
                        headers.extend(self.read_headers(status))
                    elif BODY.fullmatch(self.peek()):
                        content.append(self.read_body(f"{status} response body")[0])
                    else:
                        break
                responses.append(
                    Response(
                        status=status, description=description, headers=headers, content=content
                    )
                )
            else:
                self.unknown_text("response", self.lines[self.pos - 1])
        return responses

    # ---------------------------------------------------------------- lists
    def skip_media_types(self) -> None:
        """``Supported Media Types`` lists what each body shows again in ``Body (...)``:
        its lines are passed over."""
        self.take_until_structural()

    def read_parameters(self, location: str) -> list[Parameter]:
        out: list[Parameter] = []
        for item in self.read_items(self.take_until_structural(), f"{location} parameter"):
            schema = self.item_schema(item, "param", f"{location} parameter {item.name}")
            out.append(
                Parameter.model_validate(
                    {
                        "name": item.name,
                        "in": location,
                        "required": item.required or location == "path",
                        "description": item.description,
                        "schema": schema,
                    }
                )
            )
        return out

    def read_headers(self, status: str) -> list[Header]:
        out: list[Header] = []
        for item in self.read_items(self.take_until_structural(), f"{status} response header"):
            schema = self.item_schema(item, "param", f"{status} response header {item.name}")
            out.append(
                Header.model_validate(
                    {"name": item.name, "description": item.description, "schema": schema}
                )
            )
        return out

    def read_items(self, lines: list[Line], what: str, kind: str = "named") -> list[Item]:
        """Split a list section into items; text before the first item is an error.

        An item starts at a line shaped like an item's header, whatever element holds
        it; the layout's own marks (list items, definition terms, table rows) are only
        checked against that, and a disagreement is reported.
        """
        items: list[Item] = []
        body: list[Line] = []
        marked = any(line.item for line in lines)
        # Whether the list shows a colon after each name: its first named item says.
        colons: bool | None = None
        i = _after_column_headings(lines)
        while i < len(lines):
            # A block's members come before its own properties, if it has any.
            now = "schema" if kind == "members" and colons is not None else kind
            header = self.header_at(lines, i, now, first=not items, colonless=colons is not True)
            if header is not None and colons is None and header[0].name is not None:
                colons = header[1] == 1 or lines[i].text.rstrip().endswith(":")
            if header is not None:
                if items:
                    self.fill_item(items[-1], body, what)
                    if marked and not lines[i].item:
                        self.warn(
                            what,
                            f"a line shaped like an item is not laid out as one: "
                            f"{lines[i].text[:80]!r}; read as an item",
                        )
                item, used = header
                items.append(item)
                body = []
                i += used
                continue
            if not items:
                raise self.fail(
                    what,
                    f"an item with no name: {lines[i].text[:80]!r} "
                    "(expected 'name(required): type')",
                )
            if lines[i].item:
                self.warn(
                    what,
                    f"laid out as an item but not shaped like one: {lines[i].text[:80]!r}; "
                    f"read as part of {items[-1].header[:80]!r}",
                )
            body.append(lines[i])
            i += 1
        if items:
            self.fill_item(items[-1], body, what)
        return items

    def header_at(
        self, lines: list[Line], i: int, kind: str, first: bool, colonless: bool = True
    ) -> tuple[Item, int] | None:
        """The item that starts at line ``i``, if the line reads as an item's header.

        A constraint line (``Minimum Length: 1``) and the value of a label that stands
        alone on the line before (``Type:`` then ``object``) are never items; nor is
        an ``Array of:`` line after the ``first`` item, as an array block has no other.
        Where ``colonless``, a name alone on its line with its type on the next is an
        item too.
        """
        text = lines[i].text
        if ":" not in text:
            if colonless and (bare := self.colonless_header(lines, i, kind, first)) is not None:
                return bare
            if kind not in SCHEMA_KINDS or TYPE_START.match(text) is None:
                return None  # most lines, description lines: no name and no bare type
        found = match_label(text)
        if found is not None and (found[0] != ARRAY_OF or not first):
            return None
        if i > 0 and _ends_with_bare_label(lines[i - 1]):
            return None
        return self.item_header(lines, i, kind)

    def colonless_header(
        self, lines: list[Line], i: int, kind: str, first: bool
    ) -> tuple[Item, int] | None:
        """An item laid out with no colon: its name alone on a line (a heading, a
        table's cell), and ``(required)`` or "required" after it, its type on the
        next line (``Array of`` too, in a schema block)."""
        if i + 1 >= len(lines):
            return None
        text = lines[i].text
        bare = BARE_NAME.fullmatch(text)
        if bare is None and not (kind in SCHEMA_KINDS and first and ARRAY_OF_LINE.fullmatch(text)):
            return None
        if i > 0 and _ends_with_bare_label(lines[i - 1]):
            return None  # a label's value, on the line after it
        type_text = lines[i + 1].text
        tt = parse_type_text(type_text)
        if tt is None:
            return None
        if bare is None:
            return Item(f"{ARRAY_OF}: {type_text}", None, False, tt, role="items"), 2
        if lines[i + 1].item or (kind in SCHEMA_KINDS and _is_member(text, tt, kind)):
            return None
        if (
            not first
            and not text[:1].islower()
            and type_text in TYPE_WORDS
            and i + 2 < len(lines)
            and parse_type_text(lines[i + 2].text) is not None
        ):
            # A description's last word ("Deprecated"; names start in lower case),
            # then an item named like a type ("number" then "integer").
            return None
        return Item(text, bare["name"], bare["required"] is not None, tt), 2

    def item_header(self, lines: list[Line], i: int, kind: str) -> tuple[Item, int] | None:
        """Parse an item's first line(s). In a schema block (``kind`` "schema", or
        "members" for a block of composition members) an item may also be an ``Array
        of: <type>`` line or a composition member's type text."""
        text = lines[i].text
        if kind in SCHEMA_KINDS:
            found = match_label(text)
            if found and found[0] == ARRAY_OF:
                type_text = text[found[1] :]
                tt = parse_type_text(type_text)
                if tt is None:
                    raise self.fail("Array of", f"unknown item type {type_text[:80]!r}")
                return Item(text, None, False, tt, role="items"), 1
            tt = parse_type_text(text)
            # A member names a schema in one word; "array of paths ..." is prose.
            if tt is not None and (tt.name is None or " " not in tt.name):
                return Item(text, None, False, tt, role="member"), 1
        # A line has no line breaks, so a match anywhere is a match at its start.
        match = ITEM_HEADER.match(text)
        if match is not None:
            tt = parse_type_text(match["type"])
            if tt is not None:
                return Item(text, match["name"].strip(), bool(match["required"]), tt), 1
        # A name may hold a colon, so the type may follow any colon a type name follows.
        candidates = (c.end() for c in re.finditer(":", text) if TYPE_START.match(text, c.end()))
        for end in itertools.islice(candidates, MAX_NAME_COLONS):
            tt = parse_type_text(text[end:])
            head = NAME_ONLY.fullmatch(text, 0, end) if tt is not None else None
            if tt is not None and head:
                return Item(text, head["name"].strip(), bool(head["required"]), tt), 1
        head = NAME_ONLY.fullmatch(text)
        if head and i + 1 < len(lines):
            tt = parse_type_text(lines[i + 1].text)
            if tt is not None:
                return Item(text, head["name"].strip(), bool(head["required"]), tt), 2
        return None

    def fill_item(self, item: Item, lines: list[Line], what: str) -> None:
        if item.name is None:
            where = f"{what} {item.header}"
        elif what.startswith("schema "):
            where = f"{what} property {item.name}"
        else:
            where = f"{what} {item.name}"
        item.description = self.read_values(lines, item.values, item.labels, where)

    def read_values(
        self, lines: list[Line], values: dict[str, Any], labels: dict[str, str], where: str
    ) -> str | None:
        """Read label lines into ``values``/``labels``; return the rest as description."""
        paragraphs: list[str] = []
        taken = -1  # a line that was all the value of a label on the line before it
        for n, line in enumerate(lines):
            if n == taken:
                continue
            parts = list(line.parts)
            if not any(match_label(p) or UNKNOWN_LABEL.fullmatch(p) for p in parts):
                paragraphs.append("".join(line.segments))
                continue
            loose: list[str] = []
            k, pos = 0, 0  # reading parts[k] from pos
            while k < len(parts):
                part = parts[k]
                found = match_label(part, pos)
                if found is None and UNKNOWN_LABEL.fullmatch(part, pos) and k + 1 < len(parts):
                    label = part[pos:-1]
                    labels[label] = parts[k + 1]
                    self.warn(where, f"unknown label {label!r} kept as text")
                    k, pos = k + 2, 0
                    continue
                if found is None:
                    loose.append(part[pos:])
                    k, pos = k + 1, 0
                    continue
                label, start = found
                source, whole = part, start == len(part)
                next_line = False
                if whole:
                    k, start = k + 1, 0
                    if k < len(parts):
                        source = parts[k]
                    elif line.ends_empty:
                        source = ""
                    elif n + 1 < len(lines) and _is_value_line(label, lines[n + 1]):
                        # The value is the next line; what it holds past the value is
                        # still read as a line of its own.
                        source = lines[n + 1].text
                        next_line = True
                    else:
                        source = ""
                try:
                    value, end = take_value(label, source, start, whole)
                except LabelSyntaxError as exc:
                    self.warn(where, str(exc))
                    labels[label] = source[start:]
                    k, pos = k + 1, 0
                    continue
                key = value.key
                if key not in SCHEMA_KEYS:
                    # "Array of" is an item of its own; anywhere else it says nothing.
                    labels[label] = value.raw
                    self.warn(where, f"{label!r} outside an item list; kept as text")
                elif key in values and values[key] != value.value:
                    self.warn(where, f"{label} given twice; the first is kept")
                else:
                    values[key] = value.value
                pos = skip_space(source, end)
                if next_line and pos == len(source):
                    taken = n + 1
                if k >= len(parts) or pos == len(source):
                    k, pos = k + 1, 0
            if loose:
                paragraphs.append(" ".join(loose))
        return _paragraphs(paragraphs)

    # ---------------------------------------------------------------- bodies
    def read_body(self, where: str) -> tuple[Content, str | None]:
        media = BODY.fullmatch(self.peek())["media"].strip()  # type: ignore[index]
        self.pos += 1
        if not media and not self.at_end() and MEDIA_TYPE.fullmatch(self.peek()):
            media = self.peek()  # the media type sat in an element of its own
            self.pos += 1
        description = _paragraphs([ln.text for ln in self.take_until_structural()])
        blocks = self.read_blocks(where)
        schema = self.resolve_tree(blocks, where) if blocks else None
        return Content.model_validate({"media_type": media, "schema": schema}), description

    def read_blocks(self, where: str) -> list[Block]:
        blocks: list[Block] = []
        while not self.at_end():
            match = SCHEMA_BLOCK.fullmatch(self.peek())
            if match is None or (match["where"] == "Root" and blocks):
                break
            self.pos += 1
            blocks.append(self.read_block(match["name"].strip(), match["where"] == "Root"))
        if blocks and not blocks[0].root:
            raise self.fail(where, f"nested schema {blocks[0].name} before any Root Schema")
        return blocks

    def read_block(self, name: str, root: bool) -> Block:
        block = Block(name, root)
        where = f"schema {name}"
        lines = self.take_until_structural()
        # The block's own lines come before its first item; block-only labels after.
        head: list[Line] = []
        i = 0
        while (
            i < len(lines)
            and not lines[i].item
            and self.header_at(lines, i, _block_kind(block), True) is None
        ):
            if lines[i].text in COMPOSITIONS:
                block.composition = COMPOSITIONS[lines[i].text]
            else:
                head.append(lines[i])
            i += 1
        tail_start = next(
            (
                j
                for j in range(i, len(lines))
                if (m := match_label(lines[j].text)) and m[0] in BLOCK_ONLY_LABELS
            ),
            len(lines),
        )
        items, tail = lines[i:tail_start], lines[tail_start:]
        block.description = self.read_values(head + tail, block.values, block.labels, where)
        if items:
            block.items = self.read_items(items, where, _block_kind(block))
        return block

    # ---------------------------------------------------------------- schemas
    def resolve_tree(self, blocks: list[Block], where: str) -> Schema:
        tree = _Tree(self, blocks)
        root = blocks[0]
        if root.name == INLINE_ROOT:
            return tree.block_schema(0)
        tree.named(root.name, where)
        return Schema(ref=root.name)

    def item_schema(
        self,
        item: Item,
        role: str,
        where: str,
        tree: _Tree | None = None,
        expected: str | None = None,
    ) -> Schema:
        """The schema of one item: its type text, constraints and description."""
        tt = item.type
        values = dict(item.values)
        data: dict[str, Any] = {}
        if tt.kind == "primitive":
            data = {"type": tt.type, "format": tt.format}
        elif tt.inner is not None:
            inner = parse_type_text(tt.inner) or TypeText("object", "object")
            items: dict[str, Any] = {"type": inner.type, "format": inner.format}
            for key in list(values):
                if key in ITEM_CONSTRAINTS:
                    items[key] = values.pop(key)
            if "default" in values and not str(values["default"]).startswith("["):
                items["default"] = convert_default(str(values.pop("default")), inner.type)
            data = {"type": "array", "items": Schema.model_validate(_clean(items))}
        elif tt.name is None:
            data = {"type": tt.kind}
        elif tree is None:
            raise self.fail(where, f"type {item.header!r} points to a schema the page never shows")
        elif tt.name == expected or (tt.kind == "array" and role == "prop"):
            nested = tree.inline(tt.name, where)
            data = nested.model_dump(exclude_none=True)
        else:
            tree.named(tt.name, where)
            data = {"ref": tt.name}
        if "default" in values:
            values["default"] = convert_default(str(values["default"]), data.get("type"))
        values.pop("type", None)
        if "additional_properties" in values:
            values["additional_properties"] = self.additional(
                values["additional_properties"], where, tree
            )
        data.update(values)
        if role != "param" and item.description:
            data["description"] = item.description
        if item.labels:
            data["labels"] = dict(item.labels)
        return Schema.model_validate(_clean(data))

    def additional(self, raw: Any, where: str, tree: _Tree | None) -> bool | Schema:
        """``Additional Properties Allowed``: a yes or no, or the values' type."""
        text = str(raw).strip()
        if text in ("true", "false"):
            return text == "true"
        tt = parse_type_text(text)
        if tt is None:
            self.warn(where, f"Additional Properties Allowed: unknown value {text[:80]!r}")
            return True
        item = Item(text, None, False, tt)
        return self.item_schema(item, "addl", where, tree, expected="additionalProperties")


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


class _Tree:
    """Resolves the blocks of one body into schemas, following names.

    Blocks appear depth first, in the order the tree first needs them; a named
    schema is shown once. So the block a type text points to is normally the next
    unused block, and only a page that breaks that order needs a search.
    """

    def __init__(self, reader: _PageReader, blocks: list[Block]) -> None:
        self.reader = reader
        self.blocks = blocks
        self.cursor = 1
        self.used: set[int] = {0}
        self.named_at: dict[str, int] = {}
        self.done: dict[int, Schema] = {}
        self.open_blocks: set[int] = set()
        # The blocks of each name, and how many of them at the front are used: a page
        # in disorder must not cost a scan of all its blocks per lookup.
        self.by_name: dict[str, list[int]] = {}
        for i, block in enumerate(blocks):
            self.by_name.setdefault(block.name, []).append(i)
        self.used_of_name: dict[str, int] = {}

    def next_block(self, name: str, where: str, shown_as: str) -> int:
        if self.cursor < len(self.blocks) and self.blocks[self.cursor].name == name:
            index = self.cursor
        else:
            found = self.by_name.get(name)
            if not found:
                raise self.reader.fail(
                    where, f"refers to {shown_as} {name!r}, which the page never shows"
                )
            k = self.used_of_name.get(name, 0)
            while k < len(found) and found[k] in self.used:
                k += 1
            self.used_of_name[name] = k
            index = found[k] if k < len(found) else found[0]
        if index == self.cursor:
            self.cursor += 1
        self.used.add(index)
        return index

    def named(self, name: str, where: str) -> None:
        if name in self.named_at:
            return
        index = 0 if self.blocks[0].name == name else self.next_block(name, where, "schema")
        self.named_at[name] = index
        schema = self.block_schema(index)
        known = self.reader.schemas.get(name)
        if known is not None and known != schema:
            self.reader.warn(
                f"schema {name}", "shown twice on the page with different content; first kept"
            )
            return
        self.reader.schemas[name] = schema

    def inline(self, name: str, where: str) -> Schema:
        index = self.next_block(name, where, "nested schema")
        if index in self.open_blocks:
            self.reader.warn(where, f"nested schema {name!r} contains itself; read as object")
            return Schema(type="object")
        return self.block_schema(index)

    def block_schema(self, index: int) -> Schema:
        if index not in self.done:
            if len(self.open_blocks) >= MAX_SCHEMA_DEPTH:
                raise self.reader.fail(
                    f"schema {self.blocks[index].name}",
                    f"schemas nested more than {MAX_SCHEMA_DEPTH} deep",
                )
            self.open_blocks.add(index)
            try:
                self.done[index] = self._block_schema(index)
            finally:
                self.open_blocks.discard(index)
        return self.done[index]

    def _block_schema(self, index: int) -> Schema:
        block = self.blocks[index]
        where = f"schema {block.name}"
        data: dict[str, Any] = dict(block.values)
        if block.description:
            data["description"] = block.description
        if block.labels:
            data["labels"] = dict(block.labels)
        type_text = parse_type_text(str(data.pop("type", "")))
        if type_text is not None:
            data["type"] = type_text.type
            if type_text.format:
                data["format"] = type_text.format
        if "default" in data:
            data["default"] = convert_default(str(data["default"]), data.get("type"))
        if "additional_properties" in data:
            data["additional_properties"] = self.reader.additional(
                data["additional_properties"], where, self
            )
        # A block lists composition members, an array's item type, properties, or a
        # mix (a composition can carry properties of its own); read in page order.
        reader = self.reader
        members: list[Schema] = []
        props: dict[str, Schema] = {}
        required: list[str] = []
        for item in block.items:
            if item.role == "member":
                members.append(
                    reader.item_schema(item, "member", where, self, _inline_member(item))
                )
            elif item.role == "items":
                if "items" in data:
                    reader.warn(where, "more than one 'Array of' line; the first is kept")
                    continue
                data["type"] = "array"
                data["items"] = reader.item_schema(
                    item, "items", where, self, f"{block.name}-items"
                )
            elif item.name is not None:
                if item.name in props:
                    reader.warn(f"{where} property {item.name}", "listed twice; first kept")
                    continue
                props[item.name] = reader.item_schema(
                    item, "prop", f"{where} property {item.name}", self, item.name
                )
                if item.required:
                    required.append(item.name)
        if members:
            if block.composition is None:
                reader.warn(where, "member schemas with no 'Match ...' line; read as Match All")
            data[block.composition or "all_of"] = members
        if props:
            data["properties"] = props
            if required:
                data["required"] = required
        return Schema.model_validate(_clean(data))


def _block_kind(block: Block) -> str:
    return "members" if block.composition else "schema"


def _after_column_headings(lines: list[Line]) -> int:
    """Where a list's items start: after a row of column headings (``Name``, ``Type``,
    ``Description``) shown as lines of their own, as a grid of blocks shows them."""
    k = 0
    while k < len(lines) and lines[k].text.lower().rstrip(":") in COLUMN_ROLES:
        k += 1
    return k if k >= 2 else 0


def _is_value_line(label: str, line: Line) -> bool:
    """Whether the line after a label that stands alone is that label's value.

    Any line but another label is, and a type only when it reads as one. A value
    shown empty (an empty table cell) never reaches here.
    """
    if line.parts[0].endswith(":"):
        return False
    return label != "Type" or parse_type_text(line.text) is not None


def _ends_with_bare_label(line: Line) -> bool:
    """Whether a line ends with a known label whose value is on the next line."""
    last = line.parts[-1] if line.parts else ""
    found = match_label(last)
    return found is not None and found[1] == len(last)


def _is_member(text: str, type_after: TypeText, kind: str) -> bool:
    """Whether the type after a line is a member's, not the line's: a member shown
    inline (``DAG`` then ``object allOf-1``: the last word of a member's description,
    then a member), or, where members are listed, a member after a member (``string``
    then ``integer``)."""
    name = type_after.name
    if name is not None and INLINE_MEMBER.fullmatch(name):
        return True
    return kind == "members" and parse_type_text(text) is not None


def _inline_member(item: Item) -> str | None:
    """Inline members are shown as ``object allOf-1``; any other name is a schema."""
    name = item.type.name
    return name if name and INLINE_MEMBER.fullmatch(name) else None
