"""The workstation side of the log: field versions derived from ``changes``, batched writes.

Each field's version is the highest HLC among the log entries (local and remote) of its
row that set it; the (entity, row_id) index makes that one indexed read per page.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    String,
    Table,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    select,
    update,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from workbench.store.models import Change, Tombstone
from workbench.sync import schema

Key = tuple[str, str]  # (entity, row id)
CHUNK = 500


@dataclass
class FieldVersion:
    hlc: str
    local: bool  # made on this workstation (not applied from the server)
    value: Any
    seq: int


LOOKUP_CHUNK = 5_000  # values per one_of() lookup


def chunks(items: list[Any], size: int = CHUNK) -> list[list[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def one_of(column: ColumnElement[Any] | InstrumentedAttribute[Any],
           values: Sequence[Any]) -> ColumnElement[bool]:
    """``column IN values`` for the workstation's SQLite, the values sent as one JSON
    parameter that ``json_each`` reads: SQLAlchemy builds and renders no bind parameter per
    value (a 100,000-change pull looked up half a million of them), and SQLite still probes
    the column's index once per value."""
    values_json = bindparam(None, json.dumps(list(values)), type_=String())
    return column.in_(select(literal_column("value")).select_from(func.json_each(values_json)))


def by_entity(keys: set[Key]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for entity, row_id in keys:
        out[entity].append(row_id)
    return out


def load_versions(s: Session, keys: set[Key]) -> dict[Key, dict[str, FieldVersion]]:
    """Field -> version for each row in *keys* (rows with no log entry are absent)."""
    out: dict[Key, dict[str, FieldVersion]] = {}
    for entity, ids in by_entity(keys).items():
        for part in chunks(ids, LOOKUP_CHUNK):
            q = (select(Change.row_id, Change.fields, Change.hlc, Change.remote, Change.seq)
                 .where(Change.entity == entity, one_of(Change.row_id, part)))
            for row_id, fields, hlc, remote, seq in s.execute(q):
                vers = out.setdefault((entity, row_id), {})
                for name, value in (fields or {}).items():
                    cur = vers.get(name)
                    if cur is None or hlc > cur.hlc:
                        vers[name] = FieldVersion(hlc, not remote, value, seq)
    return out


def load_tombstones(s: Session, keys: set[Key]) -> dict[Key, str]:
    out: dict[Key, str] = {}
    for entity, ids in by_entity(keys).items():
        for part in chunks(ids, LOOKUP_CHUNK):
            q = select(Tombstone.row_id, Tombstone.hlc).where(
                Tombstone.entity == entity, one_of(Tombstone.row_id, part))
            out.update({(entity, r): h for r, h in s.execute(q)})
    return out


def existing_rows(s: Session, keys: set[Key]) -> set[Key]:
    out: set[Key] = set()
    for entity, ids in by_entity(keys).items():
        info = schema.entity(entity)
        if info is None:
            continue
        t = info.table
        for part in chunks(ids, LOOKUP_CHUNK):
            out.update((entity, r) for r in s.scalars(select(t.c.id).where(one_of(t.c.id,
                                                                                   part))))
    return out


def known_ops(s: Session, op_ids: list[str]) -> set[str]:
    out: set[str] = set()
    for part in chunks(op_ids, LOOKUP_CHUNK):
        out.update(s.scalars(select(Change.op_id).where(one_of(Change.op_id, part))))
    return out


def insert_many(s: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows with the driver's executemany, past SQLAlchemy's per-row parameter
    processing (a third of a big pull's time). JSON columns are encoded as SQLAlchemy's
    JSON type does (``None`` becomes JSON ``null``)."""
    if not rows:
        return
    s.flush()  # pending ORM objects first, as SQLAlchemy's own execute would do
    conn = s.connection()
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), rows)
        return
    cols = list(rows[0])
    json_at = [i for i, c in enumerate(cols) if isinstance(table.c[c].type, JSON)]
    sql = (f'INSERT INTO "{table.name}" ({", ".join(cols)}) '
           f'VALUES ({", ".join("?" * len(cols))})')
    # The values of each row in column order by one C call; only JSON columns are touched.
    values = itemgetter(*cols) if len(cols) > 1 else (lambda r: (r[cols[0]],))
    params: list[Any] = [values(r) for r in rows]
    if json_at:
        dumps = json.dumps
        for k, row in enumerate(params):
            listed = list(row)
            for i in json_at:
                listed[i] = dumps(listed[i])
            params[k] = listed
    raw = conn.connection.driver_connection
    assert raw is not None
    cur = raw.cursor()
    try:
        cur.executemany(sql, params)
    finally:
        cur.close()


class OrderedWrites:
    """Row writes kept in order, consecutive alike ones sent as one executemany."""

    def __init__(self, s: Session) -> None:
        self.s = s
        self._key: tuple[Any, ...] | None = None
        self._rows: list[dict[str, Any]] = []

    def _add(self, key: tuple[Any, ...], row: dict[str, Any]) -> None:
        if key != self._key:
            self.flush()
            self._key = key
        self._rows.append(row)

    def insert(self, entity: str, values: dict[str, Any]) -> None:
        self._add((entity, "insert", tuple(sorted(values))), values)

    def update(self, entity: str, row_id: str, values: dict[str, Any]) -> None:
        # Bind names differ from column names: SQLAlchemy reserves those for SET itself.
        row = {f"v_{k}": v for k, v in values.items()}
        self._add((entity, "update", tuple(sorted(values))), {**row, "_id": row_id})

    def delete(self, entity: str, row_id: str) -> None:
        self._add((entity, "delete"), {"_id": row_id})

    def flush(self) -> None:
        if not self._rows or self._key is None:
            return
        info = schema.entity(self._key[0])
        assert info is not None
        t = info.table
        if self._key[1] == "insert":
            insert_many(self.s, t, self._rows)
        elif self._key[1] == "update":
            cols = self._key[2]
            stmt = update(t).where(t.c.id == bindparam("_id")).values(
                {c: bindparam(f"v_{c}", type_=t.c[c].type) for c in cols})
            self.s.connection().execute(stmt, self._rows)
        else:
            self.s.connection().execute(delete(t).where(t.c.id == bindparam("_id")), self._rows)
        self._key, self._rows = None, []
