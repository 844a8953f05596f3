"""How long the names of a generated client are, per book: its methods (mean, p90,
longest) and its model classes (longest, how many over 48 characters).

    python bench/name_lengths.py                  # the AI Data Platform and corpus books
    python bench/name_lengths.py BOOK... [--list] # these books; --list prints every name

It reads only the model and the views, so it runs on any revision of the project
(``PYTHONPATH=<checkout> python bench/name_lengths.py`` for another one).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent.parent / "shared"
BOOKS = {
    "aidp": ROOT / "input" / "aidp",
    "jupyter": SHARED / "corpus" / "jupyter-server" / "book-ul",
    "airflow": SHARED / "corpus" / "airflow2" / "book-ul",
    "github": SHARED / "corpus" / "github" / "book-dl",
}
LIMIT = 48


def percentile(values: list[int], share: float) -> int:
    ordered = sorted(values)
    return ordered[round(share * (len(ordered) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("books", nargs="*", type=Path)
    parser.add_argument("--list", action="store_true", help="print every method name")
    args = parser.parse_args()
    sys.path.append(str(ROOT))  # after PYTHONPATH, which may name another checkout
    from generator.generate.views import build_views
    from generator.pipeline import book_overrides, model_from_book

    books = {path.name: path for path in args.books} or BOOKS
    print(f"{'book':<10} {'operations':>10} {'mean':>6} {'p90':>5} {'longest':>8} "
          f"{'longest class':>14} {'classes > 48':>13}")  # fmt: skip
    for name, folder in books.items():
        model, _ = model_from_book(folder, book_overrides(folder))
        methods = [op.name for op in model.operations]
        views = build_views(model, "package", "0.1.0")
        classes = [cls.name for module in views.modules for cls in module.classes]
        lengths = [len(method) for method in methods]
        longest_class = max(classes, key=len)
        print(
            f"{name:<10} {len(methods):>10} {statistics.mean(lengths):>6.1f} "
            f"{percentile(lengths, 0.9):>5} {max(lengths):>8} {len(longest_class):>14} "
            f"{sum(len(c) > LIMIT for c in classes):>13}"
        )
        if args.list:
            for op in model.operations:
                print(f"    {op.method.upper():<7} {op.path}: {op.name}")
            print(f"    longest class: {longest_class}")


if __name__ == "__main__":
    main()
