"""Import time of a generated SDK, and its per-call overhead against raw httpx.

    python bench/sdk_overhead.py [--project generated/aidp_workbench] [--runs 7] [--calls 2000]

Both are measured side by side in one run, with medians:
- import: ``import aidp_workbench`` plus ``from aidp_workbench import Client`` in a fresh
  interpreter, next to Oracle's own SDK module for the same API (``oci.ai_data_platform``,
  when the ``oci`` package is installed);
- per call: ``client.get_session(...)`` (build, send, parse into a model) against
  ``httpx.Client.get(...).json()`` on the same loopback server and the same response.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from importing import import_seconds

SESSION = json.dumps(
    {"id": "s1", "name": "first", "path": "a.ipynb", "type": "notebook", "lifecycleState": "ACTIVE",
     "kernel": {"id": "k1", "name": "python3", "execution_state": "idle", "connections": 1}}
).encode()  # fmt: skip
PATH = "/20260430/aiDataPlatforms/adp/workspaces/ws/notebook/api/sessions/s1"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this, delayed ACKs add 40 ms.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(SESSION)))
        self.send_header("opc-request-id", "r1")
        self.end_headers()
        self.wfile.write(SESSION)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def per_call(calls: int, runs: int, url: str) -> tuple[float, float]:
    import httpx
    from aidp_workbench import Client

    ids = {"ai_data_platform_id": "adp", "workspace_key": "ws", "session_id": "s1"}
    raw_times, sdk_times = [], []
    with httpx.Client(base_url=url) as raw, Client(url) as sdk:
        for _ in range(runs):
            start = time.perf_counter()
            for _ in range(calls):
                raw.get(PATH, headers={"opc-request-id": "x"}).json()
            raw_times.append((time.perf_counter() - start) / calls)
            start = time.perf_counter()
            for _ in range(calls):
                sdk.get_session(**ids)
            sdk_times.append((time.perf_counter() - start) / calls)
    return statistics.median(raw_times), statistics.median(sdk_times)


def main() -> int:
    parser = argparse.ArgumentParser(description="generated SDK: import time and call overhead")
    parser.add_argument("--project", type=Path, default=Path("generated/aidp_workbench"))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    sys.path.insert(0, str(args.project.resolve()))
    ours = import_seconds(
        "import aidp_workbench; from aidp_workbench import Client",
        args.project.resolve(),
        runs=args.runs,
    )
    oracle = import_seconds("import oci.ai_data_platform", runs=args.runs)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    raw, sdk = per_call(args.calls, args.runs, f"http://127.0.0.1:{server.server_address[1]}")
    server.shutdown()
    print("| measure | median | ratio |")
    print("|---|---:|---:|")
    print(
        f"| import aidp_workbench + Client | {ours:.3f} s | |" if ours else "| import | failed | |"
    )
    if oracle and ours:
        label = "import oci.ai_data_platform (Oracle's SDK)"
        print(f"| {label} | {oracle:.3f} s | {oracle / ours:.1f}x ours |")
    print(f"| GET, raw httpx + .json() | {raw * 1e6:.0f} µs | 1.00 |")
    print(f"| GET, aidp_workbench client (parsed model) | {sdk * 1e6:.0f} µs | {sdk / raw:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
