"""KPI formulas with hand-computed oracles; the SLA verdicts agree with the plain clock."""

from __future__ import annotations

import random
from datetime import date
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.domain import kpi
from workbench.domain.clock import parse_iso
from workbench.domain.enums import EventKind, Priority, TicketStatus
from workbench.domain.kpi import Outcome
from workbench.domain.sla import (
    BusinessCalendar,
    ClockState,
    SlaEvent,
    SlaTicket,
    compute_sla,
    default_policy,
)

H = 3_600_000
T0 = parse_iso("2026-03-02T09:00:00Z")
POLICY = default_policy()
ALWAYS = BusinessCalendar.twenty_four_seven()
OFFICE = BusinessCalendar.from_hours(
    "Europe/Berlin", {d: [("09:00", "12:00"), ("13:00", "17:00")] for d in
                      ("mon", "tue", "wed", "thu", "fri")},
    holidays=[date(2026, 4, 3)],
)


# -- percentiles: linear interpolation between closest ranks ------------------------------


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        ([15, 20, 35, 40, 50], 50, 35.0),  # h = 4 × 0.5 = 2 → v[2]
        ([15, 20, 35, 40, 50], 90, 46.0),  # h = 3.6 → 40 + 0.6 × (50 − 40)
        ([15, 20, 35, 40, 50], 25, 20.0),  # h = 1
        ([15, 20, 35, 40, 50], 0, 15.0),
        ([15, 20, 35, 40, 50], 100, 50.0),
        ([1, 2, 3, 4], 50, 2.5),  # even count: mean of the two middle values
        ([1, 2, 3, 4], 90, 3.7),  # h = 2.7 → 3 + 0.7 × 1
        ([7], 90, 7.0),
        ([], 50, None),
    ],
)
def test_percentile_interpolates_between_closest_ranks(
    values: list[int], p: float, expected: float | None
) -> None:
    result = kpi.percentile(values, p)
    assert result == (None if expected is None else pytest.approx(expected))


def test_a_histogram_gives_the_same_percentiles_as_the_values_it_counts() -> None:
    hist = [(10, 2), (20, 1), (40, 1)]  # 10, 10, 20, 40
    assert kpi.percentile_of_histogram(hist, 50) == 15.0  # h = 1.5 → 10 + 0.5 × 10
    assert kpi.percentile_of_histogram(hist, 90) == pytest.approx(34.0)  # 20 + 0.7 × 20
    assert kpi.mean_of_histogram(hist) == 20.0
    assert kpi.median([]) is None and kpi.mean_of_histogram([]) is None
    rnd = random.Random(3)
    values = sorted(rnd.randrange(100) for _ in range(501))
    counted = sorted({v: values.count(v) for v in values}.items())
    for p in (10, 50, 90, 99):
        assert kpi.percentile_of_histogram(counted, p) == kpi.percentile(values, p)


def test_a_percentile_outside_0_to_100_is_refused() -> None:
    with pytest.raises(ValueError, match=r"0\.\.100"):
        kpi.percentile([1, 2], 101)


# -- rates, surveys, retention -------------------------------------------------------------


def test_rates_without_a_denominator_are_none_not_zero() -> None:
    assert kpi.pct(1, 4) == 25.0 and kpi.pct(0, 4) == 0.0 and kpi.pct(0, 0) is None
    assert kpi.ratio(6, 4) == 1.5 and kpi.ratio(3, 0) is None
    assert kpi.change(70.0, 65.5) == 4.5 and kpi.change(None, 3) is None
    assert kpi.change(3, None) is None and kpi.change(0, 0) == 0


def test_csat_is_the_share_of_4_and_5_among_1_to_5() -> None:
    # 3 fives + 2 fours = 5 satisfied of 10 valid answers; the 6 is off the scale.
    scores = {5: 3, 4: 2, 3: 1, 1: 4, 6: 9}
    assert kpi.csat_pct(scores) == 50.0
    assert kpi.responses(scores, 1, 5) == 10
    assert kpi.csat_pct({}) is None


def test_nps_is_promoters_minus_detractors_in_points() -> None:
    # 10 answers: 5 promoters (9-10), 3 passives (7-8), 2 detractors (0-6) → 50 − 20 = 30.
    assert kpi.nps({10: 3, 9: 2, 8: 2, 7: 1, 6: 1, 0: 1}) == 30.0
    assert kpi.nps({0: 2}) == -100.0
    assert kpi.nps({}) is None


def test_ces_and_agent_pulse_are_means_of_their_scale() -> None:
    assert kpi.mean_score({1: 1, 7: 1, 4: 2}, 1, 7) == 4.0  # (1 + 7 + 4 + 4) / 4
    assert kpi.mean_score({5: 1, 2: 1, 0: 3}, 1, 5) == 3.5  # the zeros are not answers
    assert kpi.mean_score({}, 1, 5) is None


@pytest.mark.parametrize(
    ("start", "new", "lost", "expected"),
    [(20, 5, 1, 95.0), (44, 12, 13, 70.45)],
)
def test_retention_oracles(start: int, new: int, lost: int, expected: float) -> None:
    end = start + new - lost
    assert round(kpi.retention_pct(start, new, end) or 0, 2) == expected


def test_retention_without_customers_at_start_is_unknown() -> None:
    assert kpi.retention_pct(0, 3, 3) is None


# -- local periods ---------------------------------------------------------------------------


def test_days_are_local_and_a_dst_day_is_23_hours() -> None:
    bounds = kpi.day_bounds("Europe/Berlin", date(2026, 3, 28), date(2026, 3, 30))
    assert bounds[0] == parse_iso("2026-03-27T23:00:00Z")
    assert [b - a for a, b in pairwise(bounds)] == [24 * H, 23 * H, 24 * H]
    with pytest.raises(ValueError, match="before it starts"):
        kpi.day_bounds("UTC", date(2026, 2, 1), date(2026, 1, 1))


def test_the_previous_period_has_the_same_number_of_days() -> None:
    assert kpi.previous_period(date(2026, 1, 1), date(2026, 1, 31)) == (
        date(2025, 12, 1), date(2025, 12, 31))
    assert kpi.previous_period(date(2026, 3, 1), date(2026, 3, 1)) == (
        date(2026, 2, 28), date(2026, 2, 28))


def test_bulk_business_time_equals_the_calendar() -> None:
    rnd = random.Random(11)
    low, high = parse_iso("2026-03-20T00:00:00Z"), parse_iso("2026-04-10T00:00:00Z")
    bulk = kpi.BusinessTime(OFFICE, low, high)
    for _ in range(400):
        a, b = rnd.randrange(low, high), rnd.randrange(low, high)
        assert bulk.seconds_between(a, b) == OFFICE.business_seconds_between(a, b)
    outside = high + 50 * H
    assert bulk.seconds_between(low, outside) == OFFICE.business_seconds_between(low, outside)
    assert kpi.BusinessTime(ALWAYS, 0, 1).seconds_between(0, 5 * H + 999) == 5 * 3600


# -- SLA verdicts ------------------------------------------------------------------------------


def _t(*events: SlaEvent, priority: Priority = Priority.NORMAL) -> SlaTicket:
    return SlaTicket(T0, priority, TicketStatus.NEW, events)


def reply(h: float) -> SlaEvent:
    return SlaEvent(T0 + int(h * H), EventKind.PUBLIC_REPLY)


def message(h: float) -> SlaEvent:
    return SlaEvent(T0 + int(h * H), EventKind.CUSTOMER_MESSAGE)


def status(h: float, new: TicketStatus) -> SlaEvent:
    return SlaEvent(T0 + int(h * H), EventKind.STATUS_CHANGE, status=new)


def test_a_ticket_answered_and_solved_in_time_meets_every_target() -> None:
    # normal: first response 4 h, next update 24 h, resolution 3 d.
    t = _t(reply(1), status(1, TicketStatus.OPEN), reply(2), status(2, TicketStatus.SOLVED))
    out = kpi.sla_outcome(t, POLICY, ALWAYS, T0 + 100 * H)
    assert (out.first_response, out.next_update, out.resolution) == (Outcome.MET,) * 3
    assert not out.breached_now


def test_pending_time_does_not_count_although_the_wall_clock_is_long() -> None:
    # Waiting on the customer for 99 h: 101 h of real time but only 2 h on the clock.
    t = _t(reply(1), status(1, TicketStatus.PENDING), message(100), status(100, TicketStatus.OPEN),
           reply(101), status(101, TicketStatus.SOLVED))
    out = kpi.sla_outcome(t, POLICY, ALWAYS, T0 + 200 * H)
    assert (out.first_response, out.next_update, out.resolution) == (Outcome.MET,) * 3


def test_a_late_first_reply_and_a_long_silence_are_breaches() -> None:
    t = _t(reply(5), status(5, TicketStatus.OPEN), reply(30), status(30, TicketStatus.SOLVED))
    out = kpi.sla_outcome(t, POLICY, ALWAYS, T0 + 100 * H)
    assert out.first_response is Outcome.BREACHED  # 5 h > 4 h
    assert out.next_update is Outcome.BREACHED  # 25 h between replies > 24 h
    assert out.resolution is Outcome.MET  # 30 h < 3 d


def test_an_open_ticket_has_no_verdict_until_a_clock_runs_out() -> None:
    t = _t(reply(1), status(1, TicketStatus.OPEN))
    out = kpi.sla_outcome(t, POLICY, ALWAYS, T0 + 2 * H)
    assert (out.first_response, out.next_update, out.resolution) == (
        Outcome.MET, Outcome.OPEN, Outcome.OPEN)
    late = kpi.sla_outcome(t, POLICY, ALWAYS, T0 + 30 * H)  # 29 h since the reply
    assert late.next_update is Outcome.BREACHED and late.breached_now
    silent = kpi.sla_outcome(_t(), POLICY, ALWAYS, T0 + 5 * H)
    assert silent.first_response is Outcome.BREACHED and silent.breached_now


def test_solved_without_a_reply_has_no_first_response_verdict() -> None:
    t = _t(status(1, TicketStatus.SOLVED))
    assert kpi.sla_outcome(t, POLICY, ALWAYS, T0 + 9 * H).first_response is (
        Outcome.NOT_APPLICABLE)


def test_a_ticket_reopened_twice_accumulates_resolution_time() -> None:
    # urgent: resolution 1 h. Open 40 min, reopened for 10 min, then for 20 min: 70 min.
    m = 60_000
    t = SlaTicket(T0, Priority.URGENT, TicketStatus.OPEN, (
        SlaEvent(T0 + 5 * m, EventKind.PUBLIC_REPLY),
        SlaEvent(T0 + 40 * m, EventKind.STATUS_CHANGE, status=TicketStatus.SOLVED),
        SlaEvent(T0 + 100 * m, EventKind.STATUS_CHANGE, status=TicketStatus.OPEN),
        SlaEvent(T0 + 110 * m, EventKind.STATUS_CHANGE, status=TicketStatus.SOLVED),
        SlaEvent(T0 + 200 * m, EventKind.STATUS_CHANGE, status=TicketStatus.OPEN),
        SlaEvent(T0 + 220 * m, EventKind.STATUS_CHANGE, status=TicketStatus.SOLVED),
    ))
    out = kpi.sla_outcome(t, POLICY, ALWAYS, T0 + 500 * m)
    assert out.resolution is Outcome.BREACHED and out.first_response is Outcome.MET


# -- the shortcut never changes a verdict ----------------------------------------------------


def reference(ticket: SlaTicket, calendar: BusinessCalendar, now: int) -> kpi.SlaOutcome:
    """The verdicts with the clock run at every window end: no shortcut at all."""
    report = compute_sla(ticket, POLICY, calendar, now)
    state = {ClockState.MET: Outcome.MET, ClockState.BREACHED: Outcome.BREACHED,
             ClockState.NOT_APPLICABLE: Outcome.NOT_APPLICABLE}
    breached = report.next_update.state is ClockState.BREACHED
    windows = 0
    for i, e in enumerate(ticket.events):
        if e.at_ms > now:
            break
        before = SlaTicket(ticket.created_at_ms, ticket.priority, ticket.status, ticket.events[:i])
        r = compute_sla(before, POLICY, calendar, e.at_ms)
        ends = e.kind is EventKind.PUBLIC_REPLY or (
            e.kind is EventKind.STATUS_CHANGE and e.status is not None and not e.status.is_open)
        if ends and r.status.is_open:
            windows += 1
            breached |= r.next_update.state is ClockState.BREACHED
    settled = not report.status.is_open
    nu = Outcome.BREACHED if breached else (
        (Outcome.MET if windows else Outcome.NOT_APPLICABLE) if settled else Outcome.OPEN)
    return kpi.SlaOutcome(state.get(report.first_response.state, Outcome.OPEN), nu,
                          state.get(report.resolution.state, Outcome.OPEN),
                          report.breached and not settled)


_KINDS = st.sampled_from(["reply", "message", "priority", *[s.value for s in TicketStatus]])


@settings(max_examples=150, deadline=None)
@given(
    steps=st.lists(st.tuples(st.integers(0, 40 * 60), _KINDS, st.sampled_from(list(Priority))),
                   max_size=8),
    first=st.sampled_from(list(Priority)),
    office=st.booleans(),
    now_min=st.integers(0, 20_000),
)
def test_the_shortcut_agrees_with_the_clock_everywhere(
    steps: list[tuple[int, str, Priority]], first: Priority, office: bool, now_min: int
) -> None:
    at, events = T0, []
    for minutes, kind, prio in steps:
        at += minutes * 60_000
        if kind == "reply":
            events.append(SlaEvent(at, EventKind.PUBLIC_REPLY))
        elif kind == "message":
            events.append(SlaEvent(at, EventKind.CUSTOMER_MESSAGE))
        elif kind == "priority":
            events.append(SlaEvent(at, EventKind.PRIORITY_CHANGE, priority=prio))
        else:
            events.append(SlaEvent(at, EventKind.STATUS_CHANGE, status=TicketStatus(kind)))
    ticket = SlaTicket(T0, first, TicketStatus.NEW, tuple(events))
    calendar = OFFICE if office else ALWAYS
    now = T0 + now_min * 60_000
    assert kpi.sla_outcome(ticket, POLICY, calendar, now) == reference(ticket, calendar, now)
