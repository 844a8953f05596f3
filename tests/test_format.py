"""The format stage: black decides every file, and runs over each only once."""

from __future__ import annotations

import textwrap
from pathlib import Path

import black
import pytest

from generator.format import MODE, FormatError, format_source, lay_out_long_lines
from generator.generate import generate_package
from generator.parallel import parallel_map
from generator.pipeline import model_from_book

from .conftest import AIDP_PROJECT, BOOKS

LONG_LITERAL = ", ".join(f'"value_number_{n}"' for n in range(12))
LONG_UNION = " | ".join(f"models.SomeRatherLongModelName{n}" for n in range(5))

# Code as the templates leave it, with the lines only black can lay out.
CASES = {
    "parameter": f"""
        class Operations:
            def list_things(
                self,
                *,
                kind: Literal[{LONG_LITERAL}] | None = None,
                state: Literal[{LONG_LITERAL}],
                limit: int | None = None,
            ) -> ApiResponse[{LONG_UNION}]:
                \"\"\"List things.\"\"\"
                return self._send(endpoints.LIST_THINGS, query={{"kind": kind, "state": state}})
        """,
    "long def name": f"""
        class Operations:
            async def {"a_very_long_operation_name_" * 4}(
                self,
                *,
                kind: Literal[{LONG_LITERAL}] | None = None,
            ) -> None:
                pass
        """,
    "signature on one line": f"""
        def send(kind: Literal[{LONG_LITERAL}], body: {LONG_UNION}) -> None:
            pass
        """,
    "field": f"""
        class Thing(Model):
            \"\"\"A thing.\"\"\"

            kind: Literal[{LONG_LITERAL}] | None = None
            other: {LONG_UNION} = Field(default=None, alias="other-name")
        """,
    "import": f"""
        from ._things import {", ".join(f"ThingNumber{n}" for n in range(12))}
        """,
    "call": f"""
        LIST = Endpoint(
            "GET",
            "/things",
            data=lambda: {LONG_UNION},
        )
        """,
    "string and comment": f"""
        # {("a comment longer than any line may be " * 3).strip()}
        TEXT = \"\"\"{"a string longer than any line may be " * 3}
        {"and another line of it that is just as long as the first " * 2}\"\"\"
        """,
    "nested blocks": f"""
        def outer() -> None:
            if True:
                for item in items:
                    value: Literal[{LONG_LITERAL}] = item
        """,
}


@pytest.mark.parametrize("code", CASES.values(), ids=CASES.keys())
def test_formatted_exactly_as_black_formats_it(code: str) -> None:
    text = textwrap.dedent(code).lstrip()
    expected = black.format_str(text, mode=MODE)
    assert format_source("case.py", text) == expected
    laid_out = lay_out_long_lines(text)
    # black finds nothing left to change, so it does not run a second pass.
    assert black.format_str(laid_out, mode=MODE) == laid_out


# Statements the layout pass must leave to black: formatting them alone would
# change what they mean, or lay them out otherwise than black does in the file.
LEFT_TO_BLACK = {
    # the long line ends a parameter that starts on an earlier line
    "parameter over lines": f"""
        def send(
            self,
            body: dict[
                str, int
            ] | Literal[{LONG_LITERAL}],
        ) -> None:
            pass
        """,
    # a line of spaces inside a string is part of the string
    "string over lines": (
        f"def f():\n    x = call('''a\n    \n    b''', kind=Literal[{LONG_LITERAL}])\n"
    ),
    # a line separator inside a string is not a line break to Python
    "line separator in a string": f"""
        def f():
            \"\"\"doc\u2028more\"\"\"
            x: Literal[{LONG_LITERAL}] = None


        y = 1
        """,
    # black re-indents to four spaces a level, which leaves this call room on one line
    "twelve-space indent": "def f():\n" + " " * 12 + f"y = call({'a' * 40}, {'b' * 40}, c)\n",
}


@pytest.mark.parametrize("code", LEFT_TO_BLACK.values(), ids=LEFT_TO_BLACK.keys())
def test_what_it_cannot_lay_out_alone_is_left_to_black(code: str) -> None:
    text = textwrap.dedent(code).lstrip() if code.startswith("\n") else code
    assert format_source("case.py", text) == black.format_str(text, mode=MODE)


# Small books with every kind of file; the committed AI Data Platform package below.
@pytest.mark.parametrize("book", [BOOKS / "jupyter-ul", BOOKS / "hostile"])
def test_black_has_nothing_to_change_in_generated_code(book: Path) -> None:
    model, _ = model_from_book(book)
    files = generate_package(model, "sdk", "0.1.0", None)
    for path, text in files.items():
        if path.endswith(".py"):
            laid_out = lay_out_long_lines(text)
            assert black.format_str(laid_out, mode=MODE) == laid_out, path
            assert format_source(path, text) == black.format_str(text, mode=MODE), path


def _changed_by_black(path: Path) -> str | None:
    text = path.read_text(encoding="utf-8")
    return None if black.format_str(text, mode=MODE) == text else str(path)


def test_black_has_nothing_to_change_in_the_committed_package() -> None:
    files = sorted((AIDP_PROJECT / "aidp_workbench").rglob("*.py"))
    assert len(files) > 500
    assert [p for p in parallel_map(_changed_by_black, files) if p] == []


def test_a_file_with_no_long_line_is_taken_as_the_templates_laid_it_out() -> None:
    # The templates own every layout decision but long lines; black is not run again.
    text = "x = [1,2]\n"
    assert format_source("case.py", text) == text
    assert format_source("case.py", f"x = [{', '.join(['1'] * 50)}]\n") == black.format_str(
        f"x = [{', '.join(['1'] * 50)}]\n", mode=MODE
    )


def test_invalid_code_names_the_file() -> None:
    with pytest.raises(FormatError, match=r"sdk/broken\.py: generated code is not valid Python"):
        format_source("sdk/broken.py", "def f(:\n    pass\n")


def test_other_files_pass_through() -> None:
    assert format_source("README.md", "#  not   python\n") == "#  not   python\n"
    assert format_source("pyproject.toml", "x  =  1\n") == "x  =  1\n"


def test_markdown_blocks_of_python_are_formatted_and_others_kept() -> None:
    long_call = f"client.create(name='x', {', '.join(f'field_{n}={n}' for n in range(12))})\n"
    readme = (
        "# SDK\n\n```python\nx  =  {'a':1}\n```\n\n"
        f"```python\n{long_call}```\n\n"
        "```python\nclient.get(id) -> ApiResponse[Item]\n```\n\n```sh\nx  =  1\n```\n"
    )
    formatted = format_source("README.md", readme)
    blocks = formatted.split("```")
    # As in a module: the templates lay out short lines, long ones are laid out here.
    assert blocks[1] == "python\n" + format_source("block.py", "x  =  {'a':1}\n")
    assert blocks[3] == "python\n" + black.format_str(long_call, mode=MODE)
    assert blocks[5] == "python\nclient.get(id) -> ApiResponse[Item]\n"  # not Python: kept
    assert blocks[7] == "sh\nx  =  1\n"
