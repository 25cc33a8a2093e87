"""The injectable source of "now" (epoch milliseconds, UTC) and time helpers."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current instant in epoch milliseconds (UTC)."""

    def now_ms(self) -> int: ...


class SystemClock:
    """The real wall clock."""

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000


class FrozenClock:
    """A clock that only moves when told to (tests, demo generation, replays)."""

    def __init__(self, start_ms: int) -> None:
        self._now = start_ms

    def now_ms(self) -> int:
        return self._now

    def set(self, ms: int) -> None:
        self._now = ms

    def advance(self, seconds: float) -> None:
        self._now += int(seconds * 1000)


def ms_to_datetime(ms: int) -> datetime:
    """An aware UTC datetime for an epoch-ms instant."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def datetime_to_ms(value: datetime) -> int:
    """Epoch ms for an aware datetime; a naive one is refused (it has no zone)."""
    if value.tzinfo is None:
        raise ValueError("a time without a time zone is ambiguous; give an offset or 'Z'")
    return int(value.timestamp() * 1000)


def iso_utc(ms: int) -> str:
    """ISO 8601 text in UTC with millisecond precision, e.g. 2026-11-23T16:38:00.000Z."""
    return ms_to_datetime(ms).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def parse_iso(text: str) -> int:
    """Epoch ms from ISO 8601 text with an offset or 'Z'."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"not an ISO 8601 time: {text!r}") from exc
    return datetime_to_ms(value)
