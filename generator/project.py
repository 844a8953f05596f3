"""The project's own job: every book in ``input/`` built into ``generated/``."""

from __future__ import annotations

import difflib
import functools
import hashlib
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from . import DEFAULT_TEMPLATES
from .cache import Cache, code_digest, default_root, file_digests
from .config import CONFIG_NAME, BookConfig, load_config
from .errors import ConfigError, Diagnostics, ScrapeError, ScrapeErrors, scrape_failure
from .write import MANIFEST, digest, manifest_text, read_owned, write_file_atomic, write_tree
from .yamlio import ItemPlaces, ItemTexts

if TYPE_CHECKING:
    from .changes.diff import ApiDiff
    from .generate import Site
    from .model import ApiModel

INPUT_FOLDER = "input"
MODEL_FILE = "model.yaml"
OPENAPI_FILE = "openapi.yaml"
CHANGELOG_FILE = "CHANGELOG.md"
# The value of a ``version:`` line, apart from what follows it (a comment stays).
_VERSION_LINE = re.compile(r"""^(version:[ \t]*)("[^"\n]*"|'[^'\n]*'|[^\s#]+)""", re.MULTILINE)
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


@dataclass(frozen=True)
class Book:
    """One ``input/*/docs2sdk.yaml``: its settings, and the folders they name, checked."""

    root: Path  # the project's
    config_path: Path
    config: BookConfig
    pages: Path  # the book's folder
    output: Path  # the package project's folder, which docs2sdk owns
    templates: Path | None


def book_configs(root: Path) -> list[Book]:
    """Every book of the project at ``root``, its settings read and its folders checked:
    no two books write to one folder, and no book's output is a place docs2sdk must never
    write (see ``_check_output``)."""
    root = root.resolve()
    books = [
        _book(root, path, load_config(path))
        for path in sorted((root / INPUT_FOLDER).glob(f"*/{CONFIG_NAME}"))
    ]
    for book in books:
        _check_output(root, book, books)
    return books


def _book(root: Path, config_path: Path, config: BookConfig) -> Book:
    folder = config_path.parent.resolve()
    templates = (folder / config.templates).resolve() if config.templates else None
    if templates is not None and not templates.is_dir():
        raise ConfigError(f"{config_path}: key templates: {config.templates!r} is not a folder")
    pages, output = (folder / config.book).resolve(), (root / config.output).resolve()
    return Book(root, config_path, config, pages, output, templates)


def _check_output(root: Path, book: Book, books: list[Book]) -> None:
    """Refuse an ``output`` that would put the package where it replaces what is not its
    own: outside the project, the project itself, its history, any book, another book's
    output (or a folder around one), the templates."""
    output, shown = book.output, book.config.output

    def refuse(why: str) -> ConfigError:
        return ConfigError(f"{book.config_path}: key output: {shown!r} {why}")

    if not output.is_relative_to(root):
        raise refuse(f"is outside the project ({root}): docs2sdk writes only inside it")
    if output == root:
        raise refuse("is the project's own folder: name a folder of its own, e.g. generated/NAME")
    if output.is_relative_to(root / ".git"):
        raise refuse("is inside the project's .git")
    protected = [(root / INPUT_FOLDER, "the books' folder")] + [
        (folder, f"the book of {_shown(other.config_path, root)}")
        for other in books
        for folder in (other.pages, other.config_path.parent.resolve())
    ]
    for folder, what in protected:
        if output.is_relative_to(folder) or folder.is_relative_to(output):
            raise refuse(f"overlaps {what} ({_shown(folder, root)})")
    if book.templates is not None and (
        output.is_relative_to(book.templates) or book.templates.is_relative_to(output)
    ):
        raise refuse(f"overlaps the book's templates ({book.config.templates})")
    for other in books:
        if other is not book and (
            output.is_relative_to(other.output) or other.output.is_relative_to(output)
        ):
            raise refuse(
                f"overlaps the output of {_shown(other.config_path, root)} "
                f"({other.config.output!r}): each book needs a folder of its own"
            )


def _shown(path: Path, root: Path) -> str:
    """``path`` as a user reads it in a message: relative to the project when inside it."""
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


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


def build_book(book: Book, bump: bool = False) -> BookBuild:
    """Scrape and generate one book. With ``bump``, compare the API with the committed
    model, raise the version as the changes call for, and add a changelog entry.

    A book built before from the same pages, settings, templates and generator, whose
    output folder still holds what that build made, is not built again (``check`` with
    nothing changed reads no page). A problem with a page is reported with the book's
    folder, since two books may have pages of one name."""
    folder = _shown(book.pages, book.root)
    try:
        return _build_book(book, bump)
    except ScrapeError as exc:
        raise exc.within(folder) from None
    except ScrapeErrors as exc:
        raise ScrapeErrors([error.within(folder) for error in exc.errors]) from None


def _build_book(book: Book, bump: bool) -> BookBuild:
    config, output = book.config, book.output
    changelog_path = output / CHANGELOG_FILE
    changelog = changelog_path.read_text(encoding="utf-8") if changelog_path.exists() else None
    if bump and (output / MODEL_FILE).exists():
        return _bumped_build(book, changelog)
    cache = Cache(default_root(), "builds")
    pages = file_digests(book.pages)  # read once: the build's key, and each page's
    templates = _listing_digest(file_digests(book.templates)) if book.templates else ""
    key = Cache.key(
        _generator_digest(), config.model_dump_json(), _listing_digest(pages), templates
    )
    # What this build made before: each file's digest, and the warnings.
    made: tuple[dict[str, str], Diagnostics] | None = cache.get(key)
    if made is not None:
        digests, diagnostics = made
        current = _tree_as_made(output, digests)
        if current is not None:  # generated/ holds it already: nothing to build
            return BookBuild(book.config_path, config, output, current, diagnostics)
    model, diagnostics = _model_of_book(book.pages, config, pages)
    files = _files(model, book)
    cache.put(key, ({path: digest(text) for path, text in files.items()}, diagnostics))
    files[CHANGELOG_FILE] = changelog or _new_changelog(model, config)
    return BookBuild(book.config_path, config, output, dict(sorted(files.items())), diagnostics)


def _tree_as_made(output: Path, digests: dict[str, str]) -> dict[str, str] | None:
    """The files docs2sdk made in ``output`` when they are those ``digests`` describe (and
    a changelog); None when any differs, is missing or is extra."""
    files = read_owned(output)
    if set(files) != {*digests, CHANGELOG_FILE}:
        return None
    if any(digest(files[path]) != made for path, made in digests.items()):
        return None
    return files


def _bumped_build(book: Book, changelog: str | None) -> BookBuild:
    from .changes.diff import bump_version, diff_models
    from .model import load_model

    config, output = book.config, book.output
    model, diagnostics = _model_of_book(book.pages, config)
    changelog = changelog or _new_changelog(model, config)
    changes = diff_models(load_model(output / MODEL_FILE), model)
    version = bump_version(config.version, changes.bump)
    if version != config.version:
        config = config.model_copy(update={"version": version})
        changelog = _with_entry(changelog, version, changes)
    files = {**_files(model, replace(book, config=config)), CHANGELOG_FILE: changelog}
    return BookBuild(
        book.config_path, config, output, dict(sorted(files.items())), diagnostics, changes
    )


def _model_of_book(
    pages_folder: Path, config: BookConfig, pages: Mapping[str, str] | None = None
) -> tuple[ApiModel, Diagnostics]:
    # Scraping, generating and formatting are imported only when a book is built: they
    # take most of the command's start-up, which a cached build does not need.
    from .pipeline import model_from_book

    return model_from_book(pages_folder, config.operation_names, pages)


def _files(model: ApiModel, book: Book) -> dict[str, str]:
    from .generate import Publishing, Site

    config = book.config
    publishing = Publishing(config.license, config.repository, config.output)
    site = Site(docs_url=config.url, endpoint=config.endpoint, publishing=publishing)
    return project_files(
        model, config.package, config.version, book.templates, site=site, output=book.output
    )


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


def build_all(root: Path, bump: bool = False, only: Collection[Path] = ()) -> list[BookBuild]:
    """Every book built in memory, or those whose folders are in ``only``; nothing is
    written until all have succeeded."""
    folders = {folder.resolve() for folder in only}
    builds: list[BookBuild] = []
    failed: list[ScrapeError] = []  # every book's unreadable pages, not only the first's
    for book in book_configs(root):
        if folders and book.config_path.parent.resolve() not in folders:
            continue
        try:
            builds.append(build_book(book, bump))
        except ScrapeError as exc:
            failed.append(exc)
        except ScrapeErrors as exc:
            failed.extend(exc.errors)
    if failed:
        raise scrape_failure(failed)
    return builds


def write_builds(builds: list[BookBuild], *, force: bool = False) -> None:
    """Write each build's files into its output (see ``write.write_tree``; ``force``
    writes over what docs2sdk did not make), and its version into its settings."""
    for build in builds:
        # The changelog's new text is made from its current one: edits to it are kept.
        write_tree(build.output, build.files, force=force, extends={CHANGELOG_FILE})
        text = build.config_path.read_text(encoding="utf-8")
        if load_config(build.config_path).version != build.config.version:
            write_file_atomic(build.config_path, with_version(text, build.config.version))


def with_version(text: str, version: str) -> str:
    """A ``docs2sdk.yaml``'s text with ``version`` set: only the value changes (its
    comment and the file's layout stay), or the line is added when there is none."""
    if _VERSION_LINE.search(text):
        return _VERSION_LINE.sub(lambda m: m[1] + version, text, count=1)
    return f"{text}{'' if not text or text.endswith(chr(10)) else chr(10)}version: {version}\n"


def stale_diff(builds: list[BookBuild], root: Path) -> str:
    """A unified diff from what ``generated/`` holds to what a build would write;
    empty when it is current. Files docs2sdk did not make are not its to compare."""
    chunks: list[str] = []
    for build in builds:
        current = read_owned(build.output)
        manifest = build.output / MANIFEST
        if manifest.is_file():
            current[MANIFEST] = manifest.read_text(encoding="utf-8")
        wanted = {**build.files, MANIFEST: manifest_text(build.files)}
        base = _shown(build.output, root)
        for name in sorted(set(current) | set(wanted)):
            old, new = current.get(name, ""), wanted.get(name, "")
            if old != new:
                chunks.extend(
                    difflib.unified_diff(
                        old.splitlines(keepends=True),
                        new.splitlines(keepends=True),
                        fromfile=f"a/{base}/{name}" if name in current else "/dev/null",
                        tofile=f"b/{base}/{name}" if name in wanted else "/dev/null",
                    )
                )
    return "".join(chunks)
