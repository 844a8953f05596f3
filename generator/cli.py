"""The ``docs2sdk`` command."""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path

import click

from . import __version__, progress
from .config import endpoint_problem
from .errors import Diagnostics, Docs2SdkError, StrictError
from .model import ApiModel, load_model
from .names import package_problem
from .project import book_configs, build_all, project_files, stale_diff, write_builds
from .write import write_file_atomic, write_tree

# The stages a command needs are imported by the command: ``check`` with nothing
# changed, and a cached ``build``, start in a fraction of the time.

EXIT_CODES = """\b
Exit codes:
  0  done (warnings, if any, on standard error)
  1  usage error or other failure
  2  a page could not be read (the message names the page and the item)
  3  a model or config file does not validate (the message names the key)
  4  --strict and there were warnings
  5  the book could not be downloaded (the message names the URL)"""


def _report(diagnostics: Diagnostics, strict: bool) -> None:
    for warning in diagnostics.warnings:
        click.echo(f"warning: {warning}", err=True)
    if strict and diagnostics.warnings:
        raise StrictError(f"{len(diagnostics.warnings)} warning(s) and --strict was given")


def _checked_package(_context: click.Context, _parameter: click.Parameter, value: str) -> str:
    problem = package_problem(value)
    if problem is not None:
        raise click.BadParameter(f"{value!r} {problem}: no package by that name can be imported")
    return value


def _checked_endpoint(
    _context: click.Context, _parameter: click.Parameter, value: str | None
) -> str | None:
    problem = value and endpoint_problem(value)
    if problem:
        raise click.BadParameter(problem)
    return value


def _show_progress(_context: click.Context, _parameter: click.Parameter, quiet: bool) -> None:
    progress.enable(not quiet)


QUIET_OPTION = click.option(
    "-q",
    "--quiet",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_progress,
    help="Show no progress (a bar per stage on a terminal, else a line per stage).",
)


@click.group(epilog=EXIT_CODES)
@click.version_option(__version__, prog_name="docs2sdk")
def cli() -> None:
    """Turn Oracle REST API reference books into typed Python SDKs."""


@cli.command(epilog=EXIT_CODES)
@QUIET_OPTION
@click.argument("book", type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="Where to write the model (YAML).",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def scrape(book: Path, output: Path, strict: bool) -> None:
    """Scrape the book in folder BOOK into a model file."""
    from .pipeline import book_overrides, model_from_book

    model, diagnostics = model_from_book(book, book_overrides(book))
    _report(diagnostics, strict)
    write_file_atomic(output, model.to_yaml())
    click.echo(
        f"{output}: {len(model.operations)} operations, {len(model.schemas)} schemas", err=True
    )


@cli.command(epilog=EXIT_CODES)
@click.argument("model_file", metavar="MODEL", type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="Where to write the OpenAPI document (YAML, or JSON for *.json).",
)
def openapi(model_file: Path, output: Path) -> None:
    """Export MODEL as an OpenAPI 3.1 document."""
    from .openapi import openapi_yaml, to_openapi

    model = load_model(model_file)
    if output.suffix == ".json":
        text = json.dumps(to_openapi(model), indent=2, ensure_ascii=False) + "\n"
    else:
        text = openapi_yaml(model)
    write_file_atomic(output, text)


@cli.command(epilog=EXIT_CODES)
@QUIET_OPTION
@click.argument("url")
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The book's folder, e.g. input/NAME; files other than pages are kept.",
)
@click.option("--concurrency", default=8, show_default=True, help="Pages fetched at once.")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds per request.")
@click.option("--retries", default=3, show_default=True, help="Retries per page.")
def fetch(url: str, output: Path, concurrency: int, timeout: float, retries: int) -> None:
    """Download the book at URL into a folder, replacing only its pages."""
    from .fetch import fetch_book

    report = fetch_book(url, output, concurrency=concurrency, timeout=timeout, retries=retries)
    click.echo(report.summary(), err=True)


@cli.command(epilog=EXIT_CODES)
@click.argument("source", metavar="MODEL_OR_BOOK", type=click.Path(exists=True, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, help="The port to listen on (0: any free one)."
)
@click.option("--seed", default=0, show_default=True, help="Seed of the values the stub makes up.")
@click.option(
    "--data",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Seed data, YAML or JSON: collection path -> list of resources (checked: exit 3).",
)
@click.option(
    "--lifecycle-delay",
    default=0.0,
    show_default=True,
    help="Seconds before a created resource moves on from its first lifecycle state.",
)
def serve(
    source: Path, host: str, port: int, seed: int, data: Path | None, lifecycle_delay: float
) -> None:
    """Serve a stateful, validating stub of MODEL_OR_BOOK (a model file or a book folder),
    printing the address it listens on; an address in use exits 1."""
    from .generate.serve import serve_model

    serve_model(
        _model_of(source),
        host=host,
        port=port,
        seed=seed,
        data=data,
        lifecycle_delay=lifecycle_delay,
    )


TEMPLATES_OPTION = click.option(
    "--templates",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder of templates that replace the default ones, file by file.",
)


@cli.command(epilog=EXIT_CODES)
@QUIET_OPTION
@click.argument("model_file", metavar="MODEL", type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="The folder to write the package project into (replaced whole).",
)
@click.option(
    "--package",
    required=True,
    callback=_checked_package,
    help="The Python package name, e.g. aidp_workbench.",
)
@click.option(
    "--version",
    "version",
    default="0.1.0",
    show_default=True,
    help="The generated package's version.",
)
@click.option(
    "--docs-url",
    metavar="URL",
    help="Where the book is published: docstrings and the README link to its pages.",
)
@click.option(
    "--endpoint",
    metavar="TEMPLATE",
    callback=_checked_endpoint,
    help="The service's address in each region, for Client.from_oci_config, e.g. "
    "https://name.{region}.oci.{secondLevelDomain} (default: the book's, if it states one).",
)
@TEMPLATES_OPTION
def generate(
    model_file: Path,
    output: Path,
    package: str,
    version: str,
    docs_url: str | None,
    endpoint: str | None,
    templates: Path | None,
) -> None:
    """Generate an installable Python package from MODEL."""
    from .generate import Site

    model = load_model(model_file)
    site = Site(docs_url=docs_url, endpoint=endpoint)
    write_tree(output, project_files(model, package, version, templates, site=site, output=output))
    click.echo(f"{output}: {package} {version}, {len(model.operations)} operations", err=True)


@cli.command(epilog=EXIT_CODES)
@QUIET_OPTION
@TEMPLATES_OPTION
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--bump",
    is_flag=True,
    help="Compare each API with its committed model, raise the version in docs2sdk.yaml "
    "as the changes call for, and add the entry to the package's CHANGELOG.md.",
)
@click.argument(
    "books", metavar="[BOOKS]...", nargs=-1, type=click.Path(file_okay=False, path_type=Path)
)
def build(books: tuple[Path, ...], templates: Path | None, strict: bool, bump: bool) -> None:
    """Scrape and generate every input/*/docs2sdk.yaml into generated/, or only the
    BOOKS given by their folders (e.g. input/aidp)."""
    root = Path.cwd()
    known = {path.parent.resolve() for path, _config in book_configs(root)}
    unknown = [str(book) for book in books if book.resolve() not in known]
    if unknown:
        raise click.UsageError(f"no input/*/docs2sdk.yaml in {', '.join(unknown)}")
    builds = build_all(root, templates, bump, books)
    if not builds:
        raise click.UsageError("no input/*/docs2sdk.yaml here: run in the project root")
    for b in builds:
        _report(b.diagnostics, strict)
    write_builds(builds)
    for b in builds:
        bumped = f", {b.changes.bump} changes" if b.changes else ""
        click.echo(
            f"{b.output.relative_to(root)}: {b.config.package} {b.config.version}, "
            f"{len(b.files)} files{bumped}",
            err=True,
        )


def _model_of(path: Path) -> ApiModel:
    """A model file, or the model of a book folder (with its config's names)."""
    if path.is_dir():
        from .pipeline import book_overrides, model_from_book

        return model_from_book(path, book_overrides(path))[0]
    return load_model(path)


@cli.command(name="diff", epilog=EXIT_CODES)
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON: bump and changes.")
def diff_command(old: Path, new: Path, as_json: bool) -> None:
    """What changed in the API from OLD to NEW (model files or book folders), for SDK
    users: each change breaking or not, and the version bump they call for."""
    from .diff import diff_models

    changes = diff_models(_model_of(old), _model_of(new))
    if as_json:
        click.echo(json.dumps(changes.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(changes.to_markdown(), nl=False)


@cli.command(epilog=EXIT_CODES)
@QUIET_OPTION
@TEMPLATES_OPTION
def check(templates: Path | None) -> None:
    """Exit 1 with a diff when generated/ is not what a build would write."""
    root = Path.cwd()
    builds = build_all(root, templates)
    if not builds:
        raise click.UsageError("no input/*/docs2sdk.yaml here: run in the project root")
    diff = stale_diff(builds, root)
    if diff:
        click.echo(diff, nl=False)
        click.echo("generated/ is stale: run docs2sdk build", err=True)
        sys.exit(1)
    click.echo("generated/ is current", err=True)


def main() -> None:
    # A build makes millions of objects that live until it ends (pages, model, code):
    # at the default thresholds the collector walks them hundreds of times, a third of
    # the scrape-to-YAML time on a large book.
    gc.set_threshold(50_000, 20, 100)
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        # 2 is this command's "a page could not be read"; a usage error is 1, as documented.
        sys.exit(1 if isinstance(exc, click.UsageError) else exc.exit_code)
    except Docs2SdkError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
