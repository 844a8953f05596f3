"""Generate stage: a model in, the files of an installable Python package out."""

from __future__ import annotations

from pathlib import Path

from ..model import ApiModel
from .render import render_package
from .views import build_views, header_text

__all__ = ["generate_package", "header_text"]


def generate_package(
    model: ApiModel, package: str, version: str = "0.1.0", templates: Path | None = None
) -> dict[str, str]:
    """The generated project's files, unformatted, by relative path."""
    return render_package(build_views(model, package, version), templates, model=model)
