"""Progress of the long stages (pages read, files rendered, files formatted), for people.

On a terminal each stage shows a bar with its count and elapsed time; elsewhere (CI,
a pipe) each stage prints one line when it ends. Progress goes to standard error, and
only once the command line has asked for it: used as a library, nothing is shown.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

_enabled = False


def enable(on: bool = True) -> None:
    """Show progress from now on (the command line does, unless ``--quiet``)."""
    global _enabled
    _enabled = on


class Stage:
    """Counts one stage's items as they are done; ``expect`` raises the total when a
    stage finds more work as it goes (a crawl finds pages by their links)."""

    def __init__(self, total: int, bar: ProgressBar[int] | None = None) -> None:
        self.total, self.done, self._bar = total, 0, bar
        self.note = ""  # said after the count, e.g. how many came from the cache

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self._bar is not None:
            self._bar.update(count)

    def expect(self, count: int = 1) -> None:
        self.total += count
        if self._bar is not None:
            self._bar.length = self.total


@contextmanager
def stage(label: str, total: int, unit: str) -> Iterator[Stage]:
    """A stage of ``total`` items, reported as it goes (see the module's docstring)."""
    if not _enabled:
        yield Stage(total)
        return
    start = time.perf_counter()
    if not sys.stderr.isatty():
        counter = Stage(total)
        yield counter
        elapsed = time.perf_counter() - start
        note = f" ({counter.note})" if counter.note else ""
        click.echo(f"{label}: {counter.done} {unit} in {elapsed:.1f} s{note}", err=True)
        return
    bar: ProgressBar[int]
    with click.progressbar(
        length=max(total, 1),
        label=f"{label:<8}",
        show_pos=True,
        show_eta=False,
        item_show_func=lambda _: f"{unit}, {time.perf_counter() - start:.1f} s",
        file=sys.stderr,
    ) as bar:
        yield Stage(total, bar)
