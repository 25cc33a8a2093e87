"""Tickets: create, list, show, change, reply and note — each write logged and SLA-timed."""

from __future__ import annotations

import builtins
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from workbench.domain.enums import Channel, EventKind, Priority, TicketStatus
from workbench.domain.filters import TicketFilter
from workbench.domain.validation import clean_body, clean_line, clean_tags
from workbench.services.dto import EventInfo, TicketDetail, TicketRow
from workbench.services.errors import NotFound, ValidationError
from workbench.store import ticket_queries as tq
from workbench.store.changelog import Writer
from workbench.store.models import Agent, Customer, Ticket, TicketEvent
from workbench.store.numbers import allocate_number

if TYPE_CHECKING:
    from workbench.services.context import Workbench


def _enum(enum: Any, value: str, what: str) -> str:
    try:
        return str(enum(value).value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise ValidationError(f"{value!r} is not a {what}; use one of {allowed}") from None


def _row(data: dict[str, Any]) -> TicketRow:
    return TicketRow(**{**data, "tags": list(data["tags"] or [])})


_ROW_FIELDS = frozenset(f.name for f in fields(TicketRow))
if frozenset(tq.ROW_FIELDS) != _ROW_FIELDS:  # pragma: no cover - a schema/DTO mismatch
    raise RuntimeError("ticket list rows and TicketRow have different fields")


def _list_row(data: dict[str, Any]) -> TicketRow:
    """:func:`_row` for a list query's row (its fields are exactly TicketRow's, checked
    above): filled in directly rather than through the frozen dataclass' guarded
    ``__init__``, a page of rows at a time on every queue load."""
    out = object.__new__(TicketRow)
    out.__dict__.update(data)  # tags: already a fresh list (tq._plain parses them)
    return out


def _position(row: TicketRow) -> dict[str, Any]:
    """The fields of a row that place it in any list order."""
    keys = ("id", "status", "number", "created_at", "updated_at", "next_due_at")
    return {key: getattr(row, key) for key in keys}


class TicketService:
    def __init__(self, wb: Workbench) -> None:
        self.wb = wb

    # -- reading -------------------------------------------------------------------------
    def list(
        self,
        f: TicketFilter | None = None,
        limit: int = 50,
        offset: int = 0,
        *,
        after: TicketRow | None = None,
    ) -> builtins.list[TicketRow]:
        """Tickets matching *f* in its order; *after* continues a list past that row.

        Paging with *after* (keyset) seeks into the index, so the thousandth page costs what
        the first does; *offset* scans past the skipped rows and is meant for short lists.
        """
        f = f or TicketFilter()
        cursor = tq.cursor_of(f, _position(after)) if after is not None else None
        with self.wb.read() as s:
            return [_list_row(r) for r in tq.ticket_rows(s, f, limit, offset, after=cursor)]

    def get(self, ref: str) -> TicketDetail:
        """A ticket by id, number or provisional key, with its whole event thread."""
        with self.wb.read() as s:
            row = tq.ticket_detail_row(s, ref)
            if row is None:
                raise NotFound(f"no ticket {ref!r}")
            events = [EventInfo(**e) for e in tq.events_of(s, row["id"])]
        extra = {k: row.pop(k) for k in ("team_id", "first_response_at", "solved_at",
                                          "reopen_count")}
        return TicketDetail(ticket=_row(row), events=events, **extra)

    # -- writing -------------------------------------------------------------------------
    def _actor(self, w: Writer) -> str:
        if w.actor_id is None:
            raise ValidationError("no agent is acting; sign in or pass --as AGENT")
        return w.actor_id

    def _find(self, w: Writer, ref: str) -> Ticket:
        t = tq.find_ticket(w.session, ref)
        if t is None:
            raise NotFound(f"no ticket {ref!r}")
        return t

    def _event(self, w: Writer, t: Ticket, kind: EventKind, **fields: Any) -> None:
        w.insert(TicketEvent(ticket_id=t.id, kind=kind.value, created_at=w.now_ms, **fields))

    def create(
        self,
        subject: str,
        customer_id: str,
        body: str = "",
        priority: str = "normal",
        channel: str = "email",
        assignee_id: str | None = None,
        tags: builtins.list[str] | None = None,
    ) -> TicketRow:
        try:
            subject = clean_line(subject, "the subject")
            body = clean_body(body, "the description", required=False)
            clean = clean_tags(tags or [])
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        priority = _enum(Priority, priority, "priority")
        channel = _enum(Channel, channel, "channel")
        with self.wb.write() as w:
            customer = w.session.get(Customer, customer_id)
            if customer is None:
                raise NotFound(f"no customer {customer_id!r}")
            team_id = None
            if assignee_id:
                agent = w.session.get(Agent, assignee_id)
                if agent is None:
                    raise NotFound(f"no agent {assignee_id!r}")
                team_id = agent.team_id
            t = w.insert(
                Ticket(
                    number=allocate_number(w.session),
                    subject=subject,
                    status=TicketStatus.NEW.value if not assignee_id else TicketStatus.OPEN.value,
                    priority=priority,
                    channel=channel,
                    customer_id=customer.id,
                    assignee_id=assignee_id,
                    team_id=team_id,
                    tags=clean,
                    created_at=w.now_ms,
                    updated_at=w.now_ms,
                    reopen_count=0,
                )
            )
            if body.strip():
                self._event(w, t, EventKind.CUSTOMER_MESSAGE, author_id=None, body=body)
            self.wb.sla.refresh_deadline(w, t)
            ticket_id = t.id
        return self.get(ticket_id).ticket

    def update(
        self,
        ref: str,
        *,
        status: str | None = None,
        priority: str | None = None,
        assignee_id: str | None = None,
        unassign: bool = False,
        tags: builtins.list[str] | None = None,
        subject: str | None = None,
    ) -> TicketRow:
        """Change any of status, priority, assignee, tags, subject; each change is an event."""
        if status is not None:
            status = _enum(TicketStatus, status, "status")
        if priority is not None:
            priority = _enum(Priority, priority, "priority")
        try:
            clean = clean_tags(tags) if tags is not None else None
            subject = clean_line(subject, "the subject") if subject is not None else None
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        with self.wb.write() as w:
            actor = self._actor(w)
            t = self._find(w, ref)
            if t.status == TicketStatus.CLOSED.value:
                raise ValidationError(f"ticket #{t.number} is closed; open a follow-up instead")
            if status is not None and status != t.status:
                self._set_status(w, t, status, actor)
            if priority is not None and priority != t.priority:
                self._event(w, t, EventKind.PRIORITY_CHANGE, author_id=actor,
                            old_value=t.priority, new_value=priority)
                w.update(t, priority=priority)
            if unassign or (assignee_id is not None and assignee_id != t.assignee_id):
                new = None if unassign else assignee_id
                if new is not None and w.session.get(Agent, new) is None:
                    raise NotFound(f"no agent {new!r}")
                if new != t.assignee_id:
                    self._event(w, t, EventKind.ASSIGNEE_CHANGE, author_id=actor,
                                old_value=t.assignee_id, new_value=new)
                    w.update(t, assignee_id=new)
            if clean is not None and clean != builtins.list(t.tags):
                self._event(w, t, EventKind.TAGS_CHANGE, author_id=actor,
                            old_value=",".join(t.tags), new_value=",".join(clean))
                w.update(t, tags=clean)
            if subject is not None and subject != t.subject:
                self._event(w, t, EventKind.SUBJECT_CHANGE, author_id=actor,
                            old_value=t.subject, new_value=subject)
                w.update(t, subject=subject)
            w.update(t, updated_at=w.now_ms)
            self.wb.sla.refresh_deadline(w, t)
            ticket_id = t.id
        return self.get(ticket_id).ticket

    def _set_status(self, w: Writer, t: Ticket, status: str, actor: str | None) -> None:
        old = t.status
        self._event(w, t, EventKind.STATUS_CHANGE, author_id=actor, old_value=old, new_value=status)
        fields: dict[str, Any] = {"status": status}
        if status in (TicketStatus.SOLVED.value, TicketStatus.CLOSED.value):
            if t.solved_at is None:
                fields["solved_at"] = w.now_ms
        elif old in (TicketStatus.SOLVED.value,):
            fields["solved_at"] = None
            fields["reopen_count"] = t.reopen_count + 1
        w.update(t, **fields)

    def reply(self, ref: str, body: str, *, status: str | None = None) -> EventInfo:
        """A public reply to the customer (stops the first-response clock)."""
        return self._post(ref, body, EventKind.PUBLIC_REPLY, status)

    def note(self, ref: str, body: str) -> EventInfo:
        """An internal note the customer never sees."""
        return self._post(ref, body, EventKind.INTERNAL_NOTE, None)

    def customer_message(self, ref: str, body: str) -> EventInfo:
        """A message from the customer (a pending or solved ticket opens again)."""
        return self._post(ref, body, EventKind.CUSTOMER_MESSAGE, None)

    def _post(self, ref: str, body: str, kind: EventKind, status: str | None) -> EventInfo:
        try:
            body = clean_body(body, "the message")
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        if status is not None:
            status = _enum(TicketStatus, status, "status")
        with self.wb.write() as w:
            t = self._find(w, ref)
            if t.status == TicketStatus.CLOSED.value:
                raise ValidationError(f"ticket #{t.number} is closed; open a follow-up instead")
            author = None if kind is EventKind.CUSTOMER_MESSAGE else self._actor(w)
            self._event(w, t, kind, author_id=author, body=body)
            fields: dict[str, Any] = {"updated_at": w.now_ms}
            if kind is EventKind.PUBLIC_REPLY:
                if t.first_response_at is None:
                    fields["first_response_at"] = w.now_ms
                if status is None and t.status == TicketStatus.NEW.value:
                    status = TicketStatus.OPEN.value
            if kind is EventKind.CUSTOMER_MESSAGE and t.status in (
                TicketStatus.PENDING.value, TicketStatus.SOLVED.value, TicketStatus.ON_HOLD.value
            ):
                status = TicketStatus.OPEN.value
            if status is not None and status != t.status:
                self._set_status(w, t, status, author)
            w.update(t, **fields)
            self.wb.sla.refresh_deadline(w, t)
            event_id = max(w.changes.rows["ticket_events"])
        detail = self.get(ref if ref else t.id)
        return next(e for e in detail.events if e.id == event_id)

    def event_kinds_of(self, ticket_id: str) -> builtins.list[tuple[int, str, str | None]]:
        """(at, kind, new value) for every event of a ticket, oldest first (SLA input)."""
        with self.wb.read() as s:
            rows = s.execute(
                select(TicketEvent.created_at, TicketEvent.kind, TicketEvent.new_value)
                .where(TicketEvent.ticket_id == ticket_id)
                .order_by(TicketEvent.created_at, TicketEvent.id)
            )
            return [(r[0], r[1], r[2]) for r in rows]
