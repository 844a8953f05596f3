"""Whether the examples the pages show fit the schemas they document.

An example that does not is kept in the model as the page shows it; the scrape reports
it and the stub does not serve it. Both ask here, so they agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .model import ApiModel, Content, Example, Operation, is_json
from .stub_schemas import schema_data

if TYPE_CHECKING:
    from .runtime.server._schemas import Checker


@dataclass(frozen=True)
class Misfit:
    """A documented example that does not fit the schema it documents."""

    page: str
    what: str  # "example request body", "example 200 response body"
    problem: str  # where in the example, and how it differs


@dataclass(frozen=True)
class Body:
    """A body with a JSON schema, as the stub reads its schema."""

    operation: Operation
    status: str | None  # its response's status; None for the request's
    content: Content
    schema: dict[str, Any]


def example_misfits(model: ApiModel) -> list[Misfit]:
    """The JSON examples the pages show that do not fit their own schema."""
    checker = schema_checker(model)
    found = []
    for body in json_bodies(model):
        what = f"example {body.status} response body" if body.status else "example request body"
        for example in body.content.examples:
            problem = misfit(checker, body.schema, example)
            if problem is not None:
                found.append(Misfit(body.operation.page, what, problem))
    return found


def schema_checker(model: ApiModel) -> Checker:
    """The stub's own checker, over the model's named schemas."""
    # Imported here: the server package loads the HTTP stack, which only this needs.
    from .runtime.server._schemas import Checker, Schemas

    return Checker(Schemas({name: schema_data(s) for name, s in model.schemas.items()}))


def json_bodies(model: ApiModel) -> list[Body]:
    """Each request and response body with a JSON schema. (All made at once and kept:
    ``Schemas`` caches by a schema's identity.)"""
    found = []
    for op in model.operations:
        request = op.request_body.content if op.request_body else []
        bodies: list[tuple[str | None, Content]] = [(None, c) for c in request]
        bodies += [(r.status, c) for r in op.responses for c in r.content]
        for status, content in bodies:
            if content.schema_ is not None and is_json(content.media_type):
                found.append(Body(op, status, content, schema_data(content.schema_)))
    return found


def misfit(checker: Checker, schema: dict[str, Any], example: Example) -> str | None:
    """How a JSON example differs from its schema; None where it fits, or is not JSON."""
    from .runtime.server._errors import Invalid

    if example.text is not None:
        return None
    try:
        checker.check(example.value, schema, "")
    except Invalid as error:
        return f"{error.where or 'the body'} {error.problem}"
    return None
