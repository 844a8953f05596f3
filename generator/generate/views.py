"""What the templates render: the model, turned into Python names, types and docs.

The templates hold the shape of the code; everything they need to decide is decided
here, so a template never inspects the model itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from .. import __version__
from ..model import (
    ApiModel,
    Operation,
    Parameter,
    Schema,
    child_schemas,
    is_json,
    is_success,
)
from ..names import (
    NameSpace,
    async_class_name,
    class_name,
    client_attributes,
    constant_name,
    inline_class_name,
    literal,
    module_name,
    operations_class_name,
    pages_method_name,
    pascal_case,
    safe_argument,
    safe_attribute,
    schema_class_names,
    snake_case,
    stream_method_name,
    waiter_name,
)
from ..runtime.errors import ERROR_CLASS_NAMES
from ..runtime.waiters import LIFECYCLE_FIELDS, is_failure
from .example_calls import example_call
from .metadata import PackageMetadata, Publishing, distribution_name, package_metadata

# Names a models module imports: a field of that name would shadow them in annotations.
MODULE_NAMES = frozenset({"date", "datetime"})
# Names an operation's method uses itself: its parameters must not shadow them.
METHOD_LOCALS = frozenset(
    {"self", "body", "timeout", "models", "endpoints", "response", "ApiResponse", "httpx"}
    | {"date", "datetime", "Any", "Literal", "FileBody", "AsyncFileBody"}
)
# Where the pages' root-relative links (``/iaas/Content/...``) lead.
DOCS_SITE = "https://docs.oracle.com"
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_DEPRECATED = re.compile(r"\(\s*deprecated\s*\)", re.IGNORECASE)
_RELATIVE_LINK = re.compile(r"""(\]\(|href=")(/[^)"\s]*)""")
PRIMITIVE_TYPES = {"integer": "int", "number": "float", "boolean": "bool", "null": "None"}
STRING_FORMATS = {"date-time": "datetime", "date": "date", "binary": "bytes"}


@dataclass
class FieldView:
    name: str
    alias: str
    annotation: str
    required: bool
    default: str | None  # Python source of the default, None when required
    doc: str | None

    @property
    def aliased(self) -> bool:
        return self.alias != self.name


@dataclass
class ClassView:
    """A pydantic model class, or a type alias for a schema that is not an object."""

    name: str
    doc: str | None
    fields: list[FieldView] = field(default_factory=list)
    alias_of: str | None = None  # set for aliases: "list[Session]", "A | B"
    # The classes its annotations name, sorted: a view holds no sets, so equal views
    # pickle to equal bytes in any process (see ``render.Renderings``).
    uses: tuple[str, ...] = ()
    page_url: str | None = None  # the page the schema was read from, when known


@dataclass
class ModuleView:
    name: str  # module name inside NAME.models
    classes: list[ClassView] = field(default_factory=list)
    imports: dict[str, list[str]] = field(default_factory=dict)  # module -> class names

    @property
    def annotations(self) -> str:
        """Every annotation the module's classes hold, as one text."""
        return " ".join(
            [f.annotation for cls in self.classes for f in cls.fields]
            + [cls.alias_of for cls in self.classes if cls.alias_of]
        )

    @property
    def completed_late(self) -> list[str]:
        """The model classes that name a class or alias defined below them in the module.
        pydantic cannot finish such a class as it is defined (it would be finished on
        its first validation, too late for serializing one read inside another type),
        so the module finishes it once every name is defined."""
        # The order the template defines them in: the classes, then the aliases.
        order = [c.name for c in self.classes if not c.alias_of]
        order += [c.name for c in self.classes if c.alias_of]
        position = {name: index for index, name in enumerate(order)}
        return [
            cls.name
            for cls in self.classes
            if not cls.alias_of
            and any(position.get(used, -1) > position[cls.name] for used in cls.uses)
        ]

    @property
    def import_groups(self) -> list[list[str]]:
        """The module's import lines, grouped and ordered as isort orders them."""
        uses = _names_in(self.annotations)
        standard = _imports(uses)
        fields = [f for cls in self.classes for f in cls.fields]
        third_party = ["from pydantic import Field"] if any(f.aliased for f in fields) else []
        bases = sorted(
            ({"Model"} if any(cls.alias_of is None for cls in self.classes) else set())
            | ({"OpenEnum"} & uses)
        )
        local = [f"from .._model import {', '.join(bases)}"] if bases else []
        local += [
            f"from .{source} import {', '.join(names)}"
            for source, names in sorted(self.imports.items())
        ]
        return [group for group in (standard, third_party, local) if group]


@dataclass(frozen=True)
class TypeView:
    """A Python type for a schema, with what it needs: the named classes it refers to
    and the inline classes made for it (to be placed in a module with it)."""

    text: str
    refs: frozenset[str] = frozenset()  # named classes the text names
    classes: tuple[ClassView, ...] = ()

    @property
    def model_names(self) -> frozenset[str]:
        return self.refs | {cls.name for cls in self.classes}

    @property
    def is_model_class(self) -> bool:
        """Whether the type is exactly one pydantic model class."""
        return any(cls.name == self.text and cls.alias_of is None for cls in self.classes)

    def nullable(self) -> TypeView:
        if self.text == "Any" or "None" in self.text.split(" | "):
            return self
        return TypeView(f"{self.text} | None", self.refs, self.classes)


def _union(parts: list[TypeView]) -> TypeView:
    return TypeView(
        " | ".join(dict.fromkeys(t.text for t in parts)),
        frozenset().union(*(t.refs for t in parts)),
        tuple(cls for t in parts for cls in t.classes),
    )


@dataclass
class ParameterView:
    name: str  # Python keyword argument
    wire_name: str
    location: str  # path | query | header | form
    annotation: str
    required: bool
    doc: str | None


@dataclass
class ErrorView:
    status: str
    error_class: str
    description: str | None


@dataclass
class WaiterView:
    """A method that polls a get operation until its resource is in a wanted state."""

    name: str  # claimed with the operations' names, see build_views
    resource: str  # the model class the get operation answers
    field: str  # the model's attribute that holds the lifecycle state
    states: str  # the annotation of one wanted state: Literal[...]
    values: list[str]  # the documented states, in their order
    failed: list[str]  # documented states that end a wait as a failure
    gone: str | None  # the state a 404 stands for, when documented


@dataclass
class OperationView:
    name: str
    constant: str  # the endpoint's constant in _endpoints.py
    title: str
    description: str | None
    method: str
    path: str
    tag: str | None
    parameters: list[ParameterView]
    body_annotation: str | None
    body_format: str | None  # json | form | multipart | bytes
    body_doc: str | None
    data_annotation: str  # what ``.data`` holds
    data_type: str | None  # the expression, evaluated lazily, that parses it
    data_format: str  # json | text | bytes | none
    errors: list[ErrorView]
    request_id: bool
    retry_token: bool
    page_parameter: str | None
    # The method that yields every page, when the operation pages; named with the
    # others (see build_views), so no operation's own name can take it.
    pages_name: str | None = None
    waiter: WaiterView | None = None
    page_url: str | None = None  # the operation's page, when the book's URL is known
    form_files: list[str] = field(default_factory=list)  # a form's fields that are files
    # The method that gives the response's file as it arrives, when it answers one;
    # named with the pagers (see build_views).
    stream_name: str | None = None
    # What a call warns, when the book marks the operation deprecated.
    deprecation: str | None = None
    example: str | None = None  # Python lines of a call as the page documents it

    @property
    def paginated(self) -> bool:
        return self.pages_name is not None

    @property
    def readme_signature(self) -> str:
        """The method as the README shows it: keyword-only, as it is defined; on one
        line when that is short, else a parameter a line."""
        required = [f"{p.name}: {p.annotation}" for p in self.parameters if p.required]
        body = [f"body: {self.body_annotation}"] if self.body_annotation else []
        optional = [f"{p.name}: {p.annotation} = None" for p in self.parameters if not p.required]
        parameters = [
            "*",
            *required,
            *body,
            *optional,
            "timeout: float | httpx.Timeout | None = None",
        ]
        head, tail = f"client.{self.name}(", f") -> ApiResponse[{self.data_annotation}]"
        line = head + ", ".join(parameters) + tail
        if len(line) <= 88:
            return line
        return head + "\n" + "".join(f"    {p},\n" for p in parameters) + tail

    @property
    def async_body_annotation(self) -> str | None:
        """The body's type in ``AsyncClient``, which also streams async iterators."""
        return "AsyncFileBody" if self.body_format == "bytes" else self.body_annotation

    @property
    def pager_parameters(self) -> list[ParameterView]:
        """The pager's parameters: the operation's, less the page it sets itself."""
        return [p for p in self.parameters if p.name != self.page_parameter]


@dataclass
class OperationGroupView:
    """One tag's operations: a module of methods that the clients inherit."""

    module: str  # NAME._operations.<module>
    class_name: str  # NotebookOperations
    async_class_name: str  # AsyncNotebookOperations
    tag: str | None
    models: ModuleView  # the inline schemas of these operations
    operations: list[OperationView] = field(default_factory=list)

    @property
    def uses(self) -> set[str]:
        """The names from datetime, typing and models that the signatures use."""
        return _names_used(self.operations)

    @property
    def waits(self) -> bool:
        return any(op.waiter for op in self.operations)

    @property
    def streams(self) -> bool:
        return any(op.stream_name for op in self.operations)

    @property
    def warns(self) -> bool:
        return any(op.deprecation for op in self.operations)

    @property
    def standard_imports(self) -> list[str]:
        """The module's imports from the standard library, in isort's order."""
        pages = any(op.paginated for op in self.operations)
        abc = ["AsyncIterator", "Iterator"] if pages else []
        abc += ["Collection"] if self.waits else []
        lines = ["import warnings"] if self.warns else []
        lines += [f"from collections.abc import {', '.join(sorted(abc))}"] if abc else []
        if self.streams:
            lines.append(
                "from contextlib import AbstractAsyncContextManager, AbstractContextManager"
            )
        return lines + _imports(self.uses)

    @property
    def runtime_imports(self) -> list[str]:
        """The module's imports from the fixed modules that its methods use, in isort's
        order (``waiters`` apart)."""
        lines = []
        if any(op.body_format == "bytes" for op in self.operations):
            lines.append("from .._bodies import AsyncFileBody, FileBody")
        pages = any(op.paginated for op in self.operations)
        runtime = ["ApiResponse", *(["async_iterate_pages", "iterate_pages"] if pages else [])]
        lines.append(f"from .._runtime import {', '.join(runtime)}")
        if self.streams:
            lines.append("from .._streaming import AsyncStreamedResponse, StreamedResponse")
        return lines


@dataclass(frozen=True)
class Site:
    """Where a book is published and where its service answers, when known."""

    docs_url: str | None = None  # the book's folder, e.g. https://docs.oracle.com/.../aiwap/
    endpoint: str | None = None  # the service's address template ({region}, {secondLevelDomain})
    # The package's license and repository.
    publishing: Publishing = field(default_factory=Publishing)


@dataclass
class PackageView:
    package: str
    distribution: str
    version: str
    title: str
    header_text: str
    modules: list[ModuleView]
    exports: dict[str, str]  # class name -> module, in the order isort imports them
    export_names: list[str]  # the class names, in the order ruff sorts ``__all__``
    operations: list[OperationView]
    groups: list[OperationGroupView]
    tags: list[str]  # the book's, in its order
    # The README's sections: each tag's operations, in the book's order of tags (then
    # any tag the book's index does not list), then those without a tag (under None).
    sections: list[tuple[str | None, list[OperationView]]]
    # What the response types in _endpoints.py import (``dict[str, Any]``, ``datetime``).
    endpoint_imports: list[str]
    metadata: PackageMetadata  # what the package says of itself on an index
    # The service's address template: the book's setting, else what its index states.
    endpoint: str | None = None
    # What the clients send as User-Agent: the package, its version, and docs2sdk's.
    # Whether the API follows Oracle Cloud's conventions (its pages give a regional
    # endpoint, or document opc-request-id or opc-retry-token): its README then offers
    # OCI config files and request signing, which are of no use to any other API.
    oracle: bool = False
    user_agent: str = ""
    # The operation the README streams a file with, when one answers a file.
    file_example: OperationView | None = None


def is_deprecated(title: str) -> bool:
    """Whether a title carries the book's "(Deprecated)" marker. Markers are not part
    of a method's name: the title, with them, is its docstring's first line."""
    return _DEPRECATED.search(title) is not None


def absolute_links(text: str | None) -> str | None:
    """``text`` with its root-relative links (Markdown or HTML) made absolute against
    the docs site, so that they work where the text is read: an editor, a README."""
    return _RELATIVE_LINK.sub(lambda m: m[1] + DOCS_SITE + m[2], text) if text else text


def schema_doc(schema: Schema) -> str | None:
    """The description, then the constraints and allowed values the pages give."""
    description = absolute_links(schema.description)
    lines = [description.strip()] if description else []
    facts = []
    for label, value in (
        ("Title", schema.title),
        ("Format", schema.format),
        ("Default", schema.default),
        ("Minimum length", schema.min_length),
        ("Maximum length", schema.max_length),
        ("Minimum", schema.minimum),
        ("Maximum", schema.maximum),
        ("Pattern", schema.pattern),
        ("Minimum items", schema.min_items),
        ("Maximum items", schema.max_items),
    ):
        if value is not None:
            facts.append(f"{label}: {value!r}" if isinstance(value, str) else f"{label}: {value}")
    if schema.read_only:
        facts.append("Read only.")
    if schema.enum:
        facts.append("Allowed values: " + ", ".join(repr(v) for v in schema.enum) + ".")
    for label, value in (schema.labels or {}).items():
        facts.append(f"{label}: {value}")
    if facts:
        lines.append(" ".join(f if f.endswith(".") else f + "." for f in facts))
    return "\n\n".join(lines) if lines else None


class _Builder:
    """Turns schemas into classes and types. Building a type changes nothing here but
    the class names it claims: what it needs comes back as data (``TypeView``), and
    ``place`` puts that in a module."""

    def __init__(self, model: ApiModel, docs_url: str | None = None) -> None:
        self.model = model
        self.docs_url = docs_url
        self.class_names = NameSpace()
        self.module_of: dict[str, str] = {}  # class name -> module
        self.modules: dict[str, ModuleView] = {}
        self.model_classes: set[str] = set()  # named classes, as opposed to type aliases
        self.named = schema_class_names(model.schemas, self.class_names)  # schema -> class
        # What the inline classes being made are named after: the operation or the
        # named schema they are part of (see ``inline_class_name``).
        self.root = ""

    # ------------------------------------------------------------------ modules
    def plan_modules(self) -> None:
        """One module per group of schemas that refer to each other in a cycle, so
        importing one schema imports only what it needs, never everything."""
        module_names = NameSpace({"__init__"})
        for group in _cycles(self.model):
            first = min(self.named[n] for n in group)
            module = module_names.claim(module_name(first))
            view = self.modules.setdefault(module, ModuleView(module))
            for name in sorted(group):
                schema = self.model.schemas[name]
                if self.is_object(schema):
                    self.model_classes.add(self.named[name])
                self.root = self.named[name]
                type_view = self.class_type(self.named[name], schema)
                # The class itself, and any it holds inline: the schema's page shows them.
                for cls in type_view.classes:
                    cls.page_url = self.page_url(schema.page)
                self.place(type_view, view)

    def place(self, type_view: TypeView, module: ModuleView) -> None:
        """Put the classes a type needs in ``module``."""
        module.classes.extend(type_view.classes)
        for cls in type_view.classes:
            self.module_of[cls.name] = module.name

    def page_url(self, page: str) -> str | None:
        """Where a page of the book is published, when that is known."""
        # The book's URL names a folder, with or without its closing slash.
        return urljoin(self.docs_url.rstrip("/") + "/", page) if self.docs_url else None

    def link_modules(self) -> None:
        """Each module's imports: the classes its classes use from other modules."""
        for module in self.modules.values():
            imports: dict[str, list[str]] = {}
            for used in sorted({name for cls in module.classes for name in cls.uses}):
                source = self.module_of[used]
                if source != module.name:
                    imports.setdefault(source, []).append(used)
            module.imports = imports

    def class_type(self, name: str, schema: Schema) -> TypeView:
        """The class (or alias) ``name`` for ``schema``, and the inline classes it needs."""
        view = ClassView(name, schema_doc(schema))
        if not self.is_object(schema):
            alias = self.annotation(schema, name, nullable=False)
            view.alias_of, view.uses = alias.text, tuple(sorted(alias.model_names))
            return TypeView(name, frozenset(), (view, *alias.classes))
        view.fields, needed = self.fields(name, schema)
        view.uses = tuple(sorted(needed.model_names))
        patterns = [wire for wire in self.model.merged_properties(schema)[0] if "*" in wire]
        if patterns:
            # A name with a wildcard (``logo-*``) stands for many fields, none of
            # them named that: what a server sends under them stays in model_extra.
            kept = ", ".join(f"``{wire}``" for wire in patterns)
            note = f"Fields named {kept} (any name of that form) are kept in ``model_extra``."
            view.doc = f"{view.doc}\n\n{note}" if view.doc else note
        return TypeView(name, frozenset(), (view, *needed.classes))

    def is_object(self, schema: Schema) -> bool:
        if schema.ref is not None:
            return False
        if schema.properties:
            return True
        return bool(schema.all_of) and not schema.one_of and not schema.any_of

    def fields(self, owner: str, schema: Schema) -> tuple[list[FieldView], TypeView]:
        """The fields of a model class, and (as one type) what their types need."""
        props, required = self.model.merged_properties(schema)
        names = NameSpace()
        out = []
        types = []
        for wire, prop in props.items():
            if "*" in wire:
                continue  # a pattern of names, not a name: see class_type
            py = names.claim(safe_attribute(snake_case(wire), MODULE_NAMES))
            type_view = self.annotation(prop, owner + pascal_case(wire))
            types.append(type_view)
            is_required = wire in required
            default = None
            if not is_required:
                if prop.default is not None and prop.enum is None:
                    default = literal(prop.default)
                else:
                    default = "None"
                type_view = type_view.nullable()
            out.append(FieldView(py, wire, type_view.text, is_required, default, schema_doc(prop)))
        return out, _union(types)

    # ------------------------------------------------------------------ types
    def annotation(
        self,
        schema: Schema,
        context: str,
        nullable: bool = True,
        open_enums: bool = True,
    ) -> TypeView:
        """The Python type of ``schema``; inline objects become classes named ``context``.

        Model fields keep enum values the pages do not list (``OpenEnum``), so a
        response from a newer server still parses; parameters take only listed ones.
        """
        type_view = self._annotation(schema, context, open_enums)
        return type_view.nullable() if nullable and schema.nullable else type_view

    def _annotation(self, schema: Schema, context: str, open_enums: bool) -> TypeView:
        if schema.ref is not None:
            target = self.named[schema.ref]
            return TypeView(target, frozenset({target}))
        if schema.enum and schema.type in ("string", "integer", "number", "boolean", None):
            values = ", ".join(literal(v) for v in schema.enum if v is not None)
            if not open_enums:
                return TypeView(f"Literal[{values}]")
            return TypeView(f"Annotated[Literal[{values}], OpenEnum]")
        members = schema.one_of or schema.any_of
        if members:
            return _union(
                [
                    self.annotation(m, f"{context}Option{i}", open_enums=open_enums)
                    for i, m in enumerate(members, 1)
                ]
            )
        if self.is_object(schema):
            name = inline_class_name(context, self.root)
            return self.class_type(self.class_names.claim_class(class_name(name)), schema)
        type_ = schema.type or ""
        if " | " in type_:
            return _union(
                [self._annotation(Schema(type=t), context, open_enums) for t in type_.split(" | ")]
            )
        if type_ == "array":
            if schema.items is None:
                return TypeView("list[Any]")
            item = self.annotation(schema.items, f"{context}Item", open_enums=open_enums)
            return TypeView(f"list[{item.text}]", item.refs, item.classes)
        if type_ == "object" or (not type_ and schema.additional_properties is not None):
            if isinstance(schema.additional_properties, Schema):
                value = self.annotation(
                    schema.additional_properties, f"{context}Value", open_enums=open_enums
                )
                return TypeView(f"dict[str, {value.text}]", value.refs, value.classes)
            return TypeView("dict[str, Any]")
        if type_ in ("string", "file"):
            return TypeView(
                "bytes" if type_ == "file" else STRING_FORMATS.get(schema.format or "", "str")
            )
        return TypeView(PRIMITIVE_TYPES.get(type_, "Any"))

    def qualify(self, type_view: TypeView, module: ModuleView) -> str:
        """Place what an operation's type needs in the tag's models module, and give
        the type as code outside the models writes it: ``list[models.Session]``
        (quoted enum values are left alone)."""
        self.place(type_view, module)
        model_names = type_view.model_names
        parts = re.split(r"""('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""", type_view.text)
        for i in range(0, len(parts), 2):
            parts[i] = re.sub(
                r"\b[A-Za-z_]\w*\b",
                lambda m: f"models.{m[0]}" if m[0] in model_names else m[0],
                parts[i],
            )
        return "".join(parts)

    # ------------------------------------------------------------------ operations
    def operation(self, op: Operation, module: ModuleView, constants: NameSpace) -> OperationView:
        names = NameSpace(METHOD_LOCALS)
        context = self.root = pascal_case(op.name)
        parameters = []
        for p in sorted(op.parameters, key=lambda p: not p.always_required):
            if p.in_ == "form":
                continue
            parameters.append(self.parameter(p, names, context, module))
        body_annotation, body_format, body_doc = self.body(op, context, module)
        data_annotation, data_type, data_format = self.data(op, context, module)
        errors = [
            ErrorView(
                r.status, ERROR_CLASS_NAMES.get(r.status, "ApiError"), absolute_links(r.description)
            )
            for r in op.responses
            if not is_success(r.status) and r.status != "default"
        ]
        header_names = {p.name.lower() for p in op.parameters if p.in_ == "header"}
        page = next(
            (p for p in parameters if p.wire_name == "page" and p.location == "query"), None
        )
        next_page = any(
            h.name.lower() == "opc-next-page"
            for r in op.responses
            if is_success(r.status)
            for h in r.headers
        )
        return OperationView(
            name=op.name,
            constant=constants.claim(constant_name(op.name)),
            title=op.title,
            description=absolute_links(op.description),
            method=op.method.upper(),
            path=op.path,
            tag=op.tag,
            parameters=parameters,
            body_annotation=body_annotation,
            body_format=body_format,
            body_doc=body_doc,
            data_annotation=data_annotation,
            data_type=data_type,
            data_format=data_format,
            errors=errors,
            request_id="opc-request-id" in header_names,
            retry_token="opc-retry-token" in header_names,
            page_parameter=page.name if page else None,
            pages_name=pages_method_name(op.name) if page is not None and next_page else None,
            waiter=self.waiter(op),
            page_url=self.page_url(op.page),
            form_files=[
                p.name for p in op.parameters if p.in_ == "form" and self.is_file(p.schema_)
            ],
            stream_name=stream_method_name(op.name) if data_format == "bytes" else None,
            deprecation=(
                f"{op.name} is deprecated: {self.page_url(op.page) or op.page}"
                if is_deprecated(op.title)
                else None
            ),
        )

    def waiter(self, op: Operation) -> WaiterView | None:
        """A wait on ``op``, when it reads one resource (a GET on an item's path) whose
        model documents its lifecycle states."""
        if op.method != "get" or not op.path.endswith("}"):
            return None
        response = next((r for r in op.responses if is_success(r.status) and r.content), None)
        schema = _primary(response.content).schema_ if response else None
        if schema is None or schema.ref is None:
            return None
        properties = self.model.merged_properties(schema)[0]
        wire = next((name for name in LIFECYCLE_FIELDS if name in properties), None)
        state = self.model.resolve(properties[wire]) if wire else None
        values = [v for v in (state.enum or []) if isinstance(v, str)] if state else []
        if len(values) < 2:
            return None  # a single documented state is nothing to wait for
        resource = self.named[schema.ref]
        owner = self.modules[self.module_of[resource]].classes
        field = next(
            (
                f.name
                for cls in owner
                if cls.name == resource
                for f in cls.fields
                if f.alias == wire
            ),
            None,
        )
        if field is None:
            return None
        return WaiterView(
            name=waiter_name(resource),
            resource=resource,
            field=field,
            states=f"Literal[{', '.join(literal(v) for v in values)}]",
            values=values,
            failed=[v for v in values if is_failure(v)],
            gone="DELETED" if "DELETED" in values else None,
        )

    def parameter(
        self, p: Parameter, names: NameSpace, context: str, module: ModuleView
    ) -> ParameterView:
        name = names.claim(safe_argument(snake_case(p.name), METHOD_LOCALS))
        annotation = self.qualify(
            self.annotation(p.schema_, context + pascal_case(p.name), open_enums=False), module
        )
        doc = "\n\n".join(x for x in (absolute_links(p.description), schema_doc(p.schema_)) if x)
        required = p.always_required
        if not required and "None" not in annotation.split(" | "):
            annotation = f"{annotation} | None"
        return ParameterView(name, p.name, p.in_, annotation, required, doc or None)

    def body(
        self, op: Operation, context: str, module: ModuleView
    ) -> tuple[str | None, str | None, str | None]:
        """(annotation, format, description) of the request body."""
        rb = op.request_body
        description = absolute_links(rb.description) if rb else None
        form = [p for p in op.parameters if p.in_ == "form"]
        if form:
            media_types = [c.media_type.lower() for c in rb.content] if rb else []
            multipart = any(self.is_file(p.schema_) for p in form) or any(
                media_type.startswith("multipart/") for media_type in media_types
            )
            if multipart:
                files = (
                    "A file field takes bytes, an open binary file, a ``pathlib.Path`` or "
                    "an iterator of bytes, sent as it is read."
                )
                description = f"{description.strip()}\n\n{files}" if description else files
            return "dict[str, Any]", "multipart" if multipart else "form", description
        if rb is None or not rb.content:
            return None, None, None
        content = _primary(rb.content)
        if not is_json(content.media_type) or self.is_file(content.schema_):
            sent = (
                "bytes, an open binary file, a ``pathlib.Path`` or an iterator of bytes "
                "(AsyncClient: also an async iterator), sent as it is read. Bytes, a path "
                "and a seekable file are sent again when the call is retried; a stream "
                "that cannot be rewound is not retried once read from."
            )
            doc = (
                f"{description.strip()}\n\nThe file: {sent}" if description else f"The file: {sent}"
            )
            return "FileBody", "bytes", doc
        request = self.annotation(content.schema_, f"{context}Request")
        annotation = self.qualify(request, module)
        if request.is_model_class or request.text in self.model_classes:
            # A dict is sent as given: a mistake in the docs must not block a request.
            checked = f"A ``{annotation}`` is checked when built; a dict is sent as given."
            doc = f"{description.strip()}\n\n{checked}" if description else checked
            return f"{annotation} | dict[str, Any]", "json", doc
        return annotation, "json", description

    def data(self, op: Operation, context: str, module: ModuleView) -> tuple[str, str | None, str]:
        """(annotation, type expression, format) of the success body. A file (a body
        the docs call binary, or of a media type that is neither JSON nor text) is
        bytes; only text the docs do not call binary is decoded."""
        for response in op.responses:
            if not is_success(response.status) or not response.content:
                continue
            content = _primary(response.content)
            if self.is_file(content.schema_) or not is_json(content.media_type):
                if content.media_type.startswith("text/") and not self.is_file(content.schema_):
                    return "str", None, "text"
                return "bytes", None, "bytes"
            if content.schema_ is None:
                return "Any", None, "json"
            annotation = self.qualify(
                self.annotation(content.schema_, f"{context}Response"), module
            )
            return annotation, annotation, "json"
        return "None", None, "none"

    def is_file(self, schema: Schema | None) -> bool:
        """Whether a schema is a file's content: ``string(binary)``, or ``file``."""
        resolved = self.model.resolve(schema) if schema is not None else None
        return resolved is not None and (
            resolved.type == "file" or (resolved.type == "string" and resolved.format == "binary")
        )


def _primary(content: list[Any]) -> Any:
    return next((c for c in content if is_json(c.media_type)), content[0])


def _cycles(model: ApiModel) -> list[list[str]]:
    """Groups of named schemas that refer to each other (strongly connected
    components), in a deterministic order."""
    graph = {name: sorted(_refs(schema)) for name, schema in model.schemas.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        # Iterative Tarjan: schemas can nest deeper than Python's recursion limit.
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            edges = [e for e in graph[node] if e in graph]
            if i < len(edges):
                work.append((node, i + 1))
                nxt = edges[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                groups.append(sorted(group))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return groups


def _refs(schema: Schema) -> set[str]:
    out = {schema.ref} if schema.ref else set()
    for _key, child in child_schemas(schema):
        out |= _refs(child)
    return out


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """A key that sorts numbers in names by value: ``Model2`` before ``Model10``."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part
    )


def _kind(name: str) -> int:
    """How isort and ruff group names: CONSTANTS, then Classes, then the rest."""
    if len(name) > 1 and name.upper() == name and name.lower() != name:
        return 0
    return 1 if name[:1].isupper() else 2


def _import_order(name: str, module: str) -> tuple[Any, ...]:
    """The order of ``from .module import name as name`` lines, as isort sorts them."""
    return (_natural(module.lower()), module, _kind(name), _natural(name.lower()), name)


def _all_order(name: str) -> tuple[Any, ...]:
    """The order of an ``__all__`` as ruff sorts it (RUF022)."""
    return (_kind(name), _natural(name))


def header_text(title: str) -> str:
    """The first line of every generated file (as a comment in each file's syntax)."""
    return f'Generated by docs2sdk from "{title}". Do not edit by hand.'


def _names_used(operations: list[OperationView]) -> set[str]:
    """The names from datetime and typing that these operations' signatures use, and
    ``models`` when they name a model."""
    return _names_in(
        " ".join(
            f"{op.body_annotation} {op.data_annotation} "
            + " ".join(p.annotation for p in op.parameters)
            + (f" {op.waiter.states}" if op.waiter else "")
            for op in operations
        )
    )


def _names_in(text: str) -> set[str]:
    """The names from datetime, typing and _model that annotations in ``text`` use (a
    module's imports are read from what it holds). An enum's quoted values
    (``Literal["date"]``) name nothing."""
    code = _QUOTED.sub("''", text)
    return {
        name
        for name in ("date", "datetime", "Annotated", "Any", "Literal", "OpenEnum", "models")
        if _mentions(code, name)
    }


def _mentions(text: str, name: str) -> bool:
    """Whether ``name`` stands in ``text`` as a name of its own (not ``models.name``)."""
    return re.search(rf"(?<![.\w]){re.escape(name)}\b", text) is not None


def _imports(names: set[str]) -> list[str]:
    """Import lines for names from datetime and typing."""
    lines = []
    if dates := sorted({"date", "datetime"} & names):
        lines.append(f"from datetime import {', '.join(dates)}")
    if typing_names := sorted({"Annotated", "Any", "Literal"} & names):
        lines.append(f"from typing import {', '.join(typing_names)}")
    return lines


def _sections(
    model: ApiModel, groups: dict[str | None, OperationGroupView]
) -> list[tuple[str | None, list[OperationView]]]:
    """The README's sections (see ``PackageView.sections``)."""
    tags = dict.fromkeys([*(t.name for t in model.tags), *(t for t in groups if t is not None)])
    sections: list[tuple[str | None, list[OperationView]]] = [
        (tag, groups[tag].operations) for tag in tags if tag in groups
    ]
    untagged = groups.get(None)
    return [*sections, (None, untagged.operations)] if untagged else sections


def build_views(
    model: ApiModel, package: str, version: str, site: Site | None = None
) -> PackageView:
    site = site or Site()
    builder = _Builder(model, site.docs_url)
    builder.plan_modules()
    constants = NameSpace()
    group_modules = NameSpace({"__init__"})
    group_classes = NameSpace({"Client", "AsyncClient"})
    groups: dict[str | None, OperationGroupView] = {}
    for op in model.operations:
        group = groups.get(op.tag)
        if group is None:
            # Each tag's operations, and the inline schemas they use, get modules of
            # their own: small files, formatted in parallel, rebuilt only when changed.
            base = snake_case(op.tag) if op.tag else "other"
            sync_class = group_classes.claim(operations_class_name(op.tag))
            group = groups[op.tag] = OperationGroupView(
                module=group_modules.claim(module_name(base)),
                class_name=sync_class,
                async_class_name=group_classes.claim(async_class_name(sync_class)),
                tag=op.tag,
                models=ModuleView(f"_{module_name(base)}"),
            )
        held = len(group.models.classes)
        group.operations.append(builder.operation(op, group.models, constants))
        for cls in group.models.classes[held:]:  # inline in its bodies: its page shows them
            cls.page_url = builder.page_url(op.page)
        if group.models.classes:
            builder.modules[group.models.name] = group.models
    builder.link_modules()
    operations = [op for group in groups.values() for op in group.operations]
    classes = {cls.name: cls for module in builder.modules.values() for cls in module.classes}
    documented = {op.name: op for op in model.operations}
    for operation in operations:
        operation.example = example_call(documented[operation.name], operation, classes)
    # Pagers are named last, in the client's whole namespace: an operation keeps its name.
    methods = NameSpace(client_attributes() | {op.name for op in operations})
    for operation in operations:
        if operation.pages_name is not None:
            operation.pages_name = methods.claim(operation.pages_name)
        if operation.stream_name is not None:
            operation.stream_name = methods.claim(operation.stream_name)
        if operation.waiter is not None:
            operation.waiter.name = methods.claim(operation.waiter.name)
    title = model.title or package
    distribution = distribution_name(package)
    streams = [op for op in operations if op.stream_name]
    return PackageView(
        package=package,
        distribution=distribution,
        version=version,
        title=title,
        header_text=header_text(title),
        modules=sorted(builder.modules.values(), key=lambda m: m.name),
        exports=dict(sorted(builder.module_of.items(), key=lambda item: _import_order(*item))),
        export_names=sorted(builder.module_of, key=_all_order),
        operations=operations,
        groups=list(groups.values()),
        tags=[t.name for t in model.tags],
        sections=_sections(model, groups),
        endpoint_imports=_imports(
            _names_in(" ".join(op.data_type or "" for g in groups.values() for op in g.operations))
        ),
        endpoint=site.endpoint or model.endpoint,
        metadata=package_metadata(
            version, [t.name for t in model.tags], site.docs_url, site.publishing
        ),
        oracle=bool(site.endpoint or model.endpoint)
        or any(op.request_id or op.retry_token for op in operations),
        user_agent=f"{distribution}/{version} docs2sdk/{__version__}",
        # The shortest to write.
        file_example=min(streams, key=lambda op: (len(op.name), op.name)) if streams else None,
    )
