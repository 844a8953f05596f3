"""The base of every model, and how responses that differ from the docs are read.

A response is read with a context (``_runtime.response_context``) that collects what
in it differs from the docs. There, a field whose value does not fit its documented
type keeps the value as sent, a documented field that is missing is None, and an enum
value the pages do not list is kept; each is noted. A body the caller builds gets no
such leniency: it is checked in full.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)
from typing_extensions import Self

# (model class, field name) -> the adapter that reads that field alone.
_FIELD_ADAPTERS: dict[tuple[type[Any], str], TypeAdapter[Any]] = {}


class Model(BaseModel):
    """Base of every model: Python names in code, the exact JSON names on the wire.

    Fields the pages do not list are kept (``model_extra``), so nothing a newer
    server sends is lost. Only the fields a caller set are sent.
    """

    model_config = ConfigDict(populate_by_name=True, extra="allow", protected_namespaces=())

    def to_wire(self) -> dict[str, Any]:
        """The JSON object to send: JSON names, only the fields that were set."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)

    @model_validator(mode="wrap")
    @classmethod
    def _read_what_was_sent(
        cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> Self:
        problems = response_problems(info)
        noted = len(problems) if problems is not None else 0
        try:
            model: Self = handler(value)
            return model
        except ValidationError:
            if problems is None or not isinstance(value, dict):
                raise
            del problems[noted:]  # what the failed pass noted is noted again, field by field
            return cls._lenient(value, problems)

    @classmethod
    def _lenient(cls, value: dict[str, Any], problems: list[str]) -> Self:
        """The model with every field that fits typed, and the others as sent."""
        fields: dict[str, Any] = {}
        known: set[str] = set()
        for name, field in cls.model_fields.items():
            key = field.alias or name
            known.add(key)
            if key not in value:
                if field.is_required():
                    problems.append(f"{cls.__name__}.{key}: documented as required, missing")
                    fields[name] = None
                continue
            adapter = _FIELD_ADAPTERS.get((cls, name))
            if adapter is None:
                annotation: Any = field.annotation
                if field.metadata:  # constraints and OpenEnum, kept apart by pydantic
                    annotation = Annotated[(annotation, *field.metadata)]
                adapter = _FIELD_ADAPTERS[(cls, name)] = TypeAdapter(annotation)
            inside: list[str] = []
            try:
                fields[name] = adapter.validate_python(value[key], context={"problems": inside})
            except ValidationError as exc:
                fields[name] = value[key]
                inside = [f"{exc.errors()[0]['msg']}, kept as sent"]
            problems.extend(f"{cls.__name__}.{key}: {problem}" for problem in inside)
        extra = {key: item for key, item in value.items() if key not in known}
        return cls.model_construct(set(fields) | set(extra), **fields, **extra)


def response_problems(info: ValidationInfo) -> list[str] | None:
    """Where to note what differs from the docs, when a response is being read."""
    context = info.context
    if isinstance(context, dict):
        problems = context.get("problems")
        if isinstance(problems, list):
            return problems
    return None


def _keep_unknown_in_responses(
    value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
) -> Any:
    try:
        return handler(value)
    except ValidationError:
        problems = response_problems(info)
        if problems is None:
            raise
        where = f"{info.field_name}: " if info.field_name else ""
        problems.append(f"{where}{value!r} is not a documented value, kept as sent")
        return value


# Enum fields check values a caller sets, and keep unlisted values a server sends.
OpenEnum = WrapValidator(_keep_unknown_in_responses)
