"""kpi.sla_outcome given the clock's report the caller already computed (ticket_facts does)
answers exactly as when it runs the clock itself."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.domain import kpi
from workbench.domain.clock import parse_iso
from workbench.domain.enums import EventKind, Priority, TicketStatus
from workbench.domain.sla import (
    BusinessCalendar,
    SlaEvent,
    SlaTicket,
    compute_sla,
    default_policy,
)

T0 = parse_iso("2026-03-02T09:00:00Z")
POLICY = default_policy()
OFFICE = BusinessCalendar.from_hours(
    "Europe/Berlin", {d: [("09:00", "17:00")] for d in ("mon", "tue", "wed", "thu", "fri")})
_KINDS = st.sampled_from(["reply", "priority", *[s.value for s in TicketStatus]])


@settings(max_examples=100, deadline=None)
@given(
    steps=st.lists(st.tuples(st.integers(0, 40 * 60), _KINDS, st.sampled_from(list(Priority))),
                   max_size=8),
    office=st.booleans(),
    now_min=st.integers(0, 20_000),
)
def test_a_given_report_gives_the_same_verdicts(
    steps: list[tuple[int, str, Priority]], office: bool, now_min: int
) -> None:
    at, events = T0, []
    for minutes, kind, prio in steps:
        at += minutes * 60_000
        if kind == "reply":
            events.append(SlaEvent(at, EventKind.PUBLIC_REPLY))
        elif kind == "priority":
            events.append(SlaEvent(at, EventKind.PRIORITY_CHANGE, priority=prio))
        else:
            events.append(SlaEvent(at, EventKind.STATUS_CHANGE, status=TicketStatus(kind)))
    ticket = SlaTicket(T0, Priority.NORMAL, TicketStatus.NEW, tuple(events))
    calendar = OFFICE if office else BusinessCalendar.twenty_four_seven()
    now = T0 + now_min * 60_000
    report = compute_sla(ticket, POLICY, calendar, now)
    assert kpi.sla_outcome(ticket, POLICY, calendar, now, report) == kpi.sla_outcome(
        ticket, POLICY, calendar, now)
