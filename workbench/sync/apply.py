"""Applying remote changes (pull pages and snapshot rows) to the workstation database.

Per field, the higher HLC wins (the stamp's text order already breaks ties by node). A
remote value that beats a value made here, by an author who had not seen it (the change's
``base`` for that field is not our version), is a concurrent edit: the local value becomes a
:class:`Conflict` row the agent sees. Deleted rows stay deleted. Every applied change is
recorded in ``changes`` with ``remote=True`` so field versions stay derivable from the log.
"""

from __future__ import annotations

import logging
import uuid
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, select

from workbench.domain.hlc import ClockDriftError
from workbench.domain.ids import uuid7
from workbench.store import search_index
from workbench.store.changelog import Writer
from workbench.store.models import Change, Conflict, Tombstone
from workbench.sync import schema
from workbench.sync.locallog import (
    LOOKUP_CHUNK,
    FieldVersion,
    OrderedWrites,
    chunks,
    existing_rows,
    insert_many,
    known_ops,
    load_tombstones,
    load_versions,
    one_of,
)
from workbench.sync.protocol import ChangeOut, SnapshotRow
from workbench.sync.restore import purge_row

if TYPE_CHECKING:
    from workbench.services.context import Workbench

log = logging.getLogger(__name__)
# Bookkeeping fields every edit touches: losing one is not news to anybody.
QUIET = frozenset({"updated_at"})
CHANGES: Table = Change.__table__  # type: ignore[assignment]
SNAPSHOT_NS = uuid.UUID("6f0d7a52-1c43-4c1e-9a7b-2f1b0c7d9e10")
# Pages with at least this many rows new here index their text in one statement at the end
# instead of through the per-row full-text triggers (see search_index.bulk_load).
BULK_INDEX_FROM = 200


@dataclass
class Incoming:
    op_id: str
    entity: str
    row_id: str
    kind: str
    fields: dict[str, Any]
    hlc: str
    actor_id: str | None = None
    base: dict[str, str | None] | None = None
    versions: dict[str, str] | None = None  # snapshot rows: each field's own version

    def version(self, name: str) -> str:
        return self.versions.get(name, self.hlc) if self.versions else self.hlc


@dataclass
class ApplyReport:
    applied: int = 0
    conflicts: int = 0
    tickets: set[str] = field(default_factory=set)


def from_change(c: ChangeOut) -> Incoming:
    return Incoming(c.op_id, c.entity, c.row_id, c.kind, c.fields, c.hlc, c.actor_id, c.base)


def from_snapshot(r: SnapshotRow) -> Incoming:
    if r.data is None:
        hlc = r.deleted_hlc or "0000000000000-0000-server"
        op = str(uuid.uuid5(SNAPSHOT_NS, f"{r.entity}/{r.row_id}/deleted"))
        return Incoming(op, r.entity, r.row_id, "delete", {}, hlc)
    top = max(r.versions.values(), default="0000000000000-0000-server")
    op = str(uuid.uuid5(SNAPSHOT_NS, f"{r.entity}/{r.row_id}/{top}"))
    return Incoming(op, r.entity, r.row_id, "insert", dict(r.data), top, versions=r.versions)


def _log_rows(c: Incoming, node: str, now_ms: int) -> list[dict[str, Any]]:
    """The remote entries to record; a snapshot row gives one per distinct field version."""
    base = {"entity": c.entity, "row_id": c.row_id, "actor_id": c.actor_id,
            "created_at": now_ms, "pushed_at": now_ms, "remote": True}
    if not c.versions:
        node_of = c.hlc.split("-", 2)[2] if c.hlc.count("-") >= 2 else node
        return [{**base, "op_id": c.op_id, "node": node_of[:36], "kind": c.kind,
                 "fields": c.fields, "hlc": c.hlc}]
    groups: dict[str, dict[str, Any]] = {}
    for name, value in c.fields.items():
        groups.setdefault(c.version(name), {})[name] = value
    return [{**base, "op_id": str(uuid.uuid5(SNAPSHOT_NS, f"{c.entity}/{c.row_id}/{hlc}")),
             "node": hlc.split("-", 2)[2][:36], "kind": c.kind, "fields": fields, "hlc": hlc}
            for hlc, fields in sorted(groups.items())]


class Applier:
    """Applies one page inside the caller's write transaction (the Writer's session)."""

    def __init__(self, wb: Workbench, w: Writer) -> None:
        self.wb, self.w, self.s = wb, w, w.session
        self.report = ApplyReport()

    def apply(self, incoming: list[Incoming]) -> ApplyReport:
        if not incoming:
            return self.report
        known = known_ops(self.s, [c.op_id for c in incoming])
        todo = [c for c in incoming if c.op_id not in known]
        keys = {(c.entity, c.row_id) for c in todo}
        self.versions = load_versions(self.s, keys)
        self.tombs = load_tombstones(self.s, keys)
        self.exists = existing_rows(self.s, keys)
        self.fresh: dict[tuple[str, str], tuple[Incoming, dict[str, Any]]] = {}
        self.writes = OrderedWrites(self.s)
        log_rows: list[dict[str, Any]] = []
        clashes = self._check_unique_inserts(todo)
        with self._indexing(todo, keys, clashes):
            for c in todo:
                self._receive(c.hlc)
                log_rows += _log_rows(c, self.wb.node_id, self.w.now_ms)
                info = schema.entity(c.entity)
                if info is None:
                    log.warning("skipping a change to unknown entity %s (newer server?)",
                                c.entity)
                    continue
                self._apply_one(info, c)
                self.report.applied += 1
            self.writes.flush()
        by_op: dict[str, dict[str, Any]] = {}
        for r in log_rows:
            by_op.setdefault(r["op_id"], r)
        unique_rows = list(by_op.values())
        fresh = known_ops(self.s, [r["op_id"] for r in unique_rows])
        unique_rows = [r for r in unique_rows if r["op_id"] not in fresh]
        if unique_rows:
            insert_many(self.s, CHANGES, unique_rows)
        return self.report

    def _indexing(self, todo: list[Incoming], keys: set[tuple[str, str]],
                  clashes: int) -> AbstractContextManager[None]:
        """The full-text triggers suspended for a big page that only adds rows new here.

        The per-row triggers cost more than the inserts themselves; indexing the rows
        added since the page began in one statement per index gives the same index. Only
        for pages where nothing is deleted or purged (a trigger-less DELETE would leave its
        text in the index): every change an insert of a row unknown here, no key clash.
        """
        fresh = (len(todo) >= BULK_INDEX_FROM and not clashes
                 and all(c.kind == "insert" for c in todo)
                 and not any(k in self.exists or k in self.versions or k in self.tombs
                             for k in keys))
        return search_index.bulk_load(self.s) if fresh else nullcontext()

    def _receive(self, stamp: str) -> None:
        try:
            # The server accepted this stamp; allow for its own tolerance on top of ours.
            self.wb.hlc.receive(stamp, max_drift_ms=24 * 3600 * 1000)
        except (ClockDriftError, ValueError):
            log.warning("a remote stamp is far ahead of this clock; not folded in")

    def _touch(self, info: schema.EntityInfo, row_id: str, data: dict[str, Any]) -> None:
        self.w.changes.add(info.name, row_id)
        if info.name == "tickets":
            self.report.tickets.add(row_id)
        elif isinstance(data.get("ticket_id"), str):
            self.report.tickets.add(data["ticket_id"])

    def _apply_one(self, info: schema.EntityInfo, c: Incoming) -> None:
        key = (c.entity, c.row_id)
        if key in self.tombs:
            return  # deleted here already: a stale edit never revives it
        if c.kind == "delete":
            if key in self.exists:
                self.writes.flush()
                purge_row(self.s, c.entity, c.row_id, self.w.now_ms, "deleted")
                self.exists.discard(key)
            self.s.merge(Tombstone(entity=c.entity, row_id=c.row_id, hlc=c.hlc,
                                   deleted_at=self.w.now_ms))
            self.tombs[key] = c.hlc
            self.versions.pop(key, None)
            self.w.changes.add(c.entity, c.row_id)
            return
        if c.kind == "insert" and key not in self.exists and key not in self.versions:
            # A row new here (the common case of a big pull): no field can conflict; its
            # versions are only spelled out if a later change of this page touches it.
            row = {k: v for k, v in c.fields.items() if k in info.columns}
            self.writes.insert(c.entity, row)
            self.exists.add(key)
            self.fresh[key] = (c, row)
            self._touch(info, c.row_id, row)
            return
        if key in self.fresh:
            first, row = self.fresh.pop(key)
            self.versions[key] = {k: FieldVersion(first.version(k), False, v, 0)
                                  for k, v in row.items()}
        vers = self.versions.setdefault(key, {})
        won: dict[str, Any] = {}
        for name, value in c.fields.items():
            if name not in info.columns:
                continue
            stamp = c.version(name)
            cur = vers.get(name)
            if cur is not None and stamp <= cur.hlc:
                continue
            if cur is not None and cur.local and cur.value != value and name not in QUIET:
                seen = (c.base or {}).get(name)
                if seen != cur.hlc:
                    self._conflict(c, name, cur, value, stamp)
            vers[name] = FieldVersion(stamp, False, value, 0)
            won[name] = value
        if key in self.exists:
            if won:
                self.writes.update(c.entity, c.row_id, won)
                self._touch(info, c.row_id, {**c.fields})
        elif c.kind == "insert":
            self.writes.insert(c.entity, {k: v for k, v in c.fields.items() if k in info.columns})
            self.exists.add(key)
            self._touch(info, c.row_id, c.fields)
        else:
            log.warning("an update arrived for a %s row this workstation lacks", c.entity)

    def _conflict(self, c: Incoming, name: str, cur: FieldVersion, value: Any,
                  stamp: str) -> None:
        self.s.add(Conflict(
            id=uuid7(self.w.now_ms), entity=c.entity, row_id=c.row_id, field=name,
            local_value=cur.value, remote_value=value, local_hlc=cur.hlc, remote_hlc=stamp,
            remote_actor_id=c.actor_id, created_at=self.w.now_ms, resolved_at=None,
            resolution=None))
        self.report.conflicts += 1

    def _check_unique_inserts(self, todo: list[Incoming]) -> int:
        """A local row holding a unique key a remote insert brings lost the race to the
        server (the server keeps keys unique): step it aside before the insert lands.
        Returns how many rows were stepped aside."""
        wanted: dict[tuple[str, tuple[str, ...]], dict[tuple[Any, ...], str]] = {}
        stepped = 0
        for c in todo:
            info = schema.entity(c.entity)
            if c.kind != "insert" or info is None or (c.entity, c.row_id) in self.exists:
                continue
            for cols in info.unique:
                key = tuple(c.fields.get(col) for col in cols)
                if None not in key:
                    wanted.setdefault((c.entity, cols), {})[key] = c.row_id
        for (entity, cols), values in wanted.items():
            info = schema.entity(entity)
            assert info is not None
            t = info.table
            clashes: list[str] = []
            if len(cols) == 1:
                for part in chunks(sorted(v[0] for v in values), LOOKUP_CHUNK):
                    q = select(t.c.id, t.c[cols[0]]).where(one_of(t.c[cols[0]], part))
                    clashes += [i for i, v in self.s.execute(q) if values[(v,)] != i]
            else:
                for vals, row_id in values.items():
                    q = select(t.c.id).where(*[t.c[c] == v for c, v in zip(cols, vals,
                                                                           strict=True)])
                    clashes += [i for i in self.s.scalars(q) if i != row_id]
            for other in clashes:
                if entity == "tickets" and cols == ("number",):
                    # Our ticket keeps its row; the server renumbers it when it is pushed.
                    self.s.execute(t.update().where(t.c.id == other).values(number=None))
                else:
                    purge_row(self.s, entity, other, self.w.now_ms, "unique")
                    self.exists.discard((entity, other))
            stepped += len(clashes)
        return stepped
