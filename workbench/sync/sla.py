"""Deadlines of tickets that remote changes touched (a derived column, never synced)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, bindparam, select, update

from workbench.domain.enums import TicketStatus
from workbench.domain.sla import compute_sla, next_deadline
from workbench.services.sla import sla_ticket
from workbench.store.changelog import Writer
from workbench.store.models import Ticket, TicketEvent
from workbench.store.models.tickets import queue_rank
from workbench.sync.locallog import chunks

if TYPE_CHECKING:
    from workbench.services.context import Workbench

OPEN = [s.value for s in TicketStatus if s.is_open]
BULK_FROM = 50  # tickets in one page above which the bulk path is worth it


def refresh_tickets(wb: Workbench, w: Writer, ticket_ids: set[str]) -> None:
    """Recompute each touched ticket's deadline in the page's own transaction.

    A few tickets go through ``SlaService.refresh_deadline`` itself. A big page does the
    same computation (``sla_ticket``, ``compute_sla``, ``next_deadline``, ``queue_rank``)
    with two queries and one executemany instead of a flush and a query per ticket;
    ``test_derived.py`` checks that both ways give the same columns.
    """
    if not ticket_ids:
        return
    s = w.session
    s.flush()
    s.expire_all()  # rows were written with Core statements behind the ORM's back
    if len(ticket_ids) <= BULK_FROM:
        for ticket_id in sorted(ticket_ids):  # the service's own code, for everyday syncs
            ticket = s.get(Ticket, ticket_id)
            if ticket is not None:
                wb.sla.refresh_deadline(w, ticket)
        return
    policy, calendar = wb.sla.active(s)
    t: Table = Ticket.__table__  # type: ignore[assignment]
    e: Table = TicketEvent.__table__  # type: ignore[assignment]
    updates: list[dict[str, Any]] = []
    for part in chunks(sorted(ticket_ids)):
        events: dict[str, list[Any]] = {}
        q = (select(e.c.ticket_id, e.c.created_at, e.c.kind, e.c.old_value, e.c.new_value)
             .where(e.c.ticket_id.in_(part)).order_by(e.c.ticket_id, e.c.created_at, e.c.id))
        for ticket_id, *row in s.execute(q):
            events.setdefault(ticket_id, []).append(tuple(row))
        q2 = select(t.c.id, t.c.created_at, t.c.priority, t.c.status).where(t.c.id.in_(part))
        for ticket_id, created, priority, status in s.execute(q2):
            report = compute_sla(sla_ticket(created, priority, status,
                                            events.get(ticket_id, [])),
                                 policy, calendar, w.now_ms)
            nxt = next_deadline(report)
            due, target = (nxt[0], str(nxt[1])) if nxt else (None, None)
            rank = queue_rank(TicketStatus(status).is_open, due, created)
            updates.append({"_id": ticket_id, "v_due": due, "v_target": target,
                            "v_rank": rank})
    if updates:
        stmt = update(t).where(t.c.id == bindparam("_id")).values(
            next_due_at=bindparam("v_due"), next_due_target=bindparam("v_target"),
            queue_rank=bindparam("v_rank"))
        s.connection().execute(stmt, updates)


def refresh_open_tickets(wb: Workbench, chunk: int = 500) -> None:
    """After a policy or calendar arrived: every open ticket's deadline, in short writes."""
    last = ""
    while True:
        with wb.read() as s:
            ids = list(s.scalars(select(Ticket.id).where(Ticket.status.in_(OPEN), Ticket.id > last)
                                 .order_by(Ticket.id).limit(chunk)))
        if not ids:
            return
        with wb.write() as w:
            refresh_tickets(wb, w, set(ids))
        last = ids[-1]
