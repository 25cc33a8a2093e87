"""KPI formulas: percentiles, survey scores, retention, rates, SLA outcomes, local periods.

Pure functions over numbers the store has already aggregated (counts, histograms of
integer values), so the same definitions serve the CLI, the metrics panel and the tests.
docs/metrics.md states every formula; the docstrings here are the short form.

* Percentiles use **linear interpolation between closest ranks** (Hyndman & Fan type 7,
  numpy's and Excel PERCENTILE.INC's default): on the n values sorted ascending, the
  p-th percentile sits at 0-based rank h = (n - 1) * p / 100; with lo = floor(h) it is
  v[lo] + (h - lo) * (v[lo + 1] - v[lo]). The median is the 50th percentile, so an even
  count gives the mean of the two middle values.
* "No data" is None, never 0: a rate with an empty denominator, a mean of nothing.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from workbench.domain.enums import EventKind, Priority
from workbench.domain.sla import (
    BusinessCalendar,
    ClockState,
    SlaPolicy,
    SlaReport,
    SlaTarget,
    SlaTicket,
    compute_sla,
)

Number = int | float
Histogram = Sequence[tuple[Number, int]]  # (value, how many times), ascending by value

# A view shorter than this is a glance (opened by mistake, closed at once), not a read.
MIN_READ_SECONDS = 5
REPEAT_CONTACT_WINDOW_MS = 7 * 86_400_000
UNATTENDED_AFTER_MS = 86_400_000


# -- percentiles and means ------------------------------------------------------------------


def percentile(sorted_values: Sequence[Number], p: float) -> float | None:
    """The p-th percentile (0..100) of ascending values, linear interpolation; None if empty."""
    return percentile_of_histogram([(v, 1) for v in sorted_values], p)


def percentile_of_histogram(hist: Histogram, p: float) -> float | None:
    """The p-th percentile of the multiset described by an ascending (value, count) list."""
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must be within 0..100, got {p}")
    n = sum(count for _, count in hist)
    if n == 0:
        return None
    rank = (n - 1) * p / 100
    lo = int(rank)
    frac = rank - lo
    low = _value_at(hist, lo)
    if frac == 0:
        return float(low)
    high = _value_at(hist, lo + 1)
    return low + frac * (high - low)


def _value_at(hist: Histogram, rank: int) -> Number:
    seen = 0
    for value, count in hist:
        seen += count
        if rank < seen:
            return value
    raise IndexError(rank)


def median(sorted_values: Sequence[Number]) -> float | None:
    return percentile(sorted_values, 50)


def mean_of_histogram(hist: Histogram) -> float | None:
    n = sum(count for _, count in hist)
    return None if n == 0 else sum(value * count for value, count in hist) / n


def pct(part: Number, whole: Number) -> float | None:
    """part / whole × 100, or None when whole is 0 (no data is not 0 %)."""
    return None if not whole else 100 * part / whole


def ratio(part: Number, whole: Number) -> float | None:
    return None if not whole else part / whole


def change(current: Number | None, previous: Number | None) -> float | None:
    """current − previous (points for percentages); None when either side has no data."""
    if current is None or previous is None:
        return None
    return current - previous


# -- customer surveys and retention ---------------------------------------------------------


def _in_scale(scores: Mapping[int, int], low: int, high: int) -> dict[int, int]:
    return {s: c for s, c in scores.items() if low <= s <= high and c}


def csat_pct(scores: Mapping[int, int]) -> float | None:
    """Share of 4 and 5 among the 1..5 answers, in %."""
    valid = _in_scale(scores, 1, 5)
    return pct(valid.get(4, 0) + valid.get(5, 0), sum(valid.values()))


def nps(scores: Mapping[int, int]) -> float | None:
    """% promoters (9-10) minus % detractors (0-6) among the 0..10 answers (-100..100)."""
    valid = _in_scale(scores, 0, 10)
    total = sum(valid.values())
    if not total:
        return None
    promoters = sum(c for s, c in valid.items() if s >= 9)
    detractors = sum(c for s, c in valid.items() if s <= 6)
    return 100 * (promoters - detractors) / total


def mean_score(scores: Mapping[int, int], low: int, high: int) -> float | None:
    """Mean of the answers within low..high (CES: 1..7, agent pulse: 1..5)."""
    valid = _in_scale(scores, low, high)
    return mean_of_histogram(sorted(valid.items()))


def responses(scores: Mapping[int, int], low: int, high: int) -> int:
    return sum(_in_scale(scores, low, high).values())


def retention_pct(at_start: int, new: int, at_end: int) -> float | None:
    """((customers at end − new customers) / customers at start) × 100; None without S."""
    return pct(at_end - new, at_start)


# -- periods in the team's time zone --------------------------------------------------------


def day_bounds(zone: str, first_day: date, last_day: date) -> list[int]:
    """Epoch ms of each local midnight from first_day to the day after last_day.

    len(result) == days + 1; day k is [result[k], result[k + 1]). A DST day is 23 or 25 h.
    """
    if last_day < first_day:
        raise ValueError(f"the period ends ({last_day}) before it starts ({first_day})")
    tz = ZoneInfo(zone)
    days = (last_day - first_day).days + 1
    return [
        int(datetime.combine(first_day + timedelta(days=k), time(), tz).timestamp() * 1000)
        for k in range(days + 1)
    ]


def previous_period(first_day: date, last_day: date) -> tuple[date, date]:
    """The same number of days immediately before."""
    days = (last_day - first_day).days + 1
    return first_day - timedelta(days=days), first_day - timedelta(days=1)


# -- business time in bulk --------------------------------------------------------------------


class BusinessTime:
    """calendar.business_seconds_between for many instants within [start_ms, end_ms].

    Walks the calendar's open intervals once and answers each pair with two bisections
    over cumulative open time, instead of walking the intervals again per pair.
    """

    def __init__(self, calendar: BusinessCalendar, start_ms: int, end_ms: int) -> None:
        self.calendar = calendar
        self.start_ms, self.end_ms = start_ms, end_ms
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._before: list[int] = []  # open ms before each interval, counted from start_ms
        total = 0
        if not calendar.is_always_open:
            for a, b in calendar.open_intervals_from(start_ms):
                if a >= end_ms:
                    break
                a = max(a, start_ms)
                self._starts.append(a)
                self._ends.append(b)
                self._before.append(total)
                total += b - a

    def _open_ms_until(self, ms: int) -> int:
        i = bisect_right(self._starts, ms) - 1
        if i < 0:
            return 0
        return self._before[i] + min(ms, self._ends[i]) - self._starts[i]

    def seconds_between(self, a: int, b: int) -> int:
        """Business seconds in [a, b), truncated; negative when b is before a."""
        if self.calendar.is_always_open:
            value = b - a
        elif not (self.start_ms <= min(a, b) and max(a, b) <= self.end_ms):
            return self.calendar.business_seconds_between(a, b)
        else:
            value = self._open_ms_until(b) - self._open_ms_until(a)
        return value // 1000 if value >= 0 else -(-value // 1000)


# -- SLA outcomes per ticket --------------------------------------------------------------------


class Outcome(StrEnum):
    """How a ticket did on one SLA target, as far as is known now."""

    MET = "met"
    BREACHED = "breached"
    OPEN = "open"  # still running and not yet over target: no verdict yet
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class SlaOutcome:
    first_response: Outcome
    next_update: Outcome
    resolution: Outcome
    breached_now: bool  # a clock of the report as of now is breached (open tickets)

    def of(self, target: SlaTarget) -> Outcome:
        value: Outcome = getattr(self, target.value)
        return value


_CLOCK_OUTCOME = {
    ClockState.MET: Outcome.MET,
    ClockState.BREACHED: Outcome.BREACHED,
    ClockState.NOT_APPLICABLE: Outcome.NOT_APPLICABLE,
}


def _min_target(policy: SlaPolicy, priorities: Iterable[Priority], target: SlaTarget) -> int:
    return min(policy.target_seconds(p, target) for p in priorities) * 1000


def sla_outcome(
    ticket: SlaTicket,
    policy: SlaPolicy,
    calendar: BusinessCalendar,
    now_ms: int,
    report: SlaReport | None = None,
) -> SlaOutcome:
    """The ticket's verdict per target, by the SLA clock (compute_sla) as of now_ms.

    First response and resolution: the clock's state (running, warning, paused → OPEN).
    Next update: the clock only reports the current window, so every window that ended
    (at a public reply, or when the ticket was solved/closed) is replayed at its end;
    BREACHED if any window ran over, MET once the ticket is solved/closed with none over.

    A clock never consumes more than real time, so a window or a settled clock whose real
    length is within the smallest target of every priority the ticket had is met without
    running the clock: an exact shortcut that spares the clock for the few long ones.
    *report*, when given, is ``compute_sla(ticket, policy, calendar, now_ms)`` already at hand.
    """
    created = ticket.created_at_ms
    now_ms = max(now_ms, created)
    status, priorities = ticket.status, {ticket.priority}
    stopped_at = None if status.is_open else created
    first_reply: int | None = None
    window_start = created
    window_ends: list[tuple[int, int]] = []  # (event index, window start) of each window end
    for index, event in enumerate(ticket.events):
        at = max(event.at_ms, created)
        if at > now_ms:
            break
        if event.kind is EventKind.PUBLIC_REPLY:
            if status.is_open:
                window_ends.append((index, window_start))
            first_reply = first_reply if first_reply is not None else at
            window_start = at
        elif event.kind is EventKind.PRIORITY_CHANGE and event.priority is not None:
            priorities.add(event.priority)
        elif event.kind is EventKind.STATUS_CHANGE and event.status is not None:
            if status.is_open and not event.status.is_open:
                window_ends.append((index, window_start))
                stopped_at = at
            status = event.status
    settled = not status.is_open
    fr: Outcome | None = None
    res: Outcome | None = None
    if settled:
        fr = _settled_first_response(ticket, policy, priorities, first_reply, stopped_at)
        stop = stopped_at if stopped_at is not None else created
        if stop - created <= _min_target(policy, priorities, SlaTarget.RESOLUTION):
            res = Outcome.MET
    if (fr is None or res is None) and report is None:
        report = compute_sla(ticket, policy, calendar, now_ms)
    if fr is None or res is None:
        assert report is not None
        fr = _CLOCK_OUTCOME.get(report.first_response.state, Outcome.OPEN)
        res = _CLOCK_OUTCOME.get(report.resolution.state, Outcome.OPEN)
    next_update = _next_update(ticket, policy, calendar, priorities, window_ends)
    if not settled:
        # The window running now counts too; without a breach there is no verdict yet.
        if report is None:
            report = compute_sla(ticket, policy, calendar, now_ms)
        live_breach = report.next_update.state is ClockState.BREACHED
        breached = next_update is Outcome.BREACHED or live_breach
        next_update = Outcome.BREACHED if breached else Outcome.OPEN
        return SlaOutcome(fr, next_update, res, report.breached)
    return SlaOutcome(fr, next_update, res, False)


def _settled_first_response(
    ticket: SlaTicket,
    policy: SlaPolicy,
    priorities: set[Priority],
    first_reply: int | None,
    stopped_at: int | None,
) -> Outcome | None:
    """The verdict the real-time bound proves, or None when the clock must decide."""
    limit = _min_target(policy, priorities, SlaTarget.FIRST_RESPONSE)
    if first_reply is not None:
        return Outcome.MET if first_reply - ticket.created_at_ms <= limit else None
    # Solved without a reply: not applicable unless the clock had already run out.
    stop = stopped_at if stopped_at is not None else ticket.created_at_ms
    return Outcome.NOT_APPLICABLE if stop - ticket.created_at_ms <= limit else None


def _next_update(
    ticket: SlaTicket,
    policy: SlaPolicy,
    calendar: BusinessCalendar,
    priorities: set[Priority],
    window_ends: list[tuple[int, int]],
) -> Outcome:
    if not window_ends:
        return Outcome.NOT_APPLICABLE
    limit = _min_target(policy, priorities, SlaTarget.NEXT_UPDATE)
    for index, start in window_ends:
        end = max(ticket.events[index].at_ms, ticket.created_at_ms)
        if end - start <= limit:
            continue
        # The clock as of the window's end, without the event that ends it.
        before = SlaTicket(ticket.created_at_ms, ticket.priority, ticket.status,
                           ticket.events[:index])
        if compute_sla(before, policy, calendar, end).next_update.state is ClockState.BREACHED:
            return Outcome.BREACHED
    return Outcome.MET
