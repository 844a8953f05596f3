"""docs2sdk side by side with what a user would run instead, on the input they would have.

    python bench/scale.py ../shared/corpus/github/book-dl [BOOK ...] [--runs 3]
        [--copies 8] [--tools DIR] [--export] [--two-steps] [--baseline CHECKOUT]

Each BOOK is a book folder of the corpus, with the API's own spec (``spec.json`` or
``spec.yaml``) in the folder above it. In each run, one after the other:
- docs2sdk: ``docs2sdk build`` of the book (scrape, generate, format, write) with an
  empty cache, and the peak memory of its largest process (parent or worker);
- openapi-python-client and datamodel-code-generator on the API's original spec: what a
  user with the spec, not the pages, would run (with ``--export``, also on the OpenAPI
  document docs2sdk exports, as a second row);
- with ``--two-steps``, docs2sdk in two commands, ``scrape`` to a model file and then
  ``generate`` from it, each with an empty cache;
- the import time of each generated package.
With ``--copies N``, the first book and its spec are also copied N times over
(``bench/big_book.py``: distinct paths, titles, tags and schema names) and each tool
builds that; with ``--linearity``, docs2sdk also builds 1, 2, 4 ... N copies. With
``--baseline``, the docs2sdk of another checkout (say, an earlier commit's worktree)
builds each book too, in the same runs.
The other tools are looked up in ``--tools`` (a folder of commands, such as a venv's
``bin``), then on the PATH. Medians of the runs; ratios are docs2sdk / tool.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from big_book import replicate
from importing import import_seconds

# (seconds, peak MB, (import statement, folder on the path))
Result = tuple[float, float, tuple[str, Path]]


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """(seconds, peak RSS in MB of the largest process, parent or worker) of a command;
    GNU time reads the peak from the kernel's accounting of the command's own tree."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *command], cwd=cwd, env=env,
                          check=True, capture_output=True, text=True)  # fmt: skip
    seconds = time.perf_counter() - start
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1024


def original_spec(book: Path) -> Path:
    for name in ("spec.json", "spec.yaml", "spec.yml"):
        if (book.parent / name).exists():
            return book.parent / name
    raise SystemExit(f"{book}: no spec.json or spec.yaml beside it")


def docs2sdk_build(book: Path, package: str, code: Path | None = None) -> Result:
    """``docs2sdk build`` of ``book``; ``code`` is another checkout's generator to run
    instead (a baseline)."""
    scratch = Path(tempfile.mkdtemp())
    project = scratch / "project"
    (project / "input" / package).mkdir(parents=True)
    # The settings name the book where it is: nothing is written into its folder.
    (project / "input" / package / "docs2sdk.yaml").write_text(
        f"package: {package}\noutput: generated/{package}\nbook: {book.resolve()}\n"
    )
    env = {**os.environ, "DOCS2SDK_CACHE": str(scratch / "cache")}
    if code is not None:
        env["PYTHONPATH"] = str(code.resolve())
    seconds, peak = run([sys.executable, "-m", "generator", "build"], project, env)
    out = project / "generated" / package
    return seconds, peak, (f"import {package}; from {package} import Client", out)


def docs2sdk_two_steps(book: Path, package: str, code: Path | None = None) -> Result:
    """``docs2sdk scrape`` of ``book`` into a model file, then ``docs2sdk generate`` of
    that file, each with an empty cache: the seconds of both, the larger peak."""
    scratch = Path(tempfile.mkdtemp())
    env = {**os.environ, "DOCS2SDK_CACHE": str(scratch / "cache")}
    if code is not None:
        env["PYTHONPATH"] = str(code.resolve())
    model, out = scratch / "model.yaml", scratch / package
    command = [sys.executable, "-m", "generator"]
    scraping = run([*command, "scrape", str(book.resolve()), "-o", str(model)], scratch, env)
    generating = run([*command, "generate", str(model), "-o", str(out), "--package", package],
                     scratch, env)  # fmt: skip
    seconds, peak = scraping[0] + generating[0], max(scraping[1], generating[1])
    return seconds, peak, (f"import {package}; from {package} import Client", out)


def openapi_python_client(command: str, spec: Path) -> Result:
    scratch = Path(tempfile.mkdtemp())
    out = scratch / "opc"
    seconds, peak = run(
        [command, "generate", "--path", str(spec), "--output-path", str(out), "--overwrite"],
        scratch,
    )
    package = next(out.glob("*/client.py")).parent.name
    return seconds, peak, (f"import {package}; from {package} import Client", out)


def datamodel_code_generator(command: str, spec: Path) -> Result:
    scratch = Path(tempfile.mkdtemp())
    kind = "openapi"
    seconds, peak = run(
        [command, "--input", str(spec), "--input-file-type", kind,
         "--output-model-type", "pydantic_v2.BaseModel", "--output", str(scratch / "m.py")],
        scratch,
    )  # fmt: skip
    return seconds, peak, ("import m", scratch)


def find(name: str, tools: Path | None) -> str | None:
    if tools is not None and (tools / name).exists():
        return str(tools / name)
    return shutil.which(name)


def measure(
    rows: list[str], label: str, pages: int, makers: dict[str, Callable[[], Result]], runs: int
) -> None:
    """Each maker once per run, in turn; a row per tool with medians and the ratio."""
    results: dict[str, list[Result]] = {name: [] for name in makers}
    for _ in range(runs):
        for name, make in makers.items():
            results[name].append(make())
    ours = statistics.median(r[0] for r in results["docs2sdk build (from the pages)"])
    for name, found in results.items():
        seconds = statistics.median(r[0] for r in found)
        peak = statistics.median(r[1] for r in found)
        imported = import_seconds(*found[-1][2], runs=runs)
        load = "failed" if imported is None else f"{imported:.3f}"
        first = f"| {label} | {pages} " if name == next(iter(results)) else "| | "
        rows.append(
            f"{first}| {name} | {seconds:.1f} | {ours / seconds:.2f} | {peak:.0f} | {load} |"
        )
        print(rows[-1], file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("books", type=Path, nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--copies", type=int, default=0)
    parser.add_argument("--linearity", action="store_true")
    parser.add_argument("--tools", type=Path, default=None)
    parser.add_argument("--export", action="store_true")
    parser.add_argument("--two-steps", action="store_true", help="also scrape, then generate")
    parser.add_argument("--baseline", type=Path, default=None, help="another checkout to compare")
    args = parser.parse_args()
    opc = find("openapi-python-client", args.tools)
    dcg = find("datamodel-codegen", args.tools)
    rows: list[str] = []
    inputs = [(book, original_spec(book)) for book in args.books]
    if args.copies:
        big = Path(tempfile.mkdtemp())
        inputs.append(replicate(args.books[0], original_spec(args.books[0]), args.copies, big))
    for book, spec in inputs:
        package = re.sub(r"\W", "_", f"{book.parent.name}_{book.name}".lower()).strip("_")
        label = f"{book.parent.name}/{book.name}"
        if book.parent.parent == Path(tempfile.gettempdir()):  # the copies
            label = f"{args.books[0].parent.name} x{args.copies}"
        makers: dict[str, Callable[[], Result]] = {
            "docs2sdk build (from the pages)": partial(docs2sdk_build, book, package),
        }
        if args.baseline:
            makers[f"docs2sdk build, {args.baseline.name}"] = partial(
                docs2sdk_build, book, package, args.baseline
            )
        if args.two_steps:
            makers["docs2sdk scrape, then generate"] = partial(docs2sdk_two_steps, book, package)
            if args.baseline:
                makers[f"docs2sdk scrape, then generate, {args.baseline.name}"] = partial(
                    docs2sdk_two_steps, book, package, args.baseline
                )
        if opc:
            makers["openapi-python-client (original spec)"] = partial(
                openapi_python_client, opc, spec
            )
        if dcg:
            makers["datamodel-code-generator (original spec)"] = partial(
                datamodel_code_generator, dcg, spec
            )
        if args.export and opc:
            export = docs2sdk_build(book, package)[2][1] / "openapi.yaml"
            makers["openapi-python-client (docs2sdk's export)"] = partial(
                openapi_python_client, opc, export
            )
        pages = len(list(book.glob("op-*.html")))
        measure(rows, label, pages, makers, args.runs)
    print("| book | pages | tool | median s | docs2sdk / tool | peak MB | import s |")
    print("|---|---:|---|---:|---:|---:|---:|")
    print("\n".join(rows))
    if args.copies and args.linearity:
        print("\n| copies | pages | docs2sdk build s | s per 1,000 pages | peak MB |")
        print("|---:|---:|---:|---:|---:|")
        copies = 1
        while copies <= args.copies:
            book, _ = replicate(args.books[0], original_spec(args.books[0]), copies,
                                Path(tempfile.mkdtemp()))  # fmt: skip
            pages = len(list(book.glob("op-*.html")))
            found = [docs2sdk_build(book, "big") for _ in range(args.runs)]
            seconds = statistics.median(r[0] for r in found)
            peak = statistics.median(r[1] for r in found)
            per_page = 1000 * seconds / pages
            print(f"| {copies} | {pages} | {seconds:.1f} | {per_page:.2f} | {peak:.0f} |")
            copies *= 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
