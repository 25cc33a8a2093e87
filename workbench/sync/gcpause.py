"""Pausing the cyclic garbage collector around bulk steps (pull pages, pushed batches)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Hold off the cyclic garbage collector during one bulk step.

    A page creates tens of thousands of short-lived objects (no cycles among them), each
    allocation counting towards a collection that walks every live object of the process;
    the collector runs again when the step is over.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
