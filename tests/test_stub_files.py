"""The stub moves files as the service does: an upload of any size is kept once (on
disk past a few megabytes), chunked or not, and downloads stream back what was
uploaded, byte for byte. Run for real, in a process of its own, whose memory is read
from Linux's /proc."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .test_stub_serve import running

VOLUMES = "/20260430/aiDataPlatforms/adp1/volumes"
SIZE = 100 * 1024 * 1024
BLOCK = bytes(range(256)) * 256  # every byte value, 64 KiB


def peak_memory(pid: int) -> int:
    """The process's peak resident memory so far, in bytes."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        pytest.skip("reads memory from Linux's /proc")
    line = next(x for x in status.read_text().splitlines() if x.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


def blocks() -> Iterator[bytes]:
    for _ in range(SIZE // len(BLOCK)):
        yield BLOCK


def test_a_large_upload_is_held_once_and_streams_back(aidp_sdk: Path) -> None:
    path = os.pathsep.join(filter(None, [str(aidp_sdk.parent), os.environ.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "aidp_workbench.server", "--port", "0"]
    with running(command, {**os.environ, "PYTHONPATH": path}) as (url, process):
        made = httpx.post(
            url + VOLUMES, json={"displayName": "v", "catalogName": "c", "schemaName": "s"}
        )
        at = f"{url}{VOLUMES}/{made.json()['key']}/actions"
        before = peak_memory(process.pid)
        # A generator body: sent chunked, with no length known beforehand.
        headers = {"path": "/big.bin", "content-type": "application/octet-stream"}
        uploaded = httpx.post(f"{at}/uploadFile", content=blocks(), headers=headers, timeout=120)
        assert uploaded.status_code == 204, uploaded.text
        digest, size = hashlib.sha256(), 0
        with httpx.stream(
            "POST", f"{at}/downloadFile", headers={"path": "/big.bin"}, timeout=120
        ) as download:
            assert download.status_code == 200
            assert download.headers["content-type"] == "application/octet-stream"
            assert int(download.headers["content-length"]) == SIZE
            for chunk in download.iter_bytes():
                digest.update(chunk)
                size += len(chunk)
        assert size == SIZE
        assert digest.hexdigest() == hashlib.sha256(b"".join(blocks())).hexdigest()
        grown = peak_memory(process.pid) - before
        assert grown < 40 * 1024 * 1024, f"{grown / 2**20:.0f} MiB for a 100 MiB file"
