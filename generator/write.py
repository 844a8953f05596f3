"""Write stage: put output in place whole, or not at all."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def write_file_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file, so a failure leaves the old file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_tree(dest: Path, files: dict[str, str]) -> None:
    """Make ``dest`` hold exactly ``files``: written into a sibling folder first and
    swapped in whole, so a failure or a kill leaves the old ``dest`` as it was."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.new-", dir=dest.parent))
    try:
        for relative, text in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        if dest.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
            os.replace(dest, retired / dest.name)
            os.replace(staging, dest)
            shutil.rmtree(retired)
        else:
            os.replace(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


# What tools leave in a generated project; not part of the output.
_TOOL_LEFTOVERS = ("__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "build")


def read_tree(root: Path) -> dict[str, str]:
    """The text files under ``root`` by relative path, without tools' leftovers."""
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and not any(p in _TOOL_LEFTOVERS or p.endswith(".egg-info") for p in path.parts)
    }
