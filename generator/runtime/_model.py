"""The base of every model, and how responses that differ from the docs are read.

A response is read with a context (``problems``, see ``_runtime.read_response``) that
collects what in it differs from the docs. There, a field whose value does not fit its
documented type keeps the value as sent, a documented field that is missing is None,
and an enum value the pages do not list is kept; each is noted. (Fields the pages do not
list are kept in any model read, unnoted.) A model the caller builds gets no such
leniency: it is checked in full, and a keyword that names no field is refused.
"""

from __future__ import annotations

import difflib
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
from pydantic.fields import FieldInfo
from typing_extensions import Self

from ._bodies import jsonable

# (model class, field name) -> the adapter that reads that field alone.
_FIELD_ADAPTERS: dict[tuple[type[Any], str], TypeAdapter[Any]] = {}
# Model class -> the keywords it takes: its fields' Python names and JSON names.
_KEYWORDS: dict[type[Any], frozenset[str]] = {}


class Model(BaseModel):
    """Base of every model: Python names in code, the exact JSON names on the wire.

    Built by a caller, a model takes its fields by their Python names (or their JSON
    names) and refuses any other keyword, so a misspelt field is an error, not a field
    sent under the wrong name. Read from a response, fields the pages do not list are
    kept (``model_extra``), so nothing a newer server sends is lost. Only the fields a
    caller set are sent.
    """

    model_config = ConfigDict(populate_by_name=True, extra="allow", protected_namespaces=())

    def __init__(self, /, **data: Any) -> None:
        unknown = data.keys() - _keywords(type(self))
        if unknown:
            name = min(unknown)
            fields = list(type(self).model_fields)
            close = difflib.get_close_matches(name, fields, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; it takes {', '.join(fields)}"
            raise TypeError(
                f"{type(self).__name__}() got an unexpected keyword argument {name!r}{hint}"
            )
        super().__init__(**data)

    # What pydantic marks its own __init__ with: validation (reading a response) then
    # does not call this one, which is only for callers building a model.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    def to_wire(self) -> dict[str, Any]:
        """The JSON object to send: JSON names, only the fields that were set."""
        wire: dict[str, Any] = jsonable(self)
        return wire

    @model_validator(mode="wrap")
    @classmethod
    def _read_what_was_sent(
        cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> Self:
        problems = response_problems(info)
        if problems is None and isinstance(value, dict):
            # Built by a caller (a nested dict too): a key that names no field is a
            # mistake, not a field to send.
            unknown = sorted(map(str, value.keys() - _keywords(cls)))
            if unknown:
                raise ValueError(f"{', '.join(map(repr, unknown))}: not a field of {cls.__name__}")
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
            key = wire_name(name, field)
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


def wire_name(name: str, field: FieldInfo) -> str:
    """A field's name in JSON."""
    alias = field.validation_alias
    return alias if isinstance(alias, str) else field.alias or name


def _keywords(cls: type[Model]) -> frozenset[str]:
    keywords = _KEYWORDS.get(cls)
    if keywords is None:
        fields = cls.model_fields.items()
        keywords = _KEYWORDS[cls] = frozenset(
            [name for name, _ in fields] + [wire_name(name, field) for name, field in fields]
        )
    return keywords


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
