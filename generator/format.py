"""Format stage: generated Python goes through black, so it reads as if typed by hand."""

from __future__ import annotations

from pathlib import Path

import black

from .cache import Cache, default_root
from .errors import Docs2SdkError
from .parallel import parallel_map

MODE = black.Mode(line_length=100, target_versions={black.TargetVersion.PY310})
# Formatted files are reused only with the same black and the same settings.
_FORMAT_KEY = f"black {black.__version__} {MODE!r}"


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


def _format(job: tuple[str, str]) -> str:
    return format_source(*job)


def format_files(files: dict[str, str], cache_root: Path | None = None) -> dict[str, str]:
    """Every file formatted; files formatted before come from the cache, the others
    are formatted in parallel, largest first."""
    cache = Cache(cache_root if cache_root is not None else default_root(), "formatted")
    out: dict[str, str] = {}
    todo: list[tuple[str, str]] = []
    for path, text in files.items():
        cached = cache.get(Cache.key(_FORMAT_KEY, path, text)) if path.endswith(".py") else text
        if cached is None:
            todo.append((path, text))
        else:
            out[path] = cached
    todo.sort(key=lambda job: -len(job[1]))
    for (path, text), formatted in zip(todo, parallel_map(_format, todo, chunksize=1), strict=True):
        cache.put(Cache.key(_FORMAT_KEY, path, text), formatted)
        out[path] = formatted
    return {path: out[path] for path in files}
