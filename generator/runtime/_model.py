"""The base of every model, and how responses that differ from the docs are read.

A response is first read as documented. When it does not fit, ``read`` reads it as far
as it fits and notes each difference in ``problems``: a field whose value does not fit
its documented type keeps the value as sent, a documented field that is missing is None,
and an enum value the pages do not list is kept. A value documented as one of several
types is read as the first that it fits, else as the one it differs from least, and
only that one's differences are noted. (Fields the pages do not list are kept in any
model read, unnoted.) A model the caller builds gets no such leniency: it is checked in
full, and a keyword that names no field is refused.
"""

from __future__ import annotations

import difflib
import functools
import types
from typing import Annotated, Any, Union, get_args, get_origin

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

# The validation context of a response read as documented: keys the docs do not list
# are kept, and nothing else that differs from the docs is.
_AS_DOCUMENTED: dict[str, Any] = {"response": True}
# (model class, field name) -> the field's type, its constraints and OpenEnum included.
_FIELD_TYPES: dict[tuple[type[Any], str], Any] = {}
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
    def _refuse_unknown_keys(
        cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> Self:
        if not _in_response(info) and isinstance(value, dict):
            # Built by a caller (a nested dict too): a key that names no field is a
            # mistake, not a field to send.
            unknown = sorted(map(str, value.keys() - _keywords(cls)))
            if unknown:
                raise ValueError(f"{', '.join(map(repr, unknown))}: not a field of {cls.__name__}")
        model: Self = handler(value)
        return model

    @classmethod
    def _lenient(cls, value: dict[str, Any], problems: list[str]) -> Self:
        """The model with every field that fits typed, and the others as sent."""
        if not cls.__pydantic_complete__:
            # Read through another model's schema, this class may not have resolved the
            # names its annotations give as text yet (a class defined further down).
            cls.model_rebuild()
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
            inside: list[str] = []
            try:
                fields[name] = read(_field_type(cls, name, field), value[key], inside)
            except ValidationError as exc:
                fields[name] = value[key]
                inside = [f"{exc.errors()[0]['msg']}, kept as sent"]
            problems.extend(f"{cls.__name__}.{key}: {problem}" for problem in inside)
        extra = {key: item for key, item in value.items() if key not in known}
        return cls.model_construct(set(fields) | set(extra), **fields, **extra)


def read(annotation: Any, value: Any, problems: list[str]) -> Any:
    """``value``, a response's JSON, as ``annotation``: as documented when it fits,
    else as far as it fits, with each difference noted in ``problems``. Raises
    ``ValidationError`` when not even its shape fits (a list for an object)."""
    adapter = _adapter(annotation)
    try:
        return adapter.validate_python(value, context=_AS_DOCUMENTED)
    except ValidationError as error:
        misfit = error
    # Constraints and OpenEnum apply to a value of a simple type, read last.
    target = get_args(annotation)[0] if get_origin(annotation) is Annotated else annotation
    origin = get_origin(target)
    if origin in (Union, types.UnionType):
        return _read_one_of(get_args(target), value, problems, misfit)
    if isinstance(target, type) and issubclass(target, Model):
        if not isinstance(value, dict):
            raise misfit
        return target._lenient(value, problems)
    if origin is list and isinstance(value, list):
        (item,) = get_args(target)
        return [_read_item(item, each, problems) for each in value]
    if origin is dict and isinstance(value, dict):
        _, item = get_args(target)
        return {key: _read_item(item, each, problems) for key, each in value.items()}
    # A value of a simple type, or an enum's (whose OpenEnum keeps what it does not list).
    return adapter.validate_python(value, context={**_AS_DOCUMENTED, "problems": problems})


def _read_one_of(
    members: tuple[Any, ...], value: Any, problems: list[str], misfit: ValidationError
) -> Any:
    """The value as the member of a union it differs from least (the first of those),
    with that member's differences alone. A key the member does not document counts as
    a difference here, though it is no problem: it tells the members apart."""
    best: tuple[int, Any, list[str]] | None = None
    for member in members:
        if member is type(None):
            continue
        inside: list[str] = []
        try:
            read_as = read(member, value, inside)
        except ValidationError:
            continue
        undocumented = len(read_as.model_extra or ()) if isinstance(read_as, Model) else 0
        differences = len(inside) + undocumented
        if best is None or differences < best[0]:
            best = (differences, read_as, inside)
    if best is None:
        raise misfit
    problems.extend(best[2])
    return best[1]


def _read_item(annotation: Any, value: Any, problems: list[str]) -> Any:
    """An item of a list or a map: as far as it fits, else as sent."""
    try:
        return read(annotation, value, problems)
    except ValidationError as exc:
        problems.append(f"{exc.errors()[0]['msg']}, kept as sent")
        return value


@functools.cache
def _adapter(annotation: Any) -> TypeAdapter[Any]:
    return TypeAdapter(annotation)


def _field_type(cls: type[Model], name: str, field: FieldInfo) -> Any:
    annotation = _FIELD_TYPES.get((cls, name))
    if annotation is None:
        annotation = field.annotation
        if field.metadata:  # constraints and OpenEnum, kept apart by pydantic
            # Annotated[annotation, *metadata], as Python 3.10 can parse it.
            parameters = (annotation, *field.metadata)
            annotation = Annotated[parameters]
        _FIELD_TYPES[(cls, name)] = annotation
    return annotation


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


def _in_response(info: ValidationInfo) -> bool:
    """Whether a response is being read (not a model built by a caller)."""
    return isinstance(info.context, dict) and info.context.get("response") is True


def response_problems(info: ValidationInfo) -> list[str] | None:
    """Where to note what differs from the docs, when a response is read as far as it
    fits (and not as documented)."""
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
