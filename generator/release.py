"""A generated package as people get it: built into an sdist and a wheel, checked,
installed from the wheel into a fresh virtual environment and tested there; and the
releases the project has yet to make.

The build, the check and the install are the standard tools' own (``build``, ``twine``,
``pip``), each run in a process of its own, as a release job runs them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
import venv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from .config import CONFIG_NAME
from .errors import Docs2SdkError
from .generate.metadata import distribution_name
from .project import CHANGELOG_FILE, INPUT_FOLDER, Book, book_configs
from .write import read_tree

_OUTPUT_TAIL = 4000  # characters of a failed tool's output shown


class ReleaseError(Docs2SdkError):
    """A package that does not build, check, install or pass its tests; the message
    names the package and says what the tool said."""


@dataclass(frozen=True)
class Distributions:
    sdist: Path
    wheel: Path
    seconds: float  # how long building both took

    @property
    def files(self) -> tuple[Path, Path]:
        return self.sdist, self.wheel


@dataclass(frozen=True)
class PackageTestRun:
    passed: int
    failed: int
    skipped: int
    seconds: float  # as pytest timed the tests


@dataclass(frozen=True)
class Release:
    """A version of a generated package that has no tag yet."""

    book: str  # the book's folder, relative to the project root
    distribution: str
    version: str
    index: str | None  # the upload URL, or None for the public index
    environment: str  # the deployment environment that may publish to that index
    notes: str  # the version's changelog entry

    @property
    def tag(self) -> str:
        return release_tag(self.distribution, self.version)


def release_tag(distribution: str, version: str) -> str:
    return f"{distribution}-v{version}"


def build_distributions(project: Path, output: Path, *, offline: bool = False) -> Distributions:
    """The sdist and the wheel of the package project in ``project``, put in ``output``.
    The wheel is built from the sdist, so a file the sdist lacks fails the build. A copy
    of the project is built: the tools' files never land in it. ``offline`` builds with
    this environment's setuptools instead of fetching it."""
    with tempfile.TemporaryDirectory(prefix="docs2sdk-build-") as work:
        source, built = Path(work) / project.name, Path(work) / "dist"
        for relative, text in read_tree(project).items():
            path = source / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        if offline:
            _check_build_requirements(project.name, source)
        command = [sys.executable, "-m", "build", "--outdir", str(built), str(source)]
        started = time.perf_counter()
        _run(project.name, "build", [*command, *(["--no-isolation"] if offline else [])])
        seconds = time.perf_counter() - started
        (sdist,) = built.glob("*.tar.gz")
        (wheel,) = built.glob("*.whl")
        output.mkdir(parents=True, exist_ok=True)
        for made in (sdist, wheel):
            shutil.copy2(made, output / made.name)
    return Distributions(output / sdist.name, output / wheel.name, seconds)


def _check_build_requirements(name: str, source: Path) -> None:
    """An offline build uses this environment's build backend: refuse one that is
    missing or too old before it fails in ways of its own."""
    # Imported here: only ``docs2sdk package`` needs the ``release`` extra.
    import build

    requires = build.ProjectBuilder(source).build_system_requires
    missing = sorted({chain[0] for req in requires for chain in build.check_dependency(req)})
    if missing:
        raise ReleaseError(
            f"{name}: an offline build uses this environment's packages, and it lacks "
            f"{', '.join(missing)}: install them, or build without --offline"
        )


def check_distributions(name: str, distributions: Distributions) -> None:
    """``twine check --strict``: the metadata an index takes, and a README it can show."""
    _run(
        name,
        "twine check",
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, distributions.files)],
    )


def run_package_tests(
    name: str, distributions: Distributions, work: Path, *, offline: bool = False
) -> PackageTestRun:
    """Install the wheel with its ``testing`` extra into a fresh virtual environment in
    ``work`` and run the tests the sdist ships against it. ``offline`` takes the
    package's dependencies from this environment instead of a package index."""
    environment = work / "venv"
    python = fresh_environment(environment, inherit=offline)
    install = [
        sys.executable,
        "-m",
        "pip",
        "--python",
        str(python),
        "install",
        "--quiet",
        f"{distributions.wheel}[testing]",
        *(["--no-index"] if offline else []),
    ]
    # Offline, the dependencies must be installed here already: pip names any missing.
    _run(name, "pip install" + (" (offline, from this environment)" if offline else ""), install)
    located = _run(name, "import", [str(python), "-c", f"import {name}; print({name}.__file__)"])
    if not Path(located.strip()).resolve().is_relative_to(environment.resolve()):
        raise ReleaseError(f"{name}: imported from {located.strip()}, not the fresh environment")
    project = _unpacked(distributions.sdist, work / "sdist")
    if not (project / "tests").is_dir():
        raise ReleaseError(f"{distributions.sdist.name}: the sdist holds no tests/ folder")
    report = work / "tests.xml"
    # Run from an empty folder: nothing but the fresh environment is importable.
    (work / "run").mkdir(exist_ok=True)
    tests = [
        str(python),
        "-m",
        "pytest",
        str(project / "tests"),
        "--rootdir",
        str(project),
        "-c",
        str(project / "pyproject.toml"),
        "-p",
        "no:cacheprovider",
        f"--junit-xml={report}",
        "-q",
    ]
    _run(name, "its tests", tests, cwd=work / "run")
    return _test_run(report)


def chosen_books(root: Path, only: Sequence[Path] = ()) -> list[Book]:
    """The books of the project at ``root``, or those whose folders are in ``only``; a
    folder that holds no book is an error."""
    books = book_configs(root)
    if not books:
        raise ReleaseError(f"no {INPUT_FOLDER}/*/{CONFIG_NAME} in {root}: run in the project root")
    known = {book.config_path.parent.resolve(): book for book in books}
    unknown = [str(folder) for folder in only if folder.resolve() not in known]
    if unknown:
        raise ReleaseError(f"no {INPUT_FOLDER}/*/{CONFIG_NAME} in {', '.join(unknown)}")
    return [known[folder.resolve()] for folder in only] if only else books


def fresh_environment(folder: Path, *, inherit: bool = False) -> Path:
    """A new virtual environment in ``folder``, with no pip of its own (this one's
    installs into it); its interpreter. With ``inherit`` it also imports from this
    environment's folders, after its own: what is installed into it is found there
    first, and what is not (a package's dependencies) is found here."""
    venv.create(folder, with_pip=False, clear=True)
    if inherit:
        paths = dict.fromkeys(p for p in sys.path if "site-packages" in p and Path(p).is_dir())
        base = {"base": str(folder), "platbase": str(folder)}
        site_packages = Path(sysconfig.get_path("purelib", vars=base))
        (site_packages / "_docs2sdk_inherited.pth").write_text(
            "".join(f"{path}\n" for path in paths), encoding="utf-8"
        )
    return folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def pending_releases(root: Path, books: Sequence[Book]) -> list[Release]:
    """The books whose package version has no tag ``<distribution>-v<version>`` in the
    git repository at ``root``."""
    found = []
    for book in books:
        config_path, config = book.config_path, book.config
        distribution = distribution_name(config.package)
        tag = release_tag(distribution, config.version)
        listed = _run(tag, "git", ["git", "-C", str(root), "tag", "--list", tag])
        if listed.strip():
            continue
        changelog = book.output / CHANGELOG_FILE
        text = changelog.read_text(encoding="utf-8") if changelog.is_file() else ""
        found.append(
            Release(
                book=config_path.parent.resolve().relative_to(root.resolve()).as_posix(),
                distribution=distribution,
                version=config.version,
                index=config.index,
                environment=index_environment(config.index),
                notes=changelog_entry(text, config.version)
                or f"The first release of {distribution}.",
            )
        )
    return found


def index_environment(index: str | None) -> str:
    """The deployment environment of an index: ``pypi`` for the public index, else
    ``index-`` and the upload URL's host."""
    if index is None:
        return "pypi"
    host = index.split("://", 1)[-1].split("/", 1)[0]
    return f"index-{host}"


def changelog_entry(changelog: str, version: str) -> str | None:
    """The body of the ``## <version>`` entry of a changelog, or None without one."""
    for entry in changelog.split("\n## ")[1:]:
        heading, _newline, body = entry.partition("\n")
        if heading.strip() == version:
            return body.strip() or None
    return None


def _run(name: str, what: str, command: list[str], cwd: Path | None = None) -> str:
    """Standard output of ``command``; a failure raises, with what the tool said."""
    result = subprocess.run(
        command, capture_output=True, text=True, cwd=cwd, env={**os.environ, "PYTHONSAFEPATH": "1"}
    )
    if result.returncode != 0:
        said = (result.stdout + result.stderr).strip()[-_OUTPUT_TAIL:]
        raise ReleaseError(f"{name}: {what} failed (exit {result.returncode}):\n{said}")
    return result.stdout


def _unpacked(sdist: Path, into: Path) -> Path:
    """The sdist's project folder, unpacked into ``into``."""
    shutil.rmtree(into, ignore_errors=True)
    with tarfile.open(sdist) as archive:
        archive.extractall(into, filter="data")
    (project,) = into.iterdir()
    return project


def _test_run(report: Path) -> PackageTestRun:
    suite = ElementTree.parse(report).getroot()
    suite = suite if suite.tag == "testsuite" else suite[0]
    total, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
    failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    return PackageTestRun(total - failed - skipped, failed, skipped, float(suite.get("time", 0)))
