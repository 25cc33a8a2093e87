"""SLA use cases: the team's policy and calendar, and each ticket's denormalised deadline."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from workbench.domain.enums import EventKind, Priority, TicketStatus
from workbench.domain.sla import (
    BusinessCalendar,
    SlaEvent,
    SlaPolicy,
    SlaReport,
    SlaTicket,
    compute_sla,
    default_policy,
    next_deadline,
)
from workbench.store.changelog import Writer
from workbench.store.models import SlaCalendar as CalendarRow
from workbench.store.models import SlaPolicy as PolicyRow
from workbench.store.models import Ticket, TicketEvent

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from workbench.services.context import Workbench


def sla_ticket(
    created_at: int, priority: str, status: str, rows: Sequence[Any]
) -> SlaTicket:
    """The clock's view of a ticket from its current state and its (at, kind, old, new) events.

    The state at creation is the old value of the first change of each kind, else the
    current one.
    """
    first_priority, first_status = priority, status
    seen_p = seen_s = False
    events: list[SlaEvent] = []
    for at, kind, old, new in rows:
        if kind == EventKind.PRIORITY_CHANGE:
            if not seen_p and old:
                first_priority, seen_p = old, True
            events.append(SlaEvent(at_ms=at, kind=EventKind.PRIORITY_CHANGE,
                                   priority=Priority(new)))
        elif kind == EventKind.STATUS_CHANGE:
            if not seen_s and old:
                first_status, seen_s = old, True
            events.append(SlaEvent(at_ms=at, kind=EventKind.STATUS_CHANGE,
                                   status=TicketStatus(new)))
        elif kind in _CLOCK_KINDS:
            events.append(SlaEvent(at_ms=at, kind=EventKind(kind)))
    return SlaTicket(
        created_at_ms=created_at,
        priority=Priority(first_priority),
        status=TicketStatus(first_status),
        events=tuple(events),
    )


_CLOCK_KINDS = {EventKind.PUBLIC_REPLY.value, EventKind.CUSTOMER_MESSAGE.value}


class SlaService:
    def __init__(self, wb: Workbench) -> None:
        self.wb = wb
        self._lock = threading.Lock()
        self._cached: tuple[SlaPolicy, BusinessCalendar] | None = None
        wb.subscribe(self._on_change)

    def _on_change(self, changes: Any) -> None:
        if changes.touches("sla_policies") or changes.touches("sla_calendars"):
            with self._lock:
                self._cached = None

    def active(self, session: Session | None = None) -> tuple[SlaPolicy, BusinessCalendar]:
        """The default policy and its calendar (built-in defaults before any are stored)."""
        with self._lock:
            if self._cached is not None:
                return self._cached
        if session is None:
            with self.wb.read() as s:
                return self.active(s)
        row = session.scalar(
            select(PolicyRow).order_by(PolicyRow.is_default.desc(), PolicyRow.updated_at).limit(1)
        )
        if row is None:
            result = (default_policy(), BusinessCalendar.twenty_four_seven("UTC"))
        else:
            cal = session.get(CalendarRow, row.calendar_id)
            calendar = (
                BusinessCalendar.from_dict(cal.definition)
                if cal
                else BusinessCalendar.twenty_four_seven("UTC")
            )
            result = (SlaPolicy.from_dict(row.definition), calendar)
        with self._lock:
            self._cached = result
        return result

    def report_for(self, session: Session, t: Ticket, now_ms: int) -> SlaReport:
        rows = session.execute(
            select(TicketEvent.created_at, TicketEvent.kind, TicketEvent.old_value,
                   TicketEvent.new_value)
            .where(TicketEvent.ticket_id == t.id)
            .order_by(TicketEvent.created_at, TicketEvent.id)
        ).all()
        policy, calendar = self.active(session)
        return compute_sla(sla_ticket(t.created_at, t.priority, t.status, rows),
                           policy, calendar, now_ms)

    def refresh_deadline(self, w: Writer, t: Ticket) -> None:
        """Recompute the ticket's next deadline from its events (a derived column)."""
        w.session.flush()
        report = self.report_for(w.session, t, w.now_ms)
        nxt = next_deadline(report)
        due, target = (nxt[0], str(nxt[1])) if nxt else (None, None)
        w.update(t, next_due_at=due, next_due_target=target)
