"""Watching the acting agent's deadlines: a notice when one turns amber or red, and escalation.

:class:`SlaWatch` keeps the agent's open tickets with the nearest deadlines in memory
(re-read when a change touches tickets, or when someone else starts acting), and checks
them once a second — arithmetic on "now", never a query per tick. A ticket that *enters*
warning or breach while watched is announced once per ticket and state through the
:class:`~ui.notify.Notifier`; what was already late when the list was first read is on
screen in the queue and is not announced again.

Every minute it runs ``wb.sla.escalate_breached()`` (the policy's breach action) through
the op runner, off the UI thread. One watch exists per :class:`AppContext`
(:meth:`SlaWatch.of`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from ui.context import AppContext
from ui.models.ticket_table import QueueRow
from ui.notify import Notice, Notifier
from ui.ops import Changes
from ui.ticket.queue_query import QueueQuery, QueueView, view_filter
from ui.widgets.sla_chip import ChipKind, chip_for, chip_kind

if TYPE_CHECKING:
    from workbench.services.context import Workbench

CHECK_MS = 1000
ESCALATE_MS = 60_000
WATCHED = 200  # the nearest deadlines of the agent; the rest are hours away
ALERTS = (ChipKind.WARNING, ChipKind.BREACHED)


def _tr(text: str) -> str:
    return QCoreApplication.translate("SlaWatch", text)


def _my_deadlines(wb: Workbench) -> list[QueueRow]:
    f = view_filter(QueueQuery(QueueView.MY_OPEN), wb.actor_id, wb.now_ms())
    if f is None:
        return []
    rows = wb.tickets.list(f, limit=WATCHED)
    warns = wb.sla.warning_times(rows)
    return [QueueRow(**vars(r), warn_at=w) for r, w in zip(rows, warns, strict=True)]


class SlaWatch(QObject):
    """The agent's own deadlines, checked each second; breach escalation each minute."""

    alerted = Signal(str, object)  # ticket id, ChipKind

    def __init__(self, ctx: AppContext, host: Callable[[], QWidget | None]) -> None:
        super().__init__(ctx)
        self.setObjectName("sla-watch")
        self._ctx = ctx
        self.notifier = Notifier(host, self)
        self._rows: list[QueueRow] = []
        self._seen: set[tuple[str, ChipKind]] = set()
        self._seeded = False
        self._check = QTimer(self)
        self._check.setInterval(CHECK_MS)
        self._check.timeout.connect(self.check)
        self._escalate = QTimer(self)
        self._escalate.setInterval(ESCALATE_MS)
        self._escalate.timeout.connect(self.escalate)
        ctx.runner.changes_applied.connect(self._on_changes)
        ctx.agent_changed.connect(lambda _agent: self.restart())
        self.reload()
        self._check.start()
        self._escalate.start()

    @classmethod
    def of(cls, ctx: AppContext, host: Callable[[], QWidget | None]) -> SlaWatch:
        """The watch of *ctx*, made on first use."""
        existing = ctx.findChild(SlaWatch, "sla-watch")
        return existing if isinstance(existing, SlaWatch) else cls(ctx, host)

    @property
    def rows(self) -> list[QueueRow]:
        return list(self._rows)

    def stop(self) -> None:
        self._check.stop()
        self._escalate.stop()

    def reload(self) -> None:
        self._ctx.runner.run_op(_my_deadlines, self._loaded, owner=self)

    def restart(self) -> None:
        """Read the list afresh, as at startup (another agent acts now)."""
        self._seen.clear()
        self._seeded = False
        self.reload()

    def _loaded(self, rows: list[QueueRow]) -> None:
        self._rows = rows
        if not self._seeded:  # what is late already is on screen, not news
            now = self._ctx.now_ms()
            for row in rows:
                kind = chip_kind(row.next_due_at, row.warn_at, row.paused, now)
                if kind in ALERTS:
                    self._seen.add((row.id, kind))
            self._seeded = True
        self.check()

    def check(self) -> None:
        """Announce each watched ticket that entered warning or breach since last time."""
        if not self._seeded:
            return
        now = self._ctx.now_ms()
        for row in self._rows:
            kind = chip_kind(row.next_due_at, row.warn_at, row.paused, now)
            if kind not in ALERTS or (row.id, kind) in self._seen:
                continue
            self._seen.add((row.id, kind))
            self._announce(row, kind, now)

    def _announce(self, row: QueueRow, kind: ChipKind, now: int) -> None:
        chip = chip_for(row.next_due_at, row.warn_at, row.paused, now)
        title = (_tr("SLA breached: %1") if kind is ChipKind.BREACHED
                 else _tr("SLA warning: %1")).replace("%1", row.key)
        self.notifier.notify(Notice(title, f"{row.subject} — {chip.text}", row.id,
                                    urgent=kind is ChipKind.BREACHED))
        self.alerted.emit(row.id, kind)

    def escalate(self) -> None:
        """Apply the policy's breach action to newly breached tickets (on the worker)."""
        self._ctx.runner.run_op(lambda wb: wb.sla.escalate_breached(), owner=self)

    def _on_changes(self, changes: Changes, _initiator: object | None) -> None:
        if changes.touches("tickets") or changes.touches("ticket_events"):
            self.reload()
