"""Local sync bookkeeping: settings, the change log (outbox), conflicts, tombstones, numbers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workbench.store.models.base import Base, Id, Ms, OptMs


class SyncState(Base):
    """Key/value facts about this replica: node id, last HLC, server cursor, etc."""

    __tablename__ = "sync_state"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Change(Base):
    """One entry of the change log. Local entries with ``pushed_at`` None are the outbox."""

    __tablename__ = "changes"
    __table_args__ = (
        Index("ix_changes_row", "entity", "row_id"),
        Index("ix_changes_outbox", "pushed_at", "seq"),
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    op_id: Mapped[str] = mapped_column(String(36), unique=True)
    node: Mapped[str] = mapped_column(String(36))
    entity: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(8))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    hlc: Mapped[str] = mapped_column(String(64))
    actor_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[Ms]
    pushed_at: Mapped[OptMs]
    # Set on entries that arrived from the server rather than made here.
    remote: Mapped[bool] = mapped_column(Boolean, default=False)


class Conflict(Base):
    __tablename__ = "conflicts"
    id: Mapped[Id]
    entity: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[str] = mapped_column(String(36), index=True)
    field: Mapped[str] = mapped_column(String(64))
    local_value: Mapped[Any] = mapped_column(JSON)
    remote_value: Mapped[Any] = mapped_column(JSON)
    local_hlc: Mapped[str] = mapped_column(String(64))
    remote_hlc: Mapped[str] = mapped_column(String(64))
    remote_actor_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[Ms]
    resolved_at: Mapped[OptMs]
    resolution: Mapped[str | None] = mapped_column(String(16), nullable=True)


class Tombstone(Base):
    __tablename__ = "tombstones"
    entity: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    hlc: Mapped[str] = mapped_column(String(64))
    deleted_at: Mapped[Ms]


class NumberBlock(Base):
    """A block of ticket numbers leased to this node: [first, last], next to hand out."""

    __tablename__ = "number_blocks"
    first: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)
    next: Mapped[int] = mapped_column(Integer)
