"""SQL for reading tickets: lists in queue order (keyset-paged), one ticket, its event thread."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Select,
    String,
    Table,
    and_,
    func,
    or_,
    select,
    tuple_,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from workbench.domain.filters import TicketFilter
from workbench.domain.ids import is_uuid
from workbench.store.models import Agent, Customer, Ticket, TicketEvent
from workbench.store.models.tickets import queue_rank

OPEN_STATUSES = {"new", "open", "pending", "on-hold"}
# Core tables, not ORM entities: a page of rows is plain tuples, with no ORM loading cost.
_T: Table = Ticket.__table__  # type: ignore[assignment]
_C: Table = Customer.__table__  # type: ignore[assignment]
_A = Agent.__table__.alias("assignee")
_ORDER = {"created": _T.c.created_at, "updated": _T.c.updated_at, "number": _T.c.number}
# The tags come as their JSON text (parsed by _tags below, only when there are any) rather
# than through the JSON type, which would run json.loads on every row's "[]".
_ROWS: Select[Any] = (
    select(
        _T.c.id, _T.c.number, _T.c.subject, _T.c.status, _T.c.priority, _T.c.channel,
        _T.c.customer_id, _C.c.name.label("customer_name"), _C.c.plan.label("customer_plan"),
        _T.c.assignee_id, _A.c.name.label("assignee_name"),
        type_coerce(_T.c.tags, String).label("tags"), _T.c.created_at,
        _T.c.updated_at, _T.c.next_due_at, _T.c.next_due_target,
    )
    .join_from(_T, _C, _C.c.id == _T.c.customer_id)
    .outerjoin(_A, _A.c.id == _T.c.assignee_id)
)
ROW_FIELDS: tuple[str, ...] = tuple(c.name for c in _ROWS.selected_columns)
_TAGS = ROW_FIELDS.index("tags")
_NO_TAGS = frozenset({None, "", "[]"})


def _tags(text: str | None) -> list[str]:
    if text in _NO_TAGS:
        return []
    value = json.loads(text)  # type: ignore[arg-type]
    return [str(v) for v in value] if isinstance(value, list) else []


def _plain(rows: Any) -> list[dict[str, Any]]:
    """Result rows of a ``_ROWS`` query as dicts, tags parsed: plain tuples zipped with the
    field names, which costs a fraction of SQLAlchemy's row mappings on a page of rows."""
    out = []
    for row in rows:
        data = dict(zip(ROW_FIELDS, row, strict=True))
        data["tags"] = _tags(row[_TAGS])
        out.append(data)
    return out


Cursor = tuple[Any, str]  # (sort value, id) of the last row of a page
_FIRST_PAGES: dict[tuple[str, int, int], tuple[str, tuple[Any, ...]]] = {}
_FIRST_PAGES_KEPT = 64
ALL_STATUSES = ("new", "open", "pending", "on-hold", "solved", "closed")


def _open_only(f: TicketFilter) -> bool:
    return bool(f.statuses) and set(f.statuses) <= OPEN_STATUSES


def _nullable(f: TicketFilter) -> bool:
    """True when the sort column can be NULL (those rows sort last)."""
    return f.order == "number" or (f.order == "due" and not _open_only(f))


def _selective(f: TicketFilter) -> bool:
    """True when an index narrows *f* to few rows by itself (one agent's, one customer's,
    a deadline window): finding those and sorting them beats walking a sort index."""
    windows = f.due_before_ms is not None or f.due_after_ms is not None
    return bool(f.assignee_id or f.unassigned or f.customer_id or windows)


def _sort_column(f: TicketFilter) -> Column[Any]:
    if f.order == "due":
        # Every open ticket has a rank (its deadline, paused ones after all deadlines).
        return _T.c.queue_rank if _open_only(f) else _T.c.next_due_at
    return _ORDER[f.order]


def cursor_of(f: TicketFilter, row: Mapping[str, Any]) -> Cursor:
    """Where *row* (a ticket row's fields) sits in *f*'s order: what ``after`` takes."""
    if f.order == "due" and _open_only(f):
        status_open = row["status"] in OPEN_STATUSES
        return queue_rank(status_open, row["next_due_at"], row["created_at"]), row["id"]
    key = {"due": "next_due_at", "created": "created_at", "updated": "updated_at",
           "number": "number"}[f.order]
    return row[key], row["id"]


def _where(q: Select[Any], f: TicketFilter, *, by_status: bool = False) -> Select[Any]:
    """*q* narrowed by *f*. The status test is kept out of the indexes (``status || ''``)
    unless *by_status*: walking the status index and sorting every open ticket is what a
    sort index exists to avoid."""
    if f.statuses and not by_status:
        q = q.where(_T.c.status.concat("").in_(f.statuses))
    if f.priorities:
        q = q.where(_T.c.priority.in_(f.priorities))
    if f.assignee_id:
        q = q.where(_T.c.assignee_id == f.assignee_id)
    if f.unassigned:
        q = q.where(_T.c.assignee_id.is_(None))
    if f.customer_id:
        q = q.where(_T.c.customer_id == f.customer_id)
    # For open tickets the rank *is* the deadline (paused ones rank after every deadline),
    # so a deadline window is a range of the queue index.
    due = _T.c.queue_rank if _open_only(f) else _T.c.next_due_at
    if f.due_before_ms is not None:
        q = q.where(due <= f.due_before_ms)
    if f.due_after_ms is not None:
        q = q.where(due >= f.due_after_ms)
    if f.order == "due" and _open_only(f):
        q = q.where(_T.c.queue_rank.is_not(None))
    if f.tag:
        each = func.json_each(_T.c.tags).table_valued("value")
        q = q.where(select(each.c.value).where(each.c.value == f.tag).exists())
    if f.text.strip():
        text = f.text.strip()
        conds: list[ColumnElement[bool]] = [_T.c.subject.ilike(f"%{text}%")]
        if text.lstrip("#").isdigit():
            conds.append(_T.c.number == int(text.lstrip("#")))
        q = q.where(or_(*conds))
    return q


def _after(f: TicketFilter, col: Any, after: Cursor) -> ColumnElement[bool]:
    """Rows past *after* in (col, id) order; a NULL sort value sorts after every value."""
    value, last_id = after
    later_id = _T.c.id < last_id if f.descending else _T.c.id > last_id
    if value is None:
        return and_(col.is_(None), later_id)
    position = tuple_(col, _T.c.id)
    mark = tuple_(value, last_id)
    beyond = position < mark if f.descending else position > mark
    return or_(beyond, col.is_(None)) if _nullable(f) else beyond


def _ordered(q: Select[Any], f: TicketFilter, col: Any) -> Select[Any]:
    if f.descending:
        return q.order_by(col.desc(), _T.c.id.desc())  # NULLs sort last here too
    if _nullable(f):
        return q.order_by(col.is_(None), col, _T.c.id)
    return q.order_by(col, _T.c.id)


def ticket_rows(
    session: Session,
    f: TicketFilter,
    limit: int = 50,
    offset: int = 0,
    after: Cursor | None = None,
) -> list[dict[str, Any]]:
    """Tickets matching *f*, in its order, *limit* at a time.

    Pages continue with *after* (keyset: the :func:`cursor_of` the last row shown), which
    seeks straight into the index; *offset* is kept for small lists and the CLI. Every
    order ends with the id, so equal sort values never shuffle between pages. The plan is
    chosen here rather than left to SQLite, which without statistics would often sort
    every open ticket: the deadline order walks the queue index, a selective filter uses
    its own index and sorts the few rows it finds, "updated" merges one index walk per
    status, "created" walks the creation index.
    """
    col: Any = _sort_column(f)
    if f.order == "updated" and not _selective(f):
        return _by_status_walks(session, f, limit, offset, after)
    # A view's first page asks the same question again and again (each queue opened, each
    # refresh): its statement is built and rendered once, then run as plain SQL. Deadline
    # windows move with the clock and later pages with their cursor: those go the long way.
    key = None
    if (after is None and f.due_before_ms is None and f.due_after_ms is None
            and session.get_bind().dialect.paramstyle == "qmark"):
        key = (repr(f), limit, offset)
        prepared = _FIRST_PAGES.get(key)
        if prepared is not None:
            sql, params = prepared
            return _plain(session.connection().exec_driver_sql(sql, params).fetchall())
    q = _where(_ROWS, f)
    if after is not None:
        q = q.where(_after(f, col, after))
    if f.order in ("created", "updated") and _selective(f):
        col = col + 0  # an expression, not the column: SQLite sorts what the filter found
    q = _ordered(q, f, col).limit(limit).offset(offset)
    if key is not None:
        compiled = q.compile(dialect=session.get_bind().dialect,
                             compile_kwargs={"render_postcompile": True})
        names = compiled.positiontup or ()
        prepared = str(compiled), tuple(compiled.params[name] for name in names)
        if len(_FIRST_PAGES) >= _FIRST_PAGES_KEPT:
            _FIRST_PAGES.pop(next(iter(_FIRST_PAGES)))
        _FIRST_PAGES[key] = prepared
        return _plain(session.connection().exec_driver_sql(*prepared).fetchall())
    return _plain(session.execute(q).all())


def _by_status_walks(
    session: Session, f: TicketFilter, limit: int, offset: int, after: Cursor | None
) -> list[dict[str, Any]]:
    """"Updated" order through (status, updated_at): the first rows of each status' walk,
    merged. SQLite cannot merge the walks of an IN list by itself; it would sort them all."""
    parts = []
    for status in f.statuses or ALL_STATUSES:
        q = _where(select(_T.c.id, _T.c.updated_at), f, by_status=True)
        q = q.where(_T.c.status == status)
        if after is not None:
            q = q.where(_after(f, _T.c.updated_at, after))
        parts.append(select(_ordered(q, f, _T.c.updated_at).limit(limit + offset).subquery()))
    walks = union_all(*parts).subquery()
    merged = _ROWS.join(walks, walks.c.id == _T.c.id)
    if f.descending:
        merged = merged.order_by(walks.c.updated_at.desc(), walks.c.id.desc())
    else:
        merged = merged.order_by(walks.c.updated_at, walks.c.id)
    return _plain(session.execute(merged.limit(limit).offset(offset)).all())


def count_tickets(session: Session, f: TicketFilter) -> int:
    q = select(func.count()).select_from(Ticket)
    conds: list[ColumnElement[bool]] = []
    if f.statuses:
        conds.append(Ticket.status.in_(f.statuses))
    if f.assignee_id:
        conds.append(Ticket.assignee_id == f.assignee_id)
    if f.unassigned:
        conds.append(Ticket.assignee_id.is_(None))
    if conds:
        q = q.where(and_(*conds))
    return session.scalar(q) or 0


def find_ticket(session: Session, ref: str) -> Ticket | None:
    """A ticket by id, number (``123`` or ``#123``) or provisional key (``P-xxxxxxxx``)."""
    ref = ref.strip()
    if is_uuid(ref):
        return session.get(Ticket, ref)
    if ref.lstrip("#").isdigit():
        return session.scalar(select(Ticket).where(Ticket.number == int(ref.lstrip("#"))))
    if ref.upper().startswith("P-") and len(ref) == 10:
        return session.scalar(
            select(Ticket).where(Ticket.number.is_(None), Ticket.id.endswith(ref[2:].lower()))
        )
    return None


def ticket_row(session: Session, ticket_id: str) -> dict[str, Any] | None:
    r = session.execute(_ROWS.where(_T.c.id == ticket_id)).first()
    return _plain([r])[0] if r else None


_DETAIL = _ROWS.add_columns(_T.c.team_id, _T.c.first_response_at, _T.c.solved_at,
                            _T.c.reopen_count)


def ticket_detail_row(session: Session, ref: str) -> dict[str, Any] | None:
    """A ticket's list row plus its detail fields, by any reference :func:`find_ticket`
    takes; one plain query when *ref* is an id (the ticket view's case)."""
    ticket_id: str | None = ref.strip()
    if not is_uuid(ref.strip()):
        found = find_ticket(session, ref)
        ticket_id = found.id if found is not None else None
    if ticket_id is None:
        return None
    r = session.execute(_DETAIL.where(_T.c.id == ticket_id)).first()
    if r is None:
        return None
    data = dict(r._mapping)
    data["tags"] = _tags(data["tags"])
    return data


_E: Table = TicketEvent.__table__  # type: ignore[assignment]
_AUTHOR = Agent.__table__.alias("author")
_EVENTS: Select[Any] = (
    select(_E.c.id, _E.c.kind, _E.c.author_id, _AUTHOR.c.name.label("author_name"), _E.c.body,
           _E.c.old_value, _E.c.new_value, _E.c.created_at)
    .join_from(_E, _AUTHOR, _AUTHOR.c.id == _E.c.author_id, isouter=True)
)


def events_of(session: Session, ticket_id: str) -> list[dict[str, Any]]:
    """The thread of a ticket, oldest first, with each author's name (plain rows)."""
    q = _EVENTS.where(_E.c.ticket_id == ticket_id).order_by(_E.c.created_at, _E.c.id)
    return [dict(m) for m in session.execute(q).mappings().all()]
