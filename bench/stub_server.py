"""Requests per second of the generated stub server, and a load run that checks its state.

    python bench/stub_server.py [PROJECT...] [--runs 3] [--requests 2000] [--clients 20]
        [--load 5000]

PROJECT is a generated project of the AI Data Platform book (default
``generated/aidp_workbench``); give two, say a worktree of the last release and this
one, to measure them side by side: their stubs run at once and the runs alternate, so a
change in the machine's load falls on both. Each ``python -m aidp_workbench.server``
runs under uvicorn in a process of its own; the clients are ``httpx.AsyncClient``s in
this one, each sending its next request as soon as the last one is answered. GET and
PATCH of one session (in a workspace made first) are measured ``--runs`` times (medians
shown). The load run mixes reads, plain and conditional PATCHes, lists and creates, and
then checks the state: no errors (412 is expected of a stale ``if-match``), the
session's version is one more than the PATCHes that succeeded, and the list holds every
session created.

One client process is usually the bottleneck, so the server's own CPU time per request
(from Linux's /proc) is shown too: it is what the server would need at full speed, and
1,000,000 over it the requests a second it would answer on one core. On a busy machine
that too varies from run to run, so the same GET and PATCH are also timed calling the
application in process, with no HTTP between (CPU time, each project in a process of
its own): the stub's own work, the steadiest figure to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

PROJECT = Path(__file__).resolve().parents[1] / "generated" / "aidp_workbench"
WORKSPACES = "/20260430/aiDataPlatforms/adp1/workspaces"
# Where sessions are: on the stub, in a workspace made first (see create_session).
SESSIONS = f"{WORKSPACES}/ws1/notebook/api/sessions"

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
def stub_process(project: Path = PROJECT) -> Iterator[tuple[str, int]]:
    """The URL and process id of the stub of ``project``, while it runs."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(project)}
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


async def create_sessions(url: str) -> str:
    """The path of the sessions of a new workspace on the stub."""
    async with httpx.AsyncClient(base_url=url) as client:
        made = await client.post(WORKSPACES, json={"displayName": f"bench-{uuid.uuid4().hex}"})
    made.raise_for_status()
    return f"{WORKSPACES}/{made.json()['key']}/notebook/api/sessions"


async def create_session(url: str) -> str:
    """The path of a new session on the stub."""
    sessions = await create_sessions(url)
    async with httpx.AsyncClient(base_url=url) as client:
        created = await client.post(sessions, json={"path": "bench.ipynb"})
    created.raise_for_status()
    return f"{sessions}/{created.json()['id']}"


def operations(item: str) -> dict[str, Send]:
    """The measured operations on the session at ``item``: GET and a small PATCH."""

    async def get(client: httpx.AsyncClient, i: int) -> httpx.Response:
        return await client.get(item)

    async def patch(client: httpx.AsyncClient, i: int) -> httpx.Response:
        return await client.patch(item, json={"name": f"n{i}"})

    return {"GET": get, "PATCH": patch}


@dataclass
class Stub:
    project: Path
    url: str
    pid: int
    item: str  # the session measured
    rows: dict[str, list[float]] = field(default_factory=dict)  # row name -> one per run


def measure(stub: Stub, requests: int, clients: int) -> None:
    """One run of GETs and one of PATCHes: requests a second, and server CPU per request."""
    for name, send in operations(stub.item).items():
        cpu = cpu_seconds(stub.pid)
        tally = asyncio.run(hammer(stub.url, requests, clients, send, {200}))
        if tally.errors:
            raise RuntimeError(f"{stub.project}: {name} errors {tally.statuses}")
        micros = (cpu_seconds(stub.pid) - cpu) / requests * 1e6
        stub.rows.setdefault(f"{name} req/s", []).append(tally.per_second)
        stub.rows.setdefault(f"{name} server CPU µs per request", []).append(micros)
        stub.rows.setdefault(f"{name} req/s on one core", []).append(1e6 / micros)


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


async def count_sessions(client: httpx.AsyncClient, sessions: str) -> int:
    count, page = 0, None
    while True:
        answer = await client.get(
            sessions, params={"limit": 1000, **({"page": page} if page else {})}
        )
        count += len(answer.json()["items"])
        page = answer.headers.get("opc-next-page")
        if not page:
            return count


async def load(url: str, total: int, clients: int) -> LoadResult:
    sessions = await create_sessions(url)
    async with httpx.AsyncClient(base_url=url) as client:
        created = await client.post(sessions, json={"path": "load.ipynb"})
        before = await count_sessions(client, sessions)
    item = f"{sessions}/{created.json()['id']}"
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
            response = await client.get(sessions, params={"limit": 50})
        else:
            response = await client.post(sessions, json={"path": f"s{i}.ipynb"})
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
        after = await count_sessions(client, sessions)
    return LoadResult(
        tally, counts["patched"], version(final.headers["etag"]), counts["created"], after - before
    )


async def asgi_call(app: Any, method: str, path: str, body: bytes = b"") -> bytes:
    """One request straight to the ASGI application, no HTTP: its answer's body."""
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": headers, "client": ("127.0.0.1", 1), "server": ("x", 80),
    }  # fmt: skip
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[bytes] = []

    async def receive() -> dict[str, Any]:
        return messages.pop() if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message.get("body", b""))

    await app(scope, receive, send)
    return b"".join(sent)


def in_process(project: Path, requests: int) -> dict[str, float]:
    """CPU µs per GET and per PATCH of one session, calling the stub of ``project`` in a
    process of its own (each project imports its own package) with no HTTP between."""
    code = f"""
import asyncio, json, sys, time
sys.path[:0] = [{str(project)!r}, {str(Path(__file__).parent)!r}]
from aidp_workbench.server import create_app
from stub_server import WORKSPACES, asgi_call
app = create_app()

async def main():
    made = json.loads(await asgi_call(app, "POST", WORKSPACES, b'{{"displayName": "w"}}'))
    sessions = WORKSPACES + "/" + made["key"] + "/notebook/api/sessions"
    item = sessions + "/" + json.loads(await asgi_call(app, "POST", sessions, b"{{}}"))["id"]
    out = {{}}
    for name, method, body in (("GET", "GET", b""), ("PATCH", "PATCH", b'{{"name": "n"}}')):
        start = time.process_time()
        for _ in range({requests}):
            await asgi_call(app, method, item, body)
        out[name] = (time.process_time() - start) / {requests} * 1e6
    print(json.dumps(out))

asyncio.run(main())
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(done.stderr)
    return dict(json.loads(done.stdout))


def main() -> int:
    parser = argparse.ArgumentParser(description="stub server throughput")
    parser.add_argument("projects", type=Path, nargs="*", default=[PROJECT])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=2000, help="per GET and PATCH run")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--load", type=int, default=5000, help="requests in the load run")
    args = parser.parse_args()
    calls: dict[Path, dict[str, list[float]]] = {p: {} for p in args.projects}
    for _ in range(args.runs):
        for project in args.projects:
            for name, micros in in_process(project.resolve(), args.requests).items():
                calls[project].setdefault(name, []).append(micros)
    with ExitStack() as running:
        stubs = []
        for project in args.projects:
            url, pid = running.enter_context(stub_process(project.resolve()))
            stubs.append(Stub(project, url, pid, asyncio.run(create_session(url))))
        for _ in range(args.runs):
            for stub in stubs:
                measure(stub, args.requests, args.clients)
        loads = [asyncio.run(load(stub.url, args.load, args.clients)) for stub in stubs]
    names = " | ".join(f"run {i + 1}" for i in range(args.runs))
    ratio = " | vs the first" if len(stubs) > 1 else ""
    print(f"| {args.clients} clients | project | {names} | median{ratio} |")
    print("|---|---|" + "---:|" * (args.runs + 1 + bool(ratio)))
    for row in stubs[0].rows:
        first = statistics.median(stubs[0].rows[row])
        for stub in stubs:
            values = stub.rows[row]
            cells = " | ".join(f"{v:.0f}" for v in values)
            median = statistics.median(values)
            than = f" | {median / first:.2f}" if ratio else ""
            print(f"| {row} | {stub.project} | {cells} | {median:.0f}{than} |")
    print()
    print(f"| in process, no HTTP | project | {names} | median{ratio} |")
    print("|---|---|" + "---:|" * (args.runs + 1 + bool(ratio)))
    for name in ("GET", "PATCH"):
        first = statistics.median(calls[args.projects[0]][name])
        for project in args.projects:
            values = calls[project][name]
            cells = " | ".join(f"{v:.0f}" for v in values)
            median = statistics.median(values)
            than = f" | {median / first:.2f}" if ratio else ""
            print(f"| {name} CPU µs | {project} | {cells} | {median:.0f}{than} |")
    print()
    print("| load | project | requests | seconds | req/s | errors | 412 | PATCHes ok | version | "
          "created | listed | consistent |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for stub, result in zip(stubs, loads, strict=True):
        tally = result.tally
        print(
            f"| mixed | {stub.project} | {tally.requests} | {tally.seconds:.2f} "
            f"| {tally.requests / tally.seconds:.0f} | {tally.errors} | {tally.statuses[412]} "
            f"| {result.patched} | {result.version} | {result.created} | {result.listed} "
            f"| {result.consistent} |"
        )
    return 0 if all(r.tally.errors == 0 and r.consistent for r in loads) else 1


if __name__ == "__main__":
    sys.exit(main())
