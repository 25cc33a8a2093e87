"""Applying a pushed batch on the server: validate, authorize, merge per field, log.

One :class:`BatchApplier` lives for one write transaction (which holds the log-append
lock, see ``core/db.py``). It preloads everything the batch touches in a few queries, decides
change by change in memory, then writes the log entries, the merged rows and the unique keys
with one executemany each.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    Table,
    and_,
    bindparam,
    func,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from workbench.domain.hlc import Stamp
from workbench.sync import schema
from workbench.sync.protocol import ChangeIn, ChangeResult
from workbench.sync.server.authz import Actor, Refused, authorize
from workbench.sync.server.core.db import bulk_insert
from workbench.sync.server.counters import take
from workbench.sync.server.models import (
    Account,
    EntityKey,
    EntityRow,
    LogEntry,
    Rejection,
)
from workbench.sync.server.rowstate import (
    ALL_FIELDS,
    RowState,
    by_entity,
    chunks,
    table_of,
    version_of,
)


def _invalid(reason: str) -> Refused:
    return Refused("invalid", reason, 422)


class BatchApplier:
    def __init__(self, session: Session, actor: Actor, now_ms: int, max_future_ms: int) -> None:
        self.s = session
        self.actor = actor
        self.now_ms = now_ms
        self.max_future_ms = max_future_ms
        self.rows: dict[tuple[str, str], RowState] = {}
        self.keys: dict[tuple[str, str], str | None] = {}  # (entity, key) -> row id (None: free)
        self.alive: dict[tuple[str, str], bool] = {}
        self._dumped: dict[int, str] = {}
        self._new_keys: dict[tuple[str, str], str | None] = {}
        self.log: list[dict[str, Any]] = []
        self.rejections: list[dict[str, Any]] = []
        self.accounts: dict[str, dict[str, Any]] = {}

    # -- loading ---------------------------------------------------------------------------
    # Core selects, not ORM objects: a batch reads thousands of rows and identity-map
    # bookkeeping would cost more than the query.
    def lookup(self, table: Table, key: str, values: list[str], cols: list[str],
               *where: ColumnElement[bool]) -> list[Any]:
        """Rows of *table* whose *key* column is one of *values* (with *where*).

        On PostgreSQL the values go as one array, and each is looked up through a LATERAL
        subquery: a primary-key probe per value whatever the planner's statistics say. (A
        bulk load outruns autovacuum's ANALYZE, and with stale statistics ``IN (...)`` or
        ``= ANY(array)`` can degrade to comparing every row with every value.) The array
        matters too: ``unnest`` of an array parameter is estimated at its real length,
        while ``json_array_elements_text`` of a JSON text (cheaper to send) is guessed at
        100 rows, which was seen to turn the plan into a nested loop over the whole table
        (a 100,000-change push went from 10 s to 32 s of server time).
        """
        if self.s.get_bind().dialect.name != "postgresql":
            q = select(*[table.c[c] for c in cols]).where(table.c[key].in_(values), *where)
            return list(self.s.execute(q))
        array = bindparam(None, values, type_=ARRAY(String()))
        wanted = func.unnest(array).table_valued("v").render_derived(name="u")
        inner = (select(*[table.c[c] for c in cols])
                 .where(table.c[key] == wanted.c.v, *where).lateral("r"))
        return list(self.s.execute(select(*inner.c).select_from(wanted).join(inner, true())))

    def load_rows(self, wanted: set[tuple[str, str]]) -> None:
        t = table_of(EntityRow)
        for entity, ids in by_entity(k for k in wanted if k not in self.rows).items():
            for row_id in ids:
                self.rows[(entity, row_id)] = RowState()
            for part in chunks(ids):
                found = self.lookup(t, "row_id", part, ["row_id", "data", "versions",
                                                        "deleted_hlc"], t.c.entity == entity)
                for row_id, data, versions, deleted in found:
                    self.rows[(entity, row_id)] = RowState(data, versions, deleted, in_db=True)

    def load_alive(self, wanted: set[tuple[str, str]]) -> None:
        """Whether referenced rows exist and live (no need for their fields)."""
        t = table_of(EntityRow)
        todo = (k for k in wanted if k not in self.rows and k not in self.alive)
        for entity, ids in by_entity(todo).items():
            for row_id in ids:
                self.alive[(entity, row_id)] = False
            for part in chunks(ids):
                found = self.lookup(t, "row_id", part, ["row_id"], t.c.entity == entity,
                                    t.c.deleted_hlc.is_(None), t.c.data.is_not(None))
                for (row_id,) in found:
                    self.alive[(entity, row_id)] = True

    def load_keys(self, wanted: set[tuple[str, str]]) -> None:
        t = table_of(EntityKey)
        for entity, keys in by_entity(k for k in wanted if k not in self.keys).items():
            for key in keys:
                self.keys[(entity, key)] = None
            for part in chunks(keys):
                for key, row_id in self.lookup(t, "key", part, ["key", "row_id"],
                                               t.c.entity == entity):
                    self.keys[(entity, key)] = row_id

    def preload(self, changes: list[ChangeIn]) -> None:
        targets = {(c.entity, c.row_id) for c in changes}
        self.load_rows(targets)
        parents: set[tuple[str, str]] = set()
        keys: set[tuple[str, str]] = set()
        for c in changes:
            info = schema.entity(c.entity)
            if info is None or c.kind == "delete":
                continue
            for col, parent in info.foreign_keys.items():
                value = c.fields.get(col)
                if isinstance(value, str):
                    parents.add((parent, value))
            if info.unique:
                data = {**(self.rows[(c.entity, c.row_id)].data or {}), **c.fields}
                for cols in info.unique:
                    key = schema.unique_key(cols, data)
                    if key is not None:
                        keys.add((c.entity, key))
        self.load_alive(parents - targets)
        self.load_keys(keys)

    # -- deciding --------------------------------------------------------------------------
    def apply(self, c: ChangeIn) -> ChangeResult:
        try:
            fields = self._apply(c)
        except Refused as r:
            self.rejections.append({
                "op_id": c.op_id, "device_id": self.actor.device_id, "code": r.code,
                "reason": r.reason, "http_status": r.http_status, "at": self.now_ms,
            })
            return ChangeResult.model_construct(op_id=c.op_id, status="rejected", code=r.code,
                                                reason=r.reason, http_status=r.http_status)
        rewritten = {k: v for k, v in fields.items() if c.fields.get(k) != v} or None
        self.log.append({
            "op_id": c.op_id, "node": c.node, "entity": c.entity, "row_id": c.row_id,
            "kind": c.kind, "fields": fields, "base": c.base, "hlc": c.hlc,
            "actor_id": self.actor.agent_id or c.actor_id, "received_at": self.now_ms,
        })
        # model_construct: every value here is already valid, and a batch has thousands
        return ChangeResult.model_construct(op_id=c.op_id, status="applied", code=None,
                                            reason=None, http_status=None, seq=None,
                                            rewritten=rewritten)

    def _validate(self, c: ChangeIn, info: schema.EntityInfo) -> None:
        if not self.actor.system and c.node != self.actor.device_id:
            raise _invalid("a device pushes only its own changes")
        try:
            stamp = Stamp.decode(c.hlc)
        except ValueError as exc:
            raise _invalid(str(exc)) from None
        if stamp.node != c.node:
            raise _invalid("the stamp's node is not the change's node")
        if stamp.wall_ms > self.now_ms + self.max_future_ms:
            ahead = (stamp.wall_ms - self.now_ms) // 1000
            raise Refused("clock", f"the change is stamped {ahead} s in the server's future; "
                          "correct the workstation clock", 400)
        unknown = set(c.fields) - set(info.columns)
        if unknown:
            raise _invalid(f"{c.entity} has no field(s) {', '.join(sorted(unknown))}")
        for name, value in c.fields.items():
            problem = schema.check_value(info.columns[name], value)
            if problem:
                raise _invalid(problem)
        if c.kind == "insert":
            if c.fields.get("id") != c.row_id:
                raise _invalid("an insert carries its row id in the id field")
            absent = info.required - set(c.fields)
            if absent:
                raise _invalid(f"an insert needs {', '.join(sorted(absent))}")
        elif c.kind == "update":
            if not c.fields or "id" in c.fields:
                raise _invalid("an update sets at least one field and never the id")
        elif c.fields:
            raise _invalid("a delete carries no fields")

    def _apply(self, c: ChangeIn) -> dict[str, Any]:
        info = schema.entity(c.entity)
        if info is None:
            raise _invalid(f"{c.entity!r} is not a synced entity")
        self._validate(c, info)
        if info.sync == "append" and c.kind != "insert" and not self.actor.system:
            raise Refused("append_only", f"{c.entity} are append-only: never changed or "
                          "deleted", 403)
        row = self.rows.setdefault((c.entity, c.row_id), RowState())
        fields = dict(c.fields)
        if c.kind == "delete":
            authorize(self.actor, info, c.kind, fields, row.data)
            if row.deleted_hlc is None:
                if row.data is None:
                    raise Refused("missing", f"no such {c.entity} row", 404)
                self._check_unused(info, c.row_id)
                self._set_keys(info, c.row_id, row.data, None)
                row.data, row.versions, row.deleted_hlc = None, {}, c.hlc
                row.dirty = True
            return fields
        if row.deleted_hlc is not None:
            raise Refused("deleted", f"this {c.entity} row was deleted", 409)
        if c.kind == "insert" and row.data is not None:
            raise Refused("exists", f"this {c.entity} row already exists", 409)
        if c.kind == "update" and row.data is None:
            raise Refused("missing", f"no such {c.entity} row", 404)
        authorize(self.actor, info, c.kind, fields, row.data)
        self._check_parents(info, fields)
        if c.kind == "insert":
            # The row is the inserted fields themselves (one object, serialised once for
            # the log and the row), every field at the insert's version ("*").
            new = fields
            self._check_unique(info, c.row_id, None, new, fields)
            row.versions = {ALL_FIELDS: c.hlc}
        else:
            assert row.data is not None
            won = {k: v for k, v in fields.items() if c.hlc > version_of(row.versions, k)}
            new = {**row.data, **won}
            self._check_unique(info, c.row_id, row.data, new, fields)
            for k in won:
                row.versions[k] = c.hlc
                new[k] = fields[k]
        self._set_keys(info, c.row_id, row.data, new)
        row.data = new
        row.dirty = True
        if info.name == "agents":
            self._sync_account(c.row_id, new)
        return fields

    def _check_parents(self, info: schema.EntityInfo, fields: dict[str, Any]) -> None:
        refs = {(p, fields[c]) for c, p in info.foreign_keys.items() if fields.get(c) is not None}
        self.load_alive(refs)
        for key in refs:
            ref = self.rows.get(key)
            if (ref.data is not None) if ref is not None else self.alive[key]:
                continue
            raise Refused("missing", f"refers to a deleted or unknown {key[0]} row", 409)

    def _check_unused(self, info: schema.EntityInfo, row_id: str) -> None:
        for child, col in schema.children_of(info.name):
            for (entity, _), state in self.rows.items():
                if entity == child and state.data and state.data.get(col) == row_id:
                    raise Refused("in_use", f"{child} still refer to this row", 409)
            q = select(EntityRow.row_id).where(
                EntityRow.entity == child, EntityRow.deleted_hlc.is_(None),
                EntityRow.data[col].as_string() == row_id).limit(1)
            hit = self.s.scalar(q)
            if hit is not None and not (self.rows.get((child, hit)) or RowState()).dirty:
                raise Refused("in_use", f"{child} still refer to this row", 409)

    def _check_unique(self, info: schema.EntityInfo, row_id: str, old: dict[str, Any] | None,
                      new: dict[str, Any], fields: dict[str, Any]) -> None:
        for cols in info.unique:
            key = schema.unique_key(cols, new)
            if key is None or (old is not None and schema.unique_key(cols, old) == key):
                continue
            self.load_keys({(info.name, key)})
            holder = self._new_keys.get((info.name, key), self.keys[(info.name, key)])
            if holder is None or holder == row_id:
                continue
            if info.name == "tickets" and cols == ("number",):
                # Numbers come from leased blocks, so a clash means a workstation numbered
                # tickets before it joined: keep the ticket, give it a fresh final number.
                fields["number"] = new["number"] = take(self.s, "ticket_number", 1)
                continue
            raise Refused("unique", f"another {info.name} row already has this "
                          f"{' and '.join(cols)}", 409)

    def _set_keys(self, info: schema.EntityInfo, row_id: str, old: dict[str, Any] | None,
                  new: dict[str, Any] | None) -> None:
        for cols in info.unique:
            before = schema.unique_key(cols, old) if old else None
            after = schema.unique_key(cols, new) if new else None
            if before == after:
                continue
            if before is not None:
                self._new_keys[(info.name, before)] = None
            if after is not None:
                self._new_keys[(info.name, after)] = row_id

    def _sync_account(self, agent_id: str, data: dict[str, Any]) -> None:
        """Roles and activity are decided in the synced agents rows; sign-in follows them."""
        self.accounts[agent_id] = {"role": data.get("role"), "disabled": not data.get("active")}

    # -- writing ---------------------------------------------------------------------------
    def flush(self) -> tuple[int, list[int]]:
        """Write everything decided; returns the new log head and the seq of each entry."""
        seqs: list[int] = []
        if self.log:
            first = take(self.s, "log_head", len(self.log))
            seqs = list(range(first, first + len(self.log)))
            for entry, seq in zip(self.log, seqs, strict=True):
                entry["seq"] = seq
            bulk_insert(self.s, table_of(LogEntry), self.log, self._dumped)
        head = seqs[-1] if seqs else take(self.s, "log_head", 0) - 1
        self._write_rows(head)
        self._write_keys()
        if self.rejections:
            bulk_insert(self.s, table_of(Rejection), self.rejections)
        for agent_id, values in self.accounts.items():
            self.s.execute(update(Account).where(Account.agent_id == agent_id).values(
                role=values["role"], disabled=values["disabled"], updated_at=self.now_ms))
        self.log, self.rejections, self.accounts, self._dumped = [], [], {}, {}
        return head, seqs

    def _write_rows(self, head: int) -> None:
        new_rows: list[dict[str, Any]] = []
        old_rows: list[dict[str, Any]] = []
        for (entity, row_id), st in self.rows.items():
            if not st.dirty:
                continue
            values = {"entity": entity, "row_id": row_id, "data": st.data,
                      "versions": st.versions, "deleted_hlc": st.deleted_hlc,
                      "updated_seq": head}
            (old_rows if st.in_db else new_rows).append(values)
            st.in_db, st.dirty = True, False
        if new_rows:
            bulk_insert(self.s, table_of(EntityRow), new_rows, self._dumped)
        if old_rows:
            from sqlalchemy import bindparam

            stmt = update(EntityRow).where(and_(
                EntityRow.entity == bindparam("b_entity"), EntityRow.row_id == bindparam("b_row")
            )).values(data=bindparam("data"), versions=bindparam("versions"),
                      deleted_hlc=bindparam("deleted_hlc"), updated_seq=bindparam("updated_seq"))
            conn = self.s.connection()
            conn.execute(stmt, [{**r, "b_entity": r["entity"], "b_row": r["row_id"]}
                                for r in old_rows])

    def _write_keys(self) -> None:
        from sqlalchemy import delete

        gone = [k for k, v in self._new_keys.items() if v is None and self.keys.get(k)]
        for entity, key in gone:
            self.s.execute(delete(EntityKey).where(EntityKey.entity == entity,
                                                   EntityKey.key == key))
        added = []
        for (entity, key), row_id in self._new_keys.items():
            if row_id is None:
                continue
            if self.keys.get((entity, key)) is not None:
                self.s.execute(update(EntityKey).where(
                    EntityKey.entity == entity, EntityKey.key == key).values(row_id=row_id))
            else:
                added.append({"entity": entity, "key": key, "row_id": row_id})
        if added:
            bulk_insert(self.s, table_of(EntityKey), added)
        self.keys.update(self._new_keys)
        self._new_keys = {}
