"""The server's own tables: accounts, tokens, devices, the change log, merged rows, leases.

Separate from the workstation schema and migrated by its own Alembic history
(``workbench/sync/server/migrations``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from workbench.store.models.base import NAMING

# JSONB on PostgreSQL: rows are read field by field (authorship, references); JSON elsewhere.
# none_as_null: a deleted row's data is SQL NULL, not the JSON text "null".
Json = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


class ServerBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Account(ServerBase):
    __tablename__ = "accounts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # The ``agents`` row this account signs in as (synced to every workstation).
    agent_id: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(Text)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[int] = mapped_column(BigInteger)


class Token(ServerBase):
    __tablename__ = "tokens"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    device_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[int] = mapped_column(BigInteger)
    revoked_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class Device(ServerBase):
    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    name: Mapped[str] = mapped_column(String(200), default="")
    # The last push batch accepted from this device: the next must be this + 1.
    last_batch_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[int] = mapped_column(BigInteger)
    last_seen_at: Mapped[int] = mapped_column(BigInteger)


class LogEntry(ServerBase):
    """The server change log; ``seq`` is assigned under the append lock (commit order)."""

    __tablename__ = "change_log"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    op_id: Mapped[str] = mapped_column(String(36), unique=True)
    node: Mapped[str] = mapped_column(String(36))
    entity: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(8))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    base: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    hlc: Mapped[str] = mapped_column(String(64))
    actor_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    received_at: Mapped[int] = mapped_column(BigInteger)


class Rejection(ServerBase):
    """A refused change, kept so a replayed batch gets the same answer."""

    __tablename__ = "rejections"
    op_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36))
    code: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    http_status: Mapped[int] = mapped_column(Integer)
    at: Mapped[int] = mapped_column(BigInteger)


class EntityRow(ServerBase):
    """The merged current state of one synced row, with each field's version (HLC)."""

    __tablename__ = "entity_rows"
    entity: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    data: Mapped[dict[str, Any] | None] = mapped_column(Json, nullable=True)
    versions: Mapped[dict[str, str]] = mapped_column(Json)
    deleted_hlc: Mapped[str | None] = mapped_column(String(64), nullable=True)
    updated_seq: Mapped[int] = mapped_column(BigInteger)


class EntityKey(ServerBase):
    """Unique business keys of live rows (ticket number, agent e-mail...)."""

    __tablename__ = "entity_keys"
    entity: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(600), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(36))


class Counter(ServerBase):
    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class NumberLease(ServerBase):
    __tablename__ = "number_leases"
    __table_args__ = (Index("ix_number_leases_device", "device_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    device_id: Mapped[str] = mapped_column(String(36))
    first: Mapped[int] = mapped_column(BigInteger)
    last: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[int] = mapped_column(BigInteger)
