"""The SLA clock and policies: hand-computed scenarios on office hours and 24/7."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from workbench.domain.enums import EventKind, Priority, TicketStatus
from workbench.domain.sla import (
    DEFAULT_POLICY,
    BreachAction,
    BusinessCalendar,
    ClockState,
    PriorityTargets,
    SlaEvent,
    SlaPolicy,
    SlaTarget,
    SlaTicket,
    compute_sla,
    format_duration,
    next_deadline,
)

BERLIN = "Europe/Berlin"
MIN = 60
HOUR = 3600
DAY = 24 * HOUR
OFFICE = BusinessCalendar.from_hours(
    BERLIN, {k: [("09:00", "17:00")] for k in ("mon", "tue", "wed", "thu", "fri")}
)
EASTER_MONDAY = date(2026, 4, 6)
ALWAYS = BusinessCalendar.twenty_four_seven(BERLIN)
FR, NU, RES = SlaTarget.FIRST_RESPONSE, SlaTarget.NEXT_UPDATE, SlaTarget.RESOLUTION


def at(mo: int, d: int, h: int = 0, mi: int = 0, fold: int = 0) -> int:
    """Berlin wall time in 2026 as epoch ms (23 Mar is a Monday, 27 Mar a Friday)."""
    return int(datetime(2026, mo, d, h, mi, tzinfo=ZoneInfo(BERLIN), fold=fold).timestamp()) * 1000


def flat(fr: int = HOUR, nu: int = 4 * HOUR, res: int = 8 * HOUR, **rules: object) -> SlaPolicy:
    """The same targets for every priority."""
    targets = PriorityTargets(fr, nu, res)
    return SlaPolicy.from_targets({p: targets for p in Priority}, **rules)  # type: ignore[arg-type]


def reply(ms: int) -> SlaEvent:
    return SlaEvent(ms, EventKind.PUBLIC_REPLY)


def status(ms: int, new: TicketStatus) -> SlaEvent:
    return SlaEvent(ms, EventKind.STATUS_CHANGE, status=new)


def priority(ms: int, new: Priority) -> SlaEvent:
    return SlaEvent(ms, EventKind.PRIORITY_CHANGE, priority=new)


def ticket(created: int, *events: SlaEvent, prio: Priority = Priority.NORMAL) -> SlaTicket:
    return SlaTicket(created_at_ms=created, priority=prio, events=events)


# (case, calendar, created, now, due, elapsed s, explanation) for a 1 h first response
# fmt: off
FIRST_RESPONSE_CASES = [
    # Fri 16:30 -> 30 min Friday + 30 min Monday; at 16:45, 15 min are used.
    ("friday 16:30", OFFICE, at(3, 27, 16, 30), at(3, 27, 16, 45), at(3, 30, 9, 30), 15 * MIN,
     "due Mon 09:30: Saturday and Sunday closed"),
    # Saturday: nothing counts until Mon 09:00, due 09:00 + 1 h.
    ("saturday", OFFICE, at(3, 28, 10), at(3, 28, 11), at(3, 30, 10), 0,
     "due Mon 10:00: created out of hours, counting from Mon 09:00, Saturday and Sunday closed"),
    # Fri 3 Apr 16:30 with Easter Monday closed: 30 min Friday + 30 min Tuesday.
    ("holiday monday", OFFICE.with_holidays([EASTER_MONDAY]), at(4, 3, 16, 30),
     at(4, 3, 16, 40), at(4, 7, 9, 30), 10 * MIN,
     "due Tue 09:30: Saturday, Sunday and holiday Mon 6 Apr closed"),
    # Berlin fall-back weekend: the same wall-clock answer, Mon 26 Oct 09:30.
    ("fall back weekend", OFFICE, at(10, 23, 16, 30), at(10, 23, 16, 30), at(10, 26, 9, 30), 0,
     "due Mon 09:30: Saturday and Sunday closed"),
    # 24/7 over the spring-forward night: 01:30 CET + 1 h = 03:30 CEST (3600 real s).
    ("24/7 spring forward", ALWAYS, at(3, 29, 1, 30), at(3, 29, 1, 30), at(3, 29, 3, 30), 0,
     "due Sun 03:30"),
    # 24/7 over the fall-back night: 02:30 CEST + 1 h = 02:30 CET (second pass).
    ("24/7 fall back", ALWAYS, at(10, 25, 2, 30), at(10, 25, 2, 30),
     at(10, 25, 2, 30, fold=1), 0, "due Sun 02:30"),
]
# fmt: on


@pytest.mark.parametrize(
    ("calendar", "created", "now", "due", "elapsed", "text"),
    [case[1:] for case in FIRST_RESPONSE_CASES],
    ids=[case[0] for case in FIRST_RESPONSE_CASES],
)
def test_first_response_due(
    calendar: BusinessCalendar, created: int, now: int, due: int, elapsed: int, text: str
) -> None:
    clock = compute_sla(ticket(created), flat(), calendar, now).first_response
    assert (clock.state, clock.due_ms, clock.elapsed_seconds) == (ClockState.RUNNING, due, elapsed)
    assert clock.seconds_left == HOUR - elapsed
    assert clock.explanation == text
    assert clock.live


def test_24_7_one_hour_is_3600_real_seconds_across_dst() -> None:
    for created in (at(3, 29, 1, 30), at(10, 25, 2, 30), at(10, 25, 1, 45)):
        clock = compute_sla(ticket(created), flat(), ALWAYS, created).first_response
        assert clock.due_ms == created + 3600 * 1000


def test_explanation_mentions_pause_and_weekend() -> None:
    # Resolution 3 h, created Fri 13:00: counts 13:00-14:00 (1 h), pending 14:00-16:00
    # (2 h paused), counts 16:00-16:30 (30 min). At 16:30, 1 h 30 min are left:
    # 16:30-17:00 (30 min) + Mon 09:00-10:00 (1 h) -> due Mon 10:00.
    history = ticket(
        at(3, 27, 13),
        status(at(3, 27, 14), TicketStatus.PENDING),
        status(at(3, 27, 16), TicketStatus.OPEN),
    )
    clock = compute_sla(history, flat(res=3 * HOUR), OFFICE, at(3, 27, 16, 30)).resolution
    assert clock.state is ClockState.RUNNING
    assert clock.due_ms == at(3, 30, 10)
    assert (clock.elapsed_seconds, clock.seconds_left) == (90 * MIN, 90 * MIN)
    assert clock.explanation == (
        "due Mon 10:00: 2 h paused while pending, Saturday and Sunday closed"
    )


# (case, reply at, state, seconds left, due) for a 1 h first response created Fri 16:30
REPLY_CASES = [
    # Reply Mon 09:10: 30 min Fri + 10 min Mon = 40 min, 20 min to spare.
    ("met", at(3, 30, 9, 10), ClockState.MET, 20 * MIN, None),
    # Reply exactly at the due instant (Mon 09:30) is still on time.
    ("met at due", at(3, 30, 9, 30), ClockState.MET, 0, None),
    # Reply Mon 10:00: 30 min + 1 h = 1 h 30 min, 30 min late; was due Mon 09:30.
    ("breached", at(3, 30, 10), ClockState.BREACHED, -30 * MIN, at(3, 30, 9, 30)),
]


@pytest.mark.parametrize(
    ("replied", "state", "left", "due"),
    [case[1:] for case in REPLY_CASES],
    ids=[case[0] for case in REPLY_CASES],
)
def test_first_response_met_or_breached(
    replied: int, state: ClockState, left: int, due: int | None
) -> None:
    history = ticket(at(3, 27, 16, 30), reply(replied))
    clock = compute_sla(history, flat(), OFFICE, at(3, 31, 12)).first_response
    assert (clock.state, clock.seconds_left, clock.due_ms, clock.live) == (state, left, due, False)
    assert ("late" in clock.explanation) == (state is ClockState.BREACHED)


def test_running_warning_and_overdue() -> None:
    history = ticket(at(3, 30, 9))
    policy = flat()
    # 44 min of 60 used: below 75 %.
    running = compute_sla(history, policy, OFFICE, at(3, 30, 9, 44)).first_response
    assert running.state is ClockState.RUNNING
    # 45 min of 60: exactly the warning fraction.
    warning = compute_sla(history, policy, OFFICE, at(3, 30, 9, 45)).first_response
    assert warning.state is ClockState.WARNING
    assert warning.explanation == "due Mon 10:00, 15 min left"
    # 10:00 exactly: the whole hour is used but nobody is late yet (a reply now is on time).
    at_due = compute_sla(history, policy, OFFICE, at(3, 30, 10)).first_response
    assert (at_due.state, at_due.seconds_left, at_due.due_ms) == (
        ClockState.WARNING,
        0,
        at(3, 30, 10),
    )
    # 11:00: 2 h used, 1 h over; still live, due stays at the instant it ran out.
    overdue = compute_sla(history, policy, OFFICE, at(3, 30, 11)).first_response
    assert (overdue.state, overdue.due_ms, overdue.seconds_left) == (
        ClockState.BREACHED,
        at(3, 30, 10),
        -HOUR,
    )
    assert overdue.live and overdue.explanation == "overdue since Mon 10:00 by 1 h"
    assert next_deadline(compute_sla(history, policy, OFFICE, at(3, 30, 11))) == (at(3, 30, 10), FR)


def test_pause_across_a_night_on_office_hours() -> None:
    # Resolution 4 h, created Mon 16:00. Counts 16:00-16:30 (30 min); pending from 16:30
    # to Tue 10:00 pauses 30 min (Mon) + 1 h (Tue) of business time. At Tue 10:00 the
    # 3 h 30 min left end at Tue 13:30 (without the pause: Tue 12:00).
    history = ticket(
        at(3, 23, 16),
        status(at(3, 23, 16, 30), TicketStatus.PENDING),
        status(at(3, 24, 10), TicketStatus.OPEN),
    )
    policy = flat(res=4 * HOUR)
    resumed = compute_sla(history, policy, OFFICE, at(3, 24, 10)).resolution
    assert (resumed.state, resumed.due_ms, resumed.elapsed_seconds) == (
        ClockState.RUNNING,
        at(3, 24, 13, 30),
        30 * MIN,
    )
    assert "1 h 30 min paused while pending" in resumed.explanation
    unpaused = compute_sla(ticket(at(3, 23, 16)), policy, OFFICE, at(3, 23, 16, 5)).resolution
    assert unpaused.due_ms == at(3, 24, 12)
    # While pending the clock has no due instant and the queue sees no deadline.
    paused = compute_sla(history, policy, OFFICE, at(3, 23, 22))
    assert (paused.resolution.state, paused.resolution.due_ms) == (ClockState.PAUSED, None)
    assert paused.resolution.seconds_left == 3 * HOUR + 30 * MIN
    assert paused.resolution.explanation.startswith("paused while pending, 3 h 30 min left")
    assert {c.state for c in paused.clocks} == {ClockState.PAUSED}
    assert next_deadline(paused) is None


def test_pause_across_a_night_on_24_7() -> None:
    # 24/7, resolution 4 h, created Mon 20:00; on-hold 21:00 -> Tue 07:00 (10 h).
    # Elapsed 1 h at 07:00, 3 h left -> Tue 10:00.
    history = ticket(
        at(3, 23, 20),
        status(at(3, 23, 21), TicketStatus.ON_HOLD),
        status(at(3, 24, 7), TicketStatus.OPEN),
    )
    clock = compute_sla(history, flat(res=4 * HOUR), ALWAYS, at(3, 24, 7)).resolution
    assert (clock.due_ms, clock.elapsed_seconds) == (at(3, 24, 10), HOUR)
    assert clock.explanation == "due Tue 10:00: 10 h paused while on-hold"


def test_custom_pause_statuses() -> None:
    # With no pause statuses, pending keeps counting: 24/7 Mon 20:00 + 4 h = Tue 00:00.
    history = ticket(at(3, 23, 20), status(at(3, 23, 21), TicketStatus.PENDING))
    clock = compute_sla(history, flat(res=4 * HOUR, pause_statuses=()), ALWAYS, at(3, 23, 22))
    assert (clock.resolution.state, clock.resolution.due_ms) == (ClockState.RUNNING, at(3, 24))


def test_priority_change_retargets_from_creation() -> None:
    # Default policy, 24/7. Normal (first response 4 h) raised to urgent (15 min) at 10:20:
    # the 25 min already elapsed exceed 15 min -> breached since 10:15.
    raised = ticket(at(3, 23, 10), priority(at(3, 23, 10, 20), Priority.URGENT))
    report = compute_sla(raised, DEFAULT_POLICY, ALWAYS, at(3, 23, 10, 25))
    assert report.priority is Priority.URGENT
    assert (report.first_response.state, report.first_response.due_ms) == (
        ClockState.BREACHED,
        at(3, 23, 10, 15),
    )
    # Urgent resolution 1 h from creation -> 11:00; next update 30 min -> 10:30.
    assert report.resolution.due_ms == at(3, 23, 11)
    assert report.next_update.due_ms == at(3, 23, 10, 30)
    assert "re-targeted to urgent priority" in report.resolution.explanation
    assert next_deadline(report) == (at(3, 23, 10, 15), FR)
    # Urgent lowered to low at 10:10: first response 8 h from 10:00 -> 18:00.
    lowered = ticket(at(3, 23, 10), priority(at(3, 23, 10, 10), Priority.LOW), prio=Priority.URGENT)
    clock = compute_sla(lowered, DEFAULT_POLICY, ALWAYS, at(3, 23, 10, 20)).first_response
    assert (clock.state, clock.due_ms) == (ClockState.RUNNING, at(3, 23, 18))


def test_stopped_clock_keeps_the_priority_it_stopped_under() -> None:
    # Normal: reply after 1 h meets the 4 h first response; a later raise to urgent
    # does not turn that answered clock into a breach.
    history = ticket(at(3, 23, 10), reply(at(3, 23, 11)), priority(at(3, 23, 12), Priority.URGENT))
    clock = compute_sla(history, DEFAULT_POLICY, ALWAYS, at(3, 23, 12, 5)).first_response
    assert (clock.state, clock.target_seconds, clock.seconds_left) == (
        ClockState.MET,
        4 * HOUR,
        3 * HOUR,
    )


def test_reopen_continues_resolution() -> None:
    # High (resolution 8 h), 24/7: open Mon 08:00-11:00 (3 h), solved until Tue 08:00,
    # reopened: at Tue 09:00, 4 h elapsed, due Tue 13:00.
    history = ticket(
        at(3, 23, 8),
        reply(at(3, 23, 10, 59)),
        status(at(3, 23, 11), TicketStatus.SOLVED),
        status(at(3, 24, 8), TicketStatus.OPEN),
        prio=Priority.HIGH,
    )
    solved = compute_sla(history, DEFAULT_POLICY, ALWAYS, at(3, 23, 12))
    assert solved.resolution.state is ClockState.MET
    assert solved.resolution.elapsed_seconds == 3 * HOUR
    assert solved.resolution.seconds_left == 5 * HOUR
    assert solved.next_update.state is ClockState.NOT_APPLICABLE
    assert next_deadline(solved) is None
    reopened = compute_sla(history, DEFAULT_POLICY, ALWAYS, at(3, 24, 9))
    assert (reopened.resolution.state, reopened.resolution.due_ms) == (
        ClockState.RUNNING,
        at(3, 24, 13),
    )
    assert reopened.resolution.elapsed_seconds == 4 * HOUR
    assert "21 h stopped while solved" in reopened.resolution.explanation
    # The next update window runs from the last reply (10:59), skipping solved time:
    # 1 min + 1 h = 1 h 1 min of 4 h used -> due Tue 11:59.
    assert reopened.next_update.due_ms == at(3, 24, 11, 59)
    # Solved again at Tue 15:00: 3 h + 7 h = 10 h > 8 h, resolved 2 h late.
    late = ticket(
        history.created_at_ms,
        *history.events,
        status(at(3, 24, 15), TicketStatus.CLOSED),
        prio=Priority.HIGH,
    )
    clock = compute_sla(late, DEFAULT_POLICY, ALWAYS, at(3, 24, 16)).resolution
    assert (clock.state, clock.seconds_left, clock.due_ms, clock.live) == (
        ClockState.BREACHED,
        -2 * HOUR,
        at(3, 24, 13),
        False,
    )
    assert clock.explanation.startswith("breached: solved 2 h late (was due Tue 13:00)")


def test_next_update_after_replies() -> None:
    # Normal: next update 24 h, 24/7. Created Mon 10:00, before any reply the window runs
    # from creation -> due Tue 10:00.
    created = at(3, 23, 10)
    assert compute_sla(
        ticket(created), DEFAULT_POLICY, ALWAYS, at(3, 23, 10, 30)
    ).next_update.due_ms == at(3, 24, 10)
    # Reply Mon 11:00 restarts it; a customer message does not. At Tue 10:00: 23 h used
    # (>= 75 % of 24 h) -> warning, due Tue 11:00.
    events = [reply(at(3, 23, 11)), SlaEvent(at(3, 24, 9), EventKind.CUSTOMER_MESSAGE)]
    warn = compute_sla(ticket(created, *events), DEFAULT_POLICY, ALWAYS, at(3, 24, 10))
    assert (warn.next_update.state, warn.next_update.due_ms) == (ClockState.WARNING, at(3, 24, 11))
    assert warn.first_response.state is ClockState.MET
    # No second reply by Tue 12:00: 1 h overdue.
    late = compute_sla(ticket(created, *events), DEFAULT_POLICY, ALWAYS, at(3, 24, 12))
    assert (late.next_update.state, late.next_update.seconds_left) == (ClockState.BREACHED, -HOUR)
    # Second reply Tue 10:30: new window, at Tue 12:00 1 h 30 min used, due Wed 10:30.
    again = compute_sla(
        ticket(created, *events, reply(at(3, 24, 10, 30))), DEFAULT_POLICY, ALWAYS, at(3, 24, 12)
    )
    assert (again.next_update.state, again.next_update.due_ms) == (
        ClockState.RUNNING,
        at(3, 25, 10, 30),
    )
    assert again.next_update.elapsed_seconds == 90 * MIN
    assert next_deadline(again) == (at(3, 25, 10, 30), NU)  # resolution: Thu 10:00


def test_solved_without_reply() -> None:
    policy = flat()  # first response 1 h, 24/7
    quick = ticket(at(3, 23, 10), status(at(3, 23, 10, 30), TicketStatus.SOLVED))
    clock = compute_sla(quick, policy, ALWAYS, at(3, 23, 12)).first_response
    assert clock.state is ClockState.NOT_APPLICABLE
    assert clock.explanation == "not applicable: solved without a reply"
    slow = ticket(at(3, 23, 10), status(at(3, 23, 12), TicketStatus.SOLVED))
    clock = compute_sla(slow, policy, ALWAYS, at(3, 23, 13)).first_response
    assert (clock.state, clock.seconds_left, clock.live) == (ClockState.BREACHED, -HOUR, False)


def test_events_after_now_are_ignored_and_early_events_clamped() -> None:
    history = ticket(at(3, 23, 10), reply(at(3, 23, 9)), reply(at(3, 23, 15)))
    report = compute_sla(history, flat(), ALWAYS, at(3, 23, 12))
    # The 09:00 reply (before creation) counts as at creation: met with the full hour left.
    assert (report.first_response.state, report.first_response.seconds_left) == (
        ClockState.MET,
        HOUR,
    )
    # The 15:00 reply has not happened at 12:00: the next update window started at 10:00.
    assert report.next_update.elapsed_seconds == 2 * HOUR


def test_ticket_and_event_validation() -> None:
    with pytest.raises(ValueError, match="out of order"):
        ticket(at(3, 23, 10), reply(at(3, 23, 12)), reply(at(3, 23, 11)))
    with pytest.raises(ValueError, match="no new status"):
        SlaEvent(at(3, 23, 10), EventKind.STATUS_CHANGE)
    with pytest.raises(ValueError, match="no new priority"):
        SlaEvent(at(3, 23, 10), EventKind.PRIORITY_CHANGE)
    # Plain strings from the store are coerced to the enums.
    event = SlaEvent(1, "status_change", status="pending")  # type: ignore[arg-type]
    assert event.kind is EventKind.STATUS_CHANGE and event.status is TicketStatus.PENDING


def test_policy_round_trip_and_validation() -> None:
    policy = flat(warning_fraction=0.5, breach_action=BreachAction.RETURN_TO_TEAM_QUEUE)
    data = json.loads(json.dumps(policy.to_dict()))
    assert SlaPolicy.from_dict(data) == policy
    assert SlaPolicy.from_dict(DEFAULT_POLICY.to_dict()) == DEFAULT_POLICY
    assert DEFAULT_POLICY.targets_for(Priority.URGENT) == PriorityTargets(15 * MIN, 30 * MIN, HOUR)
    assert DEFAULT_POLICY.targets_for(Priority.LOW) == PriorityTargets(8 * HOUR, DAY, 5 * DAY)
    assert DEFAULT_POLICY.pause_statuses == {TicketStatus.PENDING, TicketStatus.ON_HOLD}
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: PriorityTargets(0, HOUR, HOUR), "first_response target must be positive"),
        (lambda: PriorityTargets(HOUR, 1.5, HOUR), "whole number"),  # type: ignore[arg-type]
        (lambda: flat(warning_fraction=0), r"warning fraction must be in \(0, 1\]"),
        (lambda: flat(warning_fraction=1.5), r"warning fraction must be in \(0, 1\]"),
        (lambda: flat(pause_statuses=[TicketStatus.SOLVED]), "cannot be pause statuses"),
        (lambda: SlaPolicy.from_targets({}), "missing"),
        (lambda: SlaPolicy.from_dict({"targets": {"urgent": {}}}), "missing"),
        (lambda: SlaPolicy.from_dict({"targets": {"meh": {}}}), "meh"),
        (lambda: SlaPolicy.from_dict({}), "'targets' mapping"),
    ]
    for build, message in cases:
        with pytest.raises(ValueError, match=message):
            build()


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (59, "59 s"),
        (60, "1 min"),
        (5400, "1 h 30 min"),
        (-7200, "2 h"),
        (3 * DAY, "72 h"),
    ],
)
def test_format_duration(seconds: int, text: str) -> None:
    assert format_duration(seconds) == text
