"""Generate the demo's ticket chunks in a second process while this one writes them.

Making a chunk (simulating threads, the SLA clock per ticket) is pure Python and costs
about as much as SQLite's writing of it, and the two cannot overlap in one process: the
writer's per-row work holds the GIL between SQLite steps. On two cores a child process
makes chunk *n + 1* while the parent writes chunk *n*. The child gets its own copy of the
:class:`~workbench.demo.tickets.TicketFactory` (rng state included), so the chunks are the
very ones the parent would have made: same seed, same content, in or out of process.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import threading
import traceback
from collections.abc import Iterator
from typing import Any

from workbench.demo.tickets import Prepared, TicketFactory

Items = list[tuple[int, str | None]]
AHEAD = 2  # chunks made ahead of the writer: bounded memory, and enough to never wait
_POLL_S = 1.0


def chunks(factory: TicketFactory, tickets: int, first_number: int,
           per_chunk: int) -> Iterator[tuple[int, Prepared]]:
    """(tickets in the chunk, its rows ready for executemany), oldest first."""
    items: Items = []
    done = 0
    for item in factory.times(tickets):
        items.append(item)
        if len(items) == per_chunk:
            yield len(items), factory.chunk(items, first_number + done).prepared()
            done += len(items)
            items = []
    if items:
        yield len(items), factory.chunk(items, first_number + done).prepared()


def _produce(factory: TicketFactory, tickets: int, first_number: int, per_chunk: int,
             out: Any) -> None:
    try:
        for item in chunks(factory, tickets, first_number, per_chunk):
            out.put(item)
        out.put(None)
    except BaseException:  # the parent re-raises it with this traceback
        out.put(traceback.format_exc())


def _context() -> Any:
    """fork where it is safe (POSIX, no other thread whose locks the child would copy):
    nothing to import or pickle; else spawn, which needs the ``__main__`` guard."""
    if "fork" in mp.get_all_start_methods() and threading.active_count() == 1:
        return mp.get_context("fork")
    return mp.get_context("spawn")


def chunks_in_child(factory: TicketFactory, tickets: int, first_number: int,
                    per_chunk: int) -> Iterator[tuple[int, Prepared]]:
    """:func:`chunks`, made by a child process."""
    ctx = _context()
    out = ctx.Queue(maxsize=AHEAD)
    child = ctx.Process(target=_produce, args=(factory, tickets, first_number, per_chunk, out),
                        name="workbench-demo-generator", daemon=True)
    child.start()
    try:
        while True:
            try:
                item = out.get(timeout=_POLL_S)
            except queue.Empty:
                if not child.is_alive():
                    raise RuntimeError(
                        f"the demo generator process died (exit code {child.exitcode})"
                    ) from None
                continue
            if item is None:
                break
            if isinstance(item, str):
                raise RuntimeError(f"the demo generator process failed:\n{item}")
            yield item
        child.join()
    finally:
        if child.is_alive():  # the writer failed or was interrupted: stop making chunks
            child.terminate()
            child.join()
        out.close()
        out.join_thread()
