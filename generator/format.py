"""Format stage: generated Python laid out by black's rules, so it reads as if typed by hand.

The templates lay out everything as black would, except the lines whose length depends
on the API (a long ``Literal``, union or import). black formats those statements alone;
a file with nothing else over the limit is then exactly what black would make of it and
is not formatted again. Any file with a line this cannot lay out goes through black whole.
Tests hold every generated package to black's output, byte for byte.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import functools
import re
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path

import black

from . import progress
from .cache import Cache, code_digest, default_root
from .errors import Docs2SdkError
from .parallel import Started

LINE_LENGTH = 100
MODE = black.Mode(line_length=LINE_LENGTH, target_versions={black.TargetVersion.PY310})
# Lines black cannot shorten: a comment; an entry of a list or dict of strings.
_UNSPLITTABLE = re.compile(r'\s*(#|"[^"\\]*"(: "[^"\\]*")?,?\n?$)')
# Formatted files are reused only with the same black, settings and code.
_FORMAT_KEY = f"black {black.__version__} {MODE!r} {code_digest(Path(__file__))}"


class FormatError(Docs2SdkError):
    """Generated code that is not valid Python: a template or input bug, never shipped."""


# A Markdown code block of Python: the README's examples.
_PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def formats(path: str) -> bool:
    """Whether ``format_source`` changes files such as ``path``: Python, and Markdown
    for its code blocks."""
    return path.endswith((".py", ".md"))


def format_source(path: str, text: str) -> str:
    """``text`` laid out as black would: a Python file; in Markdown, the blocks of
    Python (the README's examples); any other file as it is."""
    if path.endswith(".md"):
        return _PYTHON_BLOCK.sub(lambda block: _python_block(path, block[1]), text)
    return _format_python(path, text) if path.endswith(".py") else text


def _format_python(path: str, text: str) -> str:
    try:
        # black's own parser accepts some code Python rejects, so compile first; where
        # long lines are to be laid out, from the tree that needs (parsed once).
        statements = None
        if "\r" in text or not _long_lines(text):
            compile(text, path, "exec", dont_inherit=True)
        else:
            module = ast.parse(text, path)
            compile(module, path, "exec", dont_inherit=True)
            statements = module.body
        laid_out, complete = _lay_out(text, statements)
        return laid_out if complete else black.format_str(laid_out, mode=MODE)
    except (SyntaxError, black.InvalidInput) as exc:
        raise FormatError(f"{path}: generated code is not valid Python: {exc}") from exc


def _python_block(path: str, code: str) -> str:
    # As in a module, the templates lay out the short lines: only a block with a long
    # line is laid out here. One that is not Python as it stands (a signature with its
    # return type) is an example, shown as written.
    if _long_lines(code):
        with contextlib.suppress(FormatError):
            code = _format_python(path, code)
    return f"```python\n{code}```"


def lay_out_long_lines(text: str) -> str:
    """``text`` with each statement that has a line over the limit formatted alone.

    The templates lay out all but the lines they cannot know the length of (a long
    ``Literal``, union or import); once those statements are formatted, the file is
    what black would make of it. A statement this cannot handle (a string over several
    lines, an unusual indent, a long line in an ``else:`` or a decorator) is left as it
    is, for black's pass over the whole file."""
    return _lay_out(text)[0]


def _lay_out(text: str, statements: list[ast.stmt] | None = None) -> tuple[str, bool]:
    """``lay_out_long_lines``, and whether it laid out every long line (so black's pass
    over the whole file would change nothing the templates did not already decide);
    ``statements`` are the text's, parsed, when the caller has them."""
    lines = _lines(text)
    long_lines = _long_lines(lines)
    if not long_lines:
        return text, True
    if "\r" in text:  # Python would count a lone CR as a line break
        return text, False
    if statements is None:
        statements = ast.parse(text).body
    # black never shortens a line of a docstring.
    docstrings = _docstring_lines(statements)
    long_lines = [n for n in long_lines if n not in docstrings]
    complete = True
    edits: dict[int, tuple[int, list[str]]] = {}  # first line: (last line, new lines)
    for span in {_statement_span(statements, number) for number in long_lines}:
        if span is None:
            complete = False
            continue
        first, last, indent, header = span
        # A long ``def name(`` is as short as black can make it.
        start = first + 1 if header and lines[first - 1].rstrip().endswith("(") else first
        inside = [n for n in long_lines if start <= n <= last]
        if header and all(_is_signature_line(lines[n - 1], indent) for n in inside):
            # One parameter a line: black lays out each of those lines on its own.
            for number in inside:
                closing = number == last
                laid_out = _signature_line(lines[number - 1], indent, closing)
                complete = complete and laid_out is not None
                edits[number] = (number, laid_out or [lines[number - 1]])
        else:
            statement = lines[first - 1 : last]
            formatted = _formatted_alone("".join(statement), indent, header)
            complete = complete and formatted is not None
            edits[first] = (last, statement if formatted is None else formatted)
    for first in sorted(edits, reverse=True):
        last, replacement = edits[first]
        lines[first - 1 : last] = replacement
    return "".join(lines), complete


def _docstring_lines(statements: list[ast.stmt]) -> set[int]:
    """The numbers of the lines that docstrings (and other bare strings) stand on.
    They are statements: only statements are visited, not the expressions in them."""
    numbers: set[int] = set()
    stack: list[ast.AST] = list(statements)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            numbers.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(node, field, None)
            if isinstance(inner, list):  # a lambda's or a ternary's are expressions
                stack.extend(inner)
    return numbers


def _long_lines(text: str | list[str]) -> list[int]:
    """The numbers of the lines over the limit that black could shorten."""
    lines = _lines(text) if isinstance(text, str) else text
    return [
        number
        for number, line in enumerate(lines, 1)
        if len(line.rstrip("\n")) > LINE_LENGTH and not _UNSPLITTABLE.match(line)
    ]


def _lines(text: str) -> list[str]:
    """``text`` split after each newline only, as Python numbers lines: ``splitlines``
    also splits at form feeds and Unicode line separators, which strings may hold."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


# (first line, last line, indent, is the header of a def or class) of a statement
_Span = tuple[int, int, int, bool]


def _statement_span(body: list[ast.stmt], line: int, depth: int = 0) -> _Span | None:
    """The innermost statement holding ``line``, or the header of the def or class it
    is in; None where formatting it alone could differ from black's pass over the
    file, or could change what the code means."""
    for node in body:
        end = node.end_lineno or node.lineno
        if not node.lineno <= line <= end:
            continue
        inner: list[ast.stmt] | None = getattr(node, "body", None)
        if inner and line >= inner[0].lineno:
            return _statement_span(inner, line, depth + 1)
        if node.col_offset != 4 * depth:
            return None  # black re-indents to four spaces a level: widths would differ
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and inner:
            last = inner[0].lineno - 1
            if last < node.lineno or _has_string_over_lines(node, last):
                return None
            return node.lineno, last, node.col_offset, True
        if inner or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
            return None
        if _has_string_over_lines(node, end):
            return None
        return node.lineno, end, node.col_offset, False
    return None


def _has_string_over_lines(node: ast.AST, last: int) -> bool:
    """Whether a string that starts by line ``last`` in ``node`` runs over several
    lines: its inner lines are not indented code, so they cannot be moved."""
    return any(
        isinstance(part, ast.Constant | ast.JoinedStr)
        and part.lineno <= last
        and part.end_lineno != part.lineno
        for part in ast.walk(node)
    )


@functools.lru_cache(maxsize=4096)
def _formatted_alone(statement: str, indent: int, header: bool) -> list[str] | None:
    """The lines of one statement formatted by black at their indentation; None when
    black rejects the statement alone. A header is given a body of ``pass`` to be a
    statement, which is then dropped again. Statements recur (the same enum field in
    many models), hence the cache."""
    margin = " " * indent
    lines = _lines(statement)
    if not all(line.startswith(margin) or not line.strip() for line in lines):
        return None
    source = "".join(line[indent:] if line.strip() else "\n" for line in lines)
    formatted = _black(source + ("    pass\n" if header else ""), LINE_LENGTH - indent)
    if formatted is None:
        return None
    return [margin + line if line.strip() else line for line in formatted[: -1 if header else None]]


def _is_signature_line(line: str, indent: int) -> bool:
    """A whole parameter, or the closing ``) -> ...:``, of a signature at ``indent``."""
    text = line.rstrip()
    depth = len(text) - len(text.lstrip())
    if depth == indent:
        return text.lstrip().startswith(")") and text.endswith(":")
    return depth == indent + 4 and text.endswith(",")


@functools.lru_cache(maxsize=4096)
def _signature_line(line: str, indent: int, closing: bool) -> list[str] | None:
    """One line of an exploded signature at ``indent``, formatted: a parameter, or the
    closing ``) -> ...:``; None when black rejects it alone. The same lines recur
    (sync, async, pages), hence the cache."""
    if closing:
        formatted = _black(f"def _(\n    x,\n{line[indent:]}    pass\n", LINE_LENGTH - indent)
        part = formatted[2:-1] if formatted else None
    else:
        formatted = _black(f"def _(\n    {line.strip()}\n):\n    pass\n", LINE_LENGTH - indent)
        part = formatted[1:-2] if formatted else None
    return [" " * indent + text for text in part] if part else None


def _black(source: str, line_length: int) -> list[str] | None:
    """``source`` formatted at ``line_length``; None if it is not a whole statement
    after all (such as the last line of a parameter that spans several), which is
    then left for black's pass over the whole file."""
    try:
        formatted = black.format_str(
            source, mode=dataclasses.replace(MODE, line_length=line_length)
        )
    except black.InvalidInput:
        return None
    return _lines(formatted)


def _format(job: tuple[str, str, str, Path | None]) -> str:
    """One file formatted where this runs (a worker), and kept in the cache there: the
    build process only takes the result in."""
    path, text, key, cache_root = job
    formatted = format_source(path, text)
    Cache(cache_root, "formatted").put(key, formatted)
    return formatted


class Formatting(AbstractContextManager[Callable[[], dict[str, str]]]):
    """Every file formatted, set going when entered: the caller can do other work
    before asking for the result. Files formatted before come from the cache; the
    workers format the others, largest first. The unformatted text is let go as each
    file comes back, not held beside the formatted one until the end."""

    def __init__(self, files: dict[str, str], cache_root: Path | None = None) -> None:
        self._files: dict[str, str] | None = files
        self._root = cache_root if cache_root is not None else default_root()
        self._stack = ExitStack()

    def __enter__(self) -> Callable[[], dict[str, str]]:
        files, self._files = self._files or {}, None
        cache = Cache(self._root, "formatted")
        out: dict[str, str] = {}
        todo: list[tuple[str, str, str, Path | None]] = []
        checked = 0
        for path, text in files.items():
            if not formats(path):
                out[path] = text
                continue
            checked += 1
            key = Cache.key(_FORMAT_KEY, path, text)
            cached = cache.get(key)
            if cached is None:
                todo.append((path, text, key, self._root))
            else:
                out[path] = cached
        todo.sort(key=lambda job: -len(job[1]))
        order, waiting = list(files), [job[0] for job in todo]
        note = f"{len(todo)} formatted, {checked - len(todo)} from the cache"
        results = self._stack.enter_context(Started(_format, todo, chunksize=1))
        del files, todo

        def collect() -> dict[str, str]:
            with progress.stage("format", len(order), "files") as counter:
                counter.note = note
                counter.advance(len(order) - len(waiting))
                for path, formatted in zip(waiting, results, strict=True):
                    out[path] = formatted
                    counter.advance()
            return {path: out[path] for path in order}

        return functools.cache(collect)

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()
