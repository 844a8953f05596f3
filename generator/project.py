"""The project's own job: every book in ``input/`` built into ``generated/``."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from .config import CONFIG_NAME, BookConfig, load_config
from .diff import ApiDiff, bump_version, diff_models
from .errors import Diagnostics
from .format import formatting
from .generate import Site, generate_package, header_text
from .model import ApiModel, load_model
from .openapi import openapi_yaml
from .pipeline import model_from_book
from .write import read_tree, write_file_atomic, write_tree

INPUT_FOLDER = "input"
MODEL_FILE = "model.yaml"
OPENAPI_FILE = "openapi.yaml"
CHANGELOG_FILE = "CHANGELOG.md"
_VERSION_LINE = re.compile(r"^version:.*$", re.MULTILINE)


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
) -> dict[str, str]:
    """The generated project: the package, and the model and OpenAPI it came from;
    ``site`` is where the book and the service are, when known."""
    header = f"# {header_text(model.title or package)}\n"

    with formatting(generate_package(model, package, version, templates, site=site)) as formatted:
        # Made here while the workers format the code.
        documents = {
            MODEL_FILE: header + model.to_yaml(),
            OPENAPI_FILE: header + openapi_yaml(model, version),
        }
        return dict(sorted({**formatted(), **documents}.items()))


def build_book(
    root: Path, config_path: Path, config: BookConfig, templates: Path | None, bump: bool = False
) -> BookBuild:
    """Scrape and generate one book. With ``bump``, compare the API with the committed
    model, raise the version as the changes call for, and add a changelog entry."""
    book = (config_path.parent / config.book).resolve()
    model, diagnostics = model_from_book(book, config.operation_names)
    output = root / config.output
    changelog_path = output / CHANGELOG_FILE
    changelog = (
        changelog_path.read_text(encoding="utf-8")
        if changelog_path.exists()
        else f"<!-- {header_text(model.title or config.package)} -->\n# Changelog\n"
    )
    changes = None
    if bump and (output / MODEL_FILE).exists():
        changes = diff_models(load_model(output / MODEL_FILE), model)
        version = bump_version(config.version, changes.bump)
        if version != config.version:
            config = config.model_copy(update={"version": version})
            changelog = _with_entry(changelog, version, changes)
    site = Site(docs_url=config.url, endpoint=config.endpoint)
    files = project_files(model, config.package, config.version, templates, site=site)
    files[CHANGELOG_FILE] = changelog
    return BookBuild(config_path, config, output, dict(sorted(files.items())), diagnostics, changes)


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
