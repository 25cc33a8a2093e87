"""Teams, agents, customers and everything the team keeps about a customer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workbench.store.models.base import Base, Id, Ms, OptMs


class Team(Base):
    __tablename__ = "teams"
    __sync__ = "mutable"
    id: Mapped[Id]
    name: Mapped[str] = mapped_column(String(200))
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[Ms]


class Agent(Base):
    __tablename__ = "agents"
    __sync__ = "mutable"
    id: Mapped[Id]
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[Ms]


class Customer(Base):
    __tablename__ = "customers"
    __sync__ = "mutable"
    id: Mapped[Id]
    name: Mapped[str] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(320), nullable=True, index=True)
    phone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    organisation: Mapped[str | None] = mapped_column(String(300), nullable=True)
    plan: Mapped[str] = mapped_column(String(32), default="standard")
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    language: Mapped[str] = mapped_column(String(16), default="en")
    owner_id: Mapped[str | None] = mapped_column(
        ForeignKey("agents.id"), nullable=True, index=True
    )
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    active_since: Mapped[Ms]
    churned_at: Mapped[OptMs]
    created_at: Mapped[Ms]
    updated_at: Mapped[Ms]


class CustomerPreference(Base):
    __tablename__ = "customer_preferences"
    __sync__ = "mutable"
    __table_args__ = (UniqueConstraint("customer_id", "key"),)
    id: Mapped[Id]
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    key: Mapped[str] = mapped_column(String(100))
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[Ms]


class CustomerNote(Base):
    __tablename__ = "customer_notes"
    __sync__ = "mutable"  # edited only by its author (checked by the server)
    id: Mapped[Id]
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    author_id: Mapped[str] = mapped_column(ForeignKey("agents.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[Ms]
    updated_at: Mapped[Ms]


class Call(Base):
    __tablename__ = "calls"
    __sync__ = "mutable"  # edited only by its author (checked by the server)
    __table_args__ = (
        Index("ix_calls_started", "started_at"),
        # A ticket's calls in time order: its first call is one probe (first-contact
        # resolution, metrics_queries.first_contact_and_repeats).
        Index("ix_calls_ticket_first", "ticket_id", "started_at", "id"),
    )
    id: Mapped[Id]
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id"), index=True)
    ticket_id: Mapped[str | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    direction: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[Ms]
    duration_s: Mapped[int] = mapped_column(Integer)
    hold_s: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str] = mapped_column(String(32))
    resolved_on_call: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[Ms]


class Handoff(Base):
    __tablename__ = "handoffs"
    __sync__ = "mutable"  # created once; only acknowledged_at changes afterwards
    id: Mapped[Id]
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    from_agent_id: Mapped[str | None] = mapped_column(ForeignKey("agents.id"), nullable=True)
    to_agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id"), index=True)
    created_by_id: Mapped[str] = mapped_column(ForeignKey("agents.id"))
    summary: Mapped[str] = mapped_column(Text)
    include_tickets: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[Ms]
    acknowledged_at: Mapped[OptMs]


class AgentPulse(Base):
    __tablename__ = "agent_pulses"
    __sync__ = "append"
    id: Mapped[Id]
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[Ms]
