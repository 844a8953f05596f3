"""Statements laid out as black lays them out, so that black has nothing to redo."""

from __future__ import annotations

from ..format import LINE_LENGTH


def from_import(module: str, names: list[str]) -> str:
    """``from module import names``; one name a line when that is too long."""
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= LINE_LENGTH:
        return line
    return "\n".join([f"from {module} import (", *(f"    {name}," for name in names), ")"])
