"""A generated package as people get it: an sdist and a wheel the standard tools build
and check, whose wheel installs with its testing extra into a fresh environment and
passes there the tests its sdist ships; and the releases a repository has yet to make."""

from __future__ import annotations

import email.parser
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.message import Message
from pathlib import Path

import black
import pytest
from trove_classifiers import classifiers as known_classifiers

from generator.config import load_config
from generator.errors import ConfigError
from generator.format import MODE
from generator.generate.metadata import PYTHON_VERSIONS
from generator.model import load_model
from generator.pipeline import model_from_book
from generator.project import project_files
from generator.release import (
    ReleaseError,
    build_distributions,
    changelog_entry,
    check_distributions,
    chosen_books,
    index_environment,
    pending_releases,
    run_package_tests,
)
from generator.write import write_tree

from .conftest import (
    AIDP_PROJECT,
    BOOKS,
    SmallRelease,
    docs2sdk,
    install_package,
    make_project,
)


def wheel_metadata(release: SmallRelease) -> Message:
    with zipfile.ZipFile(release.distributions.wheel) as wheel:
        name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.Parser().parsestr(wheel.read(name).decode("utf-8"))


def test_the_wheel_holds_the_package_alone_and_the_sdist_its_tests(
    small_release: SmallRelease,
) -> None:
    with zipfile.ZipFile(small_release.distributions.wheel) as wheel:
        in_wheel = wheel.namelist()
    assert {name.split("/")[0] for name in in_wheel} == {
        "jupyter_sdk",
        "jupyter_sdk-0.1.0.dist-info",
    }
    assert {"jupyter_sdk/py.typed", "jupyter_sdk/_server_spec.json"} <= set(in_wheel)
    with tarfile.open(small_release.distributions.sdist) as sdist:
        in_sdist = {name.partition("/")[2] for name in sdist.getnames()}
    expected = {
        "tests/conftest.py",
        "tests/test_operations.py",
        "tests/test_readme.py",
        "README.md",
        "CHANGELOG.md",
        "pyproject.toml",
    }
    assert expected <= in_sdist
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in in_sdist)


def test_the_metadata_says_what_the_package_is(small_release: SmallRelease) -> None:
    metadata = wheel_metadata(small_release)
    assert metadata["License-Expression"] == "MIT OR Apache-2.0"
    assert metadata["Requires-Python"] == f">={PYTHON_VERSIONS[0]}"
    assert metadata["Description-Content-Type"] == "text/markdown"
    found = metadata.get_all("Classifier") or []
    assert set(found) <= known_classifiers  # an index refuses any other
    for version in PYTHON_VERSIONS:
        assert f"Programming Language :: Python :: {version}" in found
    assert "Typing :: Typed" in found
    urls = dict(url.split(", ", 1) for url in metadata.get_all("Project-URL") or [])
    repository = "https://github.com/example/sdks"
    assert urls == {
        "Documentation": "https://docs.example.com/jupyter/",
        "Source": repository,
        "Issues": f"{repository}/issues",
        "Changelog": f"{repository}/blob/HEAD/generated/jupyter_sdk/CHANGELOG.md",
    }
    assert "testing" in (metadata.get_all("Provides-Extra") or [])
    requires = metadata.get_all("Requires-Dist") or []
    assert 'jupyter-sdk[server]; extra == "testing"' in requires
    assert any(re.fullmatch(r'pytest>=\d+; extra == "testing"', r) for r in requires)
    keywords = (metadata["Keywords"] or "").split(",")
    assert {"sdk", "sessions", "kernels"} <= set(keywords)


def test_twine_finds_nothing_to_refuse(small_release: SmallRelease) -> None:
    check_distributions(small_release.package, small_release.distributions)


def test_the_command_builds_checks_installs_and_tests_the_package(
    small_release: SmallRelease,
) -> None:
    result = docs2sdk(
        "package", "input/jupyter_sdk", "-o", "dist-command", "--offline", cwd=small_release.root
    )
    assert result.returncode == 0, result.stderr
    built = sorted(p.name for p in (small_release.root / "dist-command").iterdir())
    assert built == ["jupyter_sdk-0.1.0-py3-none-any.whl", "jupyter_sdk-0.1.0.tar.gz"]
    assert "twine check passed" in result.stderr
    passed = re.search(r"installed in a fresh environment, (\d+) tests passed", result.stderr)
    assert passed, result.stderr
    # Each operation sync and async, the errors, the deviating response, the README.
    operations = (small_release.project / "jupyter_sdk" / "_endpoints.py").read_text()
    assert int(passed[1]) > 2 * operations.count("= Endpoint(")
    # The project it was built from is as the build left it: no tool's files in it.
    assert docs2sdk("check", cwd=small_release.root).returncode == 0
    assert not list(small_release.project.glob("*.egg-info"))


def test_a_package_whose_own_tests_fail_is_refused(
    small_release: SmallRelease, tmp_path: Path
) -> None:
    """The package's tests catch a client that calls the wrong path."""
    broken = tmp_path / "jupyter_sdk"
    shutil.copytree(small_release.project, broken)
    endpoints = broken / "jupyter_sdk" / "_endpoints.py"
    text = endpoints.read_text(encoding="utf-8")
    endpoints.write_text(text.replace('"/api/sessions"', '"/api/session"', 1), encoding="utf-8")
    distributions = build_distributions(broken, tmp_path / "dist", offline=True)
    with pytest.raises(ReleaseError, match=r"jupyter_sdk: its tests failed") as raised:
        run_package_tests("jupyter_sdk", distributions, tmp_path / "work", offline=True)
    assert "test_each_operation_on_the_stub" in str(raised.value)


def test_an_offline_build_names_a_build_requirement_this_environment_lacks(
    small_release: SmallRelease, tmp_path: Path
) -> None:
    project = tmp_path / "jupyter_sdk"
    shutil.copytree(small_release.project, project)
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace('"setuptools>=', '"setuptools>=999,>='), encoding="utf-8")
    with pytest.raises(ReleaseError, match=r"jupyter_sdk: an offline build .* lacks setuptools"):
        build_distributions(project, tmp_path / "dist", offline=True)
    assert not (tmp_path / "dist").exists()


def test_a_book_that_is_no_book_is_named(tmp_path: Path) -> None:
    make_project(tmp_path, "jupyter-ul", "jupyter_sdk")
    elsewhere = tmp_path / "elsewhere"
    with pytest.raises(ReleaseError, match=re.escape(f"no input/*/docs2sdk.yaml in {elsewhere}")):
        chosen_books(tmp_path, [elsewhere])


def test_a_folder_with_no_book_is_no_project(tmp_path: Path) -> None:
    result = docs2sdk("releases", cwd=tmp_path)
    assert result.returncode == 1
    assert f"no input/*/docs2sdk.yaml in {tmp_path}: run in the project root" in result.stderr


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def test_a_release_is_pending_until_its_version_is_tagged(tmp_path: Path) -> None:
    book = make_project(tmp_path, "jupyter-ul", "jupyter_sdk")
    git(tmp_path, "init", "-q")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.com",
        "commit", "-q", "--allow-empty", "-m", "start")  # fmt: skip
    [first] = pending_releases(tmp_path, chosen_books(tmp_path))
    assert (first.book, first.distribution, first.version) == (
        "input/jupyter_sdk",
        "jupyter-sdk",
        "0.1.0",
    )
    assert first.tag == "jupyter-sdk-v0.1.0"
    assert (first.index, first.environment) == (None, "pypi")
    assert first.notes == "The first release of jupyter-sdk."
    git(tmp_path, "tag", first.tag)
    assert pending_releases(tmp_path, chosen_books(tmp_path)) == []
    # A new version, with its changelog entry, on another index.
    config = book / "docs2sdk.yaml"
    text = config.read_text(encoding="utf-8").replace("version: 0.1.0", "version: 0.2.0")
    config.write_text(text + "index: https://upload.example.com/legacy/\n", encoding="utf-8")
    changelog = tmp_path / "generated" / "jupyter_sdk" / "CHANGELOG.md"
    changelog.parent.mkdir(parents=True)
    changelog.write_text(
        "# Changelog\n\n## 0.2.0\n\n- `get_session`: new argument.\n\n## 0.1.1\n\n- Older.\n",
        encoding="utf-8",
    )
    [second] = pending_releases(tmp_path, chosen_books(tmp_path))
    assert (second.tag, second.index) == (
        "jupyter-sdk-v0.2.0",
        "https://upload.example.com/legacy/",
    )
    assert second.environment == "index-upload.example.com"
    assert second.notes == "- `get_session`: new argument."


def test_a_changelog_entry_is_its_version_s_alone() -> None:
    changelog = "<!-- x -->\n# Changelog\n\n## 1.10.0\n\nTen.\n\n## 1.1.0\n\nOne.\n"
    assert changelog_entry(changelog, "1.1.0") == "One."
    assert changelog_entry(changelog, "1.10.0") == "Ten."
    assert changelog_entry(changelog, "1.0.0") is None


def test_an_index_s_environment_is_named_by_its_host() -> None:
    assert index_environment(None) == "pypi"
    assert index_environment("https://packages.example.com:8443/upload/") == (
        "index-packages.example.com:8443"
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("license: Apache 2", "key license: Value error, 'Apache 2' is no SPDX license"),
        ("repository: github.com/x/y", "key repository: Value error, 'github.com/x/y' is no"),
        ("index: ftp://x/", "key index: Value error, 'ftp://x/' is no http(s) URL"),
    ],
)
def test_release_settings_that_do_not_validate_are_named(
    tmp_path: Path, line: str, message: str
) -> None:
    config = tmp_path / "docs2sdk.yaml"
    config.write_text(f"package: p\noutput: generated/p\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(f"{config}: {message}")):
        load_config(config)


def test_a_license_is_kept_as_spdx_writes_it(tmp_path: Path) -> None:
    config = tmp_path / "docs2sdk.yaml"
    config.write_text("package: p\noutput: generated/p\nlicense: apache-2.0\n", encoding="utf-8")
    assert load_config(config).license == "Apache-2.0"


def run_own_tests(project: Path, installed: Path) -> subprocess.CompletedProcess[str]:
    """The package project's own tests, run by pytest against the package installed in
    ``installed`` (not the project's copy: the project is not on the path)."""
    path = os.pathsep.join(filter(None, [str(installed), os.environ.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(project / "tests"), "--rootdir", str(project),
         "-c", str(project / "pyproject.toml"), "-p", "no:cacheprovider", "-q"],
        capture_output=True, text=True, cwd=installed, env={**os.environ, "PYTHONPATH": path},
    )  # fmt: skip


def test_the_committed_package_passes_its_own_tests(aidp_sdk: Path) -> None:
    result = run_own_tests(AIDP_PROJECT, aidp_sdk.parent)
    assert result.returncode == 0, result.stdout[-3000:]
    operations = len(load_model(AIDP_PROJECT / "model.yaml").operations)
    passed = re.search(r"(\d+) passed", result.stdout)
    assert passed and int(passed[1]) > 2 * operations, result.stdout[-300:]


def test_hostile_names_pass_their_own_tests(tmp_path: Path) -> None:
    model, _ = model_from_book(BOOKS / "hostile")
    write_tree(tmp_path / "own_hostile", project_files(model, "own_hostile", "0.1.0", None))
    install_package(tmp_path / "own_hostile", tmp_path / "site")
    result = run_own_tests(tmp_path / "own_hostile", tmp_path / "site")
    assert result.returncode == 0, result.stdout[-3000:]


def test_the_package_s_tests_are_laid_out_typed_and_lint_clean(small_release: SmallRelease) -> None:
    tests = sorted((small_release.project / "tests").glob("*.py"))
    assert [path.name for path in tests] == ["conftest.py", "test_operations.py", "test_readme.py"]
    for path in tests:
        text = path.read_text(encoding="utf-8")
        assert black.format_str(text, mode=MODE) == text, path.name
    for command in (["ruff", "check", "tests"], ["mypy", "--strict", "tests"]):
        result = subprocess.run(
            [sys.executable, "-m", *command], capture_output=True, text=True,
            cwd=small_release.project,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout[-3000:]
