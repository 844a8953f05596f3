"""A failed or killed build leaves generated/ exactly as it was."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.write import read_tree

from .conftest import build_with_templates, docs2sdk, make_project


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """A project built once, then with a changed page, so the next build has work to do."""
    book = make_project(tmp_path, "airflow-ul", "airflow_sdk")
    assert docs2sdk("build", cwd=tmp_path).returncode == 0
    page = book / "op-dags-get.html"
    page.write_text(page.read_text().replace("List DAGs", "List all DAGs"), encoding="utf-8")
    return tmp_path


def test_a_template_that_raises_leaves_generated_untouched(built: Path, tmp_path: Path) -> None:
    before = read_tree(built / "generated")
    templates = tmp_path / "broken"
    (templates / "package").mkdir(parents=True)
    (templates / "package" / "client.py.j2").write_text("{{ no_such_thing.at_all }}\n")
    result = build_with_templates(built, templates)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "no_such_thing" in result.stderr
    assert read_tree(built / "generated") == before
    assert sorted(p.name for p in (built / "generated").iterdir()) == ["airflow_sdk"]


def test_a_killed_build_leaves_generated_whole(
    built: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    before = read_tree(built / "generated" / "airflow_sdk")
    # What a whole new build writes, made in a copy of the project.
    copy = tmp_path_factory.mktemp("whole") / "project"
    shutil.copytree(built, copy)
    assert docs2sdk("build", cwd=copy).returncode == 0
    whole = read_tree(copy / "generated" / "airflow_sdk")
    assert whole != before
    env = {**os.environ, "DOCS2SDK_CACHE": "off"}
    for delay in (0.3, 0.8, 1.5, 2.5):
        build = subprocess.Popen(
            [sys.executable, "-m", "generator", "build"], cwd=built, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        time.sleep(delay)
        os.killpg(build.pid, signal.SIGKILL)
        build.wait()
        after = read_tree(built / "generated" / "airflow_sdk")
        # Killed before the swap: the old tree, byte for byte; after it: the whole new
        # one. Never a mix, whenever the kill lands.
        assert after in (before, whole)
    assert docs2sdk("build", cwd=built).returncode == 0
    assert read_tree(built / "generated" / "airflow_sdk") == whole
    assert [p.name for p in (built / "generated").iterdir()] == ["airflow_sdk"]
