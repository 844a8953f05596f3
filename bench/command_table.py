"""What making a package's command table and its tools' input schemas adds to a build.

    python bench/command_table.py [--book input/aidp] [--runs 9]

The book is read once; then each run makes, in this process, the stub server's
description (which every build makes already, for scale), the command table, the
input schemas, and the JSON text of both. Medians of the runs.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.generate.commands import command_table, input_schemas
from generator.generate.server_spec import server_spec, spec_json
from generator.generate.views import build_views
from generator.pipeline import model_from_book

ROOT = Path(__file__).resolve().parents[1]


def median_seconds(make: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        make()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--book", type=Path, default=ROOT / "input" / "aidp")
    parser.add_argument("--runs", type=int, default=9)
    options = parser.parse_args()
    model, _ = model_from_book(options.book)
    view = build_views(model, "book", "0.1.0")
    spec = server_spec(model)
    table, schemas = command_table(model, view, spec), input_schemas(model, view)
    rows = {
        "stub server's description (for scale)": lambda: server_spec(model),
        "command table": lambda: command_table(model, view, spec),
        "input schemas": lambda: input_schemas(model, view),
        "both as JSON text": lambda: (spec_json(table, ""), spec_json(schemas, "")),
    }
    print(f"{options.book.name}: {len(model.operations)} operations, medians of {options.runs}\n")
    print("| made | median |")
    print("|---|---:|")
    for name, make in rows.items():
        print(f"| {name} | {median_seconds(make, options.runs):.3f} s |")


if __name__ == "__main__":
    main()
