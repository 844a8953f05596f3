"""Requests per second of the stub server and of Stoplight Prism, side by side.

    npm install --prefix /tmp/prism @stoplight/prism-cli
    python bench/prism_compare.py --prism /tmp/prism/node_modules/.bin/prism \\
        [--runs 5] [--requests 2000] [--clients 20] [--prism-log warn]

Both serve the same book, each in a process of its own: the stub as
``python -m aidp_workbench.server``, Prism as ``prism mock`` of the book's exported
``openapi.yaml``. The load generator is the one of stub_server.py (``httpx.AsyncClient``s
in this process, each sending its next request as soon as the last one is answered), with
the same GET and PATCH (``{"name": ...}``) of one notebook session for both. The stub keeps
state, so the session is created first; Prism keeps none and answers any path parameters.
Runs alternate between the servers, so a change in the machine's load falls on both.

Prism runs with its defaults but the log level: static responses (no ``--dynamic``; the
document has no examples, so Prism builds one from each schema), no ``--errors``, and no
``Prefer`` or auth headers are needed (the document declares no security scheme, and 200
is the only 2xx of both operations). Its log level is ``warn`` like the stub's ``warning``:
at Prism's default, ``info``, it logs six lines per request. Without Prism (a fresh clone)
the stub is measured alone.

Any answer but 200 is counted as an error, shown, and makes the exit status 1. One client
process is usually the bottleneck, so each server's CPU time per request is shown too.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

from stub_server import (
    PROJECT,
    SESSIONS,
    Tally,
    cpu_seconds,
    create_session,
    free_port,
    hammer,
    operations,
    serving,
    stub_process,
)

PRISM_ITEM = f"{SESSIONS}/any-session"  # Prism answers any path parameters


@dataclass
class Server:
    name: str
    url: str
    pid: int
    item: str  # the session's path


@dataclass
class Runs:
    rates: list[float] = field(default_factory=list)  # requests per second
    micros: list[float] = field(default_factory=list)  # server CPU µs per request
    unexpected: Counter[int | str] = field(default_factory=Counter)  # statuses other than 200

    def add(self, tally: Tally, cpu: float) -> None:
        self.rates.append(tally.per_second)
        self.micros.append(cpu / tally.requests * 1e6)
        wrong = {status: n for status, n in tally.statuses.items() if status != 200}
        self.unexpected.update(wrong)
        if transport := tally.errors - sum(wrong.values()):  # errors that got no answer
            self.unexpected["transport error"] += transport

    @property
    def median(self) -> float:
        return statistics.median(self.rates)


@contextmanager
def prism_process(prism: str, log_level: str) -> Iterator[tuple[str, int]]:
    """Prism's URL and process id, mocking the book's OpenAPI, while it runs."""
    port = free_port()
    document = str(PROJECT / "openapi.yaml")
    command = [prism, "mock", "--port", str(port), "--verboseLevel", log_level, document]
    # Prism logs an error for an undocumented path such as the default probe's "/".
    with serving(command, port, probe=PRISM_ITEM) as running:
        yield running


async def compare(
    servers: list[Server], runs: int, requests: int, clients: int
) -> dict[tuple[str, str], Runs]:
    results: dict[tuple[str, str], Runs] = {}
    # Node compiles hot code as it runs: an unmeasured round keeps that out of the first run.
    for server in servers:
        for send in operations(server.item).values():
            await hammer(server.url, requests // 5, clients, send, {200})
    for run in range(runs):
        for server in servers if run % 2 == 0 else servers[::-1]:
            for operation, send in operations(server.item).items():
                cpu = cpu_seconds(server.pid)
                tally = await hammer(server.url, requests, clients, send, {200})
                used = cpu_seconds(server.pid) - cpu
                results.setdefault((server.name, operation), Runs()).add(tally, used)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description="stub server and Prism throughput")
    parser.add_argument("--prism", default="prism", help="the prism executable")
    parser.add_argument("--prism-log", default="warn", help="Prism's --verboseLevel")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=2000, help="per server, operation, run")
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    prism = shutil.which(args.prism)
    if prism is None:
        print(
            f"Prism not found ({args.prism}): measuring the stub alone. Install it with "
            "`npm install --prefix /tmp/prism @stoplight/prism-cli` and pass "
            "--prism /tmp/prism/node_modules/.bin/prism.",
            file=sys.stderr,
        )
    with ExitStack() as stack:
        url, pid = stack.enter_context(stub_process())
        servers = [Server("stub", url, pid, asyncio.run(create_session(url)))]
        if prism is not None:
            version = subprocess.run(
                [prism, "--version"], capture_output=True, text=True, check=True
            ).stdout.strip()
            url, pid = stack.enter_context(prism_process(prism, args.prism_log))
            servers.append(Server(f"Prism {version}", url, pid, PRISM_ITEM))
        results = asyncio.run(compare(servers, args.runs, args.requests, args.clients))
    print(
        f"{args.clients} clients, {args.requests} requests per run, median of {args.runs} runs"
        + (f"; Prism: `prism mock --verboseLevel {args.prism_log}`, static" if prism else "")
    )
    print()
    print("| server | operation | req/s median | req/s runs | server CPU µs per request "
          "| errors | ratio to Prism |")  # fmt: skip
    print("|---|---|---:|---|---:|---|---:|")
    for (name, operation), runs in results.items():
        reference = results.get((servers[-1].name, operation)) if prism else None
        ratio = f"{runs.median / reference.median:.2f}" if reference else "n/a"
        errors = ", ".join(f"{n} x {s}" for s, n in runs.unexpected.items()) or "0"
        print(
            f"| {name} | {operation} | {runs.median:.0f} "
            f"| {' / '.join(f'{r:.0f}' for r in runs.rates)} "
            f"| {statistics.median(runs.micros):.0f} | {errors} | {ratio} |"
        )
    return 1 if any(runs.unexpected for runs in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
