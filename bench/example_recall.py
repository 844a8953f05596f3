"""How many of the examples a book shows the scraper recovers, compared with its spec.

    python bench/example_recall.py SHARED_DIR [--styles given,mixed,...] [--seed N]

Reads ``SHARED_DIR/corpus/github/book-examples`` (the GitHub book with an Examples
section on each page whose operation has documented examples) and the examples of
``SHARED_DIR/corpus/github/spec.json``. The book shows, per operation, the first
example of the request body and the first example of the first success response
that has one (JSON media types, examples that are not null; see
``tests/spec_examples.py``): those are expected. An example is found when the scraped
model holds a value equal, as JSON, to the spec's example at the same place (the
request body, or the response of that status); a scraped example anywhere else, or of
another value, is wrong.

Besides the book as given, it is measured re-marked by ``tests/remarkup.py``
(``--styles``): ``mixed`` varies every list and every Examples section (headings
worded and set otherwise, documents as ``pre`` blocks, lines of their own or
highlighted spans, sentences moved or gone); the other styles set every list one way.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.pipeline import model_from_book
from tests.remarkup import remark_book, styles_named
from tests.spec_examples import expected_examples, scraped_examples

STYLES = "given,mixed,grid,heading"


def measure(book: Path, spec: dict[str, Any]) -> dict[str, int]:
    model, _ = model_from_book(book)
    expected = expected_examples(spec)
    scraped = scraped_examples(model)
    counts = {"expected": len(expected), "found": 0, "missed": 0, "wrong": 0, "code samples": 0}
    for place, value in expected.items():
        counts["found" if value in scraped.get(place, []) else "missed"] += 1
    for place, values in scraped.items():
        counts["wrong"] += sum(1 for v in values if place not in expected or v != expected[place])
    counts["code samples"] = sum(len(op.code_samples) for op in model.operations)
    for kind in ("request", "response"):
        of_kind = [p for p in expected if (p[2] == "request") == (kind == "request")]
        counts[f"{kind} expected"] = len(of_kind)
        counts[f"{kind} found"] = sum(1 for p in of_kind if expected[p] in scraped.get(p, []))
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description="examples recovered from the GitHub book")
    parser.add_argument("shared", type=Path)
    parser.add_argument("--styles", default=STYLES, help=f"renderings (default {STYLES})")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    api = args.shared / "corpus" / "github"
    spec = json.loads((api / "spec.json").read_text(encoding="utf-8"))
    book = api / "book-examples"
    columns = ["expected", "found", "missed", "wrong", "request expected", "request found",
               "response expected", "response found", "code samples"]  # fmt: skip
    print("| rendering | " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * len(columns))
    with tempfile.TemporaryDirectory() as tmp:
        for style in [s for s in args.styles.split(",") if s]:
            if style == "given":
                measured = measure(book, spec)
            else:
                target = Path(tmp) / style
                measured = measure(remark_book(book, target, styles_named(style), args.seed), spec)
            cells = " | ".join(str(measured[c]) for c in columns)
            print(f"| {style} | {cells} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
