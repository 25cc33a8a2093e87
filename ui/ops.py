"""The operation runner: every service call runs on one worker thread; results come back by signal.

Modelled on Anki's ``CollectionOp`` and ``taskman``: a single-thread executor owns the
:class:`~workbench.services.context.Workbench`, :meth:`OpRunner.run_op` runs ``fn(wb)`` there
and posts the outcome back to the UI thread, where ``on_success`` or ``on_error`` is called.
Every committed write reaches the UI as one application-wide signal,
``changes_applied(changes, initiator)``, so each view refreshes only what the change names.

Tests use ``OpRunner(synchronous=True)``, which runs each op inline (like Picard's fake
thread pool), so a test reads as a straight sequence of calls with no waiting.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot

from ui import errors

if TYPE_CHECKING:
    from workbench.services.context import Workbench

log = logging.getLogger(__name__)
T = TypeVar("T")
ErrorHandler = Callable[[BaseException], None]


class Changes(Protocol):
    """What a committed write touched (a ``ChangeSet``): entity name -> row ids."""

    @property
    def rows(self) -> Any: ...

    def touches(self, entity: str) -> bool: ...


class WorkbenchUnavailable(RuntimeError):
    """The database never opened (or was closed): ops queued behind it are dropped."""


@dataclass
class _Op:
    task: Callable[[], Any]
    on_success: Callable[[Any], None] | None
    on_error: ErrorHandler | None
    initiator: object | None
    owner: QObject | None
    value: Any = None
    error: BaseException | None = None


class OpRunner(QObject):
    """Runs service calls off the UI thread, one at a time, in the order they were asked."""

    changes_applied = Signal(object, object)  # (Changes, initiator or None)
    _op_done = Signal(object)
    _changes_posted = Signal(object, object)

    def __init__(self, parent: QObject | None = None, *, synchronous: bool = False) -> None:
        super().__init__(parent)
        self._synchronous = synchronous
        self._executor = (
            None
            if synchronous
            else ThreadPoolExecutor(max_workers=1, thread_name_prefix="workbench-ops")
        )
        self._wb: Workbench | None = None
        self._owns_wb = False
        self._closed = False
        self._started = False  # False until open() or attach(): ops wait in _held
        self._held: list[_Op] = []
        self._local = threading.local()
        # Both are emitted from the worker thread; AutoConnection queues them to this thread.
        self._op_done.connect(self._deliver)
        self._changes_posted.connect(self._emit_changes)

    @property
    def synchronous(self) -> bool:
        return self._synchronous

    # -- the workbench -------------------------------------------------------------------
    def open(
        self,
        opener: Callable[[], Workbench],
        on_success: Callable[[Workbench], None] | None = None,
        on_error: ErrorHandler | None = None,
    ) -> None:
        """Open the workbench on the worker (it owns and later closes it)."""

        def task() -> Workbench:
            wb = opener()
            self._adopt(wb)
            self._owns_wb = True
            return wb

        self._start(_Op(task, on_success, on_error, None, None))

    def attach(self, wb: Workbench) -> None:
        """Use an already open workbench (tests); its owner closes it."""
        self._adopt(wb)
        self._start(None)

    def _start(self, first: _Op | None) -> None:
        """Run *first*, then the ops asked for before the workbench was given."""
        self._started = True
        held, self._held = self._held, []
        for op in ([first] if first else []) + held:
            self._submit(op)

    def _adopt(self, wb: Workbench) -> None:
        self._wb = wb
        wb.subscribe(self._on_changes)

    def _require(self) -> Workbench:
        if self._wb is None:
            raise WorkbenchUnavailable("the database is not open")
        return self._wb

    # -- running ops ---------------------------------------------------------------------
    def run_op(
        self,
        fn: Callable[[Workbench], T],
        on_success: Callable[[T], None] | None = None,
        on_error: ErrorHandler | None = None,
        *,
        initiator: object | None = None,
        owner: QObject | None = None,
    ) -> None:
        """Run ``fn(wb)`` on the worker, then ``on_success(result)`` on the UI thread.

        Errors go to *on_error*, else known ones (:class:`ServiceError`) are shown plainly
        and anything else is reported as a bug. When *owner* is destroyed before the op
        ends, its callbacks are skipped. *initiator* is passed along with the changes the
        op commits, so the view that asked can tell its own changes from others'.
        """
        self._submit(_Op(lambda: fn(self._require()), on_success, on_error, initiator, owner))

    def _submit(self, op: _Op) -> None:
        if self._closed:
            log.debug("op dropped: the runner is shut down")
            return
        if not self._started:
            self._held.append(op)
            return
        if self._executor is None:
            self._deliver(self._execute(op))
        else:
            self._executor.submit(self._run_on_worker, op)

    def _execute(self, op: _Op) -> _Op:
        previous = getattr(self._local, "initiator", None)
        self._local.initiator = op.initiator
        try:
            op.value = op.task()
        except Exception as exc:
            op.error = exc
        finally:
            self._local.initiator = previous
        return op

    def _run_on_worker(self, op: _Op) -> None:
        self._execute(op)
        if not self._closed:
            self._op_done.emit(op)

    @Slot(object)
    def _deliver(self, op: _Op) -> None:
        if self._closed and not self._synchronous:
            return
        if op.owner is not None and not shiboken6.isValid(op.owner):
            return
        if op.error is None:
            if op.on_success is not None:
                op.on_success(op.value)
        elif isinstance(op.error, WorkbenchUnavailable):
            log.debug("op dropped: %s", op.error)
        elif op.on_error is not None:
            op.on_error(op.error)
        else:
            errors.report(op.error, parent=op.owner)

    # -- changes -------------------------------------------------------------------------
    def _on_changes(self, changes: Changes) -> None:
        """The workbench's listener: runs on whichever thread committed the write."""
        if not self._closed:
            self._changes_posted.emit(changes, getattr(self._local, "initiator", None))

    @Slot(object, object)
    def _emit_changes(self, changes: Changes, initiator: object | None) -> None:
        if not self._closed:
            self.changes_applied.emit(changes, initiator)

    def shutdown(self) -> None:
        """Finish the running op, drop the queued ones, stop the worker, close the database."""
        if self._closed:
            return
        self._closed = True
        self._held.clear()
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
        if self._owns_wb and self._wb is not None:
            self._wb.close()
        self._wb = None
