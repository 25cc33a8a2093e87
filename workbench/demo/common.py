"""Shared pieces of the demo generators: time units, fast random draws, row checks."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from statistics import NormalDist
from typing import Any, TypeVar

from workbench.store.changelog import PreparedRows, prepare_rows
from workbench.store.db import json_dumps
from workbench.store.models import Base

SECOND = 1000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR
WEEK = 7 * DAY
WINDOW_DAYS = 365

T = TypeVar("T")
ROWS_PER_EXECUTEMANY = 40_000
Row = dict[str, Any]
Rnd = Callable[[], float]

# Standard-normal quantiles at 4096 evenly spaced probabilities: one table lookup per
# log-normal draw instead of random.lognormvariate's rejection loop (per-event hot path).
_Z_SIZE = 4096
_Z = tuple(NormalDist().inv_cdf((i + 0.5) / _Z_SIZE) for i in range(_Z_SIZE))


def lognormal(rnd: Rnd, median: float, sigma: float) -> float:
    """A log-normal draw with the given median and shape."""
    return median * math.exp(sigma * _Z[int(rnd() * _Z_SIZE)])


def between(rnd: Rnd, low: int, high: int) -> int:
    """A uniform integer in [low, high)."""
    return low + int(rnd() * (high - low))


def pick(rnd: Rnd, items: Sequence[T]) -> T:
    return items[int(rnd() * len(items))]


def cumulative(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def check_columns(model: type[Base], row: Mapping[str, Any]) -> None:
    """Fail loudly when a generated row does not carry exactly the table's columns.

    The write path logs each row as given, so a missing column would be a missing field
    in every replica's copy; checked on the first row of each batch.
    """
    expected = {c.key for c in model.__table__.columns}
    if set(row) != expected:
        missing, extra = sorted(expected - set(row)), sorted(set(row) - expected)
        raise AssertionError(f"{model.__tablename__} row: missing {missing}, unknown {extra}")


def prepare(model: type[Base], rows: list[Row]) -> list[PreparedRows]:
    """*rows* checked and turned into driver tuples, in batches of one executemany each
    (the expensive per-row Python, so the demo's generator process does it)."""
    if not rows:
        return []
    check_columns(model, rows[0])
    table = model.__table__
    return [prepare_rows(table, rows[i : i + ROWS_PER_EXECUTEMANY], json_dumps)  # type: ignore[arg-type]
            for i in range(0, len(rows), ROWS_PER_EXECUTEMANY)]
