"""Build time of a book with its examples against the same book without them.

    python bench/example_build_time.py SHARED_DIR [--runs 5]

Builds ``SHARED_DIR/corpus/github/book-dl`` and ``book-examples`` (the same pages with
an Examples section added) as a project each, in turns, every build with an empty
cache: once on every core (wall-clock time), once with one worker (the CPU time of
the whole build, which other work on the machine disturbs less). Prints the median of
each and their ratio, and the fastest wall-clock run of each (other work on a shared
machine only ever adds time).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def full_build(book: Path, scratch: Path, workers: str | None) -> tuple[float, float]:
    """One ``docs2sdk build`` of ``book`` in a fresh project with an empty cache: its
    wall-clock and CPU seconds."""
    project = scratch / "project"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(book, project / "input" / "book")
    settings = "package: book\noutput: generated/book\n"
    (project / "input" / "book" / "docs2sdk.yaml").write_text(settings, encoding="utf-8")
    env = {**os.environ, "DOCS2SDK_CACHE": str(scratch / f"cache-{workers}")}
    if workers is not None:
        env["DOCS2SDK_WORKERS"] = workers
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator", "build", "--quiet"], cwd=project,
                   env=env, check=True, capture_output=True)  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description="build time with and without examples")
    parser.add_argument("shared", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    api = (args.shared / "corpus" / "github").resolve()
    books = {"without examples (book-dl)": api / "book-dl",
             "with examples (book-examples)": api / "book-examples"}  # fmt: skip
    wall: dict[str, list[float]] = {name: [] for name in books}
    cpu: dict[str, list[float]] = {name: [] for name in books}
    for _ in range(args.runs):
        for name, book in books.items():
            with tempfile.TemporaryDirectory() as scratch:
                wall[name].append(full_build(book, Path(scratch), None)[0])
                cpu[name].append(full_build(book, Path(scratch), "1")[1])
    print(f"| GitHub book, full build, {args.runs} runs each in turns | wall s (all cores): "
          "median | ratio | fastest | ratio | CPU s (one worker): median | ratio |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|")
    base = [f(next(iter(wall.values()))) for f in (statistics.median, min)]
    base_cpu = statistics.median(next(iter(cpu.values())))
    for name in books:
        w, fastest, c = statistics.median(wall[name]), min(wall[name]), statistics.median(cpu[name])
        print(f"| {name} | {w:.2f} | {w / base[0]:.3f} | {fastest:.2f} | {fastest / base[1]:.3f} "
              f"| {c:.2f} | {c / base_cpu:.3f} |")  # fmt: skip
    for name in books:
        runs = "; ".join(f"{w:.2f} / {c:.2f}" for w, c in zip(wall[name], cpu[name], strict=True))
        print(f"\n{name}, wall / CPU s per run: {runs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
