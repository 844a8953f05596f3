"""Pages are decoded as they say: a byte order mark, else the encoding their ``<meta>``
declares, else UTF-8, as a browser decodes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.pipeline import model_from_book

from .conftest import docs2sdk

PAGE = """<!DOCTYPE html>
<html><head>{meta}<title>Get the café - Book</title></head><body>
<h1>Get the café</h1><div>get</div><div>/cafés/{{id}}</div>
<div>Größe \u2013 10 €, “quoted”.</div>
<h2>Request</h2><h3>Path Parameters</h3>
<ul><li>id(required): string<div>The café\u2019s id.</div></li></ul>
<h2>Response</h2><h3>200 Response</h3><div>Ça marche.</div>
</body></html>
"""
INDEX = """<html><head>{meta}<title>Données</title></head><body>
<h1>All REST Endpoints</h1>
<h2>Données</h2>
<div><a href="op-cafes-id-get.html">Get the café</a> get /cafés/{{id}}</div>
</body></html>
"""


def _book(tmp_path: Path, meta: str, encoding: str) -> Path:
    book = tmp_path / "book"
    book.mkdir()
    # What the encoding has no byte for, the page writes as a character reference.
    for name, text in (("op-cafes-id-get.html", PAGE), ("rest-endpoints.html", INDEX)):
        (book / name).write_bytes(text.format(meta=meta).encode(encoding, "xmlcharrefreplace"))
    return book


@pytest.mark.parametrize(
    ("meta", "encoding"),
    [
        ('<meta charset="iso-8859-1">', "cp1252"),  # read as windows-1252, as browsers do
        ('<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=windows-1252">', "cp1252"),
        ("<meta charset='utf-8'>", "utf-8"),
        ("", "utf-8-sig"),
        ("", "utf-16"),  # a byte order mark says UTF-16
        ('<meta charset="iso-8859-15">', "iso-8859-15"),
    ],
)
def test_a_page_is_decoded_as_it_says(meta: str, encoding: str, tmp_path: Path) -> None:
    model, diagnostics = model_from_book(_book(tmp_path, meta, encoding))
    [op] = model.operations
    assert (op.title, op.path, op.tag) == ("Get the café", "/cafés/{id}", "Données")
    assert op.description == "Größe \u2013 10 €, “quoted”."
    assert op.parameters[0].description == "The café\u2019s id."
    assert op.responses[0].description == "Ça marche."
    assert not diagnostics.warnings


def test_a_page_not_in_the_encoding_it_says_is_refused_by_name(tmp_path: Path) -> None:
    book = _book(tmp_path, '<meta charset="utf-8">', "cp1252")
    result = docs2sdk("scrape", str(book), "-o", str(tmp_path / "model.yaml"))
    assert result.returncode == 2
    assert "op-cafes-id-get.html: page: not UTF-8 text" in result.stderr


def test_an_unknown_encoding_is_refused_by_name(tmp_path: Path) -> None:
    book = _book(tmp_path, '<meta charset="klingon-1">', "ascii")
    result = docs2sdk("scrape", str(book), "-o", str(tmp_path / "model.yaml"))
    assert result.returncode == 2
    assert "declares an unknown encoding 'klingon-1'" in result.stderr
