"""Recall and precision of the scraper on every book and markup, as a Markdown table.

    python bench/corpus_recall.py SHARED_DIR [--styles div-flat,div-item,p,...] [--seed N]

SHARED_DIR holds ``corpus/<api>/spec.*`` with ``corpus/<api>/book-*/``, the AI Data
Platform book in ``aidp-book*/``, and ``tools/api_facts.py``. Each book is scraped,
exported to OpenAPI, and compared with its spec by ``api_facts.py compare`` (run as its
own process, as a user would).

Besides the markups given, each API is measured in markups no given book uses: its
``book-ul`` (or ``book-dl``) re-marked by the test suite's re-markup generator in one
style for every list (``div-flat``: one block of lines and line breaks per list;
``div-item``: a block per item; ``p``: a paragraph per line; ``table-noheading``:
tables with no heading row; ``grid``: rows of blocks with no colon between a name and
its type; ``heading``: a heading per item, its type on the next line), and ``mixed`` (a
style chosen per list, with every other variation the generator has). The last column
says whether a re-marked book gives the very model its source does. The AI Data
Platform book has no source spec here: its renderings are compared with the OpenAPI
export of its ``aidp-book`` scrape, so they show how far a markup changes what is read.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.openapi import to_openapi
from generator.pipeline import model_from_book
from tests.remarkup import remark_book, styles_named

COLUMNS = [
    ("recall", "recall"),
    ("precision", "precision"),
    ("recall_without_descriptions", "recall w/o desc"),
    ("precision_without_descriptions", "precision w/o desc"),
    ("recall_descriptions_only", "recall of desc"),
    ("precision_descriptions_only", "precision of desc"),
]
UNSEEN = "div-flat,div-item,p,table-noheading,grid,heading,mixed"


def export(book: Path, target: Path) -> tuple[Path, str]:
    """The book's model exported as OpenAPI into ``target``, and the model's text."""
    model, _ = model_from_book(book)
    target.write_text(json.dumps(to_openapi(model)), encoding="utf-8")
    return target, model.to_yaml()


def compare(tool: Path, spec: Path, exported: Path) -> dict[str, object]:
    command = [sys.executable, str(tool), "compare", str(spec), str(exported), "--json"]
    result: dict[str, object] = json.loads(
        subprocess.run(command, check=True, capture_output=True, text=True).stdout
    )
    return result


def books_of(
    folder: Path, styles: list[str], seed: int, tmp: Path
) -> list[tuple[str, Path, Path | None]]:
    """The given books in ``folder`` (``book-*`` or ``aidp-book*``) and re-marked ones,
    each with the book it was re-marked from."""
    given = sorted(p for p in folder.iterdir() if p.is_dir() and "book" in p.name)
    source = (
        next((b for b in given if b.name.endswith("-ul")), None)
        or next((b for b in given if b.name == "aidp-book"), None)
        or next(b for b in given if b.name.endswith("-dl"))
    )
    out: list[tuple[str, Path, Path | None]] = [(book.name, book, None) for book in given]
    for style in styles:
        target = tmp / f"{folder.name}-{style}"
        remarked = remark_book(source, target, styles_named(style), seed)
        out.append((f"{style} (from {source.name})", remarked, source))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description="scraper accuracy on every book and markup")
    parser.add_argument("shared", type=Path)
    parser.add_argument("--styles", default=UNSEEN, help=f"re-marked styles (default {UNSEEN})")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    tool = args.shared / "tools" / "api_facts.py"
    styles = [s for s in args.styles.split(",") if s]
    header = "| book | markup | source facts | " + " | ".join(c[1] for c in COLUMNS)
    lines = [
        header + " | model as its source's |",
        "|---|---|---:|" + "---:|" * len(COLUMNS) + "---|",
    ]
    models: dict[Path, str] = {}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        apis = [
            (api, next(api.glob("spec.*"))) for api in sorted((args.shared / "corpus").iterdir())
        ]
        aidp = tmp / "aidp"
        aidp.mkdir()
        for book in ("aidp-book", "aidp-book-table"):
            if (args.shared / book).is_dir():
                (aidp / book).symlink_to((args.shared / book).resolve())
        if (aidp / "aidp-book").exists():
            reference, _ = export(aidp / "aidp-book", tmp / "aidp-reference.json")
            apis.append((aidp, reference))
        for api, spec in apis:
            for markup, book, source in books_of(api, styles, args.seed, tmp):
                exported, models[book] = export(book, tmp / "scraped.json")
                res = compare(tool, spec, exported)
                cells = " | ".join(f"{100 * float(res[key]):.1f}%" for key, _ in COLUMNS)  # type: ignore[arg-type]
                label = "aidp (vs its aidp-book scrape)" if api == aidp else api.name
                same = (
                    "-"
                    if source is None
                    else ("same" if models[book] == models[source] else "differs")
                )
                row = f"| {label} | {markup} | {res['source_facts']} | {cells} | {same} |"
                lines.append(row)
                print(row, file=sys.stderr, flush=True)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
