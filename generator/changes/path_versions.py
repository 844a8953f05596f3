"""API versions in paths: Oracle's ``/20260430/...``, and ``/api/v1/...`` elsewhere.

A new version of an API moves every path to a new version segment while the rest of
each path stays; these helpers let what is keyed by a path survive such a move.
"""

from __future__ import annotations

import re

# A date (20260430, 2026-04-30) or v1, v2beta1, v1.2.
_VERSION_SEGMENT = re.compile(r"\d{8}|\d{4}-\d{2}-\d{2}|v\d+(\.\d+)*([a-z]+\d*)?", re.IGNORECASE)


def is_version_segment(segment: str) -> bool:
    return _VERSION_SEGMENT.fullmatch(segment) is not None


def versionless(path: str) -> str:
    """``/20260430/things/{id}`` -> ``/{version}/things/{id}``: the path with its first
    version segment masked, the same for every version of the API."""
    segments = path.split("/")
    for i, segment in enumerate(segments):
        if is_version_segment(segment):
            return "/".join([*segments[:i], "{version}", *segments[i + 1 :]])
    return path
