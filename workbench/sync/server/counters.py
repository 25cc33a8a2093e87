"""Named counters (log head, ticket numbers), only ever moved under the log-append lock."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workbench.sync.server.models import Counter


def take(session: Session, name: str, count: int) -> int:
    """Reserve *count* values of counter *name*; returns the first (counters start at 1)."""
    current = session.scalar(select(Counter.value).where(Counter.name == name))
    if current is None:
        current = 1
        session.add(Counter(name=name, value=1))
        session.flush()
    if count:
        session.execute(update(Counter).where(Counter.name == name)
                        .values(value=current + count))
    return current
