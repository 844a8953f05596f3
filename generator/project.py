"""The project's own job: every book in ``input/`` built into ``generated/``."""

from __future__ import annotations

import difflib
import functools
import hashlib
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from . import DEFAULT_TEMPLATES
from .cache import Cache, code_digest, default_root, file_digests
from .config import CONFIG_NAME, BookConfig, load_config
from .errors import Diagnostics
from .write import read_tree, write_file_atomic, write_tree
from .yamlio import ItemPlaces, ItemTexts

if TYPE_CHECKING:
    from .diff import ApiDiff
    from .generate import Site
    from .model import ApiModel

INPUT_FOLDER = "input"
MODEL_FILE = "model.yaml"
OPENAPI_FILE = "openapi.yaml"
CHANGELOG_FILE = "CHANGELOG.md"
_VERSION_LINE = re.compile(r"^version:.*$", re.MULTILINE)
GENERATOR = Path(__file__).resolve().parent
# Their versions are part of what a cached build was made with.
OUTPUT_LIBRARIES = ("black", "Jinja2", "pydantic", "PyYAML", "beautifulsoup4", "lxml")


@dataclass
class BookBuild:
    """One book's generated project, ready to write."""

    config_path: Path
    config: BookConfig
    output: Path
    files: dict[str, str]
    diagnostics: Diagnostics
    changes: ApiDiff | None = None  # against the committed model, when asked for


def book_configs(root: Path) -> list[tuple[Path, BookConfig]]:
    return [
        (path, load_config(path)) for path in sorted((root / INPUT_FOLDER).glob(f"*/{CONFIG_NAME}"))
    ]


def project_files(
    model: ApiModel,
    package: str,
    version: str,
    templates: Path | None,
    *,
    site: Site | None = None,
    output: Path | None = None,
) -> dict[str, str]:
    """The generated project: the package, and the model and OpenAPI it came from;
    ``site`` is where the book and the service are, when known; ``output`` is where
    the last build of the package was written, if anywhere."""
    from .format import Formatting
    from .generate import Renderings, generate_package, header_text
    from .openapi import openapi_yaml

    header = f"# {header_text(model.title or package)}\n"
    # The files and the YAML of each operation and schema as the last build of this
    # package made them: a build after one page changed redoes only what it touches.
    root = default_root()
    slot = Cache.key(_generator_digest(), package)
    rendered_cache, documents_cache = Cache(root, "renderings"), Cache(root, "documents")
    renderings = Renderings(before=rendered_cache.get(slot) or {})
    code = generate_package(model, package, version, templates, site=site, renderings=renderings)
    rendered_cache.put(slot, renderings.now)
    del renderings
    with Formatting(code) as formatted:
        del code
        # Made here while the workers format the code.
        written = documents_cache.get(slot) or {}
        makers: dict[str, Callable[[ItemTexts], str]] = {
            MODEL_FILE: lambda texts: model.to_yaml(texts, head=header),
            OPENAPI_FILE: lambda texts: openapi_yaml(model, version, texts, head=header),
        }
        documents: dict[str, str] = {}
        for name, make in makers.items():
            texts = _texts_before(output / name if output else None, written.get(name))
            documents[name] = make(texts)
            written[name] = texts.written
            del texts  # the last build's document: 60 MB at ten thousand operations
        documents_cache.put(slot, written)
        return dict(sorted({**formatted(), **documents}.items()))


def _texts_before(path: Path | None, written: tuple[str, ItemPlaces] | None) -> ItemTexts:
    """The item texts of the document at ``path``, when it is still as the last build
    ``written`` it (no texts otherwise: an edited file is never read as the build's)."""
    if path is None or written is None:
        return ItemTexts()
    digest, places = written
    try:
        data = path.read_bytes()
    except OSError:
        return ItemTexts()
    if hashlib.sha256(data).hexdigest() != digest:
        return ItemTexts()
    return ItemTexts.of(data.decode("utf-8"), places)


def build_book(
    root: Path, config_path: Path, config: BookConfig, templates: Path | None, bump: bool = False
) -> BookBuild:
    """Scrape and generate one book. With ``bump``, compare the API with the committed
    model, raise the version as the changes call for, and add a changelog entry.

    A book built before from the same pages, settings, templates and generator, whose
    output folder still holds what that build made, is not built again (``check`` with
    nothing changed reads no page)."""
    output = root / config.output
    changelog_path = output / CHANGELOG_FILE
    changelog = changelog_path.read_text(encoding="utf-8") if changelog_path.exists() else None
    if bump and (output / MODEL_FILE).exists():
        return _bumped_build(root, config_path, config, templates, changelog)
    book = (config_path.parent / config.book).resolve()
    cache = Cache(default_root(), "builds")
    pages = file_digests(book)  # read once: the build's key, and each page's
    key = Cache.key(_generator_digest(), config.model_dump_json(), _listing_digest(pages),
                    _listing_digest(file_digests(templates)) if templates else "")  # fmt: skip
    # What this build made before: each file's digest, and the warnings.
    made: tuple[dict[str, str], Diagnostics] | None = cache.get(key)
    if made is not None:
        manifest, diagnostics = made
        current = _tree_as_made(output, manifest)
        if current is not None:  # generated/ holds it already: nothing to build
            return BookBuild(config_path, config, output, current, diagnostics)
    model, diagnostics = _model_of_book(book, config, pages)
    files = _files(model, config, templates, output)
    cache.put(key, ({path: _digest(text) for path, text in files.items()}, diagnostics))
    files[CHANGELOG_FILE] = changelog or _new_changelog(model, config)
    return BookBuild(config_path, config, output, dict(sorted(files.items())), diagnostics)


def _tree_as_made(output: Path, manifest: dict[str, str]) -> dict[str, str] | None:
    """The files in ``output`` when they are those of ``manifest`` (and a changelog);
    None when any differs, is missing or is extra."""
    files = read_tree(output)
    if set(files) != {*manifest, CHANGELOG_FILE}:
        return None
    if any(_digest(files[path]) != digest for path, digest in manifest.items()):
        return None
    return files


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _bumped_build(
    root: Path, config_path: Path, config: BookConfig, templates: Path | None, changelog: str | None
) -> BookBuild:
    from .diff import bump_version, diff_models
    from .model import load_model

    output = root / config.output
    model, diagnostics = _model_of_book((config_path.parent / config.book).resolve(), config)
    changelog = changelog or _new_changelog(model, config)
    changes = diff_models(load_model(output / MODEL_FILE), model)
    version = bump_version(config.version, changes.bump)
    if version != config.version:
        config = config.model_copy(update={"version": version})
        changelog = _with_entry(changelog, version, changes)
    files = {**_files(model, config, templates, output), CHANGELOG_FILE: changelog}
    return BookBuild(config_path, config, output, dict(sorted(files.items())), diagnostics, changes)


def _model_of_book(
    book: Path, config: BookConfig, pages: Mapping[str, str] | None = None
) -> tuple[ApiModel, Diagnostics]:
    # Scraping, generating and formatting are imported only when a book is built: they
    # take most of the command's start-up, which a cached build does not need.
    from .pipeline import model_from_book

    return model_from_book(book, config.operation_names, pages)


def _files(
    model: ApiModel, config: BookConfig, templates: Path | None, output: Path
) -> dict[str, str]:
    from .generate import Publishing, Site

    publishing = Publishing(config.license, config.repository, config.output)
    site = Site(docs_url=config.url, endpoint=config.endpoint, publishing=publishing)
    return project_files(model, config.package, config.version, templates, site=site, output=output)


def _new_changelog(model: ApiModel, config: BookConfig) -> str:
    from .generate import header_text

    return f"<!-- {header_text(model.title or config.package)} -->\n# Changelog\n"


@functools.cache
def _generator_digest() -> str:
    """A digest of the generator's code, its default templates, and the libraries
    whose versions decide its output."""
    versions = " ".join(metadata.version(name) for name in OUTPUT_LIBRARIES)
    code = code_digest(
        *GENERATOR.rglob("*.py"), *GENERATOR.rglob("*.pyi"), *DEFAULT_TEMPLATES.rglob("*.j2")
    )
    return f"{code} {versions}"


def _listing_digest(files: Mapping[str, str]) -> str:
    """A digest of a folder's ``file_digests``: of every file, by path and content."""
    return Cache.key(*(f"{path}\0{digest}" for path, digest in files.items()))


def _with_entry(changelog: str, version: str, changes: ApiDiff) -> str:
    """The changelog with the entry for ``version`` first, after its heading."""
    head, mark, entries = changelog.partition("\n## ")
    entry = changes.to_markdown().replace("## API changes", f"## {version}", 1).strip()
    older = f"## {entries}".strip() if mark else ""
    return "\n\n".join(part for part in (head.strip(), entry, older) if part) + "\n"


def build_all(
    root: Path, templates: Path | None = None, bump: bool = False, only: Collection[Path] = ()
) -> list[BookBuild]:
    """Every book built in memory, or those whose folders are in ``only``; nothing is
    written until all have succeeded."""
    folders = {folder.resolve() for folder in only}
    return [
        build_book(root, path, config, templates, bump)
        for path, config in book_configs(root)
        if not folders or path.parent.resolve() in folders
    ]


def write_builds(builds: list[BookBuild]) -> None:
    for build in builds:
        write_tree(build.output, build.files)
        text = build.config_path.read_text(encoding="utf-8")
        if load_config(build.config_path).version != build.config.version:
            # Only the version line changes: the file's comments and layout stay.
            updated = _VERSION_LINE.sub(f"version: {build.config.version}", text, count=1)
            write_file_atomic(build.config_path, updated)


def stale_diff(builds: list[BookBuild], root: Path) -> str:
    """A unified diff from what ``generated/`` holds to what a build would write;
    empty when it is current."""
    chunks: list[str] = []
    for build in builds:
        current = read_tree(build.output)
        base = build.output.relative_to(root).as_posix()
        for name in sorted(set(current) | set(build.files)):
            old, new = current.get(name, ""), build.files.get(name, "")
            if old != new:
                chunks.extend(
                    difflib.unified_diff(
                        old.splitlines(keepends=True),
                        new.splitlines(keepends=True),
                        fromfile=f"a/{base}/{name}" if name in current else "/dev/null",
                        tofile=f"b/{base}/{name}" if name in build.files else "/dev/null",
                    )
                )
    return "".join(chunks)
