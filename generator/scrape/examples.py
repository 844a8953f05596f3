"""Read what a page shows as examples: the command that calls the operation, and
example bodies and headers, each tied to the request or to a response.

Headings are read by their words, whatever their wording (``Examples``, ``Example of
Request Body``, ``Example Response Headers``, ``cURL Example``, ``Sample Response
(201)``); where a heading does not say what follows, the sentence under it does. A
document is found by what it is, whatever element holds it: a command starts with
``curl``, a JSON document is text that parses as one, an HTTP message starts with its
request or status line, an XML document with ``<``, and any other preformatted text
is a document as shown.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..model import CodeSample, Content, Example, RequestBody, Response, is_success
from .labels import decode_json
from .text import Line

Warn = Callable[[str, str], None]  # (item, problem)

# A heading's words: at least one of these, and nothing but these, numbers, and a part
# in parentheses ("(201)", "(JSON)").
EXAMPLE_WORDS = frozenset({"example", "examples", "sample", "samples"})
HEADING_WORDS = EXAMPLE_WORDS | frozenset(
    {
        *("of", "the", "a", "an", "for", "and", "in", "with", "using", "to", "on", "showing"),
        *("request", "requests", "response", "responses", "body", "bodies", "payload"),
        *("header", "headers", "curl", "command", "commands", "call", "http", "https"),
        *("rest", "json", "xml", "yaml", "html", "text", "plain", "format", "status"),
        *("code", "ok", "created", "accepted", "no", "content", "successful", "success"),
        "error",
    }
)
MAX_HEADING_WORDS = 12
MAX_HEADING_LENGTH = 200
EXAMPLE_WORD = re.compile("ampl", re.I)  # "example", "sample"
# "Example 2: Create a task with a custom agent": a numbered example's own title.
NUMBERED_HEADING = re.compile(r"(?:examples?|samples?)\s*\d{1,2}\b(?!\.\d)\s*(?:[:.)-]|$)", re.I)
COMMAND_START = re.compile(r"(?:\$\s*)?curl\s", re.I)
CONTINUED = ("\\", "^", "`")  # a command's line that goes on to the next
STATUS_LINE = re.compile(r"HTTP/\d(?:\.\d)?\s+(?P<status>[1-5]\d\d)\b.*")
REQUEST_LINE = re.compile(
    r"(?:GET|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE)\s+\S+(?:\s+HTTP/\d(?:\.\d)?)?"
)
HEADER_LINE = re.compile(r"(?P<name>[!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(?P<value>.*)")
# Where a sentence names a status: "(201)", "status code 201", "HTTP/1.1 201", "a 201
# response". In a heading, any number from 100 to 599 does.
STATUS_IN_TEXT = re.compile(
    r"\((?P<a>[1-5]\d\d)\b[^()]*\)"
    r"|\bstatus(?:\s+code)?\s*(?:of\s+|is\s+)?:?\s*(?P<b>[1-5]\d\d)\b"
    r"|\bHTTP/\d(?:\.\d)?\s+(?P<c>[1-5]\d\d)\b"
    r"|\b(?P<d>[1-5]\d\d)\s+(?:response|status|OK|Created|Accepted|No Content)\b",
    re.I,
)
STATUS_NUMBER = re.compile(r"(?<![\d.])[1-5]\d\d(?![\d.])")
# A format the heading or sentence names, and the media types it is.
FORMATS = {"json": "json", "xml": "xml", "yaml": "yaml", "yml": "yaml", "html": "html"}
# Example documents nest a dozen deep; a deeper one is kept as the text shown.
MAX_DOCUMENT_DEPTH = 64
NOT_JSON = object()  # a document that does not parse as JSON
# Indents and runs of spaces, which show only as "&nbsp;" outside preformatted text
# (a lone one is kept: a JSON string may hold one).
SPACE_RUN = re.compile(r"^[ \xa0]+|[ \xa0]{2,}")


def is_example_heading(text: str) -> bool:
    """Whether a line reads as the heading of examples, or of one example."""
    if len(text) > MAX_HEADING_LENGTH or EXAMPLE_WORD.search(text) is None:
        return False  # most lines: a quick look
    text = text.strip().rstrip(":").strip()
    if not text or text.endswith("."):
        return False
    if NUMBERED_HEADING.match(text):
        return True
    words = re.findall(r"[a-z]+|\d+", re.sub(r"\([^()]*\)", " ", text.lower()))
    return (
        len(words) <= MAX_HEADING_WORDS
        and not EXAMPLE_WORDS.isdisjoint(words)
        and all(w in HEADING_WORDS or w.isdigit() for w in words)
    )


@dataclass
class FoundBody:
    """An example body, before it is tied to a body of the operation."""

    target: str  # request | response
    statuses: list[str]  # the statuses its heading and sentence name, in order
    words: frozenset[str]  # the heading's and the sentence's words
    description: str | None
    text: str  # the document as shown
    value: Any  # the document as JSON, or NOT_JSON


@dataclass
class FoundHeaders:
    """An example of a response's headers, before it is tied to a response."""

    statuses: list[str]
    values: dict[str, str]  # header name, lower case -> value


@dataclass
class Examples:
    """What a page's examples say, before they are tied to the operation's parts."""

    code_samples: list[CodeSample] = field(default_factory=list)
    bodies: list[FoundBody] = field(default_factory=list)
    headers: list[FoundHeaders] = field(default_factory=list)


def read_examples(lines: list[Line], warn: Warn) -> Examples:
    """The examples shown in ``lines``: headings, each with its sentences and
    documents (the first line is a heading)."""
    found = Examples()
    for heading, part in _parts(lines):
        heading_words = _words(heading)
        target = _target(heading_words)
        if target == "request headers":
            warn("examples", f"{heading!r}: the model has no place for request headers; not read")
            continue
        documents = _Documents(part, target == "headers").read()
        if not documents and target is not None:
            warn("examples", f"{heading!r} shows no example")
        for doc in documents:
            words = heading_words | _words(doc.description or "")
            statuses = _statuses(heading, doc.description)
            where = target if target in ("request", "response", "headers") else _target(words)
            if doc.kind == "command":
                sample = CodeSample(lang="cURL", source=doc.text, description=doc.description)
                found.code_samples.append(sample)
            elif doc.kind == "message":
                _read_message(doc, words, statuses, found)
            elif doc.kind == "headers" or where == "headers":
                found.headers.append(FoundHeaders(statuses, _header_values(doc.text)))
            elif where in ("request", "response"):
                body = FoundBody(where, statuses, words, doc.description, doc.text, doc.value)
                found.bodies.append(body)
            else:
                warn(
                    "examples",
                    f"an example under {heading!r} that the page does not tie to the request "
                    "or to a response; not read",
                )
    return found


def _parts(lines: list[Line]) -> Iterator[tuple[str, list[Line]]]:
    """Each heading, and the lines up to the next."""
    start = 0
    for k in range(1, len(lines) + 1):
        if k == len(lines) or is_example_heading(lines[k].text):
            yield lines[start].text, lines[start + 1 : k]
            start = k


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z]+", text.lower()))


def _target(words: frozenset[str]) -> str | None:
    """What a heading or sentence says an example is of."""
    if words & {"curl", "command", "commands"}:
        return "command"
    request = bool(words & {"request", "requests"})
    response = bool(words & {"response", "responses"})
    if words & {"header", "headers"}:
        return "request headers" if request and not response else "headers"
    if request != response:
        return "request" if request else "response"
    return None


def _statuses(heading: str, description: str | None) -> list[str]:
    """The statuses a heading and then a sentence name, in order."""
    found = STATUS_NUMBER.findall(re.sub(NUMBERED_HEADING, " ", heading))
    for match in STATUS_IN_TEXT.finditer(description or ""):
        found.append(next(g for g in match.groups() if g))
    return list(dict.fromkeys(found))


def _header_values(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in text.splitlines():
        match = HEADER_LINE.fullmatch(line.strip())
        if match is not None:
            values.setdefault(match["name"].lower(), match["value"].strip())
    return values


def _read_message(
    doc: _Document, words: frozenset[str], statuses: list[str], found: Examples
) -> None:
    """An HTTP message: a request (a code sample, and its body) or a response (its
    status, headers and body)."""
    head, _, body = doc.text.replace("\r\n", "\n").partition("\n\n")
    first, *header_lines = head.splitlines()
    status = STATUS_LINE.fullmatch(first.strip())
    body = body.strip()
    value = _json_document(body) if body else NOT_JSON
    if status is None:
        sample = CodeSample(lang="HTTP", source=doc.text, description=doc.description)
        found.code_samples.append(sample)
        if body:
            found.bodies.append(FoundBody("request", [], words, None, body, value))
        return
    at = [status["status"], *statuses]
    found.headers.append(FoundHeaders(at, _header_values("\n".join(header_lines))))
    if body:
        found.bodies.append(FoundBody("response", at, words, doc.description, body, value))


def _json_document(text: str) -> Any:
    """``text`` as JSON when all of it is one JSON document, else ``NOT_JSON``."""
    text = text.strip()
    try:
        value, end = decode_json(text, 0, MAX_DOCUMENT_DEPTH)
    except ValueError:
        return NOT_JSON
    return value if end == len(text) else NOT_JSON


@dataclass
class _Document:
    kind: str  # command | message | headers | json | text
    text: str
    value: Any = NOT_JSON
    description: str | None = None


class _Documents:
    """The documents in a part's lines, each with the sentences before it.

    The lines are read from one text with each line's offset, so that a JSON document
    can be parsed where it starts, and end wherever it ends. A preformatted line holds
    its own line breaks.
    """

    def __init__(self, lines: list[Line], headers: bool) -> None:
        self.headers = headers  # whether "Name: value" lines are a document here
        # Outside preformatted text, white space that shows is "&nbsp;".
        self.lines = [line.raw if line.pre else SPACE_RUN.sub(_spaces, line.raw) for line in lines]
        self.pre = [line.pre for line in lines]
        self.text = "\n".join(self.lines)
        self.starts: list[int] = []
        offset = 0
        for text in self.lines:
            self.starts.append(offset)
            offset += len(text) + 1

    def read(self) -> list[_Document]:
        documents: list[_Document] = []
        sentences: list[str] = []
        heading_says_headers = self.headers
        i = 0
        while i < len(self.lines):
            found = self.document_at(i)
            if found is None:
                if sentence := " ".join(self.lines[i].split()):
                    sentences.append(sentence)
                    # "Response Headers" under a heading that says nothing of them
                    self.headers = heading_says_headers or _target(_words(sentence)) == "headers"
                i += 1
                continue
            doc, i = found
            doc.description = "\n\n".join(sentences) or None
            sentences = []
            documents.append(doc)
        return documents

    def document_at(self, i: int) -> tuple[_Document, int] | None:
        """The document that starts at line ``i``, and the line after it."""
        text = self.lines[i].strip()
        if not text:
            return None
        first = text.partition("\n")[0].rstrip()  # a preformatted line's first
        if COMMAND_START.match(text):
            end = i + 1
            while end < len(self.lines) and self.lines[end - 1].rstrip().endswith(CONTINUED):
                end += 1
            return _Document("command", self.joined(i, end)), end
        if STATUS_LINE.fullmatch(first) or REQUEST_LINE.fullmatch(first):
            end = self.message_end(i)
            return _Document("message", self.joined(i, end)), end
        if text[0] in "{[":
            parsed = self.json_at(i)
            if parsed is not None:
                return parsed
            end = self.run_end(i)
            return _Document("text", self.joined(i, end)), end
        if self.headers and HEADER_LINE.fullmatch(first):
            end = i + 1
            while end < len(self.lines) and HEADER_LINE.fullmatch(self.lines[end].strip()):
                end += 1
            return _Document("headers", self.joined(i, end)), end
        if text[0] == "<" or self.pre[i]:
            end = self.run_end(i)
            document = self.joined(i, end)
            return _Document("text", document, _json_document(document)), end
        return None

    def joined(self, start: int, end: int) -> str:
        return "\n".join(line.rstrip() for line in self.lines[start:end]).strip("\n")

    def run_end(self, i: int) -> int:
        """The end of the run of lines from ``i``: preformatted lines, or the lines up
        to a blank or preformatted one."""
        end = i + 1
        while end < len(self.lines) and (
            self.pre[end] if self.pre[i] else self.lines[end].strip() and not self.pre[end]
        ):
            end += 1
        return end

    def message_end(self, i: int) -> int:
        """An HTTP message: its start line and headers, then a blank line and a body
        (all one preformatted line, or lines of their own)."""
        if self.pre[i]:
            return i + 1
        end = i + 1
        while end < len(self.lines) and HEADER_LINE.fullmatch(self.lines[end].strip()):
            end += 1
        if end < len(self.lines) and self.lines[end].strip()[:1] in ("{", "["):
            parsed = self.json_at(end)
            if parsed is not None:
                return parsed[1]
        return end

    def json_at(self, i: int) -> tuple[_Document, int] | None:
        """The JSON document that starts at line ``i``, if one does."""
        start = self.starts[i] + len(self.lines[i]) - len(self.lines[i].lstrip())
        for text in (self.text, self.text.replace("\xa0", " ")):  # "&nbsp;" shown as space
            try:
                value, end = decode_json(text, start, MAX_DOCUMENT_DEPTH)
            except ValueError:
                continue
            last = bisect_right(self.starts, end - 1) - 1
            return _Document("json", self.text[start:end], value), last + 1
        return None


def _spaces(run: re.Match[str]) -> str:
    return " " * len(run[0])


def tie_examples(
    found: Examples,
    request_body: RequestBody | None,
    responses: list[Response],
    warn: Warn,
) -> tuple[RequestBody | None, list[Response]]:
    """The request body and responses with the example bodies and headers the page
    shows for each."""
    request_examples: dict[int, list[Example]] = {}
    response_examples: dict[tuple[int, int], list[Example]] = {}
    header_values: dict[int, dict[str, str]] = {}
    for body in found.bodies:
        if body.value is None:
            continue  # "null": no example of anything
        if body.target == "request":
            contents = request_body.content if request_body else []
            if not contents:
                warn("examples", "an example request body, but the page shows no request body")
                continue
            k = _content_for(contents, body)
            request_examples.setdefault(k, []).append(_example(contents[k], body, warn))
            continue
        at = _response_for(responses, body.statuses, warn, with_content=True)
        if at is None:
            continue
        contents = responses[at].content
        k = _content_for(contents, body)
        response_examples.setdefault((at, k), []).append(_example(contents[k], body, warn))
    for headers in found.headers:
        at = _response_for(responses, headers.statuses, warn, with_content=False)
        if at is not None:
            for name, value in headers.values.items():
                header_values.setdefault(at, {}).setdefault(name, value)
    if request_body is not None and request_examples:
        request_body = request_body.model_copy(
            update={
                "content": [
                    _with_examples(c, request_examples.get(k))
                    for k, c in enumerate(request_body.content)
                ]
            }
        )
    tied = []
    for at, response in enumerate(responses):
        update: dict[str, Any] = {}
        if any(key[0] == at for key in response_examples):
            update["content"] = [
                _with_examples(c, response_examples.get((at, k)))
                for k, c in enumerate(response.content)
            ]
        values = header_values.get(at, {})
        if any(h.name.lower() in values for h in response.headers):
            update["headers"] = [
                h.model_copy(update={"example": values[h.name.lower()]})
                if h.name.lower() in values
                else h
                for h in response.headers
            ]
        tied.append(response.model_copy(update=update) if update else response)
    return request_body, tied


def _with_examples(content: Content, examples: list[Example] | None) -> Content:
    if not examples:
        return content
    return content.model_copy(update={"examples": [*content.examples, *examples]})


def _response_for(
    responses: list[Response], statuses: list[str], warn: Warn, with_content: bool
) -> int | None:
    """The response an example is of: the first status named that the page documents,
    else the first success (with a body, for a body)."""
    documented = {r.status: k for k, r in enumerate(responses)}
    what = "an example body" if with_content else "an example of headers"
    if statuses:
        at = next((documented[s] for s in statuses if s in documented), None)
        if at is None:
            warn("examples", f"{what} of a {statuses[0]} response, which the page does not "
                 "document; not read")  # fmt: skip
        elif with_content and not responses[at].content:
            warn("examples", f"{what} of the {statuses[0]} response, which the page shows "
                 "no body for; not read")  # fmt: skip
            return None
        return at
    candidates = [k for k, r in enumerate(responses) if r.content or not with_content]
    chosen = next((k for k in candidates if is_success(responses[k].status)), None)
    if chosen is None and len(candidates) == 1:
        chosen = candidates[0]
    if chosen is None:
        warn("examples", f"{what} that no response of the page can hold; not read")
    return chosen


def _content_for(contents: list[Content], body: FoundBody) -> int:
    """Which media type an example is of: the one of the format its heading or
    sentence names, else a JSON one for a JSON document, else the first."""
    for word, fragment in FORMATS.items():
        if word in body.words:
            for k, content in enumerate(contents):
                if fragment in content.media_type.lower():
                    return k
    if body.value is not NOT_JSON:
        for k, content in enumerate(contents):
            if _is_json(content.media_type):
                return k
    return 0


def _is_json(media_type: str) -> bool:
    return "json" in media_type.lower()


def _is_text(media_type: str) -> bool:
    """A media type whose documents are text of their own kind, never JSON."""
    media = media_type.lower()
    return media.startswith("text/") or any(f in media for f in ("xml", "html", "yaml"))


def _example(content: Content, body: FoundBody, warn: Warn) -> Example:
    """The document as its media type reads it: JSON parsed, any other kept as text."""
    if body.value is not NOT_JSON and not _is_text(content.media_type):
        return Example(description=body.description, value=body.value)
    if _is_json(content.media_type):
        warn("examples", f"an example of {content.media_type} that is not JSON; kept as text")
    return Example(description=body.description, text=body.text)
