"""Re-mark-up a ``book-ul`` or ``book-dl`` page while keeping what a reader sees.

Every parameter, header and property list is set again in a markup chosen at random:
kept as a list, a ``dl``, a table (columns in any order, with or without a heading
row), ``div`` blocks with ``br`` line breaks (one block per item, or one for the whole
list), ``p`` paragraphs, or in two layouts with no colon between a name and its type:
rows of blocks (``grid``: a block each for the name, the type and the description, the
way a CSS grid draws a table, with or without a block around each row) and a heading
per item (``heading``: the name, and "required" where it is, as a heading, the type on
the line after it). Classes and ids go, headings become plain blocks, label /
value pairs change their wrappers (or move into a two-cell table), text nodes gain
inline wrappers, white space between blocks varies, and hidden decoys are added: text
a browser does not show, shaped like items, schema headings and labels. In an
``Examples`` section, headings are worded otherwise (``Example Request``, ``Sample
Response (201)``, ...) and each command or document is set as a ``pre`` block, as
highlighted spans, as a block of lines with ``&nbsp;`` indents, or in an element styled
``white-space: pre``. A scraper that reads what a person reads gives the same model
for every rendering.

It knows its source markups (the classes of the ``book-ul`` and ``book-dl``
renderings) and nothing of the scraper.
"""

from __future__ import annotations

import html
import random
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

from lxml import etree
from lxml import html as lhtml

LIST_STYLES = (
    *("ul", "ol", "dl", "table", "table-noheading", "div-item", "div-flat", "p"),
    *("grid", "heading"),
)
# How a name shows it is required where no colon follows it.
REQUIRED_MARKS = (" <span>(required)</span>", " <span>required</span>", "<small> Required</small>")
ITEM_LISTS = ("params", "properties", "headers", "props")
# ``book-dl``'s item header: ``name(required): type``, ``Array of: type`` or a type.
DT_HEADER = re.compile(r"(?P<name>.*?)\s*(?P<req>\(required\))?:\s*(?P<type>.*)", re.S)
HIDDEN_DECOYS = (
    "<span hidden>ghost(required): string</span>",
    '<div style="display: none">Nested Schema : Ghost</div>',
    '<div style="color:red; visibility:hidden">Minimum Length: 99</div>',
    '<span aria-hidden="true">ghost: integer</span>',
    "<template><div>ghost: boolean</div></template>",
    "<details><summary></summary><pre>ghost: object Ghost</pre></details>",
)
SOURCES = (
    '<div><a href="#">Show Source</a></div>',
    '<p><a href="#">Show Source</a></p><pre hidden>{{ "title": "{0}" }}</pre>',
    "<details><summary>Show Source</summary>"
    '<pre>{{ "title": "{0}", "type": "object" }}</pre></details>',
    '<div><button>Show Source</button><div style="display:none"><pre>{{ }}</pre></div></div>',
)
TOGGLE = "Show Source"
INLINE_WRAPPERS = ("span", "em", "strong", "code", "b", "i", "small")
# Other words for the headings of an Examples section; {status} is the response's.
EXAMPLE_HEADINGS = {
    "Examples": ("Examples", "Example", "Samples", "Examples (cURL)"),
    "Example of Request Body": (
        "Example of Request Body",
        "Example Request Body",
        "Request Body Example",
        "Example Request",
        "Sample Request",
        "Request Example (JSON)",
        "Example of the Request Body:",
    ),
    "Example of Response Body": (
        "Example of Response Body",
        "Example Response",
        "Response Body Example",
        "Sample Response ({status})",
        "Example of Response Body ({status})",
        "{status} Response Example",
    ),
}
# A JSON string, a run of white space, or anything else up to either.
CODE_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\s+|[^\s"]+|"')
PRE_STYLE = "white-space: pre"


def styles_named(name: str) -> tuple[str, ...]:
    """The styles a rendering's name stands for: one style, or ``mixed``, all of them."""
    return LIST_STYLES if name == "mixed" else (name,)


def remark_book(source: Path, target: Path, styles: Iterable[str], seed: int) -> Path:
    """A copy of the book in ``source`` at ``target``, each operation page re-marked
    with styles from ``styles`` (the book's ``docs2sdk.yaml`` left out)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("docs2sdk.yaml"))
    styles = tuple(styles)
    rnd = random.Random(seed)
    for page in sorted(target.glob("op-*.html")):
        page.write_text(remarkup(page.read_text(encoding="utf-8"), rnd, styles), "utf-8")
    return target


def remarkup(page: str, rnd: random.Random, styles: Iterable[str] = LIST_STYLES) -> str:
    """The page in a markup chosen with ``rnd`` from ``styles``."""
    styles = tuple(styles)
    doc = lhtml.document_fromstring(page)
    media_style = [s for s in ("ul", "div-flat", "p") if s in styles] or ["p"]
    for element in doc.xpath("//ul | //dl"):
        kind = element.get("class", "")
        if kind in ITEM_LISTS:
            items = (
                [_Item.from_li(li) for li in element.findall("li")]
                if element.tag == "ul"
                else [_Item.from_dt(dt, rnd) for dt in element.findall("dt")]
            )
            _replace(element, _item_list(items, rnd.choice(styles), rnd))
        elif kind == "media-types":
            texts = [_inner(li) for li in element.findall("li")]
            _replace(element, _lines(texts, rnd.choice(media_style)))
    for select in doc.xpath("//div[@class='media']"):
        texts = [html.escape(o.text_content()) for o in select.iter("option")]
        _replace(select, _lines(texts, rnd.choice(media_style)))
    for meta in doc.xpath(
        "//div[@class='schema-meta'] | //div[@class='constraint'] | //table[@class='kv']"
    ):
        _replace(meta, "".join(_label_lines(meta, rnd)))
    _remark_examples(doc, rnd)
    for toggle in doc.xpath("//div[@class='show-source'] | //div[@class='srcbar']"):
        block = toggle.getparent()
        title = next(iter(block.xpath("h4 | div[starts-with(@class, 'hdr')]")), None)
        name = title.text_content().split(":")[-1].strip() if title is not None else ""
        _replace(toggle, rnd.choice(SOURCES).format(html.escape(name)))
    for heading in doc.xpath("//h1 | //h2 | //h3 | //h4 | //div[starts-with(@class, 'hdr')]"):
        heading.tag = rnd.choice(("div", "p", heading.tag, "section"))
    for element in doc.iter():
        if isinstance(element.tag, str):
            element.attrib.pop("class", None)
            element.attrib.pop("id", None)
    _vary_text(doc, rnd)
    body = doc.find("body")
    if body is not None:
        for _ in range(rnd.randint(0, 3)):
            decoy = lhtml.fragment_fromstring(rnd.choice(HIDDEN_DECOYS))
            anchors = [e for e in body.iter() if isinstance(e.tag, str) and e.tag == "div"]
            if anchors:
                rnd.choice(anchors).addnext(decoy)
    return "<!DOCTYPE html>\n" + etree.tostring(doc, encoding="unicode", method="html")


def _item_list(items: list[_Item], style: str, rnd: random.Random) -> str:
    if style in ("ul", "ol"):
        body = "".join(
            f"<li>{it.header}{''.join(f'<div>{b}</div>' for b in it.blocks)}</li>" for it in items
        )
        return f"<{style}>{body}</{style}>"
    if style == "dl":
        body = "".join(
            f"<dt>{it.header}</dt><dd>{''.join(f'<p>{b}</p>' for b in it.blocks)}</dd>"
            for it in items
        )
        return f"<dl>{body}</dl>"
    if style.startswith("table"):
        return _table(items, heading=style == "table", rnd=rnd)
    if style == "grid":
        return _grid(items, rnd)
    if style == "heading":
        return _headings(items, rnd)
    if style == "div-item":
        return "".join(f"<div>{'<br>'.join([it.header, *it.blocks])}</div>" for it in items)
    lines = [line for it in items for line in (it.header, *it.blocks)]
    return _lines(lines, style)


def _lines(lines: list[str], style: str) -> str:
    if style == "ul":
        return "<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>"
    if style == "p":
        return "".join(f"<p>{line}</p>" for line in lines)
    return "<div>" + "<br>\n".join(lines) + "</div>"


def _bare_name(item: _Item, rnd: random.Random) -> str:
    """An item's name with no colon after it, and its required mark, if any."""
    name = item.name.rstrip(":").rstrip()  # "Array of:" too
    return name + (rnd.choice(REQUIRED_MARKS) if item.required else "")


def _grid(items: list[_Item], rnd: random.Random) -> str:
    """Rows of blocks: name, type and description each a block, in a block per row or
    all in the grid's own block; a member's name block is empty."""
    rows = rnd.random() < 0.5
    out = []
    for it in items:
        description = "".join(f"<div>{b}</div>" for b in it.blocks)
        cells = [_bare_name(it, rnd), it.type, description]
        row = "".join(f"<div>{cell}</div>" for cell in cells)
        out.append(f"<div>{row}</div>" if rows else row)
    return (
        '<div style="display: grid; grid-template-columns: 1fr 1fr 4fr">' + "".join(out) + "</div>"
    )


def _headings(items: list[_Item], rnd: random.Random) -> str:
    """A heading per item (none for a member), its type on the line after it, then its
    description."""
    tag = rnd.choice(("h5", "h6", "div", "p"))
    out = []
    for it in items:
        name = _bare_name(it, rnd)
        heading = f"<{tag}><code>{name}</code></{tag}>" if name else ""
        type_line = rnd.choice(("<div>{}</div>", "<p><code>{}</code></p>", "<div><i>{}</i></div>"))
        out.append(heading + type_line.format(it.type) + "".join(f"<p>{b}</p>" for b in it.blocks))
    return "<div>" + "".join(out) + "</div>"


def _table(items: list[_Item], heading: bool, rnd: random.Random) -> str:
    columns = ["Name", "Type", "Description"]
    if heading:
        rnd.shuffle(columns)
    rows = []
    if heading:
        rows.append("<tr>" + "".join(f"<th>{c}</th>" for c in columns) + "</tr>")
    for it in items:
        name = it.name + (f" <span>{it.required}</span>" if it.required else "")
        cells = {
            "Name": f"<code>{name}</code>" if name else "",
            "Type": it.type,
            "Description": "".join(f"<div>{b}</div>" for b in it.blocks),
        }
        rows.append("<tr>" + "".join(f"<td>{cells[c]}</td>" for c in columns) + "</tr>")
    if heading and rnd.random() < 0.5:
        return f"<table><thead>{rows[0]}</thead><tbody>{''.join(rows[1:])}</tbody></table>"
    return f"<table>{''.join(rows)}</table>"


class _Item:
    """A list item: its name, required mark and type as text, and its header line and
    block lines as HTML."""

    def __init__(self, name: str, required: str, type_: str, header: str, blocks: list[str]):
        self.name, self.required, self.type = name, required, type_
        self.header, self.blocks = header, blocks

    @classmethod
    def from_li(cls, li: lhtml.HtmlElement) -> _Item:
        """``book-ul``: spans for the name, mark and type, then ``div`` blocks."""
        inline: list[str] = [html.escape(li.text or "")]
        blocks: list[str] = []
        for child in li:
            if child.tag == "div":
                blocks.append(_inner(child))
            else:
                inline.append(etree.tostring(child, encoding="unicode", method="html"))
        name = _text_of(li, "name") or _text_of(li, "label")
        return cls(name, _text_of(li, "req"), _text_of(li, "type"), "".join(inline), blocks)

    @classmethod
    def from_dt(cls, dt: lhtml.HtmlElement, rnd: random.Random) -> _Item:
        """``book-dl``: the header as one text in ``dt``; its ``dd`` holds the blocks."""
        text = dt.text_content()
        head = DT_HEADER.fullmatch(text)
        name, required, type_ = (
            (head["name"], head["req"] or "", head["type"]) if head else ("", "", text)
        )
        if name == "Array of":
            name += ":"
        dd = dt.getnext()
        blocks: list[str] = []
        if dd is not None and dd.tag == "dd":
            for child in dd:
                if child.tag == "table" and child.get("class") == "kv":
                    blocks.extend(_label_lines(child, rnd, kinds=(0, 2)))
                else:
                    blocks.append(_inner(child))
        esc = html.escape
        return cls(esc(name), esc(required), esc(type_), _inner(dt), blocks)


def _text_of(li: lhtml.HtmlElement, cls: str) -> str:
    found = li.find(f"span[@class='{cls}']")
    return html.escape(found.text_content()) if found is not None else ""


def _inner(element: lhtml.HtmlElement) -> str:
    """An element's content as HTML, its tail left out."""
    text = html.escape(element.text or "")
    children = "".join(etree.tostring(c, encoding="unicode", method="html") for c in element)
    return text + children


def _label_lines(
    meta: lhtml.HtmlElement, rnd: random.Random, kinds: tuple[int, ...] = (0, 1, 2, 3, 4)
) -> list[str]:
    """Each ``Label: value`` pair of a ``book-ul`` label line or a ``book-dl`` table,
    in another wrapper."""
    if meta.tag == "table":
        keys, values = meta.xpath(".//td[@class='k']"), meta.xpath(".//td[@class='v']")
        # A value cell can hold the "Show Source" toggle; it goes with the wrapper.
        pairs = [
            (html.escape(k.text_content()), html.escape(v.text_content().replace(TOGGLE, "")))
            for k, v in zip(keys, values, strict=True)
        ]
    else:
        pairs = [(_text_of(meta, "label"), _text_of(meta, "value"))]
    if not all(label for label, _ in pairs):
        return [f"<div>{_inner(meta)}</div>"]
    out = []
    for label, value in pairs:
        # An empty value looks empty only in a table, with its empty cell.
        choice = rnd.choice(kinds) if value.strip() else 1
        if choice == 0:
            out.append(f"<div><b>{label}</b> {value}</div>")
        elif choice == 1:
            out.append(f"<table><tr><td>{label}</td><td>{value}</td></tr></table>")
        elif choice == 2:
            out.append(f"<p><span>{label}</span><span>{value}</span></p>")
        elif choice == 3:
            out.append(f"<div>{label} <code>{value}</code></div>")
        else:  # label and value on lines of their own
            out.append(f"<div>{label}<br>{value}</div>")
    return out


def _replace(old: lhtml.HtmlElement, new_html: str) -> None:
    """Put the content of ``new_html`` where ``old`` was, keeping the text around it."""
    wrapper = lhtml.fragment_fromstring(new_html, create_parent="div")
    parent = old.getparent()
    index = parent.index(old)
    previous = old.getprevious()
    children = list(wrapper)
    # Text before the new elements (or all of it, when there are none) follows what
    # stood before ``old``; ``old``'s own tail follows the last new element.
    leading = (wrapper.text or "") + ("" if children else old.tail or "")
    if children:
        children[-1].tail = (children[-1].tail or "") + (old.tail or "")
    parent.remove(old)  # its tail goes with it
    for k, child in enumerate(children):
        parent.insert(index + k, child)
    if previous is not None:
        previous.tail = (previous.tail or "") + leading
    else:
        parent.text = (parent.text or "") + leading


def _remark_examples(doc: lhtml.HtmlElement, rnd: random.Random) -> None:
    """An Examples section's headings worded otherwise, its documents set otherwise."""
    for heading in doc.xpath("//div[starts-with(@class, 'hdr')]"):
        words = EXAMPLE_HEADINGS.get(heading.text_content().strip())
        if words is None:
            continue
        note = heading.getnext()
        said = re.search(r"\((\d{3})\)", note.text_content()) if note is not None else None
        chosen = rnd.choice(words)
        if said is None:
            chosen = chosen.replace(" ({status})", "").replace("{status} ", "")
        heading.text = chosen.format(status=said[1] if said else "")
        for child in heading:
            heading.remove(child)
    for pre in doc.xpath("//pre"):
        _replace(pre, _code_block(pre.text_content(), rnd))


def _code_block(text: str, rnd: random.Random) -> str:
    """A command or document, as a browser shows it, in one of several markups."""
    esc = html.escape
    lines = text.split("\n")
    style = rnd.randrange(5)
    if style == 0:
        return f"<pre><code>{esc(text)}</code></pre>"
    if style == 1:  # highlighted: a span per token, white space as text between them
        tokens = CODE_TOKEN.findall(text)
        return (
            "<pre>"
            + "".join(t if t.isspace() else f"<span>{esc(t)}</span>" for t in tokens)
            + "</pre>"
        )
    # Outside preformatted text, indents and runs of spaces show only as &nbsp;.
    shown = [re.sub(r"^ +| {2,}", lambda run: "&nbsp;" * len(run[0]), esc(line)) for line in lines]
    if style == 2:
        return "<div>" + "".join(f"<div>{line}</div>" for line in shown) + "</div>"
    if style == 3:
        return "<div><code>" + "<br>".join(shown) + "</code></div>"
    return f'<div style="{PRE_STYLE}">{esc(text)}</div>'


def _vary_text(doc: lhtml.HtmlElement, rnd: random.Random) -> None:
    """Inline wrappers around whole text nodes, and white space between blocks, but
    not in preformatted text, where white space is text."""
    preformatted = {
        inner for outer in doc.xpath(f"//pre | //*[@style='{PRE_STYLE}']") for inner in outer.iter()
    }
    for element in list(doc.iter()):
        if (
            not isinstance(element.tag, str)
            or element.tag in ("script", "style")
            or element in preformatted
        ):
            continue
        text = element.text
        if (
            text
            and text.strip()
            and rnd.random() < 0.3
            and element.tag not in ("html", "head", "title")
        ):
            wrapper = etree.Element(rnd.choice(INLINE_WRAPPERS))
            wrapper.text = text
            element.text = None
            element.insert(0, wrapper)
        if element.tail is not None and not element.tail.strip() and rnd.random() < 0.5:
            element.tail = rnd.choice(("", "\n", "\n    ", " \n\t"))
