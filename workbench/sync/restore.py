"""Putting a local row back in line with the server after a refusal or a lost race.

A refused change is removed from the log (a Conflict row keeps it visible), so the row is
rebuilt from the log entries that remain: each field from its highest-HLC entry. A row
whose insert was refused disappears, with the rows made here that refer to it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from workbench.domain.ids import uuid7
from workbench.store.models import Change, Conflict, Tombstone
from workbench.sync import schema

REJECTED = "rej:"  # Conflict.resolution prefix of a change the server refused


def rejected_conflict(s: Session, entity: str, row_id: str, field: str, local: Any,
                      server: Any, local_hlc: str, server_hlc: str, code: str,
                      now_ms: int) -> None:
    """Record a change the server refused; ``resolution`` names the refusal's code."""
    s.add(Conflict(id=uuid7(now_ms), entity=entity, row_id=row_id, field=field,
                   local_value=local, remote_value=server, local_hlc=local_hlc,
                   remote_hlc=server_hlc, remote_actor_id=None, created_at=now_ms,
                   resolved_at=None, resolution=f"{REJECTED}{code}"[:16]))


def _row(s: Session, entity: str, row_id: str) -> dict[str, Any] | None:
    info = schema.entity(entity)
    assert info is not None
    t = info.table
    r = s.execute(select(t).where(t.c.id == row_id)).mappings().first()
    return {k: v for k, v in r.items() if k in info.columns} if r else None


def purge_row(s: Session, entity: str, row_id: str, now_ms: int, code: str) -> None:
    """Delete a local row and, first, the local rows referring to it.

    Pending local changes of each removed row cannot succeed on the server any more: they
    leave the outbox and become visible refusals (Conflict rows).
    """
    for child, col in schema.children_of(entity):
        info = schema.entity(child)
        assert info is not None
        for child_id in list(s.scalars(select(info.table.c.id)
                                       .where(info.table.c[col] == row_id))):
            if (child, child_id) != (entity, row_id):
                purge_row(s, child, child_id, now_ms, "missing")
    pending = list(s.scalars(select(Change).where(
        Change.entity == entity, Change.row_id == row_id, Change.pushed_at.is_(None),
        Change.remote.is_(False)).order_by(Change.seq)))
    if pending:
        data = _row(s, entity, row_id)
        rejected_conflict(s, entity, row_id, "*", data, None, pending[-1].hlc, "", code, now_ms)
        s.execute(delete(Change).where(Change.seq.in_([c.seq for c in pending])))
    info = schema.entity(entity)
    assert info is not None
    s.execute(delete(info.table).where(info.table.c.id == row_id))


def rebuild_row(s: Session, entity: str, row_id: str, now_ms: int) -> dict[str, Any] | None:
    """Make the local row what its remaining log entries say; returns the row (None: gone)."""
    info = schema.entity(entity)
    assert info is not None
    t = info.table
    entries = list(s.execute(select(Change.kind, Change.fields, Change.hlc).where(
        Change.entity == entity, Change.row_id == row_id).order_by(Change.seq)))
    if any(kind == "delete" for kind, _, _ in entries):
        return None
    tomb = s.get(Tombstone, (entity, row_id))
    if tomb is not None:  # its delete was refused: the row lives on
        s.delete(tomb)
        s.flush()
    if not any(kind == "insert" for kind, _, _ in entries):
        if _row(s, entity, row_id) is not None:
            purge_row(s, entity, row_id, now_ms, "missing")
        return None
    state: dict[str, Any] = {}
    versions: dict[str, str] = {}
    for _, fields, hlc in entries:
        for name, value in (fields or {}).items():
            if name in info.columns and hlc > versions.get(name, ""):
                state[name], versions[name] = value, hlc
    current = _row(s, entity, row_id)
    if current is None:
        s.execute(insert(t).values(state))
    else:
        diff = {k: v for k, v in state.items() if current.get(k) != v}
        if diff:
            s.execute(update(t).where(t.c.id == row_id).values(diff))
    return state


def field_version(s: Session, entity: str, row_id: str, name: str) -> str:
    """The HLC of the entry that set *name* last (empty when none did)."""
    best = ""
    for fields, hlc in s.execute(select(Change.fields, Change.hlc).where(
            Change.entity == entity, Change.row_id == row_id)):
        if name in (fields or {}) and hlc > best:
            best = hlc
    return best
