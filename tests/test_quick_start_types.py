"""The README's quick start passes ``mypy --strict`` as a user runs it: the package built
as a wheel and installed (not editable) in a fresh virtual environment, and mypy with no
plugin configured."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from .conftest import AIDP_PROJECT
from .test_readme_example import _quick_start


def test_the_quick_start_passes_mypy_strict_from_an_installed_wheel(tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(AIDP_PROJECT, source, ignore=shutil.ignore_patterns("__pycache__"))
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(wheels), str(source)],
        check=True,
    )  # fmt: skip
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    # The package's dependencies, and mypy, from the environment running the tests.
    (Path(site) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--no-deps", "--no-index", *map(str, wheels.glob("*.whl"))],
        check=True,
    )  # fmt: skip
    (tmp_path / "quick_start.py").write_text(_quick_start(), encoding="utf-8")
    checked = subprocess.run(
        [str(python), "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"),
         "quick_start.py"],
        cwd=tmp_path, capture_output=True, text=True,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Success: no issues found" in checked.stdout
