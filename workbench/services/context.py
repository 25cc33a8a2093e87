"""The services entry point: one open workstation database, its clock, node and actor."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session

from workbench.domain.clock import Clock, SystemClock
from workbench.domain.hlc import HybridLogicalClock
from workbench.domain.ids import uuid7
from workbench.services.errors import StorageError
from workbench.store.changelog import HLC_KEY, ChangeSet, Writer, load_state, save_state
from workbench.store.db import Database, DatabaseError

log = logging.getLogger(__name__)

NODE_KEY = "node_id"
CLOCK_OFFSET_KEY = "clock_offset_ms"
ChangeListener = Callable[[ChangeSet], None]


class Workbench:
    """Everything a use case needs: the database, "now", this node's HLC and who is acting.

    Services are reached as attributes (``wb.tickets``, ``wb.customers``...). Every write
    happens inside :meth:`write`, which yields the one :class:`Writer` of the transaction
    and tells the listeners what changed once it has committed.
    """

    def __init__(
        self, db: Database, clock: Clock | None = None, actor_id: str | None = None
    ) -> None:
        self.db = db
        self.clock: Clock = clock or SystemClock()
        self.actor_id = actor_id
        self._listeners: list[ChangeListener] = []
        self._write_lock = threading.RLock()
        with db.session() as s:
            node = load_state(s, NODE_KEY)
            if node is None:
                node = uuid7(self.clock.now_ms())
                save_state(s, NODE_KEY, node)
            last = load_state(s, HLC_KEY)
            offset = load_state(s, CLOCK_OFFSET_KEY)
        self.node_id = node
        self.hlc = HybridLogicalClock(node, self.clock, last)
        # The team server's view of the time, learnt at the last sync (see workbench.sync).
        self.hlc.offset_ms = int(offset or 0)
        # Imported here to keep the service modules free to import this one.
        from workbench.services.agents import AgentService
        from workbench.services.calls import CallService
        from workbench.services.customers import CustomerService
        from workbench.services.handoffs import HandoffService
        from workbench.services.history import HistoryService
        from workbench.services.kb import KbService
        from workbench.services.merge import MergeService
        from workbench.services.metrics import MetricsService
        from workbench.services.search import SearchService
        from workbench.services.sla import SlaService
        from workbench.services.tickets import TicketService

        self.agents = AgentService(self)
        self.customers = CustomerService(self)
        self.sla = SlaService(self)
        self.tickets = TicketService(self)
        self.search = SearchService(self)
        self.history = HistoryService(self)
        self.calls = CallService(self)
        self.handoffs = HandoffService(self)
        self.merge = MergeService(self)
        self.kb = KbService(self)
        self.metrics = MetricsService(self)

    @classmethod
    def open(cls, path: Path, clock: Clock | None = None) -> Workbench:
        try:
            return cls(Database(path), clock)
        except DatabaseError as exc:
            raise StorageError(str(exc)) from exc

    def close(self) -> None:
        self.db.close()

    def now_ms(self) -> int:
        return self.clock.now_ms()

    def subscribe(self, listener: ChangeListener) -> None:
        """Call *listener* with the ChangeSet of every committed write."""
        self._listeners.append(listener)

    @contextmanager
    def write(self) -> Iterator[Writer]:
        """One transaction on the one write path; listeners hear of it after commit."""
        with self._write_lock:
            with self.db.session() as s:
                w = Writer(s, self.hlc, self.now_ms(), self.actor_id)
                yield w
                changes = w.finish()
            if changes:
                for listener in list(self._listeners):
                    try:
                        listener(changes)
                    except Exception:  # a broken view must not undo a committed write
                        log.exception("change listener failed")

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.db.read() as s:
            yield s
