"""SQL for customer history: the one-query timeline, notes, calls, hand-offs and merges.

The timeline is a single ``UNION ALL`` over every source (tickets, their messages and notes,
customer notes, calls, hand-offs, survey answers, and owner and preference changes read
from the change log), ordered and cut with ``LIMIT`` inside SQLite and paged by keyset on
``(at, id)``; only the rows of one page ever reach Python.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Integer,
    Select,
    String,
    Text,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from workbench.domain.enums import EventKind, TicketStatus
from workbench.domain.ids import is_uuid
from workbench.store.models import (
    Agent,
    Call,
    Change,
    Customer,
    CustomerNote,
    CustomerPreference,
    Handoff,
    SurveyAnswer,
    Ticket,
    TicketEvent,
)

OPEN_STATUSES = [s.value for s in TicketStatus if s.is_open]
EVENT_KINDS = (
    EventKind.CUSTOMER_MESSAGE.value,
    EventKind.PUBLIC_REPLY.value,
    EventKind.INTERNAL_NOTE.value,
)
# Slots every arm of the union fills, in this order; what each holds depends on the kind.
_SLOTS: dict[str, Any] = {
    "who_id": String, "ref_id": String, "ticket_id": String, "ticket_number": Integer,
    "subject": Text, "status": String, "label": String, "label2": String,
    "num1": Integer, "num2": Integer, "flag": Boolean, "body": Text, "haystack": Text,
}
FOLD_FUNCTION = "wb_fold"
# Persian is often typed on Arabic keyboards (ي/ك for ی/ک) and with or without the
# zero-width non-joiner inside words; folding both sides makes either spelling match.
_FOLD_TABLE = str.maketrans({"\u064a": "\u06cc", "\u0643": "\u06a9", "\u200c": None,
                             "\u0640": None})


def fold(text: str | None) -> str:
    """Text folded for case-insensitive matching in any script (NFKC + casefold)."""
    if not text:
        return ""
    return unicodedata.normalize("NFKC", text).casefold().translate(_FOLD_TABLE)


def _install_fold(session: Session) -> None:
    # SQLite's LIKE and lower() fold ASCII only; a Python function folds every script.
    raw = session.connection().connection.driver_connection
    if isinstance(raw, sqlite3.Connection):
        raw.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)


def find_customer(session: Session, ref: str) -> Customer | None:
    """A customer by id or e-mail."""
    ref = ref.strip()
    if is_uuid(ref):
        return session.get(Customer, ref)
    if "@" in ref:
        return session.scalar(select(Customer).where(Customer.email == ref.lower()))
    return None


def agent_names(session: Session, ids: Iterable[str | None]) -> dict[str, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = session.execute(select(Agent.id, Agent.name).where(Agent.id.in_(wanted)))
    return {r[0]: r[1] for r in rows}


# -- the timeline ---------------------------------------------------------------------------
def _arm(
    kind: Any, at: Any, row_id: Any, cursor: tuple[int, str] | None, needle: str,
    **slots: Any,
) -> Select[Any]:
    cols: list[Any] = [
        (literal(kind, String) if isinstance(kind, str) else kind).label("kind"),
        at.label("at"),
        row_id.label("id"),
    ]
    for name, type_ in _SLOTS.items():
        value = slots.get(name)
        cols.append((cast(null(), type_) if value is None else value).label(name))
    q = select(*cols)
    if cursor is not None:
        q = q.where(or_(at < cursor[0], and_(at == cursor[0], row_id < cursor[1])))
    if needle:
        q = q.where(func.instr(getattr(func, FOLD_FUNCTION)(slots["haystack"]), needle) > 0)
    return q


def _arms(
    customer_id: str, kinds: Collection[str], cursor: tuple[int, str] | None, needle: str
) -> list[Select[Any]]:
    arms: list[Select[Any]] = []
    a = (cursor, needle)
    if "ticket" in kinds:
        arms.append(_arm(
            "ticket", Ticket.created_at, Ticket.id, *a, ref_id=Ticket.id, ticket_id=Ticket.id,
            ticket_number=Ticket.number, subject=Ticket.subject, status=Ticket.status,
            label=Ticket.priority, label2=Ticket.channel, haystack=Ticket.subject,
        ).where(Ticket.customer_id == customer_id))
    event_kinds = [k for k in EVENT_KINDS if k in kinds]
    if event_kinds:
        arms.append(_arm(
            TicketEvent.kind, TicketEvent.created_at, TicketEvent.id, *a,
            who_id=TicketEvent.author_id, ref_id=Ticket.id, ticket_id=Ticket.id,
            ticket_number=Ticket.number, subject=Ticket.subject, status=Ticket.status,
            body=TicketEvent.body, haystack=TicketEvent.body,
        ).join(Ticket, Ticket.id == TicketEvent.ticket_id)
         .where(Ticket.customer_id == customer_id, TicketEvent.kind.in_(event_kinds)))
    if "customer_note" in kinds:
        arms.append(_arm(
            "customer_note", CustomerNote.created_at, CustomerNote.id, *a,
            who_id=CustomerNote.author_id, ref_id=CustomerNote.id, num1=CustomerNote.updated_at,
            body=CustomerNote.body, haystack=CustomerNote.body,
        ).where(CustomerNote.customer_id == customer_id))
    if "call" in kinds:
        arms.append(_arm(
            "call", Call.started_at, Call.id, *a, who_id=Call.agent_id, ref_id=Call.id,
            ticket_id=Call.ticket_id, ticket_number=Ticket.number, subject=Ticket.subject,
            status=Call.outcome, label=Call.direction, num1=Call.duration_s, num2=Call.hold_s,
            flag=Call.resolved_on_call, body=Call.notes, haystack=Call.notes,
        ).outerjoin(Ticket, Ticket.id == Call.ticket_id).where(Call.customer_id == customer_id))
    if "handoff" in kinds:
        arms.append(_arm(
            "handoff", Handoff.created_at, Handoff.id, *a, who_id=Handoff.created_by_id,
            ref_id=Handoff.id, label=Handoff.from_agent_id, label2=Handoff.to_agent_id,
            num1=Handoff.acknowledged_at, flag=Handoff.include_tickets, body=Handoff.summary,
            haystack=Handoff.summary,
        ).where(Handoff.customer_id == customer_id))
    if "survey" in kinds:
        arms.append(_arm(
            "survey", SurveyAnswer.answered_at, SurveyAnswer.id, *a, ref_id=SurveyAnswer.id,
            ticket_id=SurveyAnswer.ticket_id, status=SurveyAnswer.kind, num1=SurveyAnswer.score,
            body=SurveyAnswer.comment, haystack=SurveyAnswer.comment,
        ).where(SurveyAnswer.customer_id == customer_id))
    if "owner_change" in kinds:
        arms.append(_arm(
            "owner_change", Change.created_at, Change.op_id, *a, who_id=Change.actor_id,
            ref_id=Change.row_id, label2=func.json_extract(Change.fields, "$.owner_id"),
            haystack=literal("", Text),
        ).where(Change.entity == Customer.__tablename__, Change.row_id == customer_id,
                Change.kind == "update", func.json_type(Change.fields, "$.owner_id").is_not(None)))
    if "preference" in kinds:
        # Driven from the customer's few preference rows into the change log's (entity,
        # row_id) index, never by scanning every preference change of every customer.
        prefs = select(CustomerPreference.id).where(CustomerPreference.customer_id == customer_id)
        key = (select(CustomerPreference.key).where(CustomerPreference.id == Change.row_id)
               .scalar_subquery())
        fields_text = cast(Change.fields, Text)
        arms.append(_arm(
            "preference", Change.created_at, Change.op_id, *a, who_id=Change.actor_id,
            ref_id=Change.row_id, subject=key, label=Change.kind, body=fields_text,
            # json_extract decodes the \u escapes the JSON column stores non-ASCII text as.
            haystack=key + " " + cast(func.json_extract(Change.fields, "$.value"), Text),
        ).where(Change.entity == CustomerPreference.__tablename__, Change.row_id.in_(prefs),
                # A change of only updated_at (or of the customer, by a merge) is not news.
                func.json_type(Change.fields, "$.value").is_not(None)))
    return arms


def timeline_rows(
    session: Session,
    customer_id: str,
    kinds: Collection[str],
    *,
    search: str = "",
    before: tuple[int, str] | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """One page of the timeline, newest first: at most *limit* rows before *before*.

    Each row has the union's slots plus ``who`` (for a ticket: who created it, from the
    change log) and ``who_name``.
    """
    needle = fold(search.strip())
    if needle:
        _install_fold(session)
    arms = _arms(customer_id, kinds, before, needle)
    if not arms:
        return []
    u = union_all(*arms).subquery("u")
    page = select(u).order_by(u.c.at.desc(), u.c.id.desc()).limit(limit).subquery("p")
    # Resolved for the page only, so 10,000 entries cost 50 look-ups, not 10,000.
    creator = (
        select(Change.actor_id)
        .where(Change.entity == Ticket.__tablename__, Change.row_id == page.c.id,
               Change.kind == "insert")
        .order_by(Change.seq)
        .limit(1)
        .scalar_subquery()
    )
    who = case((page.c.kind == "ticket", creator), else_=page.c.who_id).label("who")
    q = (
        select(page, who)
        .order_by(page.c.at.desc(), page.c.id.desc())
    )
    rows = [dict(r._mapping) for r in session.execute(q)]
    names = agent_names(session, [r["who"] for r in rows])
    for r in rows:
        r["who_name"] = names.get(r["who"]) if r["who"] else None
    return rows


# -- notes, calls ---------------------------------------------------------------------------
def notes_of(session: Session, customer_id: str, limit: int = 200) -> list[CustomerNote]:
    return list(session.scalars(
        select(CustomerNote)
        .where(CustomerNote.customer_id == customer_id)
        .order_by(CustomerNote.created_at.desc(), CustomerNote.id.desc())
        .limit(limit)
    ))


def calls_of(session: Session, customer_id: str, limit: int = 200) -> list[Call]:
    return list(session.scalars(
        select(Call)
        .where(Call.customer_id == customer_id)
        .order_by(Call.started_at.desc(), Call.id.desc())
        .limit(limit)
    ))


def ticket_numbers(session: Session, ids: Iterable[str | None]) -> dict[str, int | None]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = session.execute(select(Ticket.id, Ticket.number).where(Ticket.id.in_(wanted)))
    return {r[0]: r[1] for r in rows}


# -- hand-offs ------------------------------------------------------------------------------
def _not_superseded() -> ColumnElement[bool]:
    # A later hand-off of the same customer replaces an unacknowledged earlier one.
    later = Handoff.__table__.alias("later")
    return ~(
        select(later.c.id)
        .where(later.c.customer_id == Handoff.customer_id,
               or_(later.c.created_at > Handoff.created_at,
                   and_(later.c.created_at == Handoff.created_at, later.c.id > Handoff.id)))
        .exists()
    )


def pending_handoffs(
    session: Session, *, to_agent: str | None = None, involving: str | None = None
) -> list[Handoff]:
    """Unacknowledged, not superseded hand-offs, oldest first (longest waiting on top)."""
    q = select(Handoff).where(Handoff.acknowledged_at.is_(None), _not_superseded())
    if to_agent is not None:
        q = q.where(Handoff.to_agent_id == to_agent)
    if involving is not None:
        q = q.where(or_(Handoff.to_agent_id == involving, Handoff.from_agent_id == involving,
                        Handoff.created_by_id == involving))
    return list(session.scalars(q.order_by(Handoff.created_at, Handoff.id)))


def handoffs_of(session: Session, customer_id: str) -> list[Handoff]:
    return list(session.scalars(
        select(Handoff).where(Handoff.customer_id == customer_id)
        .order_by(Handoff.created_at.desc(), Handoff.id.desc())
    ))


def find_handoff(session: Session, ref: str) -> Handoff | None:
    """A hand-off by id or by a unique tail of its id (at least 6 characters)."""
    ref = ref.strip().lower()
    if is_uuid(ref):
        return session.get(Handoff, ref)
    if len(ref) < 6:
        return None
    found = list(session.scalars(select(Handoff).where(Handoff.id.endswith(ref)).limit(2)))
    return found[0] if len(found) == 1 else None


def customer_names(session: Session, ids: Iterable[str]) -> dict[str, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(wanted)))
    return {r[0]: r[1] for r in rows}


def customers_owned_by(session: Session, agent_id: str) -> list[Customer]:
    return list(session.scalars(
        select(Customer).where(Customer.owner_id == agent_id).order_by(Customer.name, Customer.id)
    ))


def owned_counts(session: Session, agent_ids: Iterable[str]) -> dict[str, int]:
    """Customers each agent owns now (the load a balanced bulk hand-off evens out)."""
    ids = list(agent_ids)
    rows = session.execute(
        select(Customer.owner_id, func.count()).where(Customer.owner_id.in_(ids))
        .group_by(Customer.owner_id)
    )
    counts = dict.fromkeys(ids, 0)
    for owner, n in rows:
        if owner is not None:
            counts[owner] = n
    return counts


def open_tickets_of(
    session: Session, customer_id: str, assignee_id: str | None = None
) -> list[Ticket]:
    q = select(Ticket).where(Ticket.customer_id == customer_id,
                             Ticket.status.in_(OPEN_STATUSES))
    if assignee_id is not None:
        q = q.where(Ticket.assignee_id == assignee_id)
    return list(session.scalars(q.order_by(Ticket.created_at, Ticket.id)))


# -- merge ----------------------------------------------------------------------------------
CUSTOMER_LINKED: tuple[Any, ...] = (
    Ticket, CustomerNote, Call, Handoff, SurveyAnswer, CustomerPreference,
)


def rows_of_customer(session: Session, model: Any, customer_id: str) -> list[Any]:
    """Every row of *model* (one of CUSTOMER_LINKED) that points at *customer_id*."""
    return list(session.scalars(
        select(model).where(model.customer_id == customer_id).order_by(model.id)
    ))


def count_linked(session: Session, customer_id: str) -> dict[str, int]:
    return {
        m.__tablename__: session.scalar(
            select(func.count()).select_from(m).where(m.customer_id == customer_id)
        ) or 0
        for m in CUSTOMER_LINKED
    }
