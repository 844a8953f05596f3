"""The ``docs2sdk`` command."""

from __future__ import annotations

import dataclasses
import gc
import json
import sys
from pathlib import Path

import click

from . import __version__, progress
from .config import VERSION, endpoint_problem
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
  1  usage error or other failure; check: stale; diff: a change --fail-on names
  2  a page could not be read (the message names the page and the item)
  3  a model or config file does not validate (the message names the key)
  4  --strict and there were warnings
  5  the book could not be downloaded (the message names the URL)
  6  writing would replace or delete files docs2sdk did not make (nothing written)"""


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


def _checked_version(_context: click.Context, _parameter: click.Parameter, value: str) -> str:
    if not VERSION.fullmatch(value):
        raise click.BadParameter(f"{value!r} is no version: write it as MAJOR.MINOR.PATCH")
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


FORCE_OPTION = click.option(
    "--force",
    is_flag=True,
    help="Write into a folder that holds files docs2sdk did not make, and over generated "
    "files changed by hand (files docs2sdk did not make are still kept).",
)


@cli.command(epilog=EXIT_CODES)
@QUIET_OPTION
@click.argument("model_file", metavar="MODEL", type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="The folder to write the package project into: a new or empty folder, or one "
    "docs2sdk wrote before (only its own files there are replaced).",
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
    callback=_checked_version,
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
@click.option(
    "--templates",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder of templates that replace the default ones, file by file.",
)
@FORCE_OPTION
def generate(
    model_file: Path,
    output: Path,
    package: str,
    version: str,
    docs_url: str | None,
    endpoint: str | None,
    templates: Path | None,
    force: bool,
) -> None:
    """Generate an installable Python package from MODEL."""
    from .generate import Site

    model = load_model(model_file)
    site = Site(docs_url=docs_url, endpoint=endpoint)
    files = project_files(model, package, version, templates, site=site, output=output)
    write_tree(output, files, force=force)
    click.echo(f"{output}: {package} {version}, {len(model.operations)} operations", err=True)


@cli.command(epilog=EXIT_CODES)
@QUIET_OPTION
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--bump",
    is_flag=True,
    help="Compare each API with its committed model, raise the version in docs2sdk.yaml "
    "as the changes call for, and add the entry to the package's CHANGELOG.md.",
)
@FORCE_OPTION
@click.argument(
    "books", metavar="[BOOKS]...", nargs=-1, type=click.Path(file_okay=False, path_type=Path)
)
def build(books: tuple[Path, ...], strict: bool, bump: bool, force: bool) -> None:
    """Scrape and generate every input/*/docs2sdk.yaml into its output, or only the
    BOOKS given by their folders (e.g. input/aidp)."""
    root = Path.cwd()
    known = {book.config_path.parent.resolve() for book in book_configs(root)}
    unknown = [str(book) for book in books if book.resolve() not in known]
    if unknown:
        raise click.UsageError(f"no input/*/docs2sdk.yaml in {', '.join(unknown)}")
    builds = build_all(root, bump, books)
    if not builds:
        raise click.UsageError("no input/*/docs2sdk.yaml here: run in the project root")
    for b in builds:
        _report(b.diagnostics, strict)
    write_builds(builds, force=force)
    for b in builds:
        bumped = f", {b.changes.bump} changes" if b.changes else ""
        click.echo(
            f"{b.output.relative_to(root.resolve())}: {b.config.package} {b.config.version}, "
            f"{len(b.files)} files{bumped}",
            err=True,
        )


@cli.command(epilog=EXIT_CODES)
@click.argument("book", type=click.Path(file_okay=False, path_type=Path))
def settings(book: Path) -> None:
    """Print the settings of the book in folder BOOK as its docs2sdk.yaml gives them,
    checked, one ``key=value`` a line (for scripts and CI): name, package, version, url,
    and output, relative to the project."""
    root = Path.cwd().resolve()
    found = next(
        (b for b in book_configs(root) if b.config_path.parent.resolve() == book.resolve()), None
    )
    if found is None:
        raise click.UsageError(f"no input/*/docs2sdk.yaml in {book}")
    values = {
        "name": found.config_path.parent.name,
        "package": found.config.package,
        "version": found.config.version,
        "url": found.config.url or "",
        "output": found.output.relative_to(root).as_posix(),
    }
    click.echo("".join(f"{key}={value}\n" for key, value in values.items()), nl=False)


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
@click.option(
    "--fail-on",
    type=click.Choice(["breaking", "minor", "patch"]),
    help="Exit 1 when a change calls for this bump or a bigger one (breaking: major), "
    "so that CI can stop on it; the changes are printed either way.",
)
def diff_command(old: Path, new: Path, as_json: bool, fail_on: str | None) -> None:
    """What changed in the API from OLD to NEW (model files or book folders), for SDK
    users: each change breaking or not, and the version bump they call for."""
    from .changes.diff import BUMPS, diff_models

    changes = diff_models(_model_of(old), _model_of(new))
    if as_json:
        click.echo(json.dumps(changes.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(changes.to_markdown(), nl=False)
    threshold = {"breaking": "major"}.get(fail_on or "", fail_on)
    if threshold is not None and BUMPS.index(changes.bump) >= BUMPS.index(threshold):
        click.echo(f"{changes.bump} changes, and --fail-on {fail_on} was given", err=True)
        sys.exit(1)


@cli.command(epilog=EXIT_CODES)
@QUIET_OPTION
def check() -> None:
    """Exit 1 with a diff when generated/ is not what a build would write."""
    root = Path.cwd()
    builds = build_all(root)
    if not builds:
        raise click.UsageError("no input/*/docs2sdk.yaml here: run in the project root")
    diff = stale_diff(builds, root)
    if diff:
        click.echo(diff, nl=False)
        click.echo("generated/ is stale: run docs2sdk build", err=True)
        sys.exit(1)
    click.echo("generated/ is current", err=True)


@cli.command(name="package", epilog=EXIT_CODES)
@click.argument(
    "books", metavar="[BOOKS]...", nargs=-1, type=click.Path(file_okay=False, path_type=Path)
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Where the sdists and wheels go.",
)
@click.option(
    "--offline",
    is_flag=True,
    help="Build with this environment's setuptools, and install the packages' "
    "dependencies from this environment: no package index is asked.",
)
def package_command(books: tuple[Path, ...], output: Path, offline: bool) -> None:
    """Build the generated package of every input/*/docs2sdk.yaml (or of the BOOKS
    given by their folders) into an sdist and a wheel in OUTPUT, check them with
    twine, install the wheel with its testing extra into a fresh virtual environment
    and run the package's own tests there."""
    import tempfile

    from .generate.metadata import distribution_name
    from .release import build_distributions, check_distributions, chosen_books, run_package_tests

    root = Path.cwd()
    for book in chosen_books(root, books):
        config = book.config
        name = f"{distribution_name(config.package)} {config.version}"
        built = build_distributions(book.output, output, offline=offline)
        check_distributions(config.package, built)
        with tempfile.TemporaryDirectory(prefix="docs2sdk-test-") as work:
            tests = run_package_tests(config.package, built, Path(work), offline=offline)
        sizes = ", ".join(f"{path} ({path.stat().st_size / 1024:.0f} KiB)" for path in built.files)
        click.echo(f"{name}: {sizes}, built in {built.seconds:.1f} s; twine check passed", err=True)
        click.echo(
            f"{name}: installed in a fresh environment, {tests.passed} tests passed "
            f"({tests.skipped} skipped) in {tests.seconds:.1f} s",
            err=True,
        )


@cli.command(epilog=EXIT_CODES)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, for a workflow.")
def releases(as_json: bool) -> None:
    """The generated packages whose version has no release tag yet in this git
    repository (<distribution>-v<version>): what the release workflow publishes."""
    from .release import chosen_books, pending_releases

    root = Path.cwd()
    pending = pending_releases(root, chosen_books(root))
    if as_json:
        listed = [{**dataclasses.asdict(release), "tag": release.tag} for release in pending]
        click.echo(json.dumps(listed, ensure_ascii=False))
        return
    for release in pending:
        where = release.index or "the public index"
        click.echo(f"{release.tag}: {release.book}, to {where} (environment {release.environment})")


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
        for problem in str(exc).splitlines():  # several pages, say: one line each
            click.echo(f"error: {problem}", err=True)
        sys.exit(exc.exit_code)
