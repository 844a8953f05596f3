"""docs2sdk writes only where it owns the folder, and never loses a file it did not make."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from generator.errors import OutputError
from generator.write import MANIFEST, owned_files, read_tree, write_tree

from .conftest import BOOKS, build_with_templates, docs2sdk, make_project


def tree_digest(root: Path) -> dict[str, str]:
    """Every file and link under ``root`` (the project and what lies around it), by its
    path and content: to tell that nothing anywhere changed."""
    found = {}
    for top, _dirs, names in os.walk(root):
        for name in names:
            path = Path(top) / name
            content = os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
            found[path.relative_to(root).as_posix()] = hashlib.sha256(content).hexdigest()
    return found


@pytest.fixture(scope="module")
def model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    model = tmp_path_factory.mktemp("model") / "model.yaml"
    result = docs2sdk("scrape", str(BOOKS / "jupyter-ul"), "-o", str(model))
    assert result.returncode == 0, result.stderr
    return model


def test_generate_refuses_a_folder_it_did_not_make(model_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = docs2sdk("generate", str(model_file), "-o", str(out), "--package", "jupyter_sdk")
    assert result.returncode == 6, result.stderr
    assert "notes.txt" in result.stderr and "--force" in result.stderr
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine\n"


def test_generate_with_force_keeps_what_was_there(model_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "docs").mkdir(parents=True)
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    (out / "docs" / "guide.md").write_text("# Guide\n", encoding="utf-8")
    args = ("generate", str(model_file), "-o", str(out), "--package", "jupyter_sdk")
    assert docs2sdk(*args, "--force").returncode == 0
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine\n"
    assert (out / "docs" / "guide.md").read_text(encoding="utf-8") == "# Guide\n"
    assert (out / "jupyter_sdk" / "client.py").is_file()
    owned = owned_files(out)
    assert owned is not None and "notes.txt" not in owned and "jupyter_sdk/client.py" in owned
    # Now the folder is docs2sdk's: generating again needs no --force, and keeps them.
    assert docs2sdk(*args).returncode == 0
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine\n"


def test_files_a_user_adds_to_a_package_survive_a_rebuild(tmp_path: Path) -> None:
    book = make_project(tmp_path, "jupyter-ul", "jupyter_sdk")
    assert docs2sdk("build", cwd=tmp_path).returncode == 0
    package = tmp_path / "generated" / "jupyter_sdk"
    # A file of one's own beside the package's own tests, in a folder docs2sdk writes to.
    (package / "tests" / "test_mine.py").write_text("def test_x(): pass\n", encoding="utf-8")
    (package / ".gitignore").write_text("*.pyc\n", encoding="utf-8")
    (package / "notes").mkdir()  # an empty folder
    (package / "LICENSE").symlink_to("../../LICENSE")
    (package / "jupyter_sdk" / "_extras.py").write_text("X = 1\n", encoding="utf-8")
    mine = {p: tree_digest(package)[p] for p in (".gitignore", "tests/test_mine.py", "LICENSE")}
    page = book / "op-api-sessions-get.html"
    page.write_text(page.read_text().replace("</h1>", " (edited)</h1>", 1), encoding="utf-8")

    assert docs2sdk("build", cwd=tmp_path).returncode == 0

    after = tree_digest(package)
    assert {p: after[p] for p in mine} == mine
    assert os.readlink(package / "LICENSE") == "../../LICENSE"
    assert (package / "notes").is_dir()
    assert (package / "jupyter_sdk" / "_extras.py").read_text() == "X = 1\n"
    assert "(edited)" in (package / "model.yaml").read_text()
    assert docs2sdk("check", cwd=tmp_path).returncode == 0  # a user's files are not stale


def test_only_files_docs2sdk_made_are_deleted_or_replaced(tmp_path: Path) -> None:
    out = tmp_path / "sdk"
    write_tree(out, {"a.py": "a = 1\n", "old.py": "old = 1\n"})
    (out / "mine.py").write_text("mine = 1\n", encoding="utf-8")
    write_tree(out, {"a.py": "a = 2\n"})
    assert read_tree(out) == {"a.py": "a = 2\n", "mine.py": "mine = 1\n"}
    assert owned_files(out) is not None and set(owned_files(out) or {}) == {"a.py"}
    # A file of the user's where docs2sdk would now write one: refused, kept.
    with pytest.raises(OutputError, match=r"mine\.py: a file docs2sdk did not make"):
        write_tree(out, {"a.py": "a = 2\n", "mine.py": "generated\n"})
    assert (out / "mine.py").read_text() == "mine = 1\n"
    # A generated file changed by hand: neither replaced nor deleted unless forced.
    (out / "a.py").write_text("a = 'by hand'\n", encoding="utf-8")
    for files in ({"a.py": "a = 3\n"}, {"b.py": "b = 1\n"}):
        with pytest.raises(OutputError, match=r"a\.py: changed since docs2sdk wrote it"):
            write_tree(out, files)
        assert (out / "a.py").read_text() == "a = 'by hand'\n"
    write_tree(out, {"a.py": "a = 3\n"}, force=True)
    assert read_tree(out) == {"a.py": "a = 3\n", "mine.py": "mine = 1\n"}


def test_a_new_output_folder_is_as_open_as_any_other(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_tree(tmp_path / "sdk", {"a/b.py": "x = 1\n"})
    finally:
        os.umask(old)
    assert (tmp_path / "sdk").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "sdk" / "a").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "sdk" / "a" / "b.py").stat().st_mode & 0o777 == 0o644


def test_a_folder_written_before_manifests_is_taken_as_docs2sdks(tmp_path: Path) -> None:
    make_project(tmp_path, "jupyter-ul", "jupyter_sdk")
    assert docs2sdk("build", cwd=tmp_path).returncode == 0
    package = tmp_path / "generated" / "jupyter_sdk"
    (package / MANIFEST).unlink()  # as an earlier docs2sdk left it
    (package / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert docs2sdk("build", cwd=tmp_path).returncode == 0
    assert (package / MANIFEST).is_file()
    assert (package / "notes.txt").read_text() == "mine\n"
    assert "notes.txt" not in (owned_files(package) or {})


def _second_book(project: Path, output: str) -> None:
    folder = project / "input" / "other"
    shutil.copytree(BOOKS / "airflow-ul", folder)
    (folder / "docs2sdk.yaml").write_text(f"package: other\noutput: {output}\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("output", "second", "why"),
    [
        ("input/jupyter_sdk", None, "overlaps the books' folder"),
        (".", None, "the project's own folder"),
        ("input", None, "overlaps the books' folder"),
        ("../outside", None, "outside the project"),
        ("{outside}", None, "outside the project"),
        ("../../../../../../../../../../tmp/x", None, "outside the project"),
        (".git/sdk", None, "inside the project's .git"),
        ("generated", "generated/other", "overlaps the output of"),
        ("generated/shared", "generated/shared", "overlaps the output of"),
        ("generated/a", "generated/a/b", "overlaps the output of"),
    ],
)
def test_an_output_docs2sdk_must_not_own_is_refused(
    tmp_path: Path, output: str, second: str | None, why: str
) -> None:
    project = tmp_path / "project"
    make_project(project, "jupyter-ul", "jupyter_sdk")
    (project / ".git").mkdir()
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "keep.txt").write_text("outside\n", encoding="utf-8")
    output = output.format(outside=tmp_path / "outside")
    config = project / "input" / "jupyter_sdk" / "docs2sdk.yaml"
    config.write_text(f"package: jupyter_sdk\noutput: {output}\n", encoding="utf-8")
    if second is not None:
        _second_book(project, second)
    before = tree_digest(tmp_path)

    for command in ("build", "check"):
        result = docs2sdk(command, cwd=project)
        assert result.returncode == 3, result.stderr
        assert "key output" in result.stderr and why in result.stderr
        assert "Traceback" not in result.stderr
    assert docs2sdk("build", "--force", cwd=project).returncode == 3  # not even forced

    assert tree_digest(tmp_path) == before


def test_an_output_given_as_an_absolute_path_inside_the_project_works(tmp_path: Path) -> None:
    make_project(tmp_path, "jupyter-ul", "jupyter_sdk")
    config = tmp_path / "input" / "jupyter_sdk" / "docs2sdk.yaml"
    config.write_text(f"package: jupyter_sdk\noutput: {tmp_path / 'sdks' / 'j'}\n", "utf-8")
    result = docs2sdk("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "sdks" / "j" / "jupyter_sdk" / "client.py").is_file()
    assert docs2sdk("check", cwd=tmp_path).returncode == 0


def test_build_refuses_an_output_folder_holding_someone_elses_files(tmp_path: Path) -> None:
    make_project(tmp_path, "jupyter-ul", "jupyter_sdk")
    config = tmp_path / "input" / "jupyter_sdk" / "docs2sdk.yaml"
    config.write_text("package: jupyter_sdk\noutput: tests\n", encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_app.py").write_text("def test(): pass\n", encoding="utf-8")
    before = tree_digest(tmp_path)
    result = docs2sdk("build", cwd=tmp_path)
    assert result.returncode == 6, result.stderr
    assert "test_app.py" in result.stderr
    assert tree_digest(tmp_path) == before


def test_an_output_around_a_packages_folder_is_refused(tmp_path: Path) -> None:
    """``output: generated`` after a build into ``generated/jupyter_sdk``: that folder
    is not docs2sdk's own, and nothing in it is lost."""
    make_project(tmp_path, "jupyter-ul", "jupyter_sdk")
    assert docs2sdk("build", cwd=tmp_path).returncode == 0
    config = tmp_path / "input" / "jupyter_sdk" / "docs2sdk.yaml"
    config.write_text("package: jupyter_sdk\noutput: generated\n", encoding="utf-8")
    before = tree_digest(tmp_path)
    result = docs2sdk("build", cwd=tmp_path)
    assert result.returncode == 6, result.stderr
    assert tree_digest(tmp_path) == before


def test_a_misspelt_template_is_an_error(tmp_path: Path) -> None:
    make_project(tmp_path / "project", "jupyter-ul", "jupyter_sdk")
    templates = tmp_path / "templates"
    (templates / "package").mkdir(parents=True)
    (templates / "package" / "clent.py.j2").write_text("{{ header }}\n", encoding="utf-8")
    result = build_with_templates(tmp_path / "project", templates)
    assert result.returncode == 1
    assert "clent.py.j2: replaces no template" in result.stderr
    assert "package/client.py.j2" in result.stderr  # what it could have meant
    assert not (tmp_path / "project" / "generated").exists()


def test_a_generated_file_a_merge_brought_in_is_docs2sdks(tmp_path: Path) -> None:
    """Two branches each rebuilt the package: after the merge, files that the other
    branch's build made carry docs2sdk's header but are not in this manifest. Where the
    build writes them they are its own; a copy someone made elsewhere is kept."""
    out = tmp_path / "sdk"
    write_tree(out, {"a.py": '# Generated by docs2sdk from "X".\na = 1\n'})
    (out / "b.py").write_text('# Generated by docs2sdk from "X".\nb = 1\n', "utf-8")
    (out / "copy.py").write_text('# Generated by docs2sdk from "X".\nmine = 1\n', "utf-8")
    files = {
        "a.py": '# Generated by docs2sdk from "X".\na = 2\n',
        "b.py": '# Generated by docs2sdk from "X".\nb = 2\n',
    }
    write_tree(out, files)
    assert read_tree(out) == {**files, "copy.py": '# Generated by docs2sdk from "X".\nmine = 1\n'}
