"""docs2sdk at scale, side by side with openapi-python-client and datamodel-code-generator.

    python bench/scale.py BOOK [BOOK ...] [--runs 3] [--fractions 0.25,0.5,1]

Each BOOK is a book folder, e.g. ``input/aidp`` and ``../shared/corpus/github/book-dl``.
For each book, in one run, medians of ``--runs``:
- docs2sdk: full build (scrape, generate, black, write) with an empty cache, and its
  peak memory (the largest process, parent or worker);
- openapi-python-client and datamodel-code-generator, each on the OpenAPI document that
  docs2sdk exports from the same model (so they do not even read HTML);
- the import time of each generated package (``import NAME; from NAME import Client``;
  for datamodel-code-generator, its one module of models).
With ``--fractions``, the first book is also built from the first 25%, 50%, ... of its
pages, to show how time and memory grow with the number of pages.
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
from pathlib import Path

from importing import import_seconds

INDEX_FILES = ("rest-endpoints.html", "toc.js", "index.html")


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """(seconds, peak RSS in MB of the largest process, parent or worker) of a command;
    GNU time reads the peak from the kernel's accounting of the command's own tree."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *command], cwd=cwd, env=env,
                          check=True, capture_output=True, text=True)  # fmt: skip
    seconds = time.perf_counter() - start
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1024


def project_for(book: Path, scratch: Path, package: str) -> Path:
    project = scratch / "project"
    shutil.copytree(book, project / "input" / package)
    (project / "input" / package / "docs2sdk.yaml").write_text(
        f"package: {package}\noutput: generated/{package}\n", encoding="utf-8"
    )
    return project


def subset(book: Path, fraction: float, scratch: Path) -> Path:
    """The first ``fraction`` of the book's operation pages, with no index."""
    pages = sorted(book.glob("op-*.html"))
    part = scratch / f"part-{int(fraction * 100)}"
    part.mkdir()
    for page in pages[: max(1, int(len(pages) * fraction))]:
        shutil.copy(page, part)
    return part


def docs2sdk_build(book: Path, package: str) -> tuple[float, float, Path]:
    scratch = Path(tempfile.mkdtemp())
    project = project_for(book, scratch, package)
    env = {**os.environ, "DOCS2SDK_CACHE": str(scratch / "cache")}
    seconds, peak = run([sys.executable, "-m", "generator", "build"], project, env)
    return seconds, peak, project / "generated" / package


def others(openapi: Path, scratch: Path) -> dict[str, tuple[float, float, tuple[str, Path]]]:
    """Each other tool's (seconds, peak MB, (import statement, folder)) on ``openapi``."""
    results: dict[str, tuple[float, float, tuple[str, Path]]] = {}
    opc = shutil.which("openapi-python-client")
    if opc:
        out = scratch / "opc"
        seconds, peak = run(
            [opc, "generate", "--path", str(openapi), "--output-path", str(out), "--overwrite"],
            scratch,
        )
        package = next(out.glob("*/client.py")).parent.name
        results["openapi-python-client"] = (
            seconds, peak, (f"import {package}; from {package} import Client", out)
        )  # fmt: skip
    dcg = shutil.which("datamodel-codegen")
    if dcg:
        seconds, peak = run(
            [dcg, "--input", str(openapi), "--input-file-type", "openapi",
             "--output-model-type", "pydantic_v2.BaseModel", "--output", str(scratch / "m.py")],
            scratch,
        )  # fmt: skip
        results["datamodel-code-generator"] = (seconds, peak, ("import m", scratch))
    return results


def seconds_text(seconds: float | None) -> str:
    return "failed" if seconds is None else f"{seconds:.3f}"


def median_pairs(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def main() -> int:
    parser = argparse.ArgumentParser(description="build time and memory at scale")
    parser.add_argument("books", type=Path, nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fractions", default="")
    args = parser.parse_args()
    rows = []
    for book in args.books:
        package = re.sub(r"\W", "_", f"{book.parent.name}_{book.name}".lower()).strip("_")
        pages = len(list(book.glob("op-*.html")))
        ours: list[tuple[float, float]] = []
        theirs: dict[str, list[tuple[float, float]]] = {}
        imports: dict[str, tuple[str, Path]] = {}
        for _ in range(args.runs):
            seconds, peak, project = docs2sdk_build(book, package)
            ours.append((seconds, peak))
            imports["docs2sdk"] = (f"import {package}; from {package} import Client", project)
            for name, (their_seconds, their_peak, how) in others(
                project / "openapi.yaml", project.parent
            ).items():
                theirs.setdefault(name, []).append((their_seconds, their_peak))
                imports[name] = how
        full, peak = median_pairs(ours)
        imported = seconds_text(import_seconds(*imports["docs2sdk"], runs=args.runs))
        rows.append(f"| {book.parent.name}/{book.name} | {pages} | docs2sdk build (from HTML) "
                    f"| {full:.1f} | 1.00 | {peak:.0f} | {imported} |")  # fmt: skip
        for name, results in theirs.items():
            seconds, memory = median_pairs(results)
            load = seconds_text(import_seconds(*imports[name], runs=args.runs))
            rows.append(f"| | | {name} (from the exported OpenAPI) | {seconds:.1f} "
                        f"| {full / seconds:.2f} | {memory:.0f} | {load} |")  # fmt: skip
    print("| book | pages | tool | median s | docs2sdk / tool | peak MB | import s |")
    print("|---|---:|---|---:|---:|---:|---:|")
    print("\n".join(rows))
    if args.fractions:
        print("\n| pages | median s | peak MB |\n|---:|---:|---:|")
        for fraction in (float(f) for f in args.fractions.split(",")):
            scratch = Path(tempfile.mkdtemp())
            part = subset(args.books[0], fraction, scratch)
            results = [docs2sdk_build(part, "part")[:2] for _ in range(args.runs)]
            seconds, memory = median_pairs(results)
            print(f"| {len(list(part.glob('op-*.html')))} | {seconds:.1f} | {memory:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
