"""The SLA clock: a pure function from a ticket's history to the state of its targets.

`compute_sla(ticket, policy, calendar, now_ms)` replays the ticket's status and priority
changes and public replies up to `now_ms` and reports, for each target:

* first response: business time from creation to the first public reply.
* next update: business time since the last public reply (or creation); the customer
  should never wait longer than the target between our replies while the ticket is
  open. Only the current window is reported; it is not applicable once solved/closed.
* resolution: business time from creation until solved/closed. A reopen continues
  from where it stopped, so time accumulates across open periods.

Every clock consumes time only while the status is open and not one of the policy's
pause statuses (all three pause, including first response: a ticket waiting on the
customer is not ours to answer). Solved/closed stop all clocks; a first response that
is still missing when the ticket is solved is not applicable unless already breached.

The targets always come from the current priority, applied to the business time
elapsed since creation (a change re-targets from the start, it does not restart the
clock); a clock that has already stopped keeps the priority it stopped under.

Each clock also carries a sentence for people ("due Tue 14:00: 2 h paused while pending").
Wording it costs more than the arithmetic (local times, closed days, idle time per status),
so callers that keep only due instants and states -- the queue's denormalised deadline over
a page of thousands of synced tickets -- pass ``explain=False`` and get the same numbers
with empty explanations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from itertools import pairwise

from workbench.domain.enums import EventKind, Priority, TicketStatus
from workbench.domain.sla.calendar import WEEKDAY_NAMES, BusinessCalendar
from workbench.domain.sla.policy import SlaPolicy, SlaTarget

__all__ = [
    "ClockState",
    "SlaEvent",
    "SlaReport",
    "SlaTicket",
    "TargetClock",
    "compute_sla",
    "format_duration",
    "next_deadline",
]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MAX_NAMED_CLOSED_DAYS = 4


class ClockState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    WARNING = "warning"
    BREACHED = "breached"
    MET = "met"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class SlaEvent:
    """One ticket event; `status`/`priority` carry the NEW value of a change event."""

    at_ms: int
    kind: EventKind
    status: TicketStatus | None = None
    priority: Priority | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", EventKind(self.kind))
        if self.status is not None:
            object.__setattr__(self, "status", TicketStatus(self.status))
        if self.priority is not None:
            object.__setattr__(self, "priority", Priority(self.priority))
        if self.kind is EventKind.STATUS_CHANGE and self.status is None:
            raise ValueError(f"status change at {self.at_ms} has no new status")
        if self.kind is EventKind.PRIORITY_CHANGE and self.priority is None:
            raise ValueError(f"priority change at {self.at_ms} has no new priority")


@dataclass(frozen=True)
class SlaTicket:
    """What the clock needs of a ticket: its state at creation and what happened since.

    Events must be in chronological order (ties keep their list order); events stamped
    before creation (clock skew on import) count as happening at creation.
    """

    created_at_ms: int
    priority: Priority
    status: TicketStatus = TicketStatus.NEW
    events: Sequence[SlaEvent] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "priority", Priority(self.priority))
        object.__setattr__(self, "status", TicketStatus(self.status))
        object.__setattr__(self, "events", tuple(self.events))
        for before, after in pairwise(self.events):
            if after.at_ms < before.at_ms:
                raise ValueError(f"events out of order: {after.at_ms} after {before.at_ms}")


@dataclass(frozen=True)
class TargetClock:
    """State of one target. Durations are business seconds; `due_ms` is a real instant.

    `due_ms` is None when met, not applicable, or paused (a paused clock has no due
    instant until it resumes); for a breached clock it is when the target ran out.
    `live` is True when the clock is consuming time now (not stopped, not paused).
    """

    target: SlaTarget
    state: ClockState
    target_seconds: int
    due_ms: int | None
    seconds_left: int
    elapsed_seconds: int
    live: bool
    explanation: str


@dataclass(frozen=True)
class SlaReport:
    computed_at_ms: int
    priority: Priority
    status: TicketStatus
    first_response: TargetClock
    next_update: TargetClock
    resolution: TargetClock

    @property
    def clocks(self) -> tuple[TargetClock, TargetClock, TargetClock]:
        return (self.first_response, self.next_update, self.resolution)

    def clock(self, target: SlaTarget) -> TargetClock:
        return {clock.target: clock for clock in self.clocks}[target]

    @property
    def breached(self) -> bool:
        return any(clock.state is ClockState.BREACHED for clock in self.clocks)


def next_deadline(report: SlaReport) -> tuple[int, SlaTarget] | None:
    """Earliest due instant among live clocks (running, warning, breached-and-running).

    Paused clocks have no due instant, and stopped clocks (met, or breached but already
    answered/solved) need nothing more, so a ticket with no live clock returns None and
    the queue sorts it after every ticket with a deadline.
    """
    candidates = [
        (clock.due_ms, clock.target)
        for clock in report.clocks
        if clock.live and clock.due_ms is not None
    ]
    return min(candidates, key=lambda item: item[0]) if candidates else None


def format_duration(seconds: int) -> str:
    """'1 h 30 min', '45 min', '20 s'; the sign is dropped (callers word it)."""
    seconds = abs(seconds)
    if seconds < 60:
        return f"{seconds} s"
    hours, minutes = divmod(seconds // 60, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


@dataclass(frozen=True)
class _Segment:
    start: int
    end: int
    status: TicketStatus
    priority: Priority


@dataclass
class _History:
    segments: list[_Segment]
    status: TicketStatus
    priority: Priority
    first_reply: tuple[int, Priority] | None
    last_reply: int | None
    stopped: tuple[int, Priority] | None  # last move into solved/closed


def _replay(ticket: SlaTicket, now_ms: int) -> _History:
    segments: list[_Segment] = []
    status, priority = ticket.status, ticket.priority
    cursor = ticket.created_at_ms
    first_reply: tuple[int, Priority] | None = None
    last_reply: int | None = None
    stopped: tuple[int, Priority] | None = None if status.is_open else (cursor, priority)
    for event in ticket.events:
        at = max(event.at_ms, ticket.created_at_ms)
        if at > now_ms:
            break  # the report is as of now_ms; later events have not happened yet
        if at > cursor:
            segments.append(_Segment(cursor, at, status, priority))
            cursor = at
        if event.kind is EventKind.PUBLIC_REPLY:
            first_reply = first_reply or (at, priority)
            last_reply = at
        elif event.kind is EventKind.PRIORITY_CHANGE and event.priority is not None:
            priority = event.priority
        elif event.kind is EventKind.STATUS_CHANGE and event.status is not None:
            if status.is_open and not event.status.is_open:
                stopped = (at, priority)
            status = event.status
    if now_ms > cursor:
        segments.append(_Segment(cursor, now_ms, status, priority))
    return _History(segments, status, priority, first_reply, last_reply, stopped)


@dataclass(frozen=True)
class _Context:
    ticket: SlaTicket
    policy: SlaPolicy
    calendar: BusinessCalendar
    now_ms: int
    history: _History
    explain: bool = True


@dataclass
class _Measure:
    elapsed_ms: int
    crossed_at: int | None  # when elapsed reached the target, if it did
    idle_ms: dict[TicketStatus, int]  # business time not counted, per status


def _measure(ctx: _Context, start: int, end: int, target_ms: int) -> _Measure:
    elapsed, crossed = 0, None
    idle: dict[TicketStatus, int] = defaultdict(int)
    for segment in ctx.history.segments:
        a, b = max(segment.start, start), min(segment.end, end)
        if b <= a:
            continue
        business = ctx.calendar.business_ms_between(a, b)
        if not _counts(segment.status, ctx.policy):
            idle[segment.status] += business
            continue
        if crossed is None and elapsed + business >= target_ms:
            crossed = ctx.calendar.add_business_ms(a, target_ms - elapsed)
        elapsed += business
    return _Measure(elapsed, crossed, dict(idle))


def _counts(status: TicketStatus, policy: SlaPolicy) -> bool:
    return status.is_open and not policy.pauses(status)


def compute_sla(
    ticket: SlaTicket,
    policy: SlaPolicy,
    calendar: BusinessCalendar,
    now_ms: int,
    *,
    explain: bool = True,
) -> SlaReport:
    """Report every target of `ticket` as of `now_ms` (events after it are ignored).

    With ``explain=False`` every clock's ``explanation`` is empty and nothing else differs
    (states, due instants, durations, liveness): the cheap path for deadlines in bulk.
    """
    now_ms = max(now_ms, ticket.created_at_ms)
    history = _replay(ticket, now_ms)
    ctx = _Context(ticket, policy, calendar, now_ms, history, explain)
    return SlaReport(
        computed_at_ms=now_ms,
        priority=history.priority,
        status=history.status,
        first_response=_first_response(ctx),
        next_update=_next_update(ctx),
        resolution=_resolution(ctx),
    )


def _first_response(ctx: _Context) -> TargetClock:
    history, created = ctx.history, ctx.ticket.created_at_ms
    if history.first_reply is not None:
        return _settled(ctx, SlaTarget.FIRST_RESPONSE, created, *history.first_reply, "answered")
    if history.stopped is not None and not history.status.is_open:
        why = f"{history.status} without a reply"
        clock = _settled(ctx, SlaTarget.FIRST_RESPONSE, created, *history.stopped, why)
        breached = clock.state is ClockState.BREACHED
        return clock if breached else _not_applicable(ctx, SlaTarget.FIRST_RESPONSE, why)
    return _live(ctx, SlaTarget.FIRST_RESPONSE, created, "created")


def _next_update(ctx: _Context) -> TargetClock:
    if not ctx.history.status.is_open:
        return _not_applicable(ctx, SlaTarget.NEXT_UPDATE, f"ticket {ctx.history.status}")
    if ctx.history.last_reply is None:
        return _live(ctx, SlaTarget.NEXT_UPDATE, ctx.ticket.created_at_ms, "created")
    return _live(ctx, SlaTarget.NEXT_UPDATE, ctx.history.last_reply, "last reply")


def _resolution(ctx: _Context) -> TargetClock:
    history, created = ctx.history, ctx.ticket.created_at_ms
    if history.stopped is not None and not history.status.is_open:
        return _settled(ctx, SlaTarget.RESOLUTION, created, *history.stopped, "solved")
    return _live(ctx, SlaTarget.RESOLUTION, created, "created")


def _settled(
    ctx: _Context, target: SlaTarget, start: int, stop: int, priority: Priority, verb: str
) -> TargetClock:
    target_s = ctx.policy.target_seconds(priority, target)
    measure = _measure(ctx, start, stop, target_s * 1000)
    left = _to_s(target_s * 1000 - measure.elapsed_ms)
    met = measure.elapsed_ms <= target_s * 1000
    state, due = (ClockState.MET, None) if met else (ClockState.BREACHED, measure.crossed_at)
    elapsed = _to_s(measure.elapsed_ms)
    if not ctx.explain:
        return TargetClock(target, state, target_s, due, left, elapsed, False, "")
    if met:
        head = f"met: {verb} with {format_duration(left)} to spare"
    else:
        head = f"breached: {verb} {format_duration(left)} late"
        head += f" (was due {_format_instant(ctx, due)})" if due is not None else ""
    end = due if due is not None else stop
    text = _explain(head, _reasons(ctx, start, end, measure, stop, priority, "created"))
    return TargetClock(target, state, target_s, due, left, elapsed, False, text)


def _live(ctx: _Context, target: SlaTarget, start: int, start_label: str) -> TargetClock:
    priority, status = ctx.history.priority, ctx.history.status
    target_s = ctx.policy.target_seconds(priority, target)
    target_ms = target_s * 1000
    measure = _measure(ctx, start, ctx.now_ms, target_ms)
    left = _to_s(target_ms - measure.elapsed_ms)
    counting = _counts(status, ctx.policy)
    due: int | None
    if measure.elapsed_ms > target_ms:
        state, due = ClockState.BREACHED, measure.crossed_at
    elif not counting:
        state, due = ClockState.PAUSED, None
    else:
        due = measure.crossed_at
        if due is None:
            due = ctx.calendar.add_business_ms(ctx.now_ms, target_ms - measure.elapsed_ms)
        warn = measure.elapsed_ms >= ctx.policy.warning_fraction * target_ms
        state = ClockState.WARNING if warn else ClockState.RUNNING
    elapsed = _to_s(measure.elapsed_ms)
    if not ctx.explain:
        return TargetClock(target, state, target_s, due, left, elapsed, counting, "")
    if state is ClockState.BREACHED:
        head = f"overdue since {_format_instant(ctx, due)} by {format_duration(left)}"
        head += "" if counting else f", paused while {status}"
    elif state is ClockState.PAUSED:
        head = f"paused while {status}, {format_duration(left)} left"
    else:
        head = f"due {_format_instant(ctx, due)}"
        head += f", {format_duration(left)} left" if state is ClockState.WARNING else ""
    end = due if due is not None else ctx.now_ms
    text = _explain(head, _reasons(ctx, start, end, measure, ctx.now_ms, priority, start_label))
    return TargetClock(target, state, target_s, due, left, elapsed, counting, text)


def _not_applicable(ctx: _Context, target: SlaTarget, why: str) -> TargetClock:
    target_s = ctx.policy.target_seconds(ctx.history.priority, target)
    text = f"not applicable: {why}" if ctx.explain else ""
    return TargetClock(target, ClockState.NOT_APPLICABLE, target_s, None, target_s, 0, False, text)


# -- explanations -------------------------------------------------------------------------


def _to_s(ms: int) -> int:
    return ms // 1000


def _explain(head: str, reasons: list[str]) -> str:
    return f"{head}: {', '.join(reasons)}" if reasons else head


def _day_month(day: date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()][:3]} {day.day} {_MONTHS[day.month - 1]}"


def _format_instant(ctx: _Context, ms: int | None) -> str:
    if ms is None:
        return "?"
    local, today = ctx.calendar.to_local(ms), ctx.calendar.to_local(ctx.now_ms).date()
    near = abs(local.date() - today) < timedelta(days=6)  # the weekday alone is unambiguous
    day = WEEKDAY_NAMES[local.weekday()][:3] if near else _day_month(local.date())
    return f"{day} {local:%H:%M}"


def _reasons(
    ctx: _Context, start: int, end: int, measure: _Measure, until: int, prio: Priority, label: str
) -> list[str]:
    calendar, reasons = ctx.calendar, []
    if not calendar.is_always_open and not calendar.is_open(start):
        opens = _format_instant(ctx, calendar.next_open(start))
        reasons.append(f"{label} out of hours, counting from {opens}")
    idle = measure.idle_ms
    if end < until:  # an overdue clock is explained by what came before its due
        idle = _measure(ctx, start, end, 1 << 62).idle_ms
    for status, idle_ms in idle.items():
        if idle_ms >= 1000:
            verb = "paused" if status.is_open else "stopped"
            reasons.append(f"{format_duration(_to_s(idle_ms))} {verb} while {status}")
    if prio is not ctx.ticket.priority:
        reasons.append(f"re-targeted to {prio} priority")
    closed = [] if calendar.is_always_open else calendar.closed_days_between(start, end)
    if len(closed) > _MAX_NAMED_CLOSED_DAYS or (closed and (closed[-1] - closed[0]).days >= 7):
        reasons.append(f"{len(closed)} closed days")
    elif closed:
        names = [
            f"holiday {_day_month(d)}" if d in calendar.holidays else WEEKDAY_NAMES[d.weekday()]
            for d in closed
        ]
        joined = " and ".join(filter(None, [", ".join(names[:-1]), names[-1]]))
        reasons.append(f"{joined} closed")
    return reasons
