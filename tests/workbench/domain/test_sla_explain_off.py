"""`compute_sla(..., explain=False)`: the cheap path for deadlines in bulk gives exactly the
numbers of the full path (states, due instants, durations, liveness, next deadline), only
without the sentences."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.domain.enums import EventKind, Priority, TicketStatus
from workbench.domain.sla import (
    BusinessCalendar,
    ClockState,
    PriorityTargets,
    SlaEvent,
    SlaPolicy,
    SlaReport,
    SlaTicket,
    compute_sla,
    default_policy,
    next_deadline,
)

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def _ms(zone: str, y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> int:
    return int(datetime(y, mo, d, h, mi, tzinfo=ZoneInfo(zone)).timestamp()) * 1000


CALENDARS = [
    BusinessCalendar.twenty_four_seven("UTC"),
    BusinessCalendar.from_hours(
        "Europe/Berlin",
        {k: [("09:00", "17:00")] for k in WEEKDAYS},
        holidays=[date(2026, 4, 3), date(2026, 4, 6), date(2026, 12, 24), date(2026, 12, 25)],
        name="berlin office",
    ),
    BusinessCalendar.from_hours(
        "America/New_York",
        {k: [("08:00", "12:00"), ("13:00", "17:30")] for k in WEEKDAYS},
        name="new york split shift",
    ),
    BusinessCalendar.from_hours("Asia/Tokyo", {"wed": [("10:00", "10:30")]}, name="sparse"),
]
STATUSES = list(TicketStatus)
PRIORITIES = list(Priority)


def _policy(minutes: int, warning: float, pause_on_hold: bool) -> SlaPolicy:
    base = minutes * 60
    pauses = {TicketStatus.PENDING} | ({TicketStatus.ON_HOLD} if pause_on_hold else set())
    return SlaPolicy.from_targets({p: PriorityTargets(base, 2 * base, 6 * base)
                                   for p in Priority},
                                  pause_statuses=pauses, warning_fraction=warning)


def _event(at: int, kind: int, pick: int) -> SlaEvent:
    if kind == 0:
        return SlaEvent(at, EventKind.PUBLIC_REPLY)
    if kind == 1:
        return SlaEvent(at, EventKind.PRIORITY_CHANGE, priority=PRIORITIES[pick % 4])
    if kind == 2:
        return SlaEvent(at, EventKind.STATUS_CHANGE, status=STATUSES[pick % len(STATUSES)])
    return SlaEvent(at, EventKind.CUSTOMER_MESSAGE)


tickets = st.builds(
    lambda created, prio, status, raw: SlaTicket(
        created_at_ms=created, priority=prio, status=status,
        events=tuple(_event(created + at, kind, pick) for at, kind, pick in sorted(raw))),
    st.integers(_ms("UTC", 2026, 1, 1), _ms("UTC", 2027, 1, 1)),
    st.sampled_from(PRIORITIES),
    st.sampled_from(STATUSES),
    st.lists(st.tuples(st.integers(-HOUR_MS, 5 * DAY_MS), st.integers(0, 3),
                       st.integers(0, 5)), max_size=10),
)
policies = st.builds(_policy, st.integers(1, 3000), st.sampled_from([0.5, 0.75, 1.0]),
                     st.booleans())


def _numbers(report: SlaReport) -> SlaReport:
    """The report with every explanation blanked: what the cheap path must equal."""
    return dataclasses.replace(
        report, **{name: dataclasses.replace(getattr(report, name), explanation="")
                   for name in ("first_response", "next_update", "resolution")})


@settings(max_examples=400, deadline=None)
@given(tickets, policies, st.sampled_from(CALENDARS), st.integers(-HOUR_MS, 12 * DAY_MS))
def test_explain_off_gives_the_same_states_and_due_times(
    ticket: SlaTicket, policy: SlaPolicy, calendar: BusinessCalendar, age: int
) -> None:
    now = ticket.created_at_ms + age
    full = compute_sla(ticket, policy, calendar, now)
    cheap = compute_sla(ticket, policy, calendar, now, explain=False)
    assert cheap == _numbers(full)
    assert next_deadline(cheap) == next_deadline(full)
    assert all(clock.explanation == "" for clock in cheap.clocks)
    assert all(clock.explanation for clock in full.clocks)  # the full path still explains


BERLIN = CALENDARS[1]
MONDAY_9 = _ms("Europe/Berlin", 2026, 3, 2, 9)  # a Monday, opening time


@pytest.mark.parametrize(
    ("events", "age_ms", "clock", "state"),
    [
        ((), 5 * MINUTE_MS, "first_response", ClockState.RUNNING),
        ((), 13 * MINUTE_MS, "first_response", ClockState.WARNING),
        ((), 3 * DAY_MS, "first_response", ClockState.BREACHED),
        (((10 * MINUTE_MS, EventKind.PUBLIC_REPLY, None),), HOUR_MS, "first_response",
         ClockState.MET),
        (((HOUR_MS // 2, EventKind.STATUS_CHANGE, TicketStatus.PENDING),), HOUR_MS,
         "resolution", ClockState.PAUSED),
        (((HOUR_MS // 2, EventKind.STATUS_CHANGE, TicketStatus.SOLVED),), HOUR_MS,
         "next_update", ClockState.NOT_APPLICABLE),
        (((5 * DAY_MS, EventKind.STATUS_CHANGE, TicketStatus.SOLVED),), 6 * DAY_MS,
         "resolution", ClockState.BREACHED),
    ],
)
def test_explain_off_table_of_every_state(
    events: tuple[tuple[int, EventKind, TicketStatus | None], ...], age_ms: int, clock: str,
    state: ClockState,
) -> None:
    """Each state of a clock (urgent: 15 min first response, 1 h resolution; created out of
    hours), both ways alike."""
    ticket = SlaTicket(MONDAY_9 - 3 * HOUR_MS, Priority.URGENT, TicketStatus.OPEN,
                       tuple(SlaEvent(MONDAY_9 + at, kind, status=st_) for at, kind, st_
                             in events))
    policy = default_policy()
    now = MONDAY_9 + age_ms
    full = compute_sla(ticket, policy, BERLIN, now)
    cheap = compute_sla(ticket, policy, BERLIN, now, explain=False)
    assert getattr(full, clock).state is state
    assert getattr(cheap, clock) == dataclasses.replace(getattr(full, clock), explanation="")
    assert cheap == _numbers(full)
    assert getattr(full, clock).explanation
