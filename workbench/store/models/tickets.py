"""Tickets, their event thread and the survey answers customers give about them."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workbench.store.models.base import Base, Id, Ms, OptMs


class Ticket(Base):
    __tablename__ = "tickets"
    __sync__ = "mutable"
    __derived__ = frozenset({"next_due_at", "next_due_target", "queue_rank"})
    __table_args__ = (
        # The queue: open tickets by the next SLA deadline, overall and per assignee.
        Index("ix_tickets_queue", "queue_rank", "id"),
        Index("ix_tickets_assignee_queue", "assignee_id", "queue_rank", "id"),
        Index("ix_tickets_status_updated", "status", "updated_at"),
        Index("ix_tickets_created", "created_at"),
        Index("ix_tickets_customer", "customer_id", "created_at"),
    )
    id: Mapped[Id]
    # Final human number from the node's leased block; None while provisional.
    number: Mapped[int | None] = mapped_column(Integer, unique=True, nullable=True)
    subject: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16))
    priority: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    assignee_id: Mapped[str | None] = mapped_column(ForeignKey("agents.id"), nullable=True)
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"), nullable=True)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[Ms]
    updated_at: Mapped[Ms]
    first_response_at: Mapped[OptMs]
    solved_at: Mapped[OptMs]
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    # Denormalised by the write path from the SLA clock: what the queue sorts by.
    next_due_at: Mapped[OptMs]
    next_due_target: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # Queue order as one indexed key: the deadline while a clock runs, after every deadline
    # (by creation) while paused, None once solved or closed. See queue_rank().
    queue_rank: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


PAUSED_RANK_BASE = 1 << 52  # later than any real epoch-ms deadline


def queue_rank(status_is_open: bool, next_due_at: int | None, created_at: int) -> int | None:
    """The single sort key that lets one index serve the queue's "next deadline first"."""
    if not status_is_open:
        return None
    if next_due_at is not None:
        return next_due_at
    return PAUSED_RANK_BASE + created_at


class TicketEvent(Base):
    __tablename__ = "ticket_events"
    __sync__ = "append"
    __table_args__ = (Index("ix_ticket_events_ticket_at", "ticket_id", "created_at"),)
    id: Mapped[Id]
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"))
    kind: Mapped[str] = mapped_column(String(24))
    # Who: an agent, or None for a customer message (the ticket's customer wrote it).
    author_id: Mapped[str | None] = mapped_column(ForeignKey("agents.id"), nullable=True)
    body: Mapped[str] = mapped_column(Text, default="")
    old_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    new_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[Ms]


class SurveyAnswer(Base):
    __tablename__ = "survey_answers"
    # The answer never changes; only a customer merge re-points customer_id (services/merge.py).
    __sync__ = "mutable"
    __table_args__ = (Index("ix_survey_answers_kind_at", "kind", "answered_at"),)
    id: Mapped[Id]
    kind: Mapped[str] = mapped_column(String(8))
    score: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    ticket_id: Mapped[str | None] = mapped_column(
        ForeignKey("tickets.id"), nullable=True, index=True
    )
    comment: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[Ms]
