"""Progress per stage: a bar on a terminal, one line per stage elsewhere, none with --quiet."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import docs2sdk, make_project


@pytest.fixture(autouse=True)
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A book built before would come whole from the cache, with no stages to show.
    monkeypatch.setenv("DOCS2SDK_CACHE", str(tmp_path / "cache"))


def test_without_a_terminal_each_stage_prints_one_line(tmp_path: Path) -> None:
    book = make_project(tmp_path, "jupyter-ul", "jupyter_sdk")
    pages = len(list(book.glob("op-*.html")))
    result = docs2sdk("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if not line.startswith("warning")]
    parsed = rf"\({pages} parsed, 0 from the cache\)"
    assert re.fullmatch(rf"scrape: {pages} pages in \d+\.\d s {parsed}", lines[0]), lines
    rendered = r"\(\d+ rendered, 0 from the cache\)"
    assert re.fullmatch(rf"generate: \d+ files in \d+\.\d s {rendered}", lines[1]), lines
    formatted = r"\(\d+ formatted, 0 from the cache\)"
    assert re.fullmatch(rf"format: \d+ files in \d+\.\d s {formatted}", lines[2]), lines
    assert lines[3].startswith("generated/jupyter_sdk: jupyter_sdk 0.1.0")


def test_quiet_shows_no_progress(tmp_path: Path) -> None:
    make_project(tmp_path, "jupyter-ul", "jupyter_sdk")
    result = docs2sdk("build", "--quiet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == ["generated/jupyter_sdk"]


def test_on_a_terminal_each_stage_shows_a_bar_with_its_count(tmp_path: Path) -> None:
    book = make_project(tmp_path, "jupyter-ul", "jupyter_sdk")
    pages = len(list(book.glob("op-*.html")))
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "build"],
        cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower,
    )  # fmt: skip
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    assert process.wait(timeout=120) == 0
    text = shown.decode()
    assert re.search(rf"scrape\s+\[#+\]\s+{pages}/{pages}\s+pages, \d+\.\d s", text), text
    assert re.search(r"format\s+\[#+\]\s+(\d+)/\1\s+files", text), text
