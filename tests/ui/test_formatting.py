"""How deadlines and times read: countdowns, overdue spans, "ago"."""

from __future__ import annotations

import pytest

from ui.formatting import ago_text, due_text, duration_text

H, M = 3_600_000, 60_000
NOW = 1_800_000_000_000


@pytest.mark.parametrize(
    ("due", "text"),
    [
        (None, "—"),
        (NOW + 3 * H + 12 * M, "in 3h 12m"),
        (NOW - 2 * H, "overdue 2h"),
        (NOW - 2 * H - 5 * M, "overdue 2h 5m"),
        (NOW + 30 * 1000, "in <1m"),
        (NOW + 2 * 24 * H + 4 * H + 59 * M, "in 2d 4h"),
        (NOW + 45 * M, "in 45m"),
    ],
)
def test_due_text(qapp: object, due: int | None, text: str) -> None:
    assert due_text(due, NOW) == text


def test_duration_never_negative(qapp: object) -> None:
    assert duration_text(-90 * M) == "1h 30m"


def test_ago_text(qapp: object) -> None:
    assert ago_text(NOW - 10_000, NOW) == "just now"
    assert ago_text(NOW - 5 * M, NOW) == "5m ago"
    assert ago_text(NOW - 3 * H, NOW) == "3h ago"
    assert ago_text(NOW - 3 * 24 * H, NOW)[0].isdigit()  # a date such as "12 Jan"
