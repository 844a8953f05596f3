"""Builds that redo only what changed: a book built before from the same pages,
settings and generator comes from the cache; one changed page is read again, alone."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jinja2
import pytest

from generator.write import read_tree

from .conftest import build_with_templates, docs2sdk, make_project


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DOCS2SDK_CACHE", str(tmp_path / "cache"))
    make_project(tmp_path / "project", "jupyter-ul", "jupyter_sdk")
    result = docs2sdk("build", cwd=tmp_path / "project")
    assert result.returncode == 0, result.stderr
    return tmp_path / "project"


def _stages(stderr: str) -> list[str]:
    return [line.split(":")[0] for line in stderr.splitlines() if " in " in line]


def test_check_with_nothing_changed_reads_no_page(project: Path) -> None:
    result = docs2sdk("check", cwd=project)
    assert result.returncode == 0, result.stderr
    assert _stages(result.stderr) == []
    assert "generated/ is current" in result.stderr


def test_a_changed_page_is_read_again_and_alone(project: Path) -> None:
    page = project / "input" / "jupyter_sdk" / "op-api-sessions-get.html"
    page.write_text(page.read_text().replace("</h1>", " (edited)</h1>", 1), encoding="utf-8")
    result = docs2sdk("build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert _stages(result.stderr) == ["scrape", "generate", "format"]
    assert "(edited)" in (project / "generated" / "jupyter_sdk" / "README.md").read_text()
    assert docs2sdk("check", cwd=project).returncode == 0
    # Every other page came from the cache: the counts say so.
    reread = [line for line in result.stderr.splitlines() if line.startswith("scrape:")]
    assert reread and "(1 parsed, " in reread[0]


def test_a_rebuild_renders_only_what_the_change_reaches(project: Path, tmp_path: Path) -> None:
    page = project / "input" / "jupyter_sdk" / "op-api-sessions-get.html"
    page.write_text(page.read_text().replace("</h1>", " (edited)</h1>", 1), encoding="utf-8")
    result = docs2sdk("build", cwd=project)
    assert result.returncode == 0, result.stderr
    [note] = [line for line in result.stderr.splitlines() if line.startswith("generate:")]
    # What shows the title: the sessions module, the README and the endpoints (the
    # command table is data, not rendered); a title names no method, so the package's
    # tests, which call it by name, stay; every model module and fixed file is as the
    # last build left it.
    assert "(4 rendered, " in note, note
    # The same files as a build that found nothing cached.
    assert read_tree(project / "generated") == _fresh_build(project, tmp_path)


def _fresh_build(project: Path, tmp_path: Path) -> dict[str, str]:
    """What a build of ``project``'s input makes with nothing cached, in another process
    (whose set order, by string hashes, differs)."""
    fresh = tmp_path / "fresh"
    shutil.copytree(project / "input", fresh / "input")
    env = {**os.environ, "DOCS2SDK_CACHE": str(tmp_path / "empty"), "PYTHONHASHSEED": "7"}
    subprocess.run([sys.executable, "-m", "generator", "build", "-q"], cwd=fresh, env=env,
                   check=True)  # fmt: skip
    return read_tree(fresh / "generated")


def test_a_model_file_edited_by_hand_is_not_read_as_the_last_builds(
    project: Path, tmp_path: Path
) -> None:
    # A rebuild takes unchanged items' YAML from the documents the last build wrote,
    # once it has checked that they are still as written.
    model = project / "generated" / "jupyter_sdk" / "model.yaml"
    model.write_text(model.read_text().replace("file\n", "file (by hand)\n", 1), "utf-8")
    page = project / "input" / "jupyter_sdk" / "op-api-sessions-get.html"
    page.write_text(page.read_text().replace("</h1>", " (edited)</h1>", 1), encoding="utf-8")
    # An edit by hand is overwritten only when asked for: by default the build refuses.
    assert docs2sdk("build", cwd=project).returncode == 6
    assert docs2sdk("build", "--force", cwd=project).returncode == 0
    assert "(by hand)" not in model.read_text()
    assert read_tree(project / "generated") == _fresh_build(project, tmp_path)


def test_a_template_edited_again_is_rendered_again(project: Path, tmp_path: Path) -> None:
    template = tmp_path / "templates" / "package" / "_operations" / "group.py.j2"
    template.parent.mkdir(parents=True)
    default = Path(__file__).parents[1] / "templates" / "package" / "_operations" / "group.py.j2"
    module = project / "generated" / "jupyter_sdk" / "jupyter_sdk" / "_operations" / "sessions.py"
    for mark in ("first", "second"):
        template.write_text(f"# {mark}\n{default.read_text()}", encoding="utf-8")
        result = build_with_templates(project, template.parents[2])
        assert result.returncode == 0, result.stderr
        assert module.read_text().startswith(f"# {mark}\n")


def test_a_template_a_template_includes_is_read_with_it(project: Path, tmp_path: Path) -> None:
    """A file is found rendered only when every template it is made from, included
    ones too, is as it was; one named by a value is rendered every time."""
    templates = tmp_path / "templates"
    (templates / "package" / "_operations").mkdir(parents=True)
    default = Path(__file__).parents[1] / "templates" / "package" / "_operations" / "group.py.j2"
    group = templates / "package" / "_operations" / "group.py.j2"
    group.write_text('{% include "banner.j2" %}\n' + default.read_text(), encoding="utf-8")
    readme = templates / "README.md.j2"
    module = project / "generated" / "jupyter_sdk" / "jupyter_sdk" / "_operations" / "sessions.py"
    for banner in ("# first banner", "# second banner"):
        (templates / "banner.j2").write_text(banner + "\n", encoding="utf-8")
        readme.write_text('{% include "banner" ~ ".j2" %}{{ title }}\n', encoding="utf-8")
        result = build_with_templates(project, templates)
        assert result.returncode == 0, result.stderr
        assert module.read_text().startswith(banner + "\n")
        readme_out = (project / "generated" / "jupyter_sdk" / "README.md").read_text()
        assert readme_out.startswith(banner + "\n")


def test_other_templates_are_a_different_build(project: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "README.md.j2").write_text("# {{ title }}, by hand\n", encoding="utf-8")
    result = build_with_templates(project, templates)
    assert result.returncode == 0, result.stderr
    readme = (project / "generated" / "jupyter_sdk" / "README.md").read_text()
    assert readme.endswith(", by hand\n")
    # The book's settings say which templates it is built with: a bare check knows.
    assert docs2sdk("check", cwd=project).returncode == 0
    config = project / "input" / "jupyter_sdk" / "docs2sdk.yaml"
    config.write_text(config.read_text().replace("templates:", "# templates:"), encoding="utf-8")
    assert docs2sdk("check", cwd=project).returncode == 1  # the default templates differ


def test_a_generated_file_edited_by_hand_is_found_stale(project: Path) -> None:
    client = project / "generated" / "jupyter_sdk" / "jupyter_sdk" / "client.py"
    client.write_text(client.read_text() + "# edited\n", encoding="utf-8")
    result = docs2sdk("check", cwd=project)
    assert result.returncode == 1
    assert "-# edited" in result.stdout
    # A build does not overwrite the edit unless told to, and says where it is.
    refused = docs2sdk("build", cwd=project)
    assert refused.returncode == 6
    assert "client.py: changed since docs2sdk wrote it" in refused.stderr
    assert client.read_text().endswith("# edited\n")
    assert docs2sdk("build", "--force", cwd=project).returncode == 0
    assert "# edited" not in client.read_text()


def test_a_template_is_compiled_once_until_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.generate.render import environment

    compiled: list[str | None] = []
    compile_source = jinja2.Environment.compile

    def counted(self: jinja2.Environment, source: str, name: str | None = None, *args: Any) -> Any:
        compiled.append(name)
        return compile_source(self, source, name, *args)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    templates = tmp_path / "templates"
    templates.mkdir()
    for text, jinja_version, expected in [
        ("a {{ x }}", "3.1", ["mine.j2"]),
        ("a {{ x }}", "3.1", []),
        ("b {{ x }}", "3.1", ["mine.j2"]),
        ("b {{ x }}", "3.2", ["mine.j2"]),  # what another Jinja compiled is not used
    ]:
        (templates / "mine.j2").write_text(text, encoding="utf-8")
        monkeypatch.setattr(jinja2, "__version__", jinja_version)
        compiled.clear()
        # A new environment each time, as each build has: only the cache is shared.
        rendered = environment(templates, tmp_path / "cache").get_template("mine.j2").render(x=1)
        assert (rendered, compiled) == (text.replace("{{ x }}", "1"), expected)
