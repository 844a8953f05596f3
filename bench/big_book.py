"""A large book and its equivalent spec: a book's API copied N times over.

    python bench/big_book.py ../shared/corpus/github/book-dl ../shared/corpus/github/spec.json \
        --copies 8 --out /tmp/big

Copy 1 is the book as it is; copy k > 1 has every path under ``/c<k>``, every title,
tag and schema name marked with ``c<k>``, so no two copies share an operation, a method
name or a class. The spec (``spec.json``, OpenAPI) gets the same edits, so another
generator reads the same API from its own kind of input. Pages are written with the
book's ``toc.js`` as their only index (tags stay distinct per copy).
"""

from __future__ import annotations

import argparse
import copy
import html
import json
import re
import sys
from pathlib import Path
from typing import Any

SCHEMA_NAME = re.compile(r"(\bobject |\barray |(?:Root|Nested) Schema : )([^<\s]+)")
COMPONENT_REF = re.compile(r"^#/components/(\w+)/(.+)$")


def copy_page(page: str, k: int, schemas: set[str]) -> str:
    """One operation page of copy ``k``; ``schemas`` are the spec's schema names."""
    if k == 1:
        return page
    title = re.search(r'<div class="hdr hdr-1">(.*?)</div>', page)
    if title:
        marked = f"{title[1]} (copy {k})"
        heading = '<div class="hdr hdr-1">{}</div>'
        page = page.replace(heading.format(title[1]), heading.format(marked), 1)
        page = page.replace(f"<title>{title[1]} -", f"<title>{marked} -", 1)
    endpoint = '<div class="endpoint"><code>/'
    page = page.replace(endpoint, f"{endpoint}c{k}/", 1)

    def rename(match: re.Match[str]) -> str:
        return f"{match[1]}{match[2]}-c{k}" if html.unescape(match[2]) in schemas else match[0]

    return SCHEMA_NAME.sub(rename, page)


def copy_spec(spec: dict[str, Any], k: int) -> dict[str, Any]:
    """Copy ``k`` of the spec's paths and components, named as ``copy_page`` names them."""
    part = copy.deepcopy({"paths": spec.get("paths", {}), "components": spec.get("components", {})})
    if k == 1:
        return part

    def visit(node: Any) -> Any:
        if isinstance(node, dict):
            out = {key: visit(value) for key, value in node.items()}
            ref = out.get("$ref")
            if isinstance(ref, str) and (m := COMPONENT_REF.match(ref)):
                out["$ref"] = f"#/components/{m[1]}/{m[2]}-c{k}"
            return out
        if isinstance(node, list):
            return [visit(value) for value in node]
        return node

    part = visit(part)
    paths = {}
    for path, item in part["paths"].items():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            if "operationId" in operation:
                operation["operationId"] = f"{operation['operationId']}-c{k}"
            if "summary" in operation:
                operation["summary"] = f"{operation['summary']} (copy {k})"
            operation["tags"] = [f"{tag} c{k}" for tag in operation.get("tags", [])]
        paths[f"/c{k}{path}"] = item
    components = {
        kind: {f"{name}-c{k}": value for name, value in entries.items()}
        for kind, entries in part["components"].items()
    }
    return {"paths": paths, "components": components}


def toc(book: Path, copies: int) -> str:
    """The book's table of contents, its tags and pages once per copy."""
    text = (book / "toc.js").read_text(encoding="utf-8")
    data = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    for section in data["toc"]:
        topics = []
        for k in range(1, copies + 1):
            for topic in section["topics"]:
                if not topic["href"].startswith("api-"):
                    if k == 1:
                        topics.append(topic)
                    continue
                tag = copy.deepcopy(topic)
                if k > 1:
                    tag["title"] = f"{tag['title']} c{k}"
                    tag["href"] = f"c{k}-{tag['href']}"
                    for page in tag.get("topics", []):
                        page["title"] = f"{page['title']} (copy {k})"
                        page["href"] = f"op-c{k}-{page['href'].removeprefix('op-')}"
                topics.append(tag)
        section["topics"] = topics
    return f"define({json.dumps(data)});\n"


def replicate(book: Path, spec_file: Path, copies: int, out: Path) -> tuple[Path, Path]:
    """Write ``out/book`` and ``out/spec.json``: ``copies`` copies of the API."""
    spec = json.loads(spec_file.read_text(encoding="utf-8"))
    schemas = set(spec.get("components", {}).get("schemas", {}))
    pages = sorted(book.glob("op-*.html"))
    target = out / "book"
    target.mkdir(parents=True, exist_ok=True)
    for name in ("index.html",):
        if (book / name).exists():
            (target / name).write_text((book / name).read_text(encoding="utf-8"), encoding="utf-8")
    (target / "toc.js").write_text(toc(book, copies), encoding="utf-8")
    merged: dict[str, Any] = {**spec, "paths": {}, "components": {}}
    for k in range(1, copies + 1):
        for page in pages:
            name = page.name if k == 1 else f"op-c{k}-{page.name.removeprefix('op-')}"
            text = copy_page(page.read_text(encoding="utf-8"), k, schemas)
            (target / name).write_text(text, encoding="utf-8")
        part = copy_spec(spec, k)
        merged["paths"].update(part["paths"])
        for kind, entries in part["components"].items():
            merged["components"].setdefault(kind, {}).update(entries)
    spec_out = out / "spec.json"
    spec_out.write_text(json.dumps(merged), encoding="utf-8")
    return target, spec_out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("book", type=Path)
    parser.add_argument("spec", type=Path)
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    book, spec = replicate(args.book, args.spec, args.copies, args.out)
    print(f"{len(list(book.glob('op-*.html')))} pages in {book}; spec {spec}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
