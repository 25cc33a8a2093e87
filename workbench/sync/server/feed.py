"""Reading the server's data out: the change log after a cursor, and snapshot pages."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

from workbench.sync import schema
from workbench.sync.server.models import EntityRow, LogEntry
from workbench.sync.server.rowstate import expand_versions


def head(session: Session) -> int:
    return session.scalar(select(func.max(LogEntry.seq))) or 0


_NAMES = ("seq", "op_id", "node", "entity", "row_id", "kind", "fields", "hlc", "actor_id",
          "base")
# The page as JSON text built by PostgreSQL itself: the stored JSON of each change goes out
# as it is, never parsed into Python objects and dumped again (most of a pull's server time).
_PG_PAGE = text(
    "WITH page AS MATERIALIZED (SELECT " + ", ".join(_NAMES) + f" FROM {LogEntry.__tablename__} "
    "WHERE seq > :after ORDER BY seq LIMIT :limit) "
    "SELECT (SELECT count(*) FROM page), (SELECT max(seq) FROM page), "
    "(SELECT coalesce(json_agg(json_build_object("
    + ", ".join(f"'{n}', {n}" for n in _NAMES)
    + ") ORDER BY seq), '[]')::text FROM page WHERE node IS DISTINCT FROM :device)"
)


def pull(
    session: Session, after: int, limit: int, device_id: str | None, now_ms: int
) -> str:
    """Changes after *after* in seq order, without the asking device's own ones.

    The cursor advances over the whole page read, own changes included, so a page of
    nothing but own changes still moves the reader on. Returns the body of a
    :class:`PullResponse` as JSON text: pages are large and already valid.
    """
    if session.get_bind().dialect.name == "postgresql":
        count, last, changes = session.execute(
            _PG_PAGE, {"after": after, "limit": limit, "device": device_id}).one()
        return _pull_body(now_ms, changes, last if count else after, count == limit,
                          head(session))
    body = _pull_rows(session, after, limit, device_id)
    return _pull_body(now_ms, json.dumps(body["changes"], separators=(",", ":")),
                      body["next_cursor"], body["has_more"], head(session))


def _pull_body(now_ms: int, changes: str, next_cursor: int, has_more: bool, top: int) -> str:
    return (f'{{"server_time_ms":{int(now_ms)},"changes":{changes},'
            f'"next_cursor":{int(next_cursor)},"has_more":{"true" if has_more else "false"},'
            f'"head":{int(top)}}}')


def _pull_rows(session: Session, after: int, limit: int, device_id: str | None
               ) -> dict[str, Any]:
    t = _log_table()
    q = (select(t.c.seq, t.c.op_id, t.c.node, t.c.entity, t.c.row_id, t.c.kind, t.c.fields,
                t.c.hlc, t.c.actor_id, t.c.base)
         .where(t.c.seq > after).order_by(t.c.seq).limit(limit))
    rows = session.execute(q).all()
    changes = [dict(zip(_NAMES, r, strict=True)) for r in rows if r[2] != device_id]
    return {"changes": changes, "next_cursor": rows[-1][0] if rows else after,
            "has_more": len(rows) == limit}


def _log_table() -> Table:
    table: Table = LogEntry.__table__  # type: ignore[assignment]
    return table


def snapshot(
    session: Session, entity: str | None, after: str | None, limit: int, now_ms: int
) -> dict[str, Any]:
    """One page of current rows (tombstones included), entity by entity in reference order.

    Pages are keyset-paged by row id, so a client resumes from (entity, after) at any time,
    even against another server process.
    """
    order = list(schema.entities())
    name = entity or order[0]
    if name not in order:
        raise ValueError(f"{name!r} is not a synced entity")
    # The head first, rows after: on PostgreSQL each statement sees the latest commits, so
    # rows read later hold at least everything up to this head, and a client pulling from
    # it misses nothing. (Rows may hold later changes too; merging them again is a no-op.)
    top = head(session)
    t: Table = EntityRow.__table__  # type: ignore[assignment]
    q = select(t.c.row_id, t.c.data, t.c.versions, t.c.deleted_hlc).where(t.c.entity == name)
    if after:
        q = q.where(t.c.row_id > after)
    rows = session.execute(q.order_by(t.c.row_id).limit(limit)).all()
    out = [{"entity": name, "row_id": row_id, "data": data,
            "versions": expand_versions(versions, data) if data else {},
            "deleted_hlc": deleted} for row_id, data, versions, deleted in rows]
    next_entity: str | None
    next_after: str | None
    if len(rows) == limit:
        next_entity, next_after = name, rows[-1][0]
    else:
        idx = order.index(name) + 1
        next_entity, next_after = (order[idx], None) if idx < len(order) else (None, None)
    return {"server_time_ms": now_ms, "rows": out, "next_entity": next_entity,
            "next_after": next_after, "done": next_entity is None, "head": top}
