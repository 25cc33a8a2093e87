"""SLA calendars and policies, stored as validated JSON documents (see domain.sla)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from workbench.store.models.base import Base, Id, Ms


class SlaCalendar(Base):
    __tablename__ = "sla_calendars"
    __sync__ = "mutable"
    id: Mapped[Id]
    name: Mapped[str] = mapped_column(String(200))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[Ms]


class SlaPolicy(Base):
    __tablename__ = "sla_policies"
    __sync__ = "mutable"
    id: Mapped[Id]
    name: Mapped[str] = mapped_column(String(200))
    calendar_id: Mapped[str] = mapped_column(ForeignKey("sla_calendars.id"))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[Ms]
