"""SQL behind the per-ticket metric facts (``services.sla.ticket_facts``): a ticket's events
as the facts read them, and the cross-ticket input of ``repeat_contact``.

A ticket's own facts need only its row and its events. ``repeat_contact`` also depends on
the customer's *other* tickets: the first one created after the solve. So a ticket write
refreshes the fact of the customer's tickets solved in the window before the new ticket's
creation too (``solved_in_window_before``), and bulk paths do that in one statement
(``refresh_repeat_contacts``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select, text
from sqlalchemy.orm import Session

from workbench.domain.kpi import REPEAT_CONTACT_WINDOW_MS
from workbench.store.models import Ticket, TicketEvent

# (at, kind, old value, new value, author): what ticket_facts reads of each event.
FactEvent = tuple[int, str, str | None, str | None, str | None]

_EVENT_COLUMNS = (TicketEvent.created_at, TicketEvent.kind, TicketEvent.old_value,
                  TicketEvent.new_value, TicketEvent.author_id)


def fact_events(session: Session, ticket_id: str) -> list[FactEvent]:
    """The ticket's events in order, as ticket_facts reads them."""
    q = (select(*_EVENT_COLUMNS).where(TicketEvent.ticket_id == ticket_id)
         .order_by(TicketEvent.created_at, TicketEvent.id))
    return [(r[0], r[1], r[2], r[3], r[4]) for r in session.execute(q)]


def fact_events_of(session: Session, ticket_ids: Sequence[str]) -> dict[str, list[FactEvent]]:
    """fact_events of many tickets with one query."""
    q = (select(TicketEvent.ticket_id, *_EVENT_COLUMNS)
         .where(TicketEvent.ticket_id.in_(ticket_ids))
         .order_by(TicketEvent.ticket_id, TicketEvent.created_at, TicketEvent.id))
    out: dict[str, list[FactEvent]] = {}
    for ticket_id, at, kind, old, new, author in session.execute(q):
        out.setdefault(ticket_id, []).append((at, kind, old, new, author))
    return out


def next_contact_at(session: Session, customer_id: str, after_ms: int,
                    ticket_id: str) -> int | None:
    """Creation of the customer's first other ticket created after *after_ms* (a solve)."""
    q = select(func.min(Ticket.created_at)).where(
        Ticket.customer_id == customer_id, Ticket.created_at > after_ms, Ticket.id != ticket_id)
    value = session.scalar(q)
    return int(value) if value is not None else None


def next_contacts(session: Session, ticket_ids: Sequence[str]) -> dict[str, int | None]:
    """next_contact_at after the solve of each of the solved tickets among *ticket_ids*."""
    sql = text(f"""
        SELECT t.id, (SELECT MIN(n.created_at) FROM tickets n
                      WHERE n.customer_id = t.customer_id AND n.created_at > t.solved_at
                        AND n.id <> t.id)
        FROM tickets t WHERE t.solved_at IS NOT NULL
          AND t.id IN ({", ".join(f":i{k}" for k in range(len(ticket_ids)))})""")
    params = {f"i{k}": v for k, v in enumerate(ticket_ids)}
    return {row[0]: row[1] for row in session.execute(sql, params)}


def solved_in_window_before(session: Session, ticket: Ticket) -> list[Ticket]:
    """The customer's other tickets solved in [created − window, created) of *ticket*: the
    ones whose repeat_contact this ticket's creation can turn on."""
    q = select(Ticket).where(
        Ticket.customer_id == ticket.customer_id, Ticket.id != ticket.id,
        Ticket.solved_at >= ticket.created_at - REPEAT_CONTACT_WINDOW_MS,
        Ticket.solved_at < ticket.created_at,
    ).order_by(Ticket.id)
    return list(session.scalars(q))


# repeat_contact of a tickets row ``t`` in SQL: services.sla.repeat_contact, set-based.
REPEAT_CONTACT_SQL = f"""(t.reopen_count > 0 OR (t.solved_at IS NOT NULL AND EXISTS (
    SELECT 1 FROM tickets n WHERE n.customer_id = t.customer_id
      AND n.created_at > t.solved_at
      AND n.created_at <= t.solved_at + {REPEAT_CONTACT_WINDOW_MS} AND n.id <> t.id)))"""


def refresh_repeat_contacts(conn: Connection, ticket_ids: Sequence[str] | None = None) -> int:
    """Recompute repeat_contact of the tickets solved in the window before the creation of
    any of *ticket_ids* (their earlier contacts), or of every ticket when None; returns
    the rows changed. Core SQL: the caller expires ORM objects it still holds."""
    if ticket_ids is None:
        where = "1 = 1"
        params: dict[str, Any] = {}
    else:
        if not ticket_ids:
            return 0
        marks = ", ".join(f":i{k}" for k in range(len(ticket_ids)))
        params = {f"i{k}": v for k, v in enumerate(ticket_ids)}
        where = f"""t.id IN (SELECT p.id FROM tickets c JOIN tickets p
            ON p.customer_id = c.customer_id AND p.id <> c.id
           AND p.solved_at >= c.created_at - {REPEAT_CONTACT_WINDOW_MS}
           AND p.solved_at < c.created_at
            WHERE c.id IN ({marks}))"""
    sql = f"""UPDATE tickets AS t SET repeat_contact = {REPEAT_CONTACT_SQL}
              WHERE {where} AND t.repeat_contact IS NOT {REPEAT_CONTACT_SQL}"""
    return conn.execute(text(sql), params).rowcount
