"""What SDK users change in their code for a breaking change: the call or name they
write today and what replaces it, in the generated SDK's own terms."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..generate.views import OperationView, ParameterView, build_views
from ..model import ApiModel, Operation, Parameter
from ..names import NameSpace, schema_class_names


@dataclass(frozen=True)
class Migration:
    note: str  # what to do, in words
    old: str = ""  # the code users write today
    new: str = ""  # the code that replaces it; "" where nothing does

    def to_json(self) -> dict[str, str]:
        return {"note": self.note, "old": self.old, "new": self.new}


class Calls:
    """How users call each operation and name each schema in the SDKs of both models;
    worked out on first use, since most diffs break nothing."""

    def __init__(self, old: ApiModel, new: ApiModel) -> None:
        self._old_model = old
        self._new_model = new

    @cached_property
    def _old(self) -> dict[tuple[str, str], OperationView]:
        return _operation_views(self._old_model)

    @cached_property
    def _new(self) -> dict[tuple[str, str], OperationView]:
        return _operation_views(self._new_model)

    def old_call(self, op: Operation, mention: Parameter | None = None) -> str:
        return _call(self._old[(op.method.upper(), op.path)], mention)

    def new_call(self, op: Operation, mention: Parameter | None = None) -> str:
        return _call(self._new[(op.method.upper(), op.path)], mention)

    def old_argument(self, op: Operation, param: Parameter) -> str:
        return _argument(self._old[(op.method.upper(), op.path)], param)

    def new_argument(self, op: Operation, param: Parameter) -> str:
        return _argument(self._new[(op.method.upper(), op.path)], param)

    @cached_property
    def _old_classes(self) -> dict[str, str]:
        return _class_names(self._old_model)

    @cached_property
    def _new_classes(self) -> dict[str, str]:
        return _class_names(self._new_model)

    def old_class(self, schema: str) -> str:
        return f"models.{self._old_classes[schema]}"

    def new_class(self, schema: str) -> str:
        return f"models.{self._new_classes[schema]}"


def _operation_views(model: ApiModel) -> dict[tuple[str, str], OperationView]:
    # The package name shows in no method signature.
    views = build_views(model, "sdk", "0.0.0")
    return {(op.method, op.path): op for op in views.operations}


def _class_names(model: ApiModel) -> dict[str, str]:
    return schema_class_names(model.schemas, NameSpace())


def _argument(view: OperationView, param: Parameter) -> str:
    """The keyword argument of ``param`` in the generated method; a form field is a
    key of the ``body`` dict."""
    return next((p.name for p in view.parameters if _is(p, param)), f'body["{param.name}"]')


def _is(view: ParameterView, param: Parameter) -> bool:
    return (view.wire_name, view.location) == (param.name, param.in_)


def _call(view: OperationView, mention: Parameter | None) -> str:
    """``client.get_session(ai_data_platform_id=..., session_id=..., region=...)``: the
    required arguments (all keyword arguments), and ``mention`` (an optional one) where
    the note is about it."""
    args = [f"{p.name}=..." for p in view.parameters if p.required]
    args += [
        f"{p.name}=..."
        for p in view.parameters
        if not p.required and mention is not None and _is(p, mention)
    ]
    if view.body_annotation is not None:
        args.append("body=...")
    return f"client.{view.name}({', '.join(args)})"
