"""Import time of a package as its users see it: in a new process, from bytecode.

``pip install`` compiles a package's bytecode, so the first import after installing
does not compile. A package imported from a source folder is compiled on its first
import (unless ``PYTHONDONTWRITEBYTECODE`` is set, when it is compiled every time);
one import first, with bytecode writing on, makes the folder look installed.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path


def import_seconds(statement: str, folder: Path | None = None, *, runs: int) -> float | None:
    """Median seconds ``statement`` takes in a new process, ``folder`` on the path;
    None when it fails."""
    setup = f"import sys; sys.path.insert(0, {str(folder)!r}); " if folder else ""
    code = (
        f"{setup}import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    times = []
    for _ in range(runs + 1):  # the first writes the bytecode
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"{statement!r} failed:\n{done.stderr}", file=sys.stderr)
            return None
        times.append(float(done.stdout))
    return statistics.median(times[1:])
