"""Start-up of a generated package's command line, beside the ``oci`` command line's.

    python bench/cli_startup.py [--project generated/aidp_workbench] [--runs 11]
        [--oci PATH] [--oci-command "ai-data-platform ai-data-platform get"]

The package is installed (a wheel built by pip) into a temporary folder, as users get
its console script. Each run times, one after the other, in new processes: Python
doing nothing, ``PROGRAM --help``, ``PROGRAM GROUP --help`` and ``PROGRAM GROUP COMMAND
--help`` for a read of one resource, and the ``oci`` command line's ``--help`` for
its own command of the same kind (the AI Data Platform's get, by default). Medians
of the runs, side by side; the first run of each, which writes bytecode, is not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def install(project: Path, folder: Path) -> Path:
    """The project installed into ``folder``; returns where its packages are."""
    source = folder / "source"
    shutil.copytree(project, source, ignore=shutil.ignore_patterns("__pycache__"))
    site = folder / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
         "--no-build-isolation", "--target", str(site), str(source)],
        check=True,
    )  # fmt: skip
    return site


def seconds(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr.decode()}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, default=ROOT / "generated" / "aidp_workbench")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--oci", default=shutil.which("oci"), help="the oci command line")
    parser.add_argument("--oci-command", default="ai-data-platform ai-data-platform get")
    options = parser.parse_args()

    package = next(p for p in options.project.iterdir() if (p / "_commands.json").is_file())
    table = json.loads((package / "_commands.json").read_text(encoding="utf-8"))
    # A read of one resource, as the oci command compared with is.
    group, entry = next(
        (g, c)
        for g in table["groups"]
        for c in g["commands"]
        if c["effect"] == "read" and c["wait"]
    )
    with tempfile.TemporaryDirectory() as folder:
        site = install(options.project, Path(folder))
        program = str(site / "bin" / table["program"])
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPATH"] = str(site)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            f"{table['program']} --help": [program, "--help"],
            f"{table['program']} {group['name']} --help": [program, group["name"], "--help"],
            f"{table['program']} {group['name']} {entry['name']} --help": [
                program, group["name"], entry["name"], "--help",
            ],
        }  # fmt: skip
        if options.oci:
            commands[f"oci {options.oci_command} --help"] = [
                options.oci, *options.oci_command.split(), "--help",
            ]  # fmt: skip
        times: dict[str, list[float]] = {name: [] for name in commands}
        for run in range(options.runs + 1):
            for name, command in commands.items():
                took = seconds(command, env)
                if run:
                    times[name].append(took)
    ours = statistics.median(times[f"{table['program']} {group['name']} {entry['name']} --help"])
    print(f"{options.runs} runs, medians\n")
    print("| command | median | ratio to ours |")
    print("|---|---:|---:|")
    for name, measured in times.items():
        median = statistics.median(measured)
        print(f"| `{name}` | {median:.3f} s | {median / ours:.2f} |")
    if not options.oci:
        print("\n(no oci command line found: pass --oci PATH)")


if __name__ == "__main__":
    main()
