"""Recall and precision of the scraper on every corpus book, as a Markdown table.

    python bench/corpus_recall.py SHARED_DIR

SHARED_DIR holds ``corpus/<api>/spec.*``, ``corpus/<api>/book-*/`` and
``tools/api_facts.py``. Each book is scraped, exported to OpenAPI, and compared with
its spec by ``api_facts.py compare`` (run as its own process, as a user would).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from generator.openapi import to_openapi
from generator.pipeline import model_from_book

COLUMNS = [
    ("recall", "recall"),
    ("precision", "precision"),
    ("recall_without_descriptions", "recall w/o desc"),
    ("precision_without_descriptions", "precision w/o desc"),
    ("recall_descriptions_only", "recall of desc"),
    ("precision_descriptions_only", "precision of desc"),
]


def compare(tool: Path, spec: Path, book: Path, tmp: Path) -> dict[str, object]:
    model, _ = model_from_book(book)
    exported = tmp / f"{book.parent.name}-{book.name}.json"
    exported.write_text(json.dumps(to_openapi(model)), encoding="utf-8")
    command = [sys.executable, str(tool), "compare", str(spec), str(exported), "--json"]
    result: dict[str, object] = json.loads(
        subprocess.run(command, check=True, capture_output=True, text=True).stdout
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description="scraper accuracy on the corpus")
    parser.add_argument("shared", type=Path)
    args = parser.parse_args()
    tool = args.shared / "tools" / "api_facts.py"
    header = "| book | markup | source facts | " + " | ".join(c[1] for c in COLUMNS) + " |"
    lines = [header, "|---|---|---:|" + "---:|" * len(COLUMNS)]
    with tempfile.TemporaryDirectory() as tmp:
        for api in sorted((args.shared / "corpus").iterdir()):
            spec = next(api.glob("spec.*"))
            for book in sorted(api.glob("book-*")):
                res = compare(tool, spec, book, Path(tmp))
                cells = " | ".join(f"{100 * float(res[key]):.1f}%" for key, _ in COLUMNS)  # type: ignore[arg-type]
                lines.append(f"| {api.name} | {book.name} | {res['source_facts']} | {cells} |")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
