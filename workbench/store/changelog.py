"""The mechanics of the one write path: write a syncable row and its change entry together.

Services never call ``session.add`` or ``session.delete`` on a syncable model directly; they
go through :class:`Writer`, which stamps each change with the node's hybrid logical clock
and appends it to the ``changes`` log inside the caller's transaction.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import JSON, Connection, Table, bindparam, select
from sqlalchemy.orm import Session

from workbench.domain.enums import ChangeKind
from workbench.domain.hlc import HybridLogicalClock
from workbench.domain.ids import uuid7, uuid7_many
from workbench.store.models import Base, Change, SyncState, Tombstone

M = TypeVar("M", bound=Base)

HLC_KEY = "hlc_last"
# Change.kind of an entry that stands for a batch of locally seeded rows (see
# Writer.seed_insert): the rows are real and local, and never pushed. Not to be confused
# with the sync's snapshot bootstrap of a new workstation; fits Change.kind's 8 characters.
SEED = "seed"


class ChangeSet:
    """What a unit of work touched: entity name -> ids, so views refresh only that."""

    def __init__(self) -> None:
        self.rows: dict[str, set[str]] = defaultdict(set)

    def add(self, entity: str, row_id: str) -> None:
        self.rows[entity].add(row_id)

    def merge(self, other: ChangeSet) -> None:
        for entity, ids in other.rows.items():
            self.rows[entity] |= ids

    def touches(self, entity: str) -> bool:
        return bool(self.rows.get(entity))

    def __bool__(self) -> bool:
        return any(self.rows.values())

    def __repr__(self) -> str:
        return f"ChangeSet({ {k: len(v) for k, v in self.rows.items()} })"


def column_values(obj: Base) -> dict[str, Any]:
    """Every column of *obj*, with the model's client-side defaults applied to unset ones."""
    mapper = obj.__mapper__
    values: dict[str, Any] = {}
    for prop in mapper.column_attrs:
        key = prop.key
        value = obj.__dict__.get(key)
        if value is None:
            column = prop.columns[0]
            default = column.default
            if default is not None and getattr(default, "is_scalar", False):
                value = default.arg
                setattr(obj, key, value)
            elif default is not None and getattr(default, "is_callable", False):
                value = default.arg(None)
                setattr(obj, key, value)
        values[key] = value
    return values


def _positional_insert(conn: Connection, table: Table, columns: Sequence[str]) -> str | None:
    """INSERT text taking *columns* as positional driver parameters (SQLite's ``?``), or
    None when the driver names its parameters (then the Core insert is used instead)."""
    compiled = table.insert().values({c: bindparam(c) for c in columns}).compile(
        dialect=conn.dialect)
    if not compiled.positional or list(compiled.positiontup or ()) != list(columns):
        return None
    return compiled.string


@dataclass(frozen=True)
class PreparedRows:
    """Rows as the driver takes them: one tuple per row in *columns* order, JSON columns
    already serialised. Made by :func:`prepare_rows`, possibly in another process (the
    demo's generator), so the writing process only hands them to ``executemany``."""

    table: str
    columns: tuple[str, ...]
    params: list[tuple[Any, ...]]

    def ids(self) -> list[str]:
        at = self.columns.index("id")
        return [p[at] for p in self.params]


def prepare_rows(table: Table, rows: Sequence[Mapping[str, Any]],
                 dumps: Callable[[Any], str]) -> PreparedRows:
    """*rows* (dicts with the same keys) as driver tuples, JSON columns serialised as
    SQLAlchemy would store them (None as JSON ``null``, like ``none_as_null=False``)."""
    columns = tuple(c.key for c in table.columns if c.key in rows[0])
    json_at = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, JSON)]
    values = itemgetter(*columns)
    if len(columns) == 1:
        params: list[tuple[Any, ...]] = [(values(r),) for r in rows]
    elif json_at:
        params = []
        for r in rows:
            row = list(values(r))
            for i in json_at:
                row[i] = dumps(row[i])
            params.append(tuple(row))
    else:
        params = [values(r) for r in rows]
    return PreparedRows(table.name, columns, params)


def _insert_prepared(conn: Connection, table: Table, rows: PreparedRows) -> None:
    sql = _positional_insert(conn, table, rows.columns)
    if sql is None:  # a driver with named parameters
        conn.execute(table.insert(), [dict(zip(rows.columns, p, strict=True))
                                      for p in rows.params])
        return
    conn.exec_driver_sql(sql, rows.params)


def _insert_many(
    conn: Connection, table: Table, rows: list[dict[str, Any]], dumps: Callable[[Any], str]
) -> None:
    """executemany of dict rows (see :func:`prepare_rows`)."""
    columns = [c.key for c in table.columns if c.key in rows[0]]
    if _positional_insert(conn, table, columns) is None:
        conn.execute(table.insert(), rows)
        return
    _insert_prepared(conn, table, prepare_rows(table, rows, dumps))


def _sync_kind(model: type[Base]) -> str:
    kind = model.__sync__
    if kind == "local":
        raise TypeError(f"{model.__name__} is not syncable; write it directly")
    return kind


class Writer:
    """The one write path for syncable rows, bound to one session (one transaction)."""

    def __init__(
        self,
        session: Session,
        hlc: HybridLogicalClock,
        now_ms: int,
        actor_id: str | None,
    ) -> None:
        self.session = session
        self.hlc = hlc
        self.now_ms = now_ms
        self.actor_id = actor_id
        self.changes = ChangeSet()
        self._dirty_hlc = False

    def _record(self, entity: str, row_id: str, kind: ChangeKind, fields: dict[str, Any]) -> None:
        self.session.add(
            Change(
                op_id=uuid7(self.now_ms),
                node=self.hlc.node,
                entity=entity,
                row_id=row_id,
                kind=kind.value,
                fields=fields,
                hlc=self.hlc.now(),
                actor_id=self.actor_id,
                created_at=self.now_ms,
                pushed_at=None,
                remote=False,
            )
        )
        self.changes.add(entity, row_id)
        self._dirty_hlc = True

    def insert(self, obj: M) -> M:
        """Add a new syncable row (an id is made when it has none) and log every field."""
        _sync_kind(type(obj))
        if not obj.__dict__.get("id"):
            obj.id = uuid7(self.now_ms)  # type: ignore[attr-defined]
        fields = column_values(obj)
        for key in obj.__derived__:
            fields.pop(key, None)
        # The models declare no relationships, so the unit of work cannot order a parent
        # before its child by itself: write what is pending first.
        self.session.flush()
        self.session.add(obj)
        self._record(obj.__tablename__, fields["id"], ChangeKind.INSERT, fields)
        return obj

    def update(self, obj: Base, **fields: Any) -> dict[str, Any]:
        """Set fields on a mutable row; logs and returns only those whose value changed.

        Derived columns (``__derived__``) are set but neither logged nor returned.
        """
        if _sync_kind(type(obj)) != "mutable":
            raise TypeError(f"{type(obj).__name__} rows are append-only")
        known = {p.key for p in obj.__mapper__.column_attrs}
        unknown = set(fields) - known
        if unknown or "id" in fields:
            raise ValueError(f"cannot set {sorted(unknown | ({'id'} & set(fields)))}")
        changed = {k: v for k, v in fields.items() if getattr(obj, k) != v}
        derived = {k: changed.pop(k) for k in list(changed) if k in obj.__derived__}
        for key, value in derived.items():
            setattr(obj, key, value)
        if changed:
            for key, value in changed.items():
                setattr(obj, key, value)
            self._record(obj.__tablename__, obj.id, ChangeKind.UPDATE, changed)  # type: ignore[attr-defined]
        return changed

    def delete(self, obj: Base) -> None:
        """Delete a row and leave a tombstone so a stale edit never revives it."""
        _sync_kind(type(obj))
        row_id: str = obj.id  # type: ignore[attr-defined]
        entity = obj.__tablename__
        self._record(entity, row_id, ChangeKind.DELETE, {})
        self.session.delete(obj)
        self.session.merge(
            Tombstone(entity=entity, row_id=row_id, hlc=self.hlc.last(), deleted_at=self.now_ms)
        )

    def bulk_insert(self, model: type[Base], rows: Iterable[Mapping[str, Any]]) -> int:
        """Insert many complete rows with one executemany, logging each (imports, demo).

        Every row must carry the same keys (all columns, defaults included). The rows and
        their log entries go to the driver's ``executemany`` as prepared tuples: the ORM's
        bulk path leaves None values out and starts a new statement whenever the set of
        columns changes between rows (one execute per row when NULLs alternate), and
        SQLAlchemy's per-row parameter processing costs as much as SQLite's own insert.
        """
        _sync_kind(model)
        entity = model.__tablename__
        batch = [r if type(r) is dict else dict(r) for r in rows]
        if not batch:
            return 0
        self.session.flush()
        conn = self.session.connection()
        dumps = conn.dialect._json_serializer or json.dumps
        _insert_many(conn, Base.metadata.tables[entity], batch, dumps)
        derived = model.__derived__
        node, actor, now = self.hlc.node, self.actor_id, self.now_ms
        kind = ChangeKind.INSERT.value
        log = [
            {"op_id": op_id, "node": node, "entity": entity, "row_id": r["id"], "kind": kind,
             "fields": {k: v for k, v in r.items() if k not in derived} if derived else r,
             "hlc": stamp, "actor_id": actor, "created_at": now, "pushed_at": None,
             "remote": False}
            for r, op_id, stamp in zip(
                batch, uuid7_many(now, len(batch)), self.hlc.now_many(len(batch)), strict=True
            )
        ]
        _insert_many(conn, Base.metadata.tables[Change.__tablename__], log, dumps)
        self.changes.rows[entity].update(r["id"] for r in batch)
        self._dirty_hlc = True
        return len(batch)

    def seed_insert(self, model: type[Base],
                    rows: Iterable[Mapping[str, Any]] | PreparedRows) -> int:
        """Insert many complete rows of a local-only seed (the demo) under ONE log entry.

        The entry (kind ``seed``) names the table and the rowid range the batch took,
        so every row stays accounted for in the log, in the same transaction; it is born
        pushed (``pushed_at`` set), so the outbox never sends these rows: a demo team is
        fictional and must not reach a team server. Use :meth:`bulk_insert` for anything
        a colleague should receive (imports, real data).
        """
        _sync_kind(model)
        entity = model.__tablename__
        table = Base.metadata.tables[entity]
        self.session.flush()
        conn = self.session.connection()
        if isinstance(rows, PreparedRows):
            if rows.table != entity:
                raise ValueError(f"rows prepared for {rows.table}, not {entity}")
            prepared = rows
        else:
            batch = [r if type(r) is dict else dict(r) for r in rows]
            if not batch:
                return 0
            prepared = prepare_rows(table, batch, conn.dialect._json_serializer or json.dumps)
        if set(prepared.columns) != set(table.c.keys()):
            raise ValueError(f"{entity}: a seed row carries every column")
        ids = prepared.ids()
        if not ids:
            return 0
        before = conn.exec_driver_sql(f"SELECT max(rowid) FROM {entity}").scalar() or 0
        _insert_prepared(conn, table, prepared)
        after = conn.exec_driver_sql(f"SELECT max(rowid) FROM {entity}").scalar() or 0
        if after - before != len(ids):  # the range would not name exactly these rows
            raise RuntimeError(f"{entity}: rowids {before + 1}..{after} for {len(ids)} rows")
        self._record_batch(entity, ids[0], {
            "rowids": [before + 1, after], "rows": len(ids), "last_id": ids[-1]})
        self.changes.rows[entity].update(ids)
        return len(ids)

    def _record_batch(self, entity: str, row_id: str, fields: dict[str, Any]) -> None:
        self.session.add(
            Change(op_id=uuid7(self.now_ms), node=self.hlc.node, entity=entity, row_id=row_id,
                   kind=SEED, fields=fields, hlc=self.hlc.now(), actor_id=self.actor_id,
                   created_at=self.now_ms, pushed_at=self.now_ms, remote=False)
        )
        self._dirty_hlc = True

    def finish(self) -> ChangeSet:
        """Persist the clock's position with the transaction; call just before commit."""
        if self._dirty_hlc:
            self.session.merge(SyncState(key=HLC_KEY, value=self.hlc.last()))
        self.session.flush()
        return self.changes


def load_state(session: Session, key: str) -> str | None:
    return session.scalar(select(SyncState.value).where(SyncState.key == key))


def save_state(session: Session, key: str, value: str) -> None:
    session.merge(SyncState(key=key, value=value))
