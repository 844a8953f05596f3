"""Documented paths as patterns, and request paths matched against them."""

from __future__ import annotations

import re
from urllib.parse import unquote


def segments_of(path: str) -> list[str]:
    return [unquote(s) for s in path.split("/")[1:]]


def parameters_of(path: str) -> list[str]:
    """A documented path's parameters' names, in order."""
    return re.findall(r"\{([^{}]+)\}", path)


def pattern_of(path: str) -> tuple[str | None, ...]:
    """A documented path's segments: literals, and None for each parameter."""
    return tuple(None if re.fullmatch(r"\{[^{}]+\}", s) else s for s in path.split("/")[1:])


def match_path(pattern: tuple[str | None, ...], segments: list[str]) -> list[str] | None:
    """The parameters' values when ``segments`` fit ``pattern``; a parameter is never empty."""
    if len(pattern) != len(segments):
        return None
    values = []
    for want, got in zip(pattern, segments, strict=True):
        if want is None:
            if not got:
                return None
            values.append(got)
        elif want != got:
            return None
    return values
