"""Spread CPU-bound work (parsing pages, formatting files) over the machine's cores."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a pool costs more than it saves.
MIN_PARALLEL_ITEMS = 16


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
    count = workers()
    if count == 1 or len(items) < MIN_PARALLEL_ITEMS:
        return [function(item) for item in items]
    with _heap_frozen(), ProcessPoolExecutor(max_workers=count) as pool:
        chunk = chunksize or max(1, len(items) // (count * 8))
        return list(pool.map(function, items, chunksize=chunk))


@contextmanager
def _heap_frozen() -> Iterator[None]:
    """Forked workers inherit the parent's objects (a whole model, by the format stage).
    Frozen, they are left out of every collection on both sides: without this, black
    in the workers spends a quarter of its time walking objects it never uses."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
