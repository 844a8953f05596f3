"""Build time of a book with its examples against the same book without them.

    python bench/example_build_time.py SHARED_DIR [--runs 5]

Builds ``SHARED_DIR/corpus/github/book-dl`` and ``book-examples`` (the same pages with
an Examples section added) as a project each, in turns, every build with an empty
cache; prints the median of each and their ratio.
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


def full_build(book: Path, scratch: Path) -> float:
    """One ``docs2sdk build`` of ``book`` in a fresh project, with an empty cache."""
    project = scratch / "project"
    shutil.copytree(book, project / "input" / "book")
    settings = "package: book\noutput: generated/book\n"
    (project / "input" / "book" / "docs2sdk.yaml").write_text(settings, encoding="utf-8")
    env = {**os.environ, "DOCS2SDK_CACHE": str(scratch / "cache")}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator", "build", "--quiet"], cwd=project,
                   env=env, check=True, capture_output=True)  # fmt: skip
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description="build time with and without examples")
    parser.add_argument("shared", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    api = (args.shared / "corpus" / "github").resolve()
    books = {"without examples (book-dl)": api / "book-dl",
             "with examples (book-examples)": api / "book-examples"}  # fmt: skip
    times: dict[str, list[float]] = {name: [] for name in books}
    for _ in range(args.runs):
        for name, book in books.items():
            with tempfile.TemporaryDirectory() as scratch:
                times[name].append(full_build(book, Path(scratch)))
    medians = {name: statistics.median(runs) for name, runs in times.items()}
    base = next(iter(medians.values()))
    print(f"| GitHub book, full build ({args.runs} runs each, in turns) | median s | ratio |")
    print("|---|---:|---:|")
    for name, median in medians.items():
        runs = ", ".join(f"{t:.2f}" for t in times[name])
        print(f"| {name}: {runs} | {median:.2f} | {median / base:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
