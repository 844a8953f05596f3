"""Work spread over processes gives what a loop would, and raises what it would."""

from __future__ import annotations

import os
import pickle
import sys
import time
from pathlib import Path

import pytest

from generator.errors import Docs2SdkError
from generator.parallel import Started, parallel_map
from generator.scrape.page import scrape_page

from .conftest import AIDP_BOOK


def _square(value: int) -> int:
    return value * value


def _fail_on_seven(value: int) -> int:
    if value == 7:
        raise Docs2SdkError(f"item {value} is bad")
    return value


def test_parallel_map_keeps_order() -> None:
    assert parallel_map(_square, list(range(100))) == [n * n for n in range(100)]


def test_parallel_map_raises_a_worker_error() -> None:
    with pytest.raises(Docs2SdkError, match="item 7 is bad"):
        parallel_map(_fail_on_seven, list(range(40)))


@pytest.fixture
def two_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCS2SDK_WORKERS", "2")


def _resident_mb(_: int) -> int:
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) // 1024


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.usefixtures("two_workers")
def test_workers_do_not_start_as_copies_of_the_caller() -> None:
    # A forked copy of this process would be counted with the 300 MB it holds.
    held = bytes(range(256)) * (300 * 2**20 // 256)
    assert _resident_mb(0) > 300
    assert max(parallel_map(_resident_mb, list(range(32)))) < 200
    assert len(held) == 300 * 2**20


def _slow_square(value: int) -> int:
    time.sleep(0.05)
    return value * value


@pytest.mark.usefixtures("two_workers")
def test_started_work_runs_while_the_caller_does_other_work() -> None:
    with Started(_slow_square, list(range(40)), chunksize=1) as results:
        begun = time.monotonic()
        time.sleep(1.5)  # the workers need about 1 s for all 40
        assert list(results) == [n * n for n in range(40)]
        assert time.monotonic() - begun < 2.5


def test_one_worker_works_as_the_results_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCS2SDK_WORKERS", "1")
    calls: list[int] = []
    with Started(lambda n: calls.append(os.getpid()) or n, list(range(20))) as results:
        assert calls == []
        assert list(results) == list(range(20))
    assert calls == [os.getpid()] * 20


def test_a_page_passed_between_processes_is_the_page_read() -> None:
    """A page crosses from a worker (or the cache) with its schemas pickled apart, each
    read only when the build process asks for it; what it reads is what was parsed."""
    path = next(p for p in sorted(AIDP_BOOK.glob("op-*.html")) if "Nested Schema" in p.read_text())
    page = scrape_page(path.read_text(encoding="utf-8"), path.name)
    assert len(page.schemas) > 1
    passed = pickle.loads(pickle.dumps(page))
    assert passed == page
    assert list(passed.schemas) == list(page.schemas) == list(passed.schema_digests)
    assert pickle.loads(pickle.dumps(passed)) == page  # and on again, as it came
