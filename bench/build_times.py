"""Full build, rebuild after one changed page, and check with nothing changed.

    python bench/build_times.py [--book input/aidp] [--runs 3]

A book folder without a ``docs2sdk.yaml`` (one of ``../shared/corpus``) is built as
package ``book``.

Each run works in a fresh copy of the project with its own cache folder:
- full build: an empty cache (every page parsed, every file formatted);
- rebuild: one page's description edited, the cache warm from the full build;
- check: nothing changed, the cache warm;
- start-up: Python loading the libraries a rebuild cannot do without, then the
  generator's modules (with those libraries): the least any rebuild can take.
Medians of ``--runs`` runs, all measured in one invocation.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(args: list[str], cwd: Path, cache: Path) -> float:
    env = {**os.environ, "DOCS2SDK_CACHE": str(cache)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env, check=True,
                   capture_output=True)  # fmt: skip
    return time.perf_counter() - start


# The least any rebuild takes: Python loading what it runs, whatever it is given. The
# libraries: bs4 (with lxml) to parse the changed page, pydantic for the model, jinja2
# and black for the files, yaml for the documents, click for the command. The
# generator's modules load them, and define the model's classes.
STARTUP = {
    "libraries": "import black, bs4, click, jinja2, lxml.etree, yaml\n"
    "from pydantic import BaseModel",
    "the generator's modules": "import generator.cli, generator.pipeline, generator.generate, "
    "generator.format, generator.openapi",
}


def startup(statement: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], cwd=ROOT, check=True)
    return time.perf_counter() - start


def edited(page: str) -> str:
    """The page with its visible title changed, whatever element shows it: the title
    is the ``<title>`` text before " - ", and shown again in the page's heading."""
    title = page.split("<title>", 1)[1].split(" - ", 1)[0]
    head, heading, rest = page.partition(title)
    shown = rest.index(title)
    edited = rest[:shown] + title + " (edited)" + rest[shown + len(title) :]
    assert edited != rest, "the page shows no title"
    return head + heading + edited


def one_run(book: Path, scratch: Path) -> tuple[float, ...]:
    project = scratch / "project"
    name = book.name if (book / "docs2sdk.yaml").exists() else "book"
    shutil.copytree(book, project / "input" / name)
    if name == "book":  # a corpus book: settings of its own
        (project / "input" / name / "docs2sdk.yaml").write_text(
            "package: book\noutput: generated/book\n", encoding="utf-8"
        )
    cache = scratch / "cache"
    full = timed(["build"], project, cache)
    page = sorted((project / "input" / name).glob("op-*.html"))[0]
    page.write_text(edited(page.read_text(encoding="utf-8")), encoding="utf-8")
    rebuild = timed(["build"], project, cache)
    check = timed(["check"], project, cache)
    return full, rebuild, check, *(startup(statement) for statement in STARTUP.values())


def main() -> int:
    parser = argparse.ArgumentParser(description="build, rebuild and check times")
    parser.add_argument("--book", type=Path, default=ROOT / "input" / "aidp")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as scratch:
            results.append(one_run(args.book.resolve(), Path(scratch)))
    full, rebuild, check, *least = (
        statistics.median(column) for column in zip(*results, strict=True)
    )
    pages = len(list(args.book.glob("op-*.html")))
    print(f"| {args.book.name} ({pages} pages) | median s | vs full build |")
    print("|---|---:|---:|")
    print(f"| full build, empty cache | {full:.2f} | 1.00 |")
    print(f"| rebuild after one page changed | {rebuild:.2f} | {rebuild / full:.2f} |")
    print(f"| check, nothing changed | {check:.2f} | {check / full:.2f} |")
    for what, seconds in zip(STARTUP, least, strict=True):
        print(f"| start-up: Python loading {what} | {seconds:.2f} | {seconds / full:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
