"""Generate stage: a model in, the files of an installable Python package out."""

from __future__ import annotations

import traceback
from pathlib import Path

import jinja2

from ..errors import Docs2SdkError
from ..model import ApiModel
from .metadata import Publishing
from .render import Renderings, render_package
from .views import Site, build_views, header_text

__all__ = ["Publishing", "Renderings", "Site", "TemplateError", "generate_package", "header_text"]


class TemplateError(Docs2SdkError):
    """A template that does not render; the message names the template and line."""


def generate_package(
    model: ApiModel,
    package: str,
    version: str = "0.1.0",
    templates: Path | None = None,
    *,
    site: Site | None = None,
    renderings: Renderings | None = None,
) -> dict[str, str]:
    """The generated project's files, unformatted, by relative path; ``renderings``
    holds files rendered before (see ``Renderings``)."""
    try:
        views = build_views(model, package, version, site or Site())
        return render_package(views, templates, model=model, renderings=renderings)
    except jinja2.TemplateError as exc:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".j2")]
        where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "a template"
        raise TemplateError(f"{where}: {exc}") from exc
