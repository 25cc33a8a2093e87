"""Business calendar arithmetic: hand-computed due instants, DST weeks, validation."""

from __future__ import annotations

import json
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from workbench.domain.sla import BusinessCalendar, OpenInterval, holidays_for_country

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
HOUR = 3600
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def ms(zone: str, y: int, mo: int, d: int, h: int = 0, mi: int = 0, fold: int = 0) -> int:
    """Epoch ms of a wall-clock time; `fold=1` picks the second pass of a repeated hour."""
    return int(datetime(y, mo, d, h, mi, tzinfo=ZoneInfo(zone), fold=fold).timestamp() * 1000)


def office(zone: str, holidays: tuple[date, ...] = ()) -> BusinessCalendar:
    return BusinessCalendar.from_hours(zone, {k: [("09:00", "17:00")] for k in WEEKDAYS}, holidays)


def split_shift(zone: str) -> BusinessCalendar:
    hours = {k: [("09:00", "12:00"), ("13:00", "17:00")] for k in WEEKDAYS}
    return BusinessCalendar.from_hours(zone, hours)


EASTER_MONDAY = date(2026, 4, 6)

# (case, calendar, start, business seconds, expected due)
# fmt: off
ADD_CASES = [
    # Fri 27 Mar 16:30 + 1 h: 30 min on Friday (to 17:00) + 30 min Monday -> Mon 09:30.
    # The DST change on Sunday 29 Mar is irrelevant: Monday 09:30 is a wall time.
    ("friday evening", office(BERLIN), ms(BERLIN, 2026, 3, 27, 16, 30), HOUR,
     ms(BERLIN, 2026, 3, 30, 9, 30)),
    # Sat 28 Mar 10:00: closed all weekend, clock starts Mon 09:00, + 1 h -> Mon 10:00.
    ("created saturday", office(BERLIN), ms(BERLIN, 2026, 3, 28, 10), HOUR,
     ms(BERLIN, 2026, 3, 30, 10)),
    # Fri 3 Apr 16:30 + 1 h with Mon 6 Apr a holiday: 30 min Fri + 30 min Tue -> Tue 09:30.
    ("holiday monday", office(BERLIN, (EASTER_MONDAY,)), ms(BERLIN, 2026, 4, 3, 16, 30),
     HOUR, ms(BERLIN, 2026, 4, 7, 9, 30)),
    # Fri 16:00 + 1 h lands exactly on closing time: due is Fri 17:00, not Mon 09:00.
    ("ends at closing", office(BERLIN), ms(BERLIN, 2026, 3, 27, 16), HOUR,
     ms(BERLIN, 2026, 3, 27, 17)),
    # Split shift Mon 11:30 + 1 h: 30 min until 12:00, lunch closed, 30 min from 13:00.
    ("lunch gap", split_shift(BERLIN), ms(BERLIN, 2026, 3, 30, 11, 30), HOUR,
     ms(BERLIN, 2026, 3, 30, 13, 30)),
    # Split shift Mon 11:00 + 1 h ends exactly at the start of lunch.
    ("ends at lunch", split_shift(BERLIN), ms(BERLIN, 2026, 3, 30, 11), HOUR,
     ms(BERLIN, 2026, 3, 30, 12)),
    # 5 business days (5 x 8 h) from Fri 3 Apr 17:00 with Easter Monday closed:
    # Tue 7, Wed 8, Thu 9, Fri 10, Mon 13 -> Mon 13 Apr 17:00.
    ("five days over a holiday", office(BERLIN, (EASTER_MONDAY,)),
     ms(BERLIN, 2026, 4, 3, 17), 5 * 8 * HOUR, ms(BERLIN, 2026, 4, 13, 17)),
    # Fall-back week in Berlin (Sun 25 Oct): Fri 23 Oct 16:30 + 1 h -> Mon 26 Oct 09:30.
    ("berlin fall back", office(BERLIN), ms(BERLIN, 2026, 10, 23, 16, 30), HOUR,
     ms(BERLIN, 2026, 10, 26, 9, 30)),
    # New York springs forward Sun 8 Mar: Fri 6 Mar 16:30 + 1 h -> Mon 9 Mar 09:30 EDT.
    ("new york spring forward", office(NEW_YORK), ms(NEW_YORK, 2026, 3, 6, 16, 30), HOUR,
     ms(NEW_YORK, 2026, 3, 9, 9, 30)),
    # New York falls back Sun 1 Nov: Fri 30 Oct 16:30 + 1 h -> Mon 2 Nov 09:30 EST.
    ("new york fall back", office(NEW_YORK), ms(NEW_YORK, 2026, 10, 30, 16, 30), HOUR,
     ms(NEW_YORK, 2026, 11, 2, 9, 30)),
    # 24/7 in Berlin: Sun 29 Mar 01:30 CET (00:30 UTC) + 1 h = 01:30 UTC = 03:30 CEST (the
    # wall clock jumps 02:00 -> 03:00), exactly 3600 real seconds later.
    ("24/7 berlin spring", BusinessCalendar.twenty_four_seven(BERLIN),
     ms(BERLIN, 2026, 3, 29, 1, 30), HOUR, ms(BERLIN, 2026, 3, 29, 3, 30)),
    # 24/7 in Berlin: Sun 25 Oct 02:30 CEST (first pass) + 1 h = 02:30 CET (second pass).
    ("24/7 berlin fall", BusinessCalendar.twenty_four_seven(BERLIN),
     ms(BERLIN, 2026, 10, 25, 2, 30), HOUR, ms(BERLIN, 2026, 10, 25, 2, 30, fold=1)),
    # 24/7 in New York: Sun 8 Mar 01:30 EST + 1 h = 03:30 EDT.
    ("24/7 new york spring", BusinessCalendar.twenty_four_seven(NEW_YORK),
     ms(NEW_YORK, 2026, 3, 8, 1, 30), HOUR, ms(NEW_YORK, 2026, 3, 8, 3, 30)),
    # 24/7 in New York: Sun 1 Nov 01:30 EDT + 1 h = 01:30 EST.
    ("24/7 new york fall", BusinessCalendar.twenty_four_seven(NEW_YORK),
     ms(NEW_YORK, 2026, 11, 1, 1, 30), HOUR, ms(NEW_YORK, 2026, 11, 1, 1, 30, fold=1)),
]
# fmt: on


@pytest.mark.parametrize(
    ("calendar", "start", "seconds", "due"),
    [case[1:] for case in ADD_CASES],
    ids=[case[0] for case in ADD_CASES],
)
def test_add_business_seconds(
    calendar: BusinessCalendar, start: int, seconds: int, due: int
) -> None:
    assert calendar.add_business_seconds(start, seconds) == due
    assert calendar.business_seconds_between(start, due) == seconds


def test_24_7_across_dst_is_real_time() -> None:
    for zone, start, end in [
        (BERLIN, ms(BERLIN, 2026, 3, 28, 12), ms(BERLIN, 2026, 3, 29, 12)),  # 23 h day
        (BERLIN, ms(BERLIN, 2026, 10, 24, 12), ms(BERLIN, 2026, 10, 25, 12)),  # 25 h day
        (NEW_YORK, ms(NEW_YORK, 2026, 3, 7, 12), ms(NEW_YORK, 2026, 3, 8, 12)),
        (NEW_YORK, ms(NEW_YORK, 2026, 10, 31, 12), ms(NEW_YORK, 2026, 11, 1, 12)),
    ]:
        fast = BusinessCalendar.twenty_four_seven(zone)
        # A far-away holiday forces the general per-day path; it must agree with real time.
        general = fast.with_holidays([date(2031, 1, 1)])
        assert fast.is_always_open and not general.is_always_open
        real = (end - start) // 1000
        assert real in (23 * HOUR, 25 * HOUR)
        assert fast.business_seconds_between(start, end) == real
        assert general.business_seconds_between(start, end) == real
        assert general.add_business_seconds(start, real) == end


@pytest.mark.parametrize(
    ("zone", "friday"),
    [
        (BERLIN, date(2026, 3, 27)),
        (BERLIN, date(2026, 10, 23)),
        (NEW_YORK, date(2026, 3, 6)),
        (NEW_YORK, date(2026, 10, 30)),
    ],
)
def test_office_hours_are_eight_hours_on_dst_weeks(zone: str, friday: date) -> None:
    # Fri 09:00 -> Mon 17:00 spans the DST Sunday: Friday 8 h + Monday 8 h = 16 h.
    monday = friday + timedelta(days=3)
    start = ms(zone, friday.year, friday.month, friday.day, 9)
    end = ms(zone, monday.year, monday.month, monday.day, 17)
    assert office(zone).business_seconds_between(start, end) == 16 * HOUR


def test_interval_in_dst_gap_and_fold() -> None:
    night = BusinessCalendar.from_hours(BERLIN, {"sun": [("02:00", "04:00")]})
    # Spring: 02:00-03:00 does not exist, the interval starts at the jump -> 1 real hour.
    (spring,) = night.day_intervals(date(2026, 3, 29))
    assert spring == (ms(BERLIN, 2026, 3, 29, 3), ms(BERLIN, 2026, 3, 29, 4))
    # Fall: 02:00-03:00 happens twice, the interval covers both passes -> 3 real hours.
    (fall,) = night.day_intervals(date(2026, 10, 25))
    assert fall == (ms(BERLIN, 2026, 10, 25, 2), ms(BERLIN, 2026, 10, 25, 4))
    assert (fall[1] - fall[0]) // 1000 == 3 * HOUR
    # Boundaries inside the gap/fold: 00:00-02:30 and 02:30-04:00.
    halves = BusinessCalendar.from_hours(BERLIN, {"sun": [("00:00", "02:30"), ("02:30", "04:00")]})
    # Spring: 02:30 does not exist, both halves meet at the jump (01:00 UTC = 03:00 CEST):
    # 00:00-03:00 CEST is 2 real hours, 03:00-04:00 CEST 1 real hour.
    assert halves.day_intervals(date(2026, 3, 29)) == (
        (ms(BERLIN, 2026, 3, 29, 0), ms(BERLIN, 2026, 3, 29, 3)),
        (ms(BERLIN, 2026, 3, 29, 3), ms(BERLIN, 2026, 3, 29, 4)),
    )
    # Fall: the first half ends at the LAST 02:30 (CET), 3.5 real hours; the second half
    # would start at the first 02:30 (CEST) but is clipped so nothing is counted twice.
    first, second = halves.day_intervals(date(2026, 10, 25))
    assert first == (ms(BERLIN, 2026, 10, 25, 0), ms(BERLIN, 2026, 10, 25, 2, 30, fold=1))
    assert second == (first[1], ms(BERLIN, 2026, 10, 25, 4))
    assert (first[1] - first[0]) // 1000 == 3 * HOUR + 30 * 60
    # Starting inside the gap: 02:30-03:30 on the spring day is 03:00-03:30 CEST.
    late = BusinessCalendar.from_hours(BERLIN, {"sun": [("02:30", "03:30")]})
    assert late.day_intervals(date(2026, 3, 29)) == (
        (ms(BERLIN, 2026, 3, 29, 3), ms(BERLIN, 2026, 3, 29, 3, 30)),
    )


def test_is_open_and_next_open() -> None:
    cal = office(BERLIN)
    assert cal.is_open(ms(BERLIN, 2026, 3, 27, 16, 59))
    assert not cal.is_open(ms(BERLIN, 2026, 3, 27, 17))  # intervals are half-open
    assert not cal.is_open(ms(BERLIN, 2026, 3, 28, 12))
    assert cal.next_open(ms(BERLIN, 2026, 3, 27, 17)) == ms(BERLIN, 2026, 3, 30, 9)
    assert cal.next_open(ms(BERLIN, 2026, 3, 30, 10)) == ms(BERLIN, 2026, 3, 30, 10)
    # Adding zero from a closed instant gives the next opening, never a closed instant.
    assert cal.add_business_seconds(ms(BERLIN, 2026, 3, 28, 12), 0) == ms(BERLIN, 2026, 3, 30, 9)


def test_between_is_signed_and_truncated() -> None:
    cal = office(BERLIN)
    a, b = ms(BERLIN, 2026, 3, 30, 9), ms(BERLIN, 2026, 3, 30, 10)
    assert cal.business_seconds_between(b, a) == -HOUR
    assert cal.business_seconds_between(a, a + 1999) == 1
    with pytest.raises(ValueError, match="negative"):
        cal.add_business_seconds(a, -1)


def test_many_business_days_with_many_holidays_is_fast() -> None:
    # Every Wednesday of two years is a holiday: 200 business days must still be quick.
    first = date(2026, 1, 7)
    holidays = tuple(first + timedelta(weeks=n) for n in range(104))
    cal = office(BERLIN, holidays)
    began = time.perf_counter()
    due = cal.add_business_seconds(ms(BERLIN, 2026, 1, 5, 9), 200 * 8 * HOUR)
    assert time.perf_counter() - began < 1.0
    # 4 business days per week -> 200 days = 50 full weeks; the 50th week starts
    # Mon 5 Jan + 49 weeks = Mon 14 Dec, so the due is its Friday 17:00 (18 Dec 2026).
    assert due == ms(BERLIN, 2026, 12, 18, 17)


def test_long_closed_runs_are_not_mistaken_for_a_closed_calendar() -> None:
    # Open only Wednesdays 10:00-10:30; the next three Wednesdays are holidays, so
    # 30 min from Mon 2 Mar ends on the fourth Wednesday, 25 Mar 10:30 (22 closed days).
    cal = BusinessCalendar.from_hours(
        BERLIN,
        {"wed": [("10:00", "10:30")]},
        [date(2026, 3, 4), date(2026, 3, 11), date(2026, 3, 18)],
    )
    assert cal.add_business_seconds(ms(BERLIN, 2026, 3, 2), 1800) == ms(BERLIN, 2026, 3, 25, 10, 30)


def test_round_trip_to_dict_is_json_safe() -> None:
    cal = BusinessCalendar.from_hours(
        BERLIN,
        {"mon": [("13:00", "17:00"), ("09:00", "12:00")], "sat": [("10:00", "24:00")]},
        holidays=[EASTER_MONDAY],
        name="Berlin office",
    )
    data = json.loads(json.dumps(cal.to_dict()))
    assert data["weekly"]["mon"] == [["09:00", "12:00"], ["13:00", "17:00"]]  # sorted
    assert data["holidays"] == ["2026-04-06"]
    assert BusinessCalendar.from_dict(data) == cal
    assert BusinessCalendar.from_dict(BusinessCalendar.twenty_four_seven().to_dict()).is_always_open


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: BusinessCalendar.from_hours(
                BERLIN, {"mon": [("09:00", "12:00"), ("11:00", "13:00")]}
            ),
            "Monday: interval 09:00-12:00 overlaps 11:00-13:00",
        ),
        (lambda: OpenInterval.parse("17:00", "09:00"), "end must be after start"),
        (lambda: OpenInterval.parse("09:00", "09:00"), "end must be after start"),
        (lambda: OpenInterval.parse("9am", "10:00"), "expected HH:MM"),
        (lambda: OpenInterval.parse("09:00", "25:00"), "between 00:00 and 24:00"),
        (
            lambda: BusinessCalendar.from_hours("Mars/Olympus", {"mon": [("09:00", "17:00")]}),
            "unknown time zone 'Mars/Olympus'",
        ),
        (lambda: BusinessCalendar.from_hours(BERLIN, {}), "no open hours"),
        (
            lambda: BusinessCalendar.from_hours(BERLIN, {"monday": [("09:00", "17:00")]}),
            "unknown weekday",
        ),
        (lambda: BusinessCalendar(BERLIN, ((),) * 6), "7 days"),
        (lambda: BusinessCalendar.from_dict({"weekly": {}}), "missing 'zone'"),
        (
            lambda: BusinessCalendar.from_dict({"zone": BERLIN, "weekly": {"mon": [["09:00"]]}}),
            "must be",
        ),
        (lambda: office(BERLIN).with_holidays([datetime(2026, 1, 1)]), "not a date-time"),
    ],
)
def test_validation(build: object, message: str) -> None:
    assert callable(build)
    with pytest.raises(ValueError, match=message):
        build()


def test_holidays_for_country() -> None:
    pytest.importorskip("holidays")
    days = holidays_for_country("DE", [2026])
    assert EASTER_MONDAY in days and days == sorted(days)
    with pytest.raises(ValueError, match="no holiday data"):
        holidays_for_country("XX", [2026])
