"""Render the package's files from the Jinja2 templates."""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
from jinja2.bccache import Bucket

from .. import DEFAULT_TEMPLATES, progress
from ..cache import Cache, code_digest, default_root
from ..model import ApiModel
from ..names import literal
from ..runtime.errors import ERROR_CLASS_NAMES
from .commands import command_line_view, command_table, input_schemas
from .package_tests import package_tests
from .quickstart import quick_start
from .server_spec import server_spec, spec_json
from .views import PackageView

# The fixed modules every package gets as they are (see ``generator/runtime``).
RUNTIME = Path(__file__).resolve().parents[1] / "runtime"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def docstring(text: str, indent: int, start: int | None = None, width: int = 88) -> str:
    """Text made safe inside a triple-quoted docstring and wrapped to ``width``, with its
    lines after the first at ``indent``. ``start`` is the column of the first line when
    something such as ``name: `` comes before it there."""
    text = _CONTROL.sub("", text).strip().replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if text.endswith('"') and not text.endswith('\\"'):  # it would run into the closing quotes
        text = text[:-1] + '\\"'
    lines: list[str] = []
    for number, line in enumerate(text.splitlines()):
        lead = max(0, start - indent) if start is not None and number == 0 else 0
        if lead + len(line) + indent > width and not line.startswith((" ", "|", "```")):
            wrapped = textwrap.wrap(
                line,
                max(40, width - indent),
                initial_indent=" " * lead,
                break_long_words=False,
                break_on_hyphens=False,
            )
            wrapped[0] = wrapped[0][lead:]
            # No trailing spaces, as black would strip them (and then format the file twice).
            lines.extend(part.rstrip() for part in wrapped)
        else:
            lines.append(line.rstrip())
    return ("\n" + " " * indent).join(lines).replace(" " * indent + "\n", "\n")


def entry(text: str, name: str, indent: int) -> str:
    """``name: text``, one entry of a docstring's ``Args:`` (or ``Raises:``, or a class's
    ``Attributes:``) at ``indent``; the text's further lines hang 4 columns deeper."""
    return f"{name}: " + docstring(text, indent + 4, indent + len(name) + 2)


def comment(text: str) -> str:
    return " ".join(_CONTROL.sub("", text).split())


def sentence(text: str) -> str:
    """A title as the first line of a docstring: ends with a full stop."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def pyrepr(value: Any) -> str:
    return literal(value)


def tomlstr(value: str) -> str:
    """A quoted string of TOML, which is also one of JSON (Jinja's ``tojson`` would
    escape HTML)."""
    return json.dumps(value, ensure_ascii=False)


def environment(templates: Path | None, cache_root: Path | None = None) -> jinja2.Environment:
    """Templates from ``templates`` where it has them, the defaults for the rest;
    compiled once and kept in the cache at ``cache_root`` (the default's when None)."""
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(DEFAULT_TEMPLATES)]
    if templates is not None:
        loaders.insert(0, jinja2.FileSystemLoader(templates))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        bytecode_cache=_TemplateCache(cache_root if cache_root is not None else default_root()),
    )
    env.filters.update(
        docstring=docstring,
        entry=entry,
        comment=comment,
        pyrepr=pyrepr,
        sentence=sentence,
        tomlstr=tomlstr,
        jsonstr=tomlstr,
    )
    return env


class _TemplateCache(jinja2.BytecodeCache):
    """Templates compiled, and what each reads, kept in the cache: a build that renders
    few files neither compiles nor parses every template again. Entries are keyed by
    Jinja's version and this module's code (which sets how templates compile: blocks
    trimmed, newlines kept) as well; Jinja itself checks compiled code against the
    template's source and the Python version."""

    def __init__(self, root: Path | None) -> None:
        self._cache = Cache(root, "templates")
        self._made_by = Cache.key(jinja2.__version__, code_digest(Path(__file__)))

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._cache.get(Cache.key(self._made_by, bucket.key))
        if isinstance(code, bytes):
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._cache.put(Cache.key(self._made_by, bucket.key), bucket.bytecode_to_string())

    def reads(self, env: jinja2.Environment, source: str) -> _SourceReads:
        key = Cache.key(self._made_by, "reads", source)
        found: _SourceReads | None = self._cache.get(key)
        if found is None:
            found = _source_reads(env, source)
            self._cache.put(key, found)
        return found


# The templates a source includes, imports or extends (None for one named by a
# value), and the names it reads from the context.
_SourceReads = tuple[tuple[str | None, ...], tuple[str, ...]]


def _source_reads(env: jinja2.Environment, source: str) -> _SourceReads:
    tree = env.parse(source)
    referenced = tuple(jinja2.meta.find_referenced_templates(tree))
    return referenced, tuple(sorted(jinja2.meta.find_undeclared_variables(tree)))


@dataclass
class Renderings:
    """Rendered files by a digest of the template and of the values it reads: those
    rendered before (``before``, the last build's) and those rendered now (``now``).
    With the last build's, a build after one page changed renders only the files
    whose values changed."""

    before: Mapping[str, str] = field(default_factory=dict)
    now: dict[str, str] = field(default_factory=dict)
    rendered: int = 0  # files rendered now
    reused: int = 0  # files found rendered
    _reads: dict[jinja2.Template, tuple[str, tuple[str, ...]] | None] = field(
        default_factory=dict, init=False, repr=False
    )

    def render(self, template: jinja2.Template, context: Mapping[str, Any]) -> str:
        if template not in self._reads:
            self._reads[template] = _template_reads(template)
        reads = self._reads[template]
        if reads is None:  # what it reads is known only as it renders
            self.rendered += 1
            return template.render(context)
        sources, names = reads
        key = _digest(sources, [(name, context.get(name)) for name in names])
        text = self.now.get(key)
        if text is None:
            text = self.before.get(key)
        if text is None:
            text = template.render(context)
            self.rendered += 1
        else:
            self.reused += 1
        self.now[key] = text
        return text


def _digest(sources: str, values: Any) -> str:
    """A digest of templates' sources and the values they read. The values are pickled
    whole at each place they stand, so equal values give equal bytes however their
    parts are shared (a page parsed now shares strings differently from one read from
    the cache); views hold no sets, whose order would vary by process. The bytes go
    straight into the digest: a README's view of every operation is never held as
    bytes."""
    digest = hashlib.sha256(sources.encode())
    pickler = pickle.Pickler(_Feed(digest), protocol=5)
    pickler.fast = True  # no memo, so no references back to parts already written
    pickler.dump(values)
    return digest.hexdigest()


class _Feed:
    """A file that writes into a digest."""

    def __init__(self, digest: hashlib._Hash) -> None:
        self.write = digest.update


def _template_reads(template: jinja2.Template) -> tuple[str, tuple[str, ...]] | None:
    """The sources of a template and of the templates it includes, imports or extends,
    and the names of the values they read from the context; None when it names a
    template by a value (known only as it renders)."""
    env = template.environment
    assert env.loader is not None and template.name is not None
    cache = env.bytecode_cache
    assert isinstance(cache, _TemplateCache)  # as ``environment`` makes them
    sources: dict[str, str] = {}
    names: set[str] = set()
    todo = [template.name]
    while todo:
        name = todo.pop()
        if name in sources:
            continue
        sources[name] = env.loader.get_source(env, name)[0]
        referenced, read = cache.reads(env, sources[name])
        names.update(read)
        for other in referenced:
            if other is None:
                return None
            todo.append(other)
    text = "\0".join(f"{name}\0{source}" for name, source in sorted(sources.items()))
    return text, tuple(sorted(names))


def check_templates(env: jinja2.Environment, templates: Path) -> None:
    """Refuse a template of one's own that nothing renders: one that replaces no default
    template (a misspelt name) and that no template includes, imports or extends (unless
    one names a template by a value, known only as it renders)."""
    assert env.loader is not None
    own = {path.relative_to(templates).as_posix() for path in templates.rglob("*.j2")}
    defaults = {
        p.relative_to(DEFAULT_TEMPLATES).as_posix() for p in DEFAULT_TEMPLATES.rglob("*.j2")
    }
    referenced: set[str | None] = set()
    for name in own | defaults:
        tree = env.parse(env.loader.get_source(env, name)[0])
        referenced.update(jinja2.meta.find_referenced_templates(tree))
    unused = sorted(own - defaults - referenced)
    if unused and None not in referenced:
        raise jinja2.TemplateError(
            f"{templates / unused[0]}: replaces no template, and no template includes it; "
            f"the templates are {', '.join(sorted(defaults))}"
        )


def render_package(
    view: PackageView,
    templates: Path | None = None,
    *,
    model: ApiModel,
    renderings: Renderings | None = None,
) -> dict[str, str]:
    """Every file of the generated project, by its path relative to the project;
    ``model`` is what the views came from, which the stub server describes;
    ``renderings`` holds files rendered before, to reuse where nothing they read
    changed."""
    env = environment(templates)
    if templates is not None:
        check_templates(env, templates)
    renderings = renderings if renderings is not None else Renderings()
    package = view.package
    spec = server_spec(model)
    common: dict[str, Any] = {
        **vars(view),
        "header": f"# {view.header_text}",
        "error_classes": sorted(ERROR_CLASS_NAMES.items()),
    }
    example = quick_start(model, view, spec)
    commands = command_table(model, view, spec)
    common["command_line"] = command_line_view(commands, example)
    # The README's example (the format stage lays it out as code; a test runs it).
    common["quick_start"] = example and env.get_template("quick_start.py.j2").render(
        common, qs=example
    )
    common["test_calls"], common["test_module"] = package_tests(model, view, spec)
    files = {
        "pyproject.toml": "pyproject.toml.j2",
        "MANIFEST.in": "MANIFEST.in.j2",
        "README.md": "README.md.j2",
        "tests/conftest.py": "tests/conftest.py.j2",
        "tests/test_operations.py": "tests/test_operations.py.j2",
        "tests/calls.json": "tests/calls.json.j2",
        f"{package}/__init__.py": "package/__init__.py.j2",
        f"{package}/py.typed": "package/py.typed.j2",
        f"{package}/_endpoints.py": "package/_endpoints.py.j2",
        f"{package}/client.py": "package/client.py.j2",
        f"{package}/models/__init__.py": "package/models/__init__.py.j2",
        f"{package}/_operations/__init__.py": "package/_operations/__init__.py.j2",
    }
    if example:
        files["tests/test_readme.py"] = "tests/test_readme.py.j2"
    # Each tag's operations, and each module of models, from one template apiece.
    parts = [
        (
            f"{package}/_operations/{group.module}.py",
            "package/_operations/group.py.j2",
            "group",
            group,
        )
        for group in view.groups
    ] + [
        (f"{package}/models/{module.name}.py", "package/models/module.py.j2", "module", module)
        for module in view.modules
    ]
    out = runtime_files(package, common["header"])
    out[f"{package}/_server_spec.json"] = spec_json(spec, view.header_text)
    # What the command line and the agent tools read (see ``commands``).
    out[f"{package}/_commands.json"] = spec_json(commands, view.header_text)
    out[f"{package}/_input_schemas.json"] = spec_json(input_schemas(model, view), view.header_text)
    # The files made from templates, as the progress counts them.
    with progress.stage("generate", len(files) + len(parts), "files") as counter:
        for path, name in files.items():
            out[path] = renderings.render(env.get_template(name), common)
            counter.advance()
        for path, name, key, part in parts:
            out[path] = renderings.render(env.get_template(name), {**common, key: part})
            counter.advance()
        counter.note = f"{renderings.rendered} rendered, {renderings.reused} from the cache"
    return out


def runtime_files(package: str, header: str) -> dict[str, str]:
    """The fixed modules, by their path in the package, each under the header line."""
    out = {}
    for path in sorted(RUNTIME.rglob("*.py")):
        relative = path.relative_to(RUNTIME).as_posix()
        if relative != "__init__.py":
            out[f"{package}/{relative}"] = f"{header}\n{path.read_text(encoding='utf-8')}"
    return out
