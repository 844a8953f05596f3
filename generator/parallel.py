"""Spread CPU-bound work (parsing pages, formatting files) over the machine's cores.

Workers start from a small server process (``forkserver``), not as copies of the
process that asks: a build that holds a model of ten thousand operations does not
have every worker counted at that size, and the work they are given is all they hold.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a pool costs more than it saves.
MIN_PARALLEL_ITEMS = 16
# What every worker needs, imported once by the server the workers start from.
_PRELOAD = ["generator.scrape", "generator.format"]


def workers() -> int:
    value = os.environ.get("DOCS2SDK_WORKERS")
    if value and value.isdigit():
        return max(1, int(value))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def parallel_map(
    function: Callable[[T], R], items: Sequence[T], chunksize: int | None = None
) -> list[R]:
    """``[function(i) for i in items]``, in order, in worker processes when worth it.
    An exception in a worker is raised here, as it would be in a loop. Many small
    items go in chunks; pass ``chunksize=1`` for few large ones, so they spread evenly."""
    with Started(function, items, chunksize) as results:
        return list(results)


class Started(AbstractContextManager[Iterator[R]], Generic[T, R]):
    """``parallel_map`` set going when entered, its results read later, in order: the
    caller can do other work meanwhile, and use each result and let it go. With one
    worker, or few items, the items are worked through as the results are read. Once
    the workers have the items, this holds none of them: each is held by its task
    until the task is done, and no longer."""

    def __init__(
        self, function: Callable[[T], R], items: Sequence[T], chunksize: int | None = None
    ) -> None:
        self._function, self._items, self._chunksize = function, items, chunksize
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Iterator[R]:
        items, self._items = self._items, ()
        count = workers()
        if count == 1 or len(items) < MIN_PARALLEL_ITEMS:
            return (self._function(item) for item in items)
        self._pool = ProcessPoolExecutor(max_workers=count, mp_context=_context())
        chunk = self._chunksize or max(1, len(items) // (count * 8))
        return self._pool.map(self._function, items, chunksize=chunk)

    def __exit__(self, *exc_info: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=exc_info[0] is not None)


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context
