"""Business calendars: when the SLA clock is allowed to consume time.

A calendar is an IANA time zone, weekly opening hours (several intervals per day, so
split shifts work), and holidays (local dates closed all day). 24/7 is just a calendar
whose every day is 00:00-24:00 and which has no holidays.

Instants are integer epoch milliseconds (UTC); durations are integer seconds.

Opening hours are wall-clock times, converted to real instants per local date, so a
09:00-17:00 day is always 8 business hours, also on DST days. For the rare interval
that touches a DST transition:

* a wall time inside a spring-forward gap (02:30 in Berlin on the last Sunday of
  March) does not exist; it maps to the transition instant, i.e. the first instant
  whose wall time is later. An interval 02:00-04:00 is therefore 1 real hour that day.
* a wall time inside a fall-back fold (02:30 in October happens twice) maps to its
  first occurrence when it starts an interval and to its last occurrence when it ends
  one, so the interval covers both passes of the repeated hour. 00:00-24:00 is then
  25 real hours, which keeps a 24/7 calendar identical to real elapsed time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["WEEKDAY_KEYS", "BusinessCalendar", "OpenInterval", "holidays_for_country"]

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MINUTES_PER_DAY = 24 * 60
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MS = timedelta(milliseconds=1)
_ONE_DAY = timedelta(days=1)
_DAY_CACHE_LIMIT = 4096


def _format_minute(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _parse_minute(text: str) -> int:
    hours, sep, minutes = text.partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        raise ValueError(f"invalid time {text!r}: expected HH:MM")
    value = int(hours) * 60 + int(minutes)
    if int(minutes) >= 60 or value > _MINUTES_PER_DAY:
        raise ValueError(f"invalid time {text!r}: must be between 00:00 and 24:00")
    return value


@dataclass(frozen=True, order=True)
class OpenInterval:
    """One opening interval of a day, in minutes after local midnight, half-open."""

    start_minute: int
    end_minute: int

    def __post_init__(self) -> None:
        if not 0 <= self.start_minute < _MINUTES_PER_DAY:
            raise ValueError(f"interval start {self.start_minute} is outside 00:00-23:59")
        if self.end_minute > _MINUTES_PER_DAY:
            raise ValueError(f"interval end {self.end_minute} is after 24:00")
        if self.end_minute <= self.start_minute:
            raise ValueError(f"interval {self}: end must be after start")

    @classmethod
    def parse(cls, start: str, end: str) -> OpenInterval:
        """Build from "HH:MM" strings; "24:00" is a valid end."""
        return cls(_parse_minute(start), _parse_minute(end))

    def to_list(self) -> list[str]:
        return [_format_minute(self.start_minute), _format_minute(self.end_minute)]

    def __str__(self) -> str:
        return f"{_format_minute(self.start_minute)}-{_format_minute(self.end_minute)}"


_FULL_DAY = (OpenInterval(0, _MINUTES_PER_DAY),)


def _load_zone(key: str) -> ZoneInfo:
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown time zone {key!r}") from exc


def _to_ms(moment: datetime) -> int:
    return (moment - _EPOCH) // _ONE_MS


def _gap_transition(zone: ZoneInfo, before_ms: int, after_ms: int) -> int:
    """First instant in (before_ms, after_ms] carrying the post-transition offset.

    zoneinfo does not expose transition instants; gaps are at most a few hours, so a
    bisection over whole seconds takes a dozen steps and only runs on gap days.
    """
    late_offset = _local(zone, after_ms).utcoffset()
    lo, hi = before_ms // 1000, -(-after_ms // 1000)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _local(zone, mid * 1000).utcoffset() == late_offset:
            hi = mid
        else:
            lo = mid
    return hi * 1000


def _local(zone: ZoneInfo, ms: int) -> datetime:
    return (_EPOCH + timedelta(milliseconds=ms)).astimezone(zone)


def _wall_to_ms(zone: ZoneInfo, day: date, minute: int, *, latest: bool) -> int:
    if minute == _MINUTES_PER_DAY:
        day, minute = day + _ONE_DAY, 0
    naive = datetime(day.year, day.month, day.day, minute // 60, minute % 60)
    first = _to_ms(naive.replace(tzinfo=zone, fold=0))
    second = _to_ms(naive.replace(tzinfo=zone, fold=1))
    if first == second:
        return first
    if first < second:  # fold: the wall time happens twice
        return second if latest else first
    return _gap_transition(zone, second, first)  # gap: the wall time never happens


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours in a time zone; `weekly[0]` is Monday, `weekly[6]` Sunday."""

    zone: str
    weekly: tuple[tuple[OpenInterval, ...], ...]
    holidays: frozenset[date] = frozenset()
    name: str = ""
    _tz: ZoneInfo = field(init=False, repr=False, compare=False, hash=False)
    _always_open: bool = field(init=False, repr=False, compare=False, hash=False)
    _days: dict[date, tuple[tuple[int, int], ...]] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_tz", _load_zone(self.zone))
        if len(self.weekly) != 7:
            raise ValueError(f"weekly hours need 7 days (Monday first), got {len(self.weekly)}")
        normalized: list[tuple[OpenInterval, ...]] = []
        for index, day in enumerate(self.weekly):
            intervals = tuple(sorted(day))
            for previous, current in pairwise(intervals):
                if current.start_minute < previous.end_minute:
                    raise ValueError(
                        f"{WEEKDAY_NAMES[index]}: interval {previous} overlaps {current}"
                    )
            normalized.append(intervals)
        object.__setattr__(self, "weekly", tuple(normalized))
        if not any(self.weekly):
            raise ValueError("calendar has no open hours: at least one weekday needs hours")
        for holiday in self.holidays:
            if isinstance(holiday, datetime) or not isinstance(holiday, date):
                raise ValueError(f"holiday {holiday!r} must be a date, not a date-time")
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        always = not self.holidays and all(day == _FULL_DAY for day in self.weekly)
        object.__setattr__(self, "_always_open", always)

    # -- construction and persistence -------------------------------------------------

    @classmethod
    def twenty_four_seven(cls, zone: str = "UTC", name: str = "24/7") -> BusinessCalendar:
        """Always open; the zone only matters for formatting due times."""
        return cls(zone=zone, weekly=(_FULL_DAY,) * 7, name=name)

    @classmethod
    def from_hours(
        cls,
        zone: str,
        hours: Mapping[str, Sequence[tuple[str, str]]],
        holidays: Iterable[date] = (),
        name: str = "",
    ) -> BusinessCalendar:
        """Build from {"mon": [("09:00", "12:00"), ("13:00", "17:00")], ...}."""
        unknown = set(hours) - set(WEEKDAY_KEYS)
        if unknown:
            raise ValueError(f"unknown weekday keys {sorted(unknown)}; use {WEEKDAY_KEYS}")
        weekly = tuple(
            tuple(OpenInterval.parse(start, end) for start, end in hours.get(key, ()))
            for key in WEEKDAY_KEYS
        )
        return cls(zone=zone, weekly=weekly, holidays=frozenset(holidays), name=name)

    def with_holidays(self, extra: Iterable[date]) -> BusinessCalendar:
        return BusinessCalendar(self.zone, self.weekly, self.holidays | set(extra), self.name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form; round-trips through `from_dict`."""
        return {
            "name": self.name,
            "zone": self.zone,
            "weekly": {
                key: [interval.to_list() for interval in day]
                for key, day in zip(WEEKDAY_KEYS, self.weekly, strict=True)
            },
            "holidays": [day.isoformat() for day in sorted(self.holidays)],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BusinessCalendar:
        try:
            zone = data["zone"]
            weekly = data["weekly"]
        except KeyError as exc:
            raise ValueError(f"calendar is missing {exc.args[0]!r}") from exc
        if not isinstance(zone, str) or not isinstance(weekly, Mapping):
            raise ValueError("calendar needs a string 'zone' and a 'weekly' mapping")
        hours: dict[str, list[tuple[str, str]]] = {}
        for key, intervals in weekly.items():
            pairs = []
            for pair in intervals:
                if len(pair) != 2 or not all(isinstance(part, str) for part in pair):
                    raise ValueError(f'{key}: interval {pair!r} must be ["HH:MM", "HH:MM"]')
                pairs.append((pair[0], pair[1]))
            hours[key] = pairs
        try:
            holidays = [date.fromisoformat(text) for text in data.get("holidays", [])]
        except (TypeError, ValueError) as exc:
            raise ValueError(f"invalid holiday date: {exc}") from exc
        return cls.from_hours(zone, hours, holidays, str(data.get("name", "")))

    # -- queries ------------------------------------------------------------------------

    @property
    def tz(self) -> ZoneInfo:
        return self._tz

    @property
    def is_always_open(self) -> bool:
        """True for 24/7 without holidays: business time equals real time."""
        return self._always_open

    def to_local(self, ms: int) -> datetime:
        """The aware local date-time of an instant in this calendar's zone."""
        return _local(self._tz, ms)

    def day_intervals(self, day: date) -> tuple[tuple[int, int], ...]:
        """Real [start_ms, end_ms) open intervals of one local date, in order."""
        cached = self._days.get(day)
        if cached is not None:
            return cached
        spans: list[tuple[int, int]] = []
        if day not in self.holidays:
            for interval in self.weekly[day.weekday()]:
                start = _wall_to_ms(self._tz, day, interval.start_minute, latest=False)
                end = _wall_to_ms(self._tz, day, interval.end_minute, latest=True)
                if spans and start < spans[-1][1]:
                    start = spans[-1][1]  # a fold stretched the previous interval
                if end > start:
                    spans.append((start, end))
        result = tuple(spans)
        if len(self._days) >= _DAY_CACHE_LIMIT:
            self._days.clear()
        self._days[day] = result
        return result

    def is_closed_day(self, day: date) -> bool:
        return not self.day_intervals(day)

    def open_intervals_from(self, ms: int) -> Iterator[tuple[int, int]]:
        """Open [start, end) intervals that end after `ms`, in order, forever.

        Raises ValueError instead of spinning when no open interval can be found.
        """
        day = self.to_local(ms).date() - _ONE_DAY  # a previous day may still be open
        last_end: int | None = None
        closed_run = 0
        # Each holiday can stretch a closed run by at most a week, so a longer run means
        # the calendar never opens again (ruled out at construction; kept as a backstop).
        max_closed_run = 7 * (len(self.holidays) + 2)
        while True:
            spans = self.day_intervals(day)
            closed_run = 0 if spans else closed_run + 1
            if closed_run > max_closed_run:
                raise ValueError(f"calendar {self.name or self.zone!r} never opens again")
            for start, end in spans:
                if last_end is not None and start < last_end:
                    start = last_end  # days overlap when midnight falls in a fold
                if end <= start:
                    continue
                last_end = end
                if end > ms:
                    yield start, end
            day += _ONE_DAY

    def is_open(self, ms: int) -> bool:
        if self._always_open:
            return True
        start, _ = next(self.open_intervals_from(ms))
        return start <= ms

    def next_open(self, ms: int) -> int:
        """`ms` itself when open, else the start of the next open interval."""
        if self._always_open:
            return ms
        start, _ = next(self.open_intervals_from(ms))
        return max(start, ms)

    def business_ms_between(self, start_ms: int, end_ms: int) -> int:
        """Open milliseconds in [start_ms, end_ms); negative when end is before start."""
        if end_ms < start_ms:
            return -self.business_ms_between(end_ms, start_ms)
        if self._always_open:
            return end_ms - start_ms
        total = 0
        for start, end in self.open_intervals_from(start_ms):
            if start >= end_ms:
                break
            total += min(end, end_ms) - max(start, start_ms)
        return total

    def business_seconds_between(self, start_ms: int, end_ms: int) -> int:
        """Open seconds in [start_ms, end_ms), truncated; negative when reversed."""
        value = self.business_ms_between(start_ms, end_ms)
        return value // 1000 if value >= 0 else -(-value // 1000)

    def add_business_ms(self, start_ms: int, amount_ms: int) -> int:
        """The instant at which `amount_ms` of open time after `start_ms` is used up.

        Never returns a closed instant except the exact end of an open interval, which
        is what a sum landing on closing time yields (Friday 17:00, not Monday 09:00).
        Zero returns `next_open(start_ms)`.
        """
        if amount_ms < 0:
            raise ValueError(f"cannot add a negative business duration ({amount_ms} ms)")
        if self._always_open:
            return start_ms + amount_ms
        remaining = amount_ms
        for start, end in self.open_intervals_from(start_ms):
            start = max(start, start_ms)
            if remaining <= end - start:
                return start + remaining
            remaining -= end - start
        raise AssertionError("unreachable: open_intervals_from is infinite")

    def add_business_seconds(self, start_ms: int, seconds: int) -> int:
        return self.add_business_ms(start_ms, seconds * 1000)

    def closed_days_between(self, start_ms: int, end_ms: int) -> list[date]:
        """Local dates from start to end (inclusive) without any open hours."""
        first, last = self.to_local(start_ms).date(), self.to_local(end_ms).date()
        days: list[date] = []
        day = first
        while day <= last:
            if self.is_closed_day(day):
                days.append(day)
            day += _ONE_DAY
        return days


def holidays_for_country(
    country: str, years: Iterable[int], subdiv: str | None = None
) -> list[date]:
    """Public holidays of a country (ISO code) and optional subdivision, sorted.

    Uses the optional third-party `holidays` package, imported here and only here so the
    domain layer stays standard-library-only; raises RuntimeError when it is missing.
    """
    try:
        import holidays as holidays_lib
    except ImportError as exc:
        raise RuntimeError("the optional 'holidays' package is not installed") from exc
    try:
        table = holidays_lib.country_holidays(country, subdiv=subdiv, years=list(years))
    except NotImplementedError as exc:
        raise ValueError(f"no holiday data for {country!r} / {subdiv!r}") from exc
    return sorted(table.keys())
