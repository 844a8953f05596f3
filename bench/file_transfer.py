"""Files through the generated client: a large download and upload over loopback, sync
and async, beside plain httpx streaming the same body.

    python bench/file_transfer.py [--project generated/aidp_workbench] [--size-mb 1024] [--runs 3]

Each case runs in a fresh process of its own, so that its peak resident memory (the
process's whole peak: interpreter, imports and transfer) is its own; the cases take
turns within each run, against one server in yet another process
(``tests/file_server.py``, which streams both ways). A download is written to a file as
it arrives; an upload is read from a file as it is sent. Medians of the runs.

- download, aidp_workbench: ``with client.download_file_from_volume_stream(...) as d:
  d.write_to(path)`` (``AsyncClient``: ``async with``, ``await d.write_to(path)``);
- download, httpx: ``with client.stream("POST", url) as r:`` then each of
  ``r.iter_bytes()`` written to the file (``aiter_bytes`` for ``httpx.AsyncClient``);
- upload, aidp_workbench: ``client.upload_file_to_volume(..., body=Path(file))``;
- upload, httpx: ``client.post(url, content=open(file, "rb"))`` (httpx streams a file
  with its length; ``httpx.AsyncClient`` takes an async iterator of the file's chunks).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CASES = [
    f"{direction} {client}"
    for direction in ("download", "upload")
    for client in ("aidp_workbench sync", "aidp_workbench async", "httpx sync", "httpx async")
]
CHUNK = 1024 * 1024
IDS = {"aiDataPlatformId": "adp1", "volumeKey": "v1"}


def operation_names(project: Path) -> tuple[str, str, str, str]:
    """The download's and upload's URL paths and methods, and the download's stream
    method, found by what they do: their names may change, their paths do not."""
    sys.path.insert(0, str(ROOT))
    from generator.generate.views import build_views
    from generator.model import load_model

    model = load_model(project / "model.yaml")
    operations = build_views(model, "aidp_workbench", "0.1.0").operations
    download = next(op for op in operations if op.path.endswith("/actions/downloadFile"))
    upload = next(op for op in operations if op.path.endswith("/actions/uploadFile"))
    assert download.stream_name is not None
    return download.path, download.stream_name, upload.path, upload.name


def _url(base: str, path: str) -> str:
    for name, value in IDS.items():
        path = path.replace(f"{{{name}}}", value)
    return base + path


async def _file_chunks(path: Path) -> AsyncIterator[bytes]:
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            yield chunk


def run_case(case: str, url: str, names: list[str], source: Path, target: Path) -> float:
    """One transfer; returns its seconds (imports and set-up excluded)."""
    import httpx

    download_path, stream_name, upload_path, upload_name = names
    direction, client_name, mode = case.split()
    ids = {"ai_data_platform_id": IDS["aiDataPlatformId"], "volume_key": IDS["volumeKey"]}
    if client_name == "aidp_workbench":
        from aidp_workbench import AsyncClient, Client

        if mode == "sync":
            with Client(url) as client:
                started = time.perf_counter()
                if direction == "download":
                    with getattr(client, stream_name)(**ids, path=source.name) as download:
                        download.write_to(target)
                else:
                    getattr(client, upload_name)(**ids, path="up.bin", body=source)
                return time.perf_counter() - started

        async def sdk_async() -> float:
            async with AsyncClient(url) as client:
                started = time.perf_counter()
                if direction == "download":
                    async with getattr(client, stream_name)(**ids, path=source.name) as download:
                        await download.write_to(target)
                else:
                    await getattr(client, upload_name)(**ids, path="up.bin", body=source)
                return time.perf_counter() - started

        return asyncio.run(sdk_async())
    download_url, upload_url = _url(url, download_path), _url(url, upload_path)
    if mode == "sync":
        with httpx.Client(timeout=60) as client:
            started = time.perf_counter()
            if direction == "download":
                with (
                    client.stream("POST", download_url, headers={"path": source.name}) as r,
                    open(target, "wb") as file,
                ):
                    for chunk in r.iter_bytes():
                        file.write(chunk)
            else:
                with open(source, "rb") as body:
                    client.post(upload_url, content=body, headers={"path": "up.bin"})
            return time.perf_counter() - started

    async def raw_async() -> float:
        async with httpx.AsyncClient(timeout=60) as client:
            started = time.perf_counter()
            if direction == "download":
                headers = {"path": source.name}
                async with client.stream("POST", download_url, headers=headers) as r:
                    with open(target, "wb") as file:
                        async for chunk in r.aiter_bytes():
                            file.write(chunk)
            else:
                size = str(source.stat().st_size)
                headers = {"path": "up.bin", "content-length": size}
                await client.post(upload_url, content=_file_chunks(source), headers=headers)
            return time.perf_counter() - started

    return asyncio.run(raw_async())


def peak_mb() -> float:
    """This process's peak resident memory. Linux keeps ``ru_maxrss`` across exec (a
    child started by a large parent would report the parent's), so its own ``VmHWM``
    is read where there is one."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description="file transfer: the client against httpx")
    parser.add_argument("--project", type=Path, default=ROOT / "generated" / "aidp_workbench")
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--case", help=argparse.SUPPRESS)  # one case, in a process of its own
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--names", help=argparse.SUPPRESS)
    parser.add_argument("--source", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--target", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        seconds = run_case(args.case, args.url, json.loads(args.names), args.source, args.target)
        print(json.dumps({"seconds": seconds, "peak_mb": peak_mb()}))
        return 0
    names = operation_names(args.project)
    size = args.size_mb * 2**20
    results: dict[str, list[dict[str, float]]] = {case: [] for case in CASES}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        source = folder / "source.bin"
        block = bytes(range(256)) * (CHUNK // 256)
        with open(source, "wb") as file:
            for _ in range(size // CHUNK):
                file.write(block)
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "file_server.py"), "--root", scratch],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        env = {**os.environ, "PYTHONPATH": str(args.project)}
        try:
            for _ in range(args.runs):
                for case in CASES:
                    target = folder / "target.bin"
                    measured = subprocess.run(
                        [sys.executable, __file__, "--case", case, "--url", url,
                         "--names", json.dumps(names), "--source", str(source),
                         "--target", str(target)],
                        env=env, capture_output=True, text=True, check=True,
                    )  # fmt: skip
                    if case.startswith("download"):
                        assert target.stat().st_size == size, case
                        target.unlink()
                    else:
                        assert (folder / "up.bin").stat().st_size == size, case
                    results[case].append(json.loads(measured.stdout))
        finally:
            server.terminate()
            server.wait()
    report(results, size, args.runs)
    return 0


def report(results: dict[str, list[dict[str, Any]]], size: int, runs: int) -> None:
    print(f"{size / 2**20:.0f} MiB over loopback, medians of {runs} runs, each case in a process")
    print("| transfer | client | MB/s | peak RSS MB | time / httpx's |")
    print("|---|---|---:|---:|---:|")
    for case in CASES:
        direction, client, mode = case.split()
        seconds = statistics.median(r["seconds"] for r in results[case])
        peak = statistics.median(r["peak_mb"] for r in results[case])
        floor = statistics.median(r["seconds"] for r in results[f"{direction} httpx {mode}"])
        print(
            f"| {direction} | {client} {mode} | {size / 2**20 / seconds:.0f} | {peak:.0f} "
            f"| {seconds / floor:.2f} |"
        )


if __name__ == "__main__":
    sys.exit(main())
