"""What the sync protocol knows about each syncable entity, read from the client models.

Both ends use it: the server to validate and authorize changes and to order snapshots, the
client to apply remote changes. It is derived from SQLAlchemy metadata at import time, so a
new syncable model or column needs no change here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, String, Table, UniqueConstraint

from workbench.store.models import Base, syncable_models


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    kind: str  # "str", "int", "bool" or "json"
    nullable: bool
    max_length: int | None


@dataclass(frozen=True)
class EntityInfo:
    name: str
    sync: str  # "mutable" or "append"
    table: Table
    columns: dict[str, ColumnInfo]
    derived: frozenset[str]
    # column -> entity it references (only references to other syncable entities)
    foreign_keys: dict[str, str] = field(default_factory=dict)
    # column sets that must be unique among live rows
    unique: tuple[tuple[str, ...], ...] = ()

    @property
    def required(self) -> frozenset[str]:
        return frozenset(c.name for c in self.columns.values() if not c.nullable)


def _kind(col_type: Any) -> tuple[str, int | None]:
    if isinstance(col_type, Boolean):
        return "bool", None
    if isinstance(col_type, Integer):  # BigInteger is an Integer
        return "int", None
    if isinstance(col_type, String):  # Text is a String
        return "str", col_type.length
    if isinstance(col_type, JSON):
        return "json", None
    raise TypeError(f"sync cannot carry a column of type {col_type!r}")


def _info(name: str, model: type[Base]) -> EntityInfo:
    table: Table = model.__table__  # type: ignore[assignment]
    derived = frozenset(model.__derived__)
    columns: dict[str, ColumnInfo] = {}
    fks: dict[str, str] = {}
    unique: list[tuple[str, ...]] = []
    for col in table.columns:
        if col.name in derived:
            continue
        kind, length = _kind(col.type)
        columns[col.name] = ColumnInfo(col.name, kind, bool(col.nullable), length)
        for fk in col.foreign_keys:
            fks[col.name] = fk.column.table.name
        if col.unique:
            unique.append((col.name,))
    for cons in table.constraints:
        if isinstance(cons, UniqueConstraint):
            unique.append(tuple(c.name for c in cons.columns))
    return EntityInfo(name, model.__sync__, table, columns, derived, fks, tuple(unique))


@cache
def entities() -> dict[str, EntityInfo]:
    """Every syncable entity by name, in foreign-key order (parents before children)."""
    models = syncable_models()
    ordered = [t.name for t in Base.metadata.sorted_tables if t.name in models]
    return {name: _info(name, models[name]) for name in ordered}


def entity(name: str) -> EntityInfo | None:
    return entities().get(name)


def children_of(name: str) -> list[tuple[str, str]]:
    """(child entity, column) pairs whose column references *name*."""
    return [(e.name, col) for e in entities().values() for col, p in e.foreign_keys.items()
            if p == name]


def check_value(col: ColumnInfo, value: Any) -> str | None:
    """Why *value* cannot go in *col*, or None when it can."""
    if value is None:
        return None if col.nullable else f"{col.name} cannot be empty"
    if col.kind == "bool":
        ok = isinstance(value, bool)
    elif col.kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**63
    elif col.kind == "str":
        ok = isinstance(value, str)
        if ok and col.max_length is not None and len(value) > col.max_length:
            return f"{col.name} is longer than {col.max_length} characters"
    else:
        ok = True
    return None if ok else f"{col.name} must be a {col.kind}"


def unique_key(cols: tuple[str, ...], data: dict[str, Any]) -> str | None:
    """The text key of a unique column set for a row, or None when any part is empty."""
    parts = [data.get(c) for c in cols]
    if any(p is None for p in parts):
        return None
    return ",".join(cols) + "=" + "\x1f".join(str(p) for p in parts)
