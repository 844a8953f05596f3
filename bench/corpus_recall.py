"""Recall and precision of the scraper on every corpus book, as a Markdown table.

    python bench/corpus_recall.py SHARED_DIR [--out docs/scrape-accuracy.md]

SHARED_DIR holds ``corpus/<api>/spec.*``, ``corpus/<api>/book-*/`` and
``tools/api_facts.py``. Each book is scraped, exported to OpenAPI, and compared with
its spec by ``api_facts.py compare``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    tool = args.shared / "tools" / "api_facts.py"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for api in sorted((args.shared / "corpus").iterdir()):
            spec = next(api.glob("spec.*"))
            for book in sorted(api.glob("book-*")):
                model = Path(tmp) / f"{api.name}-{book.name}.yaml"
                oas = model.with_suffix(".oas.json")
                start = time.perf_counter()
                subprocess.run(["docs2sdk", "scrape", str(book), "-o", str(model)], check=True,
                               stderr=subprocess.DEVNULL)
                seconds = time.perf_counter() - start
                subprocess.run(["docs2sdk", "openapi", str(model), "-o", str(oas)], check=True)
                out = subprocess.run([sys.executable, str(tool), "compare", str(spec), str(oas),
                                      "--json", "--show", "10"],
                                     check=True, capture_output=True, text=True).stdout
                res = json.loads(out)
                rows.append((api.name, book.name, res, seconds))
                print(f"{api.name}/{book.name}: missing {res['missing'][:5]} extra {res['extra'][:5]}",
                      file=sys.stderr)
    lines = [
        "| book | markup | facts | recall | precision | recall w/o desc | precision w/o desc "
        "| recall desc | precision desc |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for api, book, r, _s in rows:
        lines.append(
            f"| {api} | {book} | {r['source_facts']} | {pct(r['recall'])} | {pct(r['precision'])} "
            f"| {pct(r['recall_without_descriptions'])} | {pct(r['precision_without_descriptions'])} "
            f"| {pct(r['recall_descriptions_only'])} | {pct(r['precision_descriptions_only'])} |"
        )
    table = "\n".join(lines) + "\n"
    print(table)
    if args.out:
        args.out.write_text(table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
