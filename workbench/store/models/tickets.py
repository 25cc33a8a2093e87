"""Tickets, their event thread and the survey answers customers give about them."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from workbench.store.models.base import Base, Id, Ms, OptMs


class Ticket(Base):
    __tablename__ = "tickets"
    __sync__ = "mutable"
    # Each replica computes these from synced data (services.sla.ticket_facts): never synced.
    __derived__ = frozenset({
        "next_due_at", "next_due_target", "queue_rank", "agent_replies", "repeat_contact",
        "sla_first_response", "sla_next_update", "sla_resolution", "first_response_s",
        "resolution_s",
    })
    __table_args__ = (
        # The queue: open tickets by the next SLA deadline, overall and per assignee.
        Index("ix_tickets_queue", "queue_rank", "id"),
        Index("ix_tickets_assignee_queue", "assignee_id", "queue_rank", "id"),
        Index("ix_tickets_status_updated", "status", "updated_at"),
        Index("ix_tickets_created", "created_at"),
        Index("ix_tickets_customer", "customer_id", "created_at"),
        # Metrics (metrics_queries): index-only counts over a period instead of reading and
        # sorting every ticket of it. The solved cohort with its facts; the few reopened
        # tickets (backlog walk, reopens); per assignee; the stored SLA verdicts; and the
        # tickets without them (open, or not backfilled), which the clock judges.
        Index("ix_tickets_solved", "solved_at", "reopen_count", "agent_replies",
              "repeat_contact", "resolution_s"),
        Index("ix_tickets_reopened", "solved_at", sqlite_where=text("reopen_count > 0")),
        Index("ix_tickets_assignee_created", "assignee_id", "created_at"),
        Index("ix_tickets_assignee_solved", "assignee_id", "solved_at"),
        Index("ix_tickets_verdicts", "priority", "sla_first_response", "sla_next_update",
              "sla_resolution", "created_at", sqlite_where=text("sla_resolution IS NOT NULL")),
        Index("ix_tickets_unjudged", "created_at", sqlite_where=text("sla_resolution IS NULL")),
        # Duration histograms read in value order (GROUP BY without a sort).
        Index("ix_tickets_first_response_s", "first_response_s", "created_at",
              sqlite_where=text("first_response_s IS NOT NULL")),
        Index("ix_tickets_resolution_s", "resolution_s", "solved_at",
              sqlite_where=text("resolution_s IS NOT NULL")),
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
    # Per-ticket facts for the metrics (docs/metrics.md, "Speed"), kept by the write path.
    # Public replies written by an agent (first-contact resolution: exactly one).
    agent_replies: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Reopened, or the same customer opened another ticket within 7 days after the solve.
    repeat_contact: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # kpi.Outcome per SLA target once the ticket is solved/closed; None while it is open
    # (the metrics run the clock for those) or before the facts were backfilled.
    sla_first_response: Mapped[str | None] = mapped_column(String(16), nullable=True)
    sla_next_update: Mapped[str | None] = mapped_column(String(16), nullable=True)
    sla_resolution: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # Whole seconds from creation to the first reply / the last solve (negative as 0).
    first_response_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    resolution_s: Mapped[int | None] = mapped_column(Integer, nullable=True)


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
    __table_args__ = (
        Index("ix_ticket_events_ticket_at", "ticket_id", "created_at"),
        # Metrics: the status moves of the reopened tickets (backlog walk), index-only.
        Index("ix_ticket_events_status_moves", "ticket_id", "kind", "created_at", "old_value",
              "new_value", sqlite_where=text("kind = 'status_change'")),
    )
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
