"""Python's cyclic garbage collector, paused while a report is built or printed.

Building a programme's report data and printing a PDF allocate a few hundred thousand
objects that stay alive until the end (rows, items, WeasyPrint's boxes). Each allocation
burst makes the collector walk every live object again, which costs a tenth of the time.
Paused, the cycles left behind are collected after the report, on the collector's next run.
Other threads keep running meanwhile; they only collect cycles a second later."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block (a no-op if something else paused it)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
