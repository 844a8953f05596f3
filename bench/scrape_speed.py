"""Time scraping whole books: seconds per book and per 100 pages (median of runs).

    python bench/scrape_speed.py BOOK [BOOK ...] [--runs 3]

Each BOOK is a book folder, e.g. ``input/aidp`` and the corpus books under
``../shared/corpus/*/book-*``. All books are measured in one run, side by side, with
the page cache off (every page parsed) and on all cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from generator.cache import CACHE_ENV
from generator.pipeline import model_from_book


def main() -> int:
    parser = argparse.ArgumentParser(description="scrape timing")
    parser.add_argument("books", type=Path, nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ[CACHE_ENV] = "off"
    print("| book | pages | median s | s per 100 pages |")
    print("|---|---:|---:|---:|")
    for book in args.books:
        times = []
        pages = 0
        for _ in range(args.runs):
            start = time.perf_counter()
            model, _ = model_from_book(book)
            times.append(time.perf_counter() - start)
            pages = len(model.operations)
        median = statistics.median(times)
        name = f"{book.parent.name}/{book.name}"
        print(f"| {name} | {pages} | {median:.2f} | {100 * median / pages:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
