"""Work spread over processes gives what a loop would, and raises what it would."""

from __future__ import annotations

import os
import sys
import time

import pytest

from generator.errors import Docs2SdkError
from generator.parallel import forked, parallel_map


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
    if sys.platform != "linux":
        pytest.skip("forks only on Linux")
    monkeypatch.setenv("DOCS2SDK_WORKERS", "2")


class _TwoPartError(Exception):
    """An exception pickle cannot rebuild: its ``args`` are not what ``__init__`` takes."""

    def __init__(self, page: str, item: str) -> None:
        super().__init__(f"{page}: {item}")


@pytest.mark.usefixtures("two_workers")
def test_forked_runs_in_another_process_reading_the_parents_data() -> None:
    data = {"pages": list(range(10_000))}
    with forked(lambda: (os.getpid(), sum(data["pages"]))) as result:
        pid, total = result()
        assert result() == (pid, total)
    assert total == sum(range(10_000))
    assert pid != os.getpid()


@pytest.mark.usefixtures("two_workers")
def test_forked_raises_what_the_function_raised() -> None:
    def broken() -> None:
        raise Docs2SdkError("page op-x.html: no path")

    with forked(broken) as result, pytest.raises(Docs2SdkError, match=r"op-x\.html: no path"):
        result()


@pytest.mark.usefixtures("two_workers")
def test_forked_describes_an_exception_that_cannot_cross() -> None:
    def broken() -> None:
        raise _TwoPartError("op-x.html", "no path")

    with forked(broken) as result, pytest.raises(RuntimeError, match=r"_TwoPartError: op-x"):
        result()


@pytest.mark.usefixtures("two_workers")
def test_forked_child_not_waited_for_is_stopped() -> None:
    started = time.monotonic()
    with forked(lambda: time.sleep(60)):
        pass
    assert time.monotonic() - started < 10


def test_forked_without_fork_runs_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCS2SDK_WORKERS", "1")
    calls: list[int] = []
    with forked(lambda: calls.append(os.getpid()) or len(calls)) as result:
        assert calls == []
        assert result() == 1 and result() == 1
    assert calls == [os.getpid()]
