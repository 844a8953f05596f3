"""Write stage: put output in place whole, or not at all."""

from __future__ import annotations

import ctypes
import ctypes.util
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


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2`` with ``RENAME_EXCHANGE``);
    False where the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    renameat2 = getattr(ctypes.CDLL(libc_name, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(result == 0)


def write_tree(dest: Path, files: dict[str, str]) -> None:
    """Make ``dest`` hold exactly ``files``: written into a sibling folder first and
    swapped in whole, in one step where the system allows, so a failure or a kill
    leaves the old ``dest`` as it was. A tree that already holds them is left alone,
    and files that did not change are linked into the new tree, not written again."""
    unchanged = {relative for relative, text in files.items() if _holds(dest / relative, text)}
    if len(unchanged) == len(files) and set(_tree_files(dest)) == unchanged:
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    for leftover in dest.parent.glob(f".{dest.name}.*-*"):
        shutil.rmtree(leftover, ignore_errors=True)  # from a build that was killed
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.new-", dir=dest.parent))
    try:
        for relative, text in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if relative in unchanged and _linked(dest / relative, path):
                continue
            path.write_text(text, encoding="utf-8", newline="\n")
        if not dest.exists():
            os.replace(staging, dest)
        elif _exchange(staging, dest):
            shutil.rmtree(staging)  # now the old tree
        else:
            retired = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
            os.replace(dest, retired / dest.name)
            os.replace(staging, dest)
            shutil.rmtree(retired)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _holds(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False


def _linked(source: Path, target: Path) -> bool:
    try:
        os.link(source, target)
    except OSError:  # another file system, or one without links
        return False
    return True


# What tools leave in a generated project; not part of the output.
_TOOL_LEFTOVERS = ("__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "build")


def read_tree(root: Path) -> dict[str, str]:
    """The text files under ``root`` by relative path, without tools' leftovers."""
    return {
        relative: (root / relative).read_text(encoding="utf-8") for relative in _tree_files(root)
    }


def _tree_files(root: Path) -> list[str]:
    """The relative paths of the files under ``root``, without tools' leftovers."""
    if not root.exists():
        return []
    files = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        # Only the parts under root: a folder named "build" above it is no leftover.
        if path.is_file() and not any(
            p in _TOOL_LEFTOVERS or p.endswith(".egg-info") for p in relative.parts
        ):
            files.append(relative.as_posix())
    return files
