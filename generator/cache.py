"""A content-addressed cache outside ``generated/``: parsed pages, formatted files.

Entries are keyed by a digest of everything that decides them (the input, and the
code that turned it into the entry), so a stale entry is never found, only unused.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

CACHE_ENV = "DOCS2SDK_CACHE"


def default_root() -> Path | None:
    """``$DOCS2SDK_CACHE``, else the user's cache folder; ``DOCS2SDK_CACHE=off`` turns it off."""
    value = os.environ.get(CACHE_ENV)
    if value == "off":
        return None
    if value:
        return Path(value)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "docs2sdk"


def code_digest(*sources: Path) -> str:
    """A digest of source files: entries made by other code are never reused."""
    digest = hashlib.sha256()
    for source in sorted(sources):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def file_digest(path: Path) -> str:
    """A digest of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def file_digests(folder: Path) -> dict[str, str]:
    """``file_digest`` of each file in ``folder``, by its path in the folder: what a
    build of a book is keyed by, and each of its pages."""
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): file_digest(path)
        for path in sorted(p for p in folder.rglob("*") if p.is_file())
    }


class Cache:
    """Pickled values in ``root/<kind>/<key[:2]>/<key>``; unreadable entries are misses."""

    def __init__(self, root: Path | None, kind: str) -> None:
        self.folder = root / kind if root is not None else None

    @staticmethod
    def key(*parts: str | bytes) -> str:
        digest = hashlib.sha256()
        for part in parts:
            data = part.encode() if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "big"))
            digest.update(data)
        return digest.hexdigest()

    def _path(self, key: str) -> Path | None:
        return self.folder / key[:2] / key if self.folder is not None else None

    def __contains__(self, key: str) -> bool:
        path = self._path(key)
        return path is not None and path.exists()

    def get(self, key: str) -> Any | None:
        path = self._path(key)
        if path is None:
            return None
        try:
            # Entries are written by this cache only, in the user's own cache folder.
            with path.open("rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None  # a missing entry (FileNotFoundError) included

    def put(self, key: str, value: Any) -> None:
        path = self._path(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        except OSError:
            return  # a cache that cannot be written only costs time
        try:
            with os.fdopen(fd, "wb") as handle:
                # Written as it is pickled: a large entry is never held twice.
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
