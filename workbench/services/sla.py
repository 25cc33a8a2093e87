"""SLA use cases: the team's policy and calendar, and each ticket's derived columns (the
denormalised deadline and the per-ticket metric facts, all from ``ticket_facts``)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from workbench.domain.enums import EventKind, Priority, Role, TicketStatus
from workbench.domain.kpi import REPEAT_CONTACT_WINDOW_MS, sla_outcome
from workbench.domain.sla import (
    BreachAction,
    BusinessCalendar,
    SlaEvent,
    SlaPolicy,
    SlaReport,
    SlaTarget,
    SlaTicket,
    compute_sla,
    default_policy,
    next_deadline,
)
from workbench.services.dto import TicketDetail, TicketRow
from workbench.services.errors import NotFound, PermissionDenied, ValidationError
from workbench.store import fact_queries as fq
from workbench.store import ticket_queries as tq
from workbench.store.changelog import Writer
from workbench.store.models import Agent, Ticket, TicketEvent
from workbench.store.models import SlaCalendar as CalendarRow
from workbench.store.models import SlaPolicy as PolicyRow
from workbench.store.models.tickets import queue_rank

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from workbench.services.context import Workbench


def sla_ticket(
    created_at: int, priority: str, status: str, rows: Sequence[Any]
) -> SlaTicket:
    """The clock's view of a ticket from its current state and its (at, kind, old, new) events.

    The state at creation is the old value of the first change of each kind, else the
    current one. The ticket's current priority and status are the truth: after a sync
    conflict the losing edit's event stays in the thread and may replay last, so the replay
    ends with a change to the current values at its last event (every replica holds the
    same events and the same merged row, so every replica computes the same clock).
    """
    first_priority, first_status = priority, status
    last_priority: str | None = None
    last_status: str | None = None
    seen_p = seen_s = False
    last_at = created_at
    events: list[SlaEvent] = []
    for at, kind, old, new in rows:
        last_at = max(last_at, at)
        if kind == EventKind.PRIORITY_CHANGE:
            if not seen_p and old:
                first_priority, seen_p = old, True
            last_priority = new
            events.append(SlaEvent(at_ms=at, kind=EventKind.PRIORITY_CHANGE,
                                   priority=Priority(new)))
        elif kind == EventKind.STATUS_CHANGE:
            if not seen_s and old:
                first_status, seen_s = old, True
            last_status = new
            events.append(SlaEvent(at_ms=at, kind=EventKind.STATUS_CHANGE,
                                   status=TicketStatus(new)))
        elif kind in _CLOCK_KINDS:
            events.append(SlaEvent(at_ms=at, kind=EventKind(kind)))
    if last_priority is not None and last_priority != priority:
        events.append(SlaEvent(at_ms=last_at, kind=EventKind.PRIORITY_CHANGE,
                               priority=Priority(priority)))
    if last_status is not None and last_status != status:
        events.append(SlaEvent(at_ms=last_at, kind=EventKind.STATUS_CHANGE,
                               status=TicketStatus(status)))
    return SlaTicket(
        created_at_ms=created_at,
        priority=Priority(first_priority),
        status=TicketStatus(first_status),
        events=tuple(events),
    )


_CLOCK_KINDS = {EventKind.PUBLIC_REPLY.value, EventKind.CUSTOMER_MESSAGE.value}
_REPLY = EventKind.PUBLIC_REPLY.value


def ticket_facts(
    created_at: int,
    priority: str,
    status: str,
    events: Sequence[Sequence[Any]],
    policy: SlaPolicy,
    calendar: BusinessCalendar,
    now_ms: int,
    *,
    solved_at: int | None = None,
    reopen_count: int = 0,
    next_contact_at: int | None = None,
    first_response_at: int | None = None,
) -> dict[str, Any]:
    """Every derived column of a ticket (``Ticket.__derived__``), from its state and its
    events in order as (at, kind, old, new, author_id) rows.

    The one computation behind the write path (``SlaService.refresh_deadline``), the sync
    bulk path, backfills and the demo generator. The SLA verdicts are stored only once the
    ticket is solved/closed (open tickets are judged by the metrics as of their "now").
    *next_contact_at* is the creation of the customer's first other ticket created after
    *solved_at* (``fact_queries.next_contact_at``), the one input from other tickets.
    """
    ticket = sla_ticket(created_at, priority, status, [row[:4] for row in events])
    # A stored column must count every known event: one stamped by a colleague whose clock
    # runs ahead of ours would otherwise be ignored until our next write of this ticket.
    now_ms = max([now_ms, *(e.at_ms for e in ticket.events)])
    report = compute_sla(ticket, policy, calendar, now_ms, explain=False)
    nxt = next_deadline(report)
    due, target = (nxt[0], str(nxt[1])) if nxt else (None, None)
    is_open = TicketStatus(status).is_open
    verdicts: tuple[str | None, str | None, str | None] = (None, None, None)
    if not is_open:
        out = sla_outcome(ticket, policy, calendar, now_ms, report)
        verdicts = (out.first_response.value, out.next_update.value, out.resolution.value)
    return {
        "next_due_at": due,
        "next_due_target": target,
        "queue_rank": queue_rank(is_open, due, created_at),
        "agent_replies": sum(1 for row in events if row[1] == _REPLY and row[4] is not None),
        "repeat_contact": repeat_contact(reopen_count, solved_at, next_contact_at),
        "sla_first_response": verdicts[0],
        "sla_next_update": verdicts[1],
        "sla_resolution": verdicts[2],
        "first_response_s": _seconds(created_at, first_response_at),
        "resolution_s": _seconds(created_at, solved_at),
    }


def _seconds(start: int, end: int | None) -> int | None:
    """Whole seconds from start to end, negative as 0 (the metrics' duration unit)."""
    return None if end is None else max(0, end - start) // 1000


def repeat_contact(reopen_count: int, solved_at: int | None, next_contact_at: int | None) -> bool:
    """Reopened, or the customer created another ticket within 7 days after the solve."""
    if reopen_count > 0:
        return True
    return (solved_at is not None and next_contact_at is not None
            and next_contact_at <= solved_at + REPEAT_CONTACT_WINDOW_MS)


class SlaService:
    def __init__(self, wb: Workbench) -> None:
        self.wb = wb
        self._lock = threading.Lock()
        self._cached: tuple[SlaPolicy, BusinessCalendar] | None = None
        wb.subscribe(self._on_change)

    def _on_change(self, changes: Any) -> None:
        if changes.touches("sla_policies") or changes.touches("sla_calendars"):
            self.forget_cached_policy()

    def forget_cached_policy(self) -> None:
        """Drop the cached policy; the next use reads it again (from the caller's session)."""
        with self._lock:
            self._cached = None

    def active(self, session: Session | None = None) -> tuple[SlaPolicy, BusinessCalendar]:
        """The default policy and its calendar (built-in defaults before any are stored)."""
        with self._lock:
            if self._cached is not None:
                return self._cached
        if session is None:
            with self.wb.read() as s:
                return self.active(s)
        row = session.scalar(
            select(PolicyRow).order_by(PolicyRow.is_default.desc(), PolicyRow.updated_at).limit(1)
        )
        if row is None:
            result = (default_policy(), BusinessCalendar.twenty_four_seven("UTC"))
        else:
            cal = session.get(CalendarRow, row.calendar_id)
            calendar = (
                BusinessCalendar.from_dict(cal.definition)
                if cal
                else BusinessCalendar.twenty_four_seven("UTC")
            )
            result = (SlaPolicy.from_dict(row.definition), calendar)
        with self._lock:
            self._cached = result
        return result

    def report_for(self, session: Session, t: Ticket, now_ms: int) -> SlaReport:
        rows = session.execute(
            select(TicketEvent.created_at, TicketEvent.kind, TicketEvent.old_value,
                   TicketEvent.new_value)
            .where(TicketEvent.ticket_id == t.id)
            .order_by(TicketEvent.created_at, TicketEvent.id)
        ).all()
        policy, calendar = self.active(session)
        return compute_sla(sla_ticket(t.created_at, t.priority, t.status, rows),
                           policy, calendar, now_ms)

    def refresh_deadline(self, w: Writer, t: Ticket) -> None:
        """Recompute the ticket's derived columns (deadline, metric facts) from its events,
        and ``repeat_contact`` of the customer's tickets its creation makes repeats."""
        s = w.session
        s.flush()
        policy, calendar = self.active(s)
        w.update(t, **ticket_facts(
            t.created_at, t.priority, t.status, fq.fact_events(s, t.id), policy, calendar,
            w.now_ms, solved_at=t.solved_at, reopen_count=t.reopen_count,
            next_contact_at=_next_contact(s, t), first_response_at=t.first_response_at))
        for earlier in fq.solved_in_window_before(s, t):
            w.update(earlier, repeat_contact=repeat_contact(
                earlier.reopen_count, earlier.solved_at, _next_contact(s, earlier)))

    def refresh_repeat_contacts(self, w: Writer, customer_id: str) -> int:
        """Recompute repeat_contact of every ticket of a customer, e.g. after a merge moved
        another customer's tickets to it; returns how many changed."""
        s = w.session
        s.flush()
        changed = 0
        for t in s.scalars(select(Ticket).where(Ticket.customer_id == customer_id)):
            value = repeat_contact(t.reopen_count, t.solved_at, _next_contact(s, t))
            changed += value != t.repeat_contact
            w.update(t, repeat_contact=value)
        return changed

    def report(self, ref: str) -> SlaReport:
        """The three clocks of a ticket right now, with their explanations."""
        with self.wb.read() as s:
            t = tq.find_ticket(s, ref)
            if t is None:
                raise NotFound(f"no ticket {ref!r}")
            return self.report_for(s, t, self.wb.now_ms())

    def warning_times(self, rows: Sequence[TicketRow]) -> list[int | None]:
        """When each row's next deadline turns amber: the instant the policy's warning
        fraction of its target is used up (None when no clock runs toward a deadline).

        Pure arithmetic on the rows' denormalised deadline, the targets for their priority
        and the calendar, so a list of tickets never replays any events. Running clocks
        consume business time until the deadline, so the warning falls where the business
        time left equals (1 - fraction) × target.
        """
        policy, calendar = self.active()
        now = self.wb.now_ms()
        out: list[int | None] = []
        margins: dict[tuple[str, str], int | None] = {}  # (priority, target) -> ms
        for row in rows:
            if row.next_due_at is None or row.next_due_target is None:
                out.append(None)
                continue
            key = (row.priority, row.next_due_target)
            if key not in margins:
                try:
                    total = policy.target_seconds(Priority(row.priority),
                                                  SlaTarget(row.next_due_target)) * 1000
                    margins[key] = round(total * (1.0 - policy.warning_fraction))
                except ValueError:
                    margins[key] = None  # a value from a newer peer: no warning, no crash
            margin = margins[key]
            out.append(None if margin is None
                       else _warning_at(calendar, row.next_due_at, margin, now))
        return out

    def report_of(self, detail: TicketDetail) -> SlaReport:
        """The clocks of a ticket already read with its events (``wb.tickets.get``), right
        now: the same answer as :meth:`report`, without reading the events again."""
        t = detail.ticket
        rows = [(e.created_at, e.kind, e.old_value, e.new_value) for e in detail.events]
        policy, calendar = self.active()
        return compute_sla(sla_ticket(t.created_at, t.priority, t.status, rows),
                           policy, calendar, self.wb.now_ms())

    def save(self, policy: SlaPolicy, calendar: BusinessCalendar) -> int:
        """Make *policy* on *calendar* the team's default (managers only).

        Every open ticket is re-timed against it; returns how many were.
        """
        with self.wb.write() as w:
            actor = w.session.get(Agent, w.actor_id) if w.actor_id else None
            if actor is None or actor.role != Role.MANAGER.value:
                raise PermissionDenied("only managers change SLA policies and calendars")
            row = w.session.scalar(
                select(PolicyRow).order_by(PolicyRow.is_default.desc()).limit(1)
            )
            if row is None:
                cal = w.insert(CalendarRow(name=calendar.name or "Business hours",
                                           definition=calendar.to_dict(), updated_at=w.now_ms))
                w.insert(PolicyRow(name=policy.name or "Default", calendar_id=cal.id,
                                   definition=policy.to_dict(), is_default=True,
                                   updated_at=w.now_ms))
            else:
                cal_row = w.session.get(CalendarRow, row.calendar_id)
                assert cal_row is not None
                w.update(cal_row, name=calendar.name or cal_row.name,
                         definition=calendar.to_dict(), updated_at=w.now_ms)
                w.update(row, name=policy.name or row.name, definition=policy.to_dict(),
                         updated_at=w.now_ms)
            with self._lock:
                self._cached = (policy, calendar)
            return self._retime_open(w)

    def _retime_open(self, w: Writer) -> int:
        count = 0
        open_statuses = [s.value for s in TicketStatus if s.is_open]
        for t in w.session.scalars(select(Ticket).where(Ticket.status.in_(open_statuses))):
            self.refresh_deadline(w, t)
            count += 1
        return count

    def escalate_breached(self) -> list[str]:
        """Apply the policy's breach action to open tickets past a deadline, once each.

        The ticket is tagged ``sla-escalated`` so a ticket is escalated once per breach;
        returns the ids of the tickets changed.
        """
        policy, _ = self.active()
        if policy.breach_action is BreachAction.NONE:
            return []
        changed: list[str] = []
        with self.wb.write() as w:
            open_statuses = [s.value for s in TicketStatus if s.is_open]
            due = w.session.scalars(
                select(Ticket).where(
                    Ticket.status.in_(open_statuses), Ticket.next_due_at <= w.now_ms
                )
            )
            for t in due:
                if ESCALATED_TAG in t.tags:
                    continue
                if policy.breach_action is BreachAction.RAISE_PRIORITY:
                    order = [p.value for p in Priority]
                    higher = order[max(0, order.index(t.priority) - 1)]
                    if higher != t.priority:
                        w.insert(TicketEvent(ticket_id=t.id, kind=EventKind.PRIORITY_CHANGE.value,
                                             author_id=None, body="SLA breached",
                                             old_value=t.priority, new_value=higher,
                                             created_at=w.now_ms))
                        w.update(t, priority=higher)
                elif t.assignee_id is not None:
                    w.insert(TicketEvent(ticket_id=t.id, kind=EventKind.ASSIGNEE_CHANGE.value,
                                         author_id=None, body="SLA breached: back to the team",
                                         old_value=t.assignee_id, new_value=None,
                                         created_at=w.now_ms))
                    w.update(t, assignee_id=None)
                w.update(t, tags=sorted({*t.tags, ESCALATED_TAG}), updated_at=w.now_ms)
                self.refresh_deadline(w, t)
                changed.append(t.id)
        return changed


ESCALATED_TAG = "sla-escalated"


def _next_contact(s: Session, t: Ticket) -> int | None:
    if t.solved_at is None or t.reopen_count > 0:  # repeat_contact does not need it
        return None
    return fq.next_contact_at(s, t.customer_id, t.solved_at, t.id)


def _warning_at(calendar: BusinessCalendar, due_ms: int, margin_ms: int, now_ms: int) -> int:
    """The instant *margin_ms* of business time before *due_ms* (as seen from *now_ms*)."""
    if calendar.is_always_open:
        return due_ms - margin_ms
    if due_ms <= now_ms:
        return min(due_ms, now_ms)  # breached already: past any warning
    left = calendar.business_ms_between(now_ms, due_ms)
    if left <= margin_ms:
        return now_ms  # inside the margin already
    return calendar.add_business_ms(now_ms, left - margin_ms)


def check_policy_document(data: dict[str, Any]) -> SlaPolicy:
    """A policy from its JSON form, or a ValidationError saying what is wrong."""
    try:
        return SlaPolicy.from_dict(data)
    except (ValueError, TypeError) as exc:
        raise ValidationError(f"the SLA policy is not valid: {exc}") from exc
