"""Declarative base, naming conventions and the column helpers every model uses.

Times are integer epoch milliseconds UTC everywhere (``Ms``); ids are UUIDv7 strings.
Each syncable model declares ``__sync__``: ``"mutable"`` rows merge field by field,
``"append"`` rows are inserted once and never change.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from sqlalchemy import BigInteger, MetaData, String
from sqlalchemy.orm import DeclarativeBase, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SyncKind = Literal["mutable", "append", "local"]

Id = Annotated[str, mapped_column(String(36), primary_key=True)]
Ms = Annotated[int, mapped_column(BigInteger)]
OptMs = Annotated[int | None, mapped_column(BigInteger, nullable=True)]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    __sync__: ClassVar[SyncKind] = "local"
    # Columns each replica derives from synced data (never logged, never merged).
    __derived__: ClassVar[frozenset[str]] = frozenset()


def syncable_models() -> dict[str, type[Base]]:
    """Entity name (table name) -> model class, for every model that syncs."""
    out: dict[str, type[Base]] = {}
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if cls.__sync__ != "local":
            out[cls.__tablename__] = cls
    return out
