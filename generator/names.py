"""Python names for what the pages name: safe, readable and deterministic."""

from __future__ import annotations

import ast
import builtins
import functools
import keyword
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

# Attributes of pydantic's BaseModel: a field of that name would shadow them.
MODEL_ATTRIBUTES = frozenset(
    {
        "construct", "copy", "dict", "json", "schema", "schema_json", "validate", "fields",
        "parse_obj", "parse_raw", "parse_file", "from_orm", "update_forward_refs",
    }
)  # fmt: skip
# Names the generated modules import or define themselves.
RESERVED_CLASS_NAMES = frozenset(
    {
        "Annotated", "Any", "BaseModel", "ConfigDict", "Field", "Literal", "Model",
        "OpenEnum", "TYPE_CHECKING", "annotations", "date", "datetime",
    }
)  # fmt: skip


@functools.cache
def client_attributes() -> frozenset[str]:
    """What every generated client has of its own (``close``, ``from_oci_config``...):
    no operation takes these names. Read from the runtime's source, not imported from
    it: naming methods does not need the HTTP stack the clients import."""
    source = (Path(__file__).parent / "runtime" / "_base.py").read_text(encoding="utf-8")
    classes = {node.name: node for node in ast.parse(source).body if isinstance(node, ast.ClassDef)}
    names: set[str] = set()
    todo = ["SyncBase", "AsyncBase"]
    while todo:
        cls = classes[todo.pop()]
        todo += [base.id for base in cls.bases if isinstance(base, ast.Name) and base.id in classes]
        for statement in cls.body:
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
                names.add(statement.name)
            elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                names.add(statement.target.id)
            elif isinstance(statement, ast.Assign):
                names.update(t.id for t in statement.targets if isinstance(t, ast.Name))
    return frozenset(name for name in names if not name.startswith("_"))


_BUILTINS = frozenset(dir(builtins))
# Python's keywords as of 3.10, the oldest version generated code runs on: the running
# interpreter's soft keywords depend on its version (3.12 made ``type`` one, though it is
# an ordinary name wherever a field or an argument stands), and the same pages must give
# the same names whichever Python builds them.
_KEYWORDS = frozenset(keyword.kwlist) | {"_", "case", "match"}


def is_keyword(name: str) -> bool:
    """Whether ``name`` is one of Python's keywords, hard or soft (see ``_KEYWORDS``)."""
    return name in _KEYWORDS


def package_problem(name: str) -> str | None:
    """Why ``name`` cannot be a generated package's import name, or None when it can."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        return "must be lower-case letters, digits and underscores, not starting with a digit"
    if is_keyword(name):
        return "is a Python keyword"
    return None


@functools.lru_cache(maxsize=16384)
def words_of(text: str) -> tuple[str, ...]:
    """Words of ``text``: split on non-alphanumerics and on lower-to-upper case changes.
    The same names recur (a parameter in every operation), hence the cache."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    plain = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", plain)
    plain = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", plain)
    return tuple(re.findall(r"[A-Za-z0-9]+", plain))


def snake_case(text: str) -> str:
    """``aiDataPlatformId`` -> ``ai_data_platform_id``, ``if-match`` -> ``if_match``."""
    name = "_".join(w.lower() for w in words_of(text))
    if not name:
        return "field"
    return f"field_{name}" if name[0].isdigit() else name


def pascal_case(text: str) -> str:
    """``actions-hosted-runner`` -> ``ActionsHostedRunner``; a name already in
    PascalCase is kept as it is."""
    if re.fullmatch(r"[A-Z][A-Za-z0-9]*", text):
        return text
    name = "".join(w[:1].upper() + w[1:] for w in words_of(text))
    if not name:
        return "Model"
    return f"Model{name}" if name[0].isdigit() else name


def safe_attribute(name: str, reserved: frozenset[str] = frozenset()) -> str:
    """A snake_case name that is safe as a model field, and is none of the
    ``reserved`` names its scope uses for itself."""
    if name in MODEL_ATTRIBUTES or name.startswith("model_"):
        return f"{name}_"
    return safe_argument(name, reserved)


def safe_argument(name: str, reserved: frozenset[str] = frozenset()) -> str:
    """A snake_case name that is safe as a keyword argument: not a keyword, not a
    builtin the code around it may use, none of the ``reserved`` names. Pydantic's
    own attributes (``fields``) are no concern of a method's arguments."""
    if (
        name in reserved
        or is_keyword(name)
        or name in ("self", "body", "cls")
        or (name in _BUILTINS and name not in ("id", "type", "input", "format", "filter"))
    ):
        return f"{name}_"
    return name


def module_name(text: str) -> str:
    """A module name for ``text``: snake_case, and ``_module`` after a keyword. Module
    names follow import rules, not a model field's (``schema``, ``model_version`` and
    ``list`` are fine module names)."""
    name = snake_case(text)
    return f"{name}_module" if is_keyword(name) else name


def safe_method(name: str) -> str:
    """A derived method name made safe: a keyword (``import``) or a name the clients
    have of their own (``close``) gets ``_`` after it, a leading digit ``op_`` before."""
    if name[:1].isdigit():
        name = f"op_{name}"
    if is_keyword(name) or name in client_attributes():
        return f"{name}_"
    return name


def method_problem(name: str) -> str | None:
    """Why ``name``, set in ``operation_names``, cannot be a method's name; None when it can."""
    if not name.isidentifier() or not name.isascii():
        return "is not a Python name (letters, digits and underscores, not starting with a digit)"
    if is_keyword(name):
        return "is a Python keyword"
    if name.startswith("_"):
        return "starts with an underscore, which the clients keep for their own names"
    if name in client_attributes():
        return "is the name of a method every client has"
    return None


def constant_name(method: str) -> str:
    """The module constant that describes an operation's endpoint: ``GET_SESSION``."""
    return method.upper()


def pages_method_name(method: str) -> str:
    """The method that yields every page of a paginated operation's results."""
    return f"{method}_pages"


def stream_method_name(method: str) -> str:
    """The method that gives an operation's file as it arrives, not held whole."""
    return f"{method}_stream"


def operations_class_name(tag: str | None) -> str:
    """The class of one tag's methods: ``Notebook`` -> ``NotebookOperations``; a tag
    that already ends in the word (``AsyncOperations``) does not get it twice."""
    stem = pascal_case(tag) if tag else "Other"
    return stem if stem.endswith("Operations") else f"{stem}Operations"


def async_class_name(name: str) -> str:
    """The asyncio twin of a class: ``Async`` in front, or ``Aio`` where the name
    already starts with ``Async`` (``AioAsyncOperations``, not ``AsyncAsyncOperations``)."""
    return f"Aio{name}" if re.match(r"Async(?![a-z])", name) else f"Async{name}"


def waiter_name(resource: str) -> str:
    """The method that waits for a resource (``AgentSession``) to reach a state:
    ``wait_for_agent_session``."""
    return f"wait_for_{snake_case(resource)}"


# The longest name a model class gets.
CLASS_NAME_LIMIT = 48


def inline_class_name(context: str, root: str) -> str:
    """The class of an inline schema: ``context`` is what it is part of, from ``root``
    (the operation's or named schema's class) down (``CreateRepoRequestSecurityAndAnalysis``);
    past ``CLASS_NAME_LIMIT`` characters, the root and the nearest words that fit
    (``CreateOrgCodeSecurityConfigurationReviewersItem``)."""
    if len(context) <= CLASS_NAME_LIMIT or not context.startswith(root) or not root:
        return _fitted(context)
    return _fitted(context, root)


def _fitted(name: str, head: str = "", limit: int = CLASS_NAME_LIMIT) -> str:
    """``name`` within ``limit`` characters: ``head`` (else its first word) and as
    many of its last words as fit."""
    if len(name) <= limit:
        return name
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+|[A-Z]", name[len(head) :])
    if not head:
        head = words.pop(0)
    tail = ""
    while words and len(head) + len(words[-1]) + len(tail) <= limit:
        tail = words.pop() + tail
    return (head + tail)[-limit:]


def class_name(text: str) -> str:
    """A schema's class: its name in PascalCase, within ``CLASS_NAME_LIMIT`` characters."""
    name = _fitted(pascal_case(text))
    return f"{name}Model" if name in RESERVED_CLASS_NAMES else name


class NameSpace:
    """Hands out distinct names: the second ``x`` becomes ``x_2``, and so on."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.taken: set[str] = set(taken)

    def claim(self, name: str) -> str:
        candidate, n = name, 2
        while candidate in self.taken:
            candidate, n = f"{name}_{n}", n + 1
        self.taken.add(candidate)
        return candidate

    def claim_class(self, name: str) -> str:
        """A class name, numbered where taken, within ``CLASS_NAME_LIMIT`` characters
        with its number."""
        candidate, n = name, 2
        while candidate in self.taken:
            suffix = f"_{n}"
            candidate, n = _fitted(name, limit=CLASS_NAME_LIMIT - len(suffix)) + suffix, n + 1
        self.taken.add(candidate)
        return candidate


def schema_class_names(schemas: Iterable[str], names: NameSpace) -> dict[str, str]:
    """The class of each named schema, claimed in ``names`` in the schemas' order: the
    generated package and its changelog call a schema's class the same."""
    return {schema: names.claim_class(class_name(schema)) for schema in schemas}


def literal(value: object) -> str:
    """Python source for a value, quoted as black quotes it (double quotes unless that
    needs more escapes), so black has nothing to redo."""
    if isinstance(value, str):
        text = repr(value)
        if text[0] == "'" and '"' not in value and "'" not in value:
            return f'"{text[1:-1]}"'
        return text
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    return repr(value)
