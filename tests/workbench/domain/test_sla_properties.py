"""Hypothesis properties of business calendars and the SLA clock (DST weeks included)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.domain.enums import EventKind, Priority, TicketStatus
from workbench.domain.sla import (
    BusinessCalendar,
    PriorityTargets,
    SlaEvent,
    SlaPolicy,
    SlaTarget,
    SlaTicket,
    compute_sla,
    next_deadline,
)

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
EXAMPLES = settings(max_examples=200, deadline=None)


def _ms(zone: str, y: int, mo: int, d: int, h: int = 0) -> int:
    return int(datetime(y, mo, d, h, tzinfo=ZoneInfo(zone)).timestamp()) * 1000


CALENDARS = [
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
    BusinessCalendar.twenty_four_seven("Europe/Berlin"),
    # Full days with a far-away holiday: 24/7 arithmetic through the per-day code path.
    BusinessCalendar.twenty_four_seven("America/New_York").with_holidays([date(2031, 1, 1)]),
    # Intervals on the DST nights (gap and fold) and across midnight.
    BusinessCalendar.from_hours(
        "Europe/Berlin",
        {
            "sat": [("22:00", "24:00")],
            "sun": [("00:00", "02:30"), ("02:30", "04:00"), ("23:30", "24:00")],
            "mon": [("00:00", "03:00")],
        },
        name="night shift",
    ),
    # Sparse: half an hour a week.
    BusinessCalendar.from_hours("Asia/Tokyo", {"wed": [("10:00", "10:30")]}, name="sparse"),
]

DST_INSTANTS = [
    _ms("Europe/Berlin", 2026, 3, 29, 1),
    _ms("Europe/Berlin", 2026, 10, 25, 1),
    _ms("America/New_York", 2026, 3, 8, 1),
    _ms("America/New_York", 2026, 11, 1, 0),
]
YEAR_START, YEAR_END = _ms("UTC", 2026, 1, 1), _ms("UTC", 2027, 1, 1)

calendars = st.sampled_from(CALENDARS)
instants = st.one_of(
    st.integers(YEAR_START, YEAR_END),
    st.builds(
        lambda base, offset: base + offset,
        st.sampled_from(DST_INSTANTS),
        st.integers(-3 * DAY_MS, 3 * DAY_MS),
    ),
)
business_seconds = st.integers(0, 5 * 8 * 3600)


@EXAMPLES
@given(calendars, instants, business_seconds)
def test_due_is_never_inside_closed_hours(cal: BusinessCalendar, start: int, seconds: int) -> None:
    due = cal.add_business_seconds(start, seconds)
    assert due >= start
    # Either open, or exactly the end of an open interval (the sum hit closing time).
    assert cal.is_open(due) or (seconds > 0 and cal.is_open(due - 1))


@EXAMPLES
@given(calendars, instants, business_seconds)
def test_between_inverts_add(cal: BusinessCalendar, start: int, seconds: int) -> None:
    assert cal.business_seconds_between(start, cal.add_business_seconds(start, seconds)) == seconds


@EXAMPLES
@given(calendars, instants, business_seconds, business_seconds)
def test_add_is_monotone_in_seconds(cal: BusinessCalendar, start: int, a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert cal.add_business_seconds(start, low) <= cal.add_business_seconds(start, high)


@EXAMPLES
@given(calendars, instants, st.integers(0, 9 * DAY_MS), st.integers(0, 9 * DAY_MS))
def test_between_is_additive(cal: BusinessCalendar, start: int, d1: int, d2: int) -> None:
    middle, end = start + d1, start + d1 + d2
    total = cal.business_ms_between(start, end)
    assert cal.business_ms_between(start, middle) + cal.business_ms_between(middle, end) == total
    assert 0 <= total <= end - start
    if cal is CALENDARS[2] or cal is CALENDARS[3]:
        assert total == end - start  # 24/7 is real time, DST or not


@EXAMPLES
@given(calendars, instants)
def test_next_open_is_open_and_skips_no_business_time(cal: BusinessCalendar, ms: int) -> None:
    opens = cal.next_open(ms)
    assert opens >= ms and cal.is_open(opens)
    assert cal.business_ms_between(ms, opens) == 0


# -- the clock ------------------------------------------------------------------------------

MINUTE_MS = 60_000
event_kinds = st.sampled_from(["reply", "priority", "pause", "resume", "solve", "message"])
PRIORITIES = list(Priority)


def _event(at: int, kind: str, pick: int) -> SlaEvent:
    if kind == "reply":
        return SlaEvent(at, EventKind.PUBLIC_REPLY)
    if kind == "priority":
        return SlaEvent(at, EventKind.PRIORITY_CHANGE, priority=PRIORITIES[pick % 4])
    if kind in ("pause", "resume", "solve"):
        new = {
            "pause": TicketStatus.PENDING,
            "resume": TicketStatus.OPEN,
            "solve": TicketStatus.SOLVED,
        }[kind]
        return SlaEvent(at, EventKind.STATUS_CHANGE, status=new)
    return SlaEvent(at, EventKind.CUSTOMER_MESSAGE)


raw_events = st.lists(
    st.tuples(st.integers(0, 4 * DAY_MS), event_kinds, st.integers(0, 3)), max_size=8
)


def _ticket(created: int, raw: list[tuple[int, str, int]], prio: Priority) -> SlaTicket:
    events = [_event(created + offset, kind, pick) for offset, kind, pick in sorted(raw)]
    return SlaTicket(created_at_ms=created, priority=prio, events=tuple(events))


def _policy(scale_minutes: int) -> SlaPolicy:
    base = scale_minutes * 60
    targets = PriorityTargets(base, 2 * base, 6 * base)
    return SlaPolicy.from_targets({p: targets for p in Priority})


def _due_or_inf(ms: int | None) -> float:
    return float("inf") if ms is None else ms


@EXAMPLES
@given(
    calendars,
    instants,
    raw_events,
    st.sampled_from(PRIORITIES),
    st.integers(0, 5 * DAY_MS),
    st.integers(1, 600),
    st.integers(0, 600),
)
def test_due_is_monotone_in_the_target(
    cal: BusinessCalendar,
    created: int,
    raw: list[tuple[int, str, int]],
    prio: Priority,
    age: int,
    minutes: int,
    extra: int,
) -> None:
    history = _ticket(created, raw, prio)
    short = compute_sla(history, _policy(minutes), cal, created + age)
    long = compute_sla(history, _policy(minutes + extra), cal, created + age)
    for target in SlaTarget:
        # None (met, paused, not applicable) counts as "never due".
        assert _due_or_inf(short.clock(target).due_ms) <= _due_or_inf(long.clock(target).due_ms)


@EXAMPLES
@given(
    calendars,
    instants,
    st.lists(
        st.tuples(
            st.integers(0, 4 * DAY_MS),
            st.sampled_from(["reply", "priority", "message"]),
            st.integers(0, 3),
        ),
        max_size=6,
    ),
    st.integers(0, 4 * DAY_MS),
    st.integers(1, 2 * DAY_MS),
    st.integers(0, 5 * DAY_MS),
    st.integers(5, 600),
)
def test_pausing_never_makes_a_ticket_due_earlier(
    cal: BusinessCalendar,
    created: int,
    raw: list[tuple[int, str, int]],
    pause_at: int,
    pause_for: int,
    age: int,
    minutes: int,
) -> None:
    policy = _policy(minutes)
    base = _ticket(created, raw, Priority.NORMAL)
    paused = _ticket(
        created,
        [*raw, (pause_at, "pause", 0), (pause_at + pause_for, "resume", 0)],
        Priority.NORMAL,
    )
    now = created + age
    plain, with_pause = compute_sla(base, policy, cal, now), compute_sla(paused, policy, cal, now)
    for target in SlaTarget:
        before = _due_or_inf(plain.clock(target).due_ms)
        assert _due_or_inf(with_pause.clock(target).due_ms) >= before
        assert with_pause.clock(target).elapsed_seconds <= plain.clock(target).elapsed_seconds


@EXAMPLES
@given(calendars, instants, raw_events, st.integers(0, 5 * DAY_MS), st.integers(1, 600))
def test_next_deadline_is_the_earliest_live_due(
    cal: BusinessCalendar, created: int, raw: list[tuple[int, str, int]], age: int, minutes: int
) -> None:
    report = compute_sla(_ticket(created, raw, Priority.HIGH), _policy(minutes), cal, created + age)
    live = [c.due_ms for c in report.clocks if c.live and c.due_ms is not None]
    deadline = next_deadline(report)
    assert (deadline is None) == (not live)
    if deadline is not None:
        assert deadline[0] == min(live)
        assert report.clock(deadline[1]).due_ms == deadline[0]
    for clock in report.clocks:
        if clock.due_ms is not None and clock.live:
            # A live due is never inside closed hours either.
            assert cal.is_open(clock.due_ms) or cal.is_open(clock.due_ms - 1)
