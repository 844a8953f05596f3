"""Spread CPU-bound work (parsing pages, formatting files, writing the YAML documents)
over the machine's cores."""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import pickle
import sys
import traceback
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


@contextmanager
def forked(function: Callable[[], R]) -> Iterator[Callable[[], R]]:
    """Start ``function()`` in a forked child now, and give a callable that waits for
    its result (or raises what it raised). The child reads what the parent holds
    without copying it; it cannot start processes of its own. Where forking is not the
    way (one worker, not Linux), the function runs when its result is asked for. A
    child not waited for is stopped."""
    if workers() == 1 or sys.platform != "linux":
        yield functools.cache(function)
        return
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def run_and_send() -> None:
        try:
            sender.send((True, function()))
        except BaseException as exc:  # raised in the parent, as if it ran there
            sender.send((False, exc if _survives_pickling(exc) else _described(exc)))

    with _heap_frozen():
        child = context.Process(target=run_and_send, daemon=True)
        child.start()
    sender.close()

    @functools.cache
    def result() -> R:
        try:
            succeeded, value = receiver.recv()
        except EOFError:
            raise RuntimeError(f"the process running {function!r} died") from None
        if not succeeded:
            raise value
        return value  # type: ignore[no-any-return]

    try:
        yield result
    finally:
        receiver.close()
        child.terminate()
        child.join()


def _survives_pickling(exc: BaseException) -> bool:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return False
    return True


def _described(exc: BaseException) -> RuntimeError:
    """An exception that cannot cross to the parent, as text with its traceback."""
    return RuntimeError("".join(traceback.format_exception(exc)).rstrip())
