"""Whole books: accuracy against their source specs, determinism, indexes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.model import ApiModel
from generator.openapi import to_openapi
from generator.pipeline import model_from_book
from generator.write import read_tree

from .conftest import BOOKS, FIXTURES

sys.path.insert(0, str(FIXTURES / "tools"))
import api_facts


def facts_of(model: ApiModel, tmp_path: Path) -> set[str]:
    path = tmp_path / "scraped.yaml"
    path.write_text(yaml.safe_dump(to_openapi(model)), encoding="utf-8")
    return api_facts.facts_of(str(path))


@pytest.mark.parametrize("api", ["jupyter", "airflow"])
@pytest.mark.parametrize("markup", ["ul", "dl", "table"])
def test_scrape_recovers_the_spec(api: str, markup: str, tmp_path: Path) -> None:
    model, _ = model_from_book(BOOKS / f"{api}-{markup}")
    result = api_facts.compare(
        api_facts.facts_of(str(BOOKS / f"{api}-spec.yaml")), facts_of(model, tmp_path)
    )
    assert result["recall_without_descriptions"] >= 0.99, result["missing"][:10]
    assert result["precision_without_descriptions"] >= 0.99, result["extra"][:10]
    assert result["recall"] >= 0.97
    assert result["precision"] >= 0.97


def test_builds_in_separate_processes_are_byte_identical(tmp_path: Path) -> None:
    """No cache, and another hash seed in each process: an order that comes from a set
    or a dict of strings shows as a difference."""
    trees = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "DOCS2SDK_CACHE": "off"}
        for command in (
            ["scrape", str(BOOKS / "airflow-ul"), "-o", str(out / "model.yaml")],
            ["generate", str(out / "model.yaml"), "-o", str(out / "sdk"), "--package", "af"],
        ):
            result = subprocess.run(
                [sys.executable, "-m", "generator", *command],
                capture_output=True, text=True, env=env,
            )  # fmt: skip
            assert result.returncode == 0, result.stderr
        trees.append(read_tree(out))
    assert trees[0] == trees[1]
    assert len(trees[0]) > 20


def test_book_without_index_reads_every_operation_page(tmp_path: Path) -> None:
    book = tmp_path / "book"
    book.mkdir()
    for page in (BOOKS / "jupyter-ul").glob("op-api-sessions*.html"):
        shutil.copy(page, book)
    model, _ = model_from_book(book)
    assert sorted(op.page for op in model.operations) == sorted(p.name for p in book.iterdir())
    assert all(op.tag is None for op in model.operations)
    single, _ = model_from_book(book / "op-api-sessions-get.html")
    assert [op.title for op in single.operations] == ["List available sessions"]


@pytest.mark.parametrize("index", ["rest-endpoints.html", "api-*.html", "toc.js"])
def test_each_kind_of_index_gives_the_tags(index: str, tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(BOOKS / "jupyter-dl", book)
    keep = {"rest-endpoints.html": "rest-endpoints.html", "toc.js": "toc.js"}
    for other in ("rest-endpoints.html", "toc.js"):
        if keep.get(index) != other:
            (book / other).unlink()
    if index != "api-*.html":
        for page in book.glob("api-*.html"):
            page.unlink()
    model, _ = model_from_book(book)
    assert len(model.operations) == 32
    tags = {op.title: op.tag for op in model.operations}
    assert tags["Get session"] == "sessions"
    assert tags["Get the Jupyter Server version"] == "Default"
    assert [t.name for t in model.tags][:3] == ["Default", "contents", "sessions"]


def test_aidp_book(aidp_model: ApiModel) -> None:
    ops = {op.name: op for op in aidp_model.operations}
    assert len(aidp_model.operations) == 299
    assert len(ops) == 299, "Python names are unique"
    assert len(aidp_model.tags) == 20
    patch = ops["patch_session"]
    assert patch.method == "patch"
    assert patch.path.endswith("/notebook/api/sessions/{sessionId}")
    assert patch.tag == "Notebook"
    assert patch.page.startswith("op-") and patch.page.endswith("-patch.html")
    for name in ("get_session", "create_session", "delete_session"):
        assert name in ops
    session = aidp_model.schemas["Session"]
    assert session.properties is not None
    assert list(session.properties)[:2] == ["id", "name"]
    assert session.required == ["id", "name"]
    assert session.properties["lifecycleState"].enum == ["CREATING", "ACTIVE", "FAILED"]
    assert "cluster_id" in session.properties
    assert session.page.startswith("op-")
    limit = [p for p in ops["list_sessions"].parameters if p.name == "limit"]
    assert limit and limit[0].in_ == "query" and limit[0].schema_.type == "integer"
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", name) for name in ops)
