"""Holding off Python's cyclic garbage collector while a report builds many small objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection inside the block.

    A report over thousands of attempts makes hundreds of thousands of small objects that form no reference
    cycles (they are freed by reference counting as usual). While they pile up, the collector keeps walking all
    of them, in vain: on 10,000 attempts that is a quarter of the item analysis. Process-wide and short; when the
    collector was off already (another thread in such a block), it is left as it is.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
