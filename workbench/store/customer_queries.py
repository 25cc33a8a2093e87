"""SQL for the customer list: activity figures of one loaded page of customers.

The list shows, beside each name, how many tickets are open and when the team was last in
touch. Both come from grouped queries over the page's customers only (one per source, each
``WHERE customer_id IN (...) GROUP BY customer_id``), never one query per row and never a
scan of every customer: the cost follows the size of the page, not of the database.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.domain.enums import EventKind, TicketStatus
from workbench.store.models import Call, Customer, Ticket, TicketEvent

OPEN_STATUSES = [s.value for s in TicketStatus if s.is_open]
# What counts as being in touch: a message either way on a ticket, or a call.
CONTACT_EVENTS = (EventKind.CUSTOMER_MESSAGE.value, EventKind.PUBLIC_REPLY.value)


def open_ticket_counts(session: Session, customer_ids: Collection[str]) -> dict[str, int]:
    """Open tickets per customer (customers with none are absent)."""
    if not customer_ids:
        return {}
    rows = session.execute(
        select(Ticket.customer_id, func.count())
        .where(Ticket.customer_id.in_(list(customer_ids)), Ticket.status.in_(OPEN_STATUSES))
        .group_by(Ticket.customer_id)
    )
    return {customer_id: n for customer_id, n in rows}


def last_contacts(session: Session, customer_ids: Collection[str]) -> dict[str, int]:
    """The latest message, reply or call of each customer, epoch ms (none: absent)."""
    if not customer_ids:
        return {}
    ids = list(customer_ids)
    out: dict[str, int] = {}
    messages = session.execute(
        select(Ticket.customer_id, func.max(TicketEvent.created_at))
        .join(TicketEvent, TicketEvent.ticket_id == Ticket.id)
        .where(Ticket.customer_id.in_(ids), TicketEvent.kind.in_(CONTACT_EVENTS))
        .group_by(Ticket.customer_id)
    )
    calls = session.execute(
        select(Call.customer_id, func.max(Call.started_at))
        .where(Call.customer_id.in_(ids))
        .group_by(Call.customer_id)
    )
    for customer_id, at in [*messages, *calls]:
        if at is not None and at > out.get(customer_id, -1):
            out[customer_id] = at
    return out


def customers_by_ids(session: Session, customer_ids: Collection[str]) -> dict[str, Customer]:
    """The customers of *customer_ids* that exist, by id."""
    if not customer_ids:
        return {}
    found = session.scalars(select(Customer).where(Customer.id.in_(list(customer_ids))))
    return {c.id: c for c in found}
