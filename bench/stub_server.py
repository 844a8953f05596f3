"""Requests per second of the generated stub server, and a load run that checks its state.

    python bench/stub_server.py [--runs 3] [--requests 2000] [--clients 20] [--load 5000]

``python -m aidp_workbench.server`` (from ``generated/aidp_workbench``) runs under uvicorn
in a process of its own; the clients are ``httpx.AsyncClient``s in this one, each sending
its next request as soon as the last one is answered. GET and PATCH of one session are
measured ``--runs`` times (medians shown). The load run mixes reads, plain and
conditional PATCHes, lists and creates, and then checks the state: no errors (412 is
expected of a stale ``if-match``), the session's version is one more than the PATCHes
that succeeded, and the list holds every session created.

One client process is usually the bottleneck, so the server's own CPU time per request
(from Linux's /proc) is shown too: it is what the server would need at full speed.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

PROJECT = Path(__file__).resolve().parents[1] / "generated" / "aidp_workbench"
SESSIONS = "/20260430/aiDataPlatforms/adp1/workspaces/ws1/notebook/api/sessions"

Send = Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]


@dataclass
class Tally:
    seconds: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    errors: int = 0  # transport errors and statuses nobody expected

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + self.errors

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(
    command: list[str], port: int, env: dict[str, str] | None = None, probe: str = "/"
) -> Iterator[tuple[str, int]]:
    """The URL and process id of the server ``command`` starts on ``port``, while it runs.

    It is taken to be listening when ``probe`` gets any answer, even 404.
    """
    # Its stdout goes to our stderr, to keep the tables on stdout apart from any log.
    server = subprocess.Popen(command, env=env, stdout=sys.stderr)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + probe)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"{command[0]} did not start") from None
                time.sleep(0.05)
        yield url, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def stub_process() -> Iterator[tuple[str, int]]:
    """The stub's URL and process id, while it runs."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    command = [sys.executable, "-m", "aidp_workbench.server", "--port", str(port)]
    with serving(command, port, env) as running:
        yield running


async def hammer(url: str, total: int, clients: int, send: Send, expected: set[int]) -> Tally:
    """``total`` requests from ``clients`` clients at once; ``send`` makes the i-th."""
    tally = Tally()
    numbers = itertools.count()

    async def worker(client: httpx.AsyncClient) -> None:
        while (i := next(numbers)) < total:
            try:
                response = await send(client, i)
            except httpx.HTTPError:
                tally.errors += 1
                continue
            tally.statuses[response.status_code] += 1
            if response.status_code not in expected:
                tally.errors += 1

    made = [httpx.AsyncClient(base_url=url, timeout=30) for _ in range(clients)]
    start = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in made))
    tally.seconds = time.perf_counter() - start
    await asyncio.gather(*(c.aclose() for c in made))
    return tally


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process so far, from Linux's /proc; NaN elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def version(etag: str) -> int:
    """The stub's etags are ``SERIAL-VERSION``."""
    return int(etag.rsplit("-", 1)[1])


async def create_session(url: str) -> str:
    """The path of a new session on the stub."""
    async with httpx.AsyncClient(base_url=url) as client:
        created = await client.post(SESSIONS, json={"path": "bench.ipynb"})
    created.raise_for_status()
    return f"{SESSIONS}/{created.json()['id']}"


def operations(item: str) -> dict[str, Send]:
    """The measured operations on the session at ``item``: GET and a small PATCH."""

    async def get(client: httpx.AsyncClient, i: int) -> httpx.Response:
        return await client.get(item)

    async def patch(client: httpx.AsyncClient, i: int) -> httpx.Response:
        return await client.patch(item, json={"name": f"n{i}"})

    return {"GET": get, "PATCH": patch}


async def measure(url: str, item: str, requests: int, clients: int) -> tuple[float, float]:
    sends = operations(item)
    gets = await hammer(url, requests, clients, sends["GET"], {200})
    patches = await hammer(url, requests, clients, sends["PATCH"], {200})
    if gets.errors or patches.errors:
        raise RuntimeError(f"errors: GET {gets.statuses}, PATCH {patches.statuses}")
    return gets.per_second, patches.per_second


@dataclass
class LoadResult:
    tally: Tally
    patched: int  # PATCHes answered 200
    version: int  # the session's version at the end
    created: int  # sessions answered 201
    listed: int  # sessions listed at the end, less those listed before

    @property
    def consistent(self) -> bool:
        return self.version == 1 + self.patched and self.listed == self.created


async def count_sessions(client: httpx.AsyncClient) -> int:
    count, page = 0, None
    while True:
        answer = await client.get(
            SESSIONS, params={"limit": 1000, **({"page": page} if page else {})}
        )
        count += len(answer.json()["items"])
        page = answer.headers.get("opc-next-page")
        if not page:
            return count


async def load(url: str, total: int, clients: int) -> LoadResult:
    async with httpx.AsyncClient(base_url=url) as client:
        created = await client.post(SESSIONS, json={"path": "load.ipynb"})
        before = await count_sessions(client)
    item = f"{SESSIONS}/{created.json()['id']}"
    etags = {"latest": created.headers["etag"]}
    counts: Counter[str] = Counter()

    async def mixed(client: httpx.AsyncClient, i: int) -> httpx.Response:
        kind = i % 10
        if kind < 4:
            response = await client.get(item)
        elif kind < 7:
            response = await client.patch(item, json={"name": f"n{i}"})
        elif kind == 7:
            headers = {"if-match": etags["latest"]}  # often stale by now: 412
            response = await client.patch(item, json={"name": f"c{i}"}, headers=headers)
        elif kind == 8:
            response = await client.get(SESSIONS, params={"limit": 50})
        else:
            response = await client.post(SESSIONS, json={"path": f"s{i}.ipynb"})
        if response.status_code == 200 and 4 <= kind <= 7:
            counts["patched"] += 1
        if response.status_code == 201:
            counts["created"] += 1
        if "etag" in response.headers and kind < 8:
            etags["latest"] = response.headers["etag"]
        return response

    tally = await hammer(url, total, clients, mixed, {200, 201, 412})
    async with httpx.AsyncClient(base_url=url) as client:
        final = await client.get(item)
        after = await count_sessions(client)
    return LoadResult(
        tally, counts["patched"], version(final.headers["etag"]), counts["created"], after - before
    )


def main() -> int:
    parser = argparse.ArgumentParser(description="stub server throughput")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=2000, help="per GET and PATCH run")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--load", type=int, default=5000, help="requests in the load run")
    args = parser.parse_args()
    with stub_process() as (url, pid):
        runs = []
        item = asyncio.run(create_session(url))
        for _ in range(args.runs):
            cpu = cpu_seconds(pid)
            get, patch = asyncio.run(measure(url, item, args.requests, args.clients))
            micros = (cpu_seconds(pid) - cpu) / (2 * args.requests) * 1e6
            runs.append((get, patch, micros))
        result = asyncio.run(load(url, args.load, args.clients))
    names = " | ".join(f"run {i + 1}" for i in range(args.runs))
    print(f"| {args.clients} clients | {names} | median |")
    print("|---|" + "---:|" * (args.runs + 1))
    rows = (
        ("GET req/s", [r[0] for r in runs]),
        ("PATCH req/s", [r[1] for r in runs]),
        ("server CPU µs per request", [r[2] for r in runs]),
    )
    for name, values in rows:
        cells = " | ".join(f"{v:.0f}" for v in values)
        print(f"| {name} | {cells} | {statistics.median(values):.0f} |")
    tally = result.tally
    print()
    print("| load | requests | seconds | req/s | errors | 412 | PATCHes ok | version | "
          "created | listed | consistent |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    print(
        f"| mixed | {tally.requests} | {tally.seconds:.2f} | {tally.requests / tally.seconds:.0f} "
        f"| {tally.errors} | {tally.statuses[412]} | {result.patched} | {result.version} "
        f"| {result.created} | {result.listed} | {result.consistent} |"
    )
    return 0 if tally.errors == 0 and result.consistent else 1


if __name__ == "__main__":
    sys.exit(main())
