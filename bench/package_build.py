"""A generated package as people get it, timed: its sdist and wheel built (the wheel from
the sdist) and checked, the wheel installed with ``[testing]`` into a fresh virtual
environment, and the package's own tests run there.

    python bench/package_build.py [--book input/aidp] [--runs 3] [--offline]

Build and check times are medians of ``--runs`` builds in one invocation; the install
and the tests are run once, after them. Without ``--offline`` the build fetches its
setuptools and the install its dependencies from the package index, as a release job
does; with it, both come from this environment.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.config import CONFIG_NAME, load_config  # noqa: E402
from generator.release import (  # noqa: E402
    build_distributions,
    check_distributions,
    run_package_tests,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", type=Path, default=ROOT / "input" / "aidp")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--offline", action="store_true")
    args = parser.parse_args()
    config = load_config(args.book / CONFIG_NAME)
    project = ROOT / config.output
    builds, checks = [], []
    with tempfile.TemporaryDirectory(prefix="package-bench-") as work:
        for run in range(args.runs):
            built = build_distributions(project, Path(work) / f"dist{run}", offline=args.offline)
            builds.append(built.seconds)
            started = time.perf_counter()
            check_distributions(config.package, built)
            checks.append(time.perf_counter() - started)
        started = time.perf_counter()
        tests = run_package_tests(config.package, built, Path(work) / "test", offline=args.offline)
        installed_and_tested = time.perf_counter() - started
        sizes = {path.name: path.stat().st_size for path in built.files}
    print(f"package             {config.package} {config.version} ({project.relative_to(ROOT)})")
    print(f"build sdist+wheel   {statistics.median(builds):.2f} s (median of {args.runs})")
    print(f"twine check         {statistics.median(checks):.2f} s (median of {args.runs})")
    for name, size in sizes.items():
        print(f"{name:<40} {size / 1024:,.0f} KiB")
    print(f"install + tests     {installed_and_tested:.1f} s (fresh environment, once)")
    print(f"tests               {tests.passed} passed, {tests.failed} failed, "
          f"{tests.skipped} skipped in {tests.seconds:.1f} s (pytest's time)")  # fmt: skip


if __name__ == "__main__":
    main()
