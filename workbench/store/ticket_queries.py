"""SQL for reading tickets: lists in queue order, one ticket, its event thread."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from workbench.domain.filters import TicketFilter
from workbench.domain.ids import is_uuid
from workbench.store.models import Agent, Customer, Ticket, TicketEvent

OPEN_STATUSES = {"new", "open", "pending", "on-hold"}
_ORDER = {
    "due": Ticket.queue_rank,
    "created": Ticket.created_at,
    "updated": Ticket.updated_at,
    "number": Ticket.number,
}


def _row_select() -> Select[*tuple[Any, ...]]:
    assignee = aliased(Agent)
    query: Select[*tuple[Any, ...]] = (
        select(
            Ticket.id,
            Ticket.number,
            Ticket.subject,
            Ticket.status,
            Ticket.priority,
            Ticket.channel,
            Ticket.customer_id,
            Customer.name.label("customer_name"),
            Customer.plan.label("customer_plan"),
            Ticket.assignee_id,
            assignee.name.label("assignee_name"),
            Ticket.tags,
            Ticket.created_at,
            Ticket.updated_at,
            Ticket.next_due_at,
            Ticket.next_due_target,
        )
        .join(Customer, Customer.id == Ticket.customer_id)
        .outerjoin(assignee, assignee.id == Ticket.assignee_id)
    )
    return query


def ticket_rows(
    session: Session, f: TicketFilter, limit: int = 50, offset: int = 0
) -> list[dict[str, Any]]:
    """Tickets matching *f*, in its order; tickets with no deadline sort last by due."""
    q = _row_select()
    if f.statuses:
        q = q.where(Ticket.status.in_(f.statuses))
    if f.priorities:
        q = q.where(Ticket.priority.in_(f.priorities))
    if f.assignee_id:
        q = q.where(Ticket.assignee_id == f.assignee_id)
    if f.unassigned:
        q = q.where(Ticket.assignee_id.is_(None))
    if f.customer_id:
        q = q.where(Ticket.customer_id == f.customer_id)
    if f.due_before_ms is not None:
        q = q.where(Ticket.next_due_at <= f.due_before_ms)
    if f.tag:
        each = func.json_each(Ticket.tags).table_valued("value")
        q = q.where(select(each.c.value).where(each.c.value == f.tag).exists())
    if f.text.strip():
        text = f.text.strip()
        conds: list[ColumnElement[bool]] = [Ticket.subject.ilike(f"%{text}%")]
        if text.lstrip("#").isdigit():
            conds.append(Ticket.number == int(text.lstrip("#")))
        q = q.where(or_(*conds))
    if f.order == "due" and f.statuses and set(f.statuses) <= OPEN_STATUSES:
        # Every open ticket has a queue rank, so one index walk gives deadline order.
        q = q.where(Ticket.queue_rank.is_not(None))
        q = q.order_by(Ticket.queue_rank.desc() if f.descending else Ticket.queue_rank, Ticket.id)
    else:
        col = _ORDER.get(f.order, Ticket.queue_rank)
        ordered = col.desc() if f.descending else col.asc()
        if f.order in ("created", "updated"):  # never NULL: let SQLite walk the index
            q = q.order_by(ordered, Ticket.id)
        else:
            q = q.order_by(col.is_(None), ordered, Ticket.id)
    q = q.limit(limit).offset(offset)
    return [dict(r._mapping) for r in session.execute(q)]


def count_tickets(session: Session, f: TicketFilter) -> int:
    q = select(func.count()).select_from(Ticket)
    conds: list[ColumnElement[bool]] = []
    if f.statuses:
        conds.append(Ticket.status.in_(f.statuses))
    if f.assignee_id:
        conds.append(Ticket.assignee_id == f.assignee_id)
    if f.unassigned:
        conds.append(Ticket.assignee_id.is_(None))
    if conds:
        q = q.where(and_(*conds))
    return session.scalar(q) or 0


def find_ticket(session: Session, ref: str) -> Ticket | None:
    """A ticket by id, number (``123`` or ``#123``) or provisional key (``P-xxxxxxxx``)."""
    ref = ref.strip()
    if is_uuid(ref):
        return session.get(Ticket, ref)
    if ref.lstrip("#").isdigit():
        return session.scalar(select(Ticket).where(Ticket.number == int(ref.lstrip("#"))))
    if ref.upper().startswith("P-") and len(ref) == 10:
        return session.scalar(
            select(Ticket).where(Ticket.number.is_(None), Ticket.id.endswith(ref[2:].lower()))
        )
    return None


def ticket_row(session: Session, ticket_id: str) -> dict[str, Any] | None:
    r = session.execute(_row_select().where(Ticket.id == ticket_id)).first()
    return dict(r._mapping) if r else None


def events_of(session: Session, ticket_id: str) -> list[dict[str, Any]]:
    q = (
        select(TicketEvent, Agent.name.label("author_name"))
        .outerjoin(Agent, Agent.id == TicketEvent.author_id)
        .where(TicketEvent.ticket_id == ticket_id)
        .order_by(TicketEvent.created_at, TicketEvent.id)
    )
    out = []
    for ev, author_name in session.execute(q):
        out.append(
            {
                "id": ev.id,
                "kind": ev.kind,
                "author_id": ev.author_id,
                "author_name": author_name,
                "body": ev.body,
                "old_value": ev.old_value,
                "new_value": ev.new_value,
                "created_at": ev.created_at,
            }
        )
    return out
