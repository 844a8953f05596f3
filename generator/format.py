"""Format stage: generated Python goes through black, so it reads as if typed by hand."""

from __future__ import annotations

import black

from .errors import Docs2SdkError

MODE = black.Mode(line_length=100, target_versions={black.TargetVersion.PY310})


class FormatError(Docs2SdkError):
    """Generated code that is not valid Python: a template or input bug, never shipped."""


def format_source(path: str, text: str) -> str:
    if not path.endswith(".py"):
        return text
    try:
        # black's own parser accepts some code Python rejects, so compile first.
        compile(text, path, "exec", dont_inherit=True)
        return black.format_str(text, mode=MODE)
    except (SyntaxError, black.InvalidInput) as exc:
        raise FormatError(f"{path}: generated code is not valid Python: {exc}") from exc


def format_files(files: dict[str, str]) -> dict[str, str]:
    return {path: format_source(path, text) for path, text in files.items()}
