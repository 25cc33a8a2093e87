"""Human ticket numbers handed out from blocks this node holds (leased from the server).

A workstation that has never been joined to a team server is its own authority: it opens
blocks for itself after the highest number it knows. A joined one uses only leased blocks
and leaves a ticket provisional (number None) when they run out.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.store.changelog import load_state
from workbench.store.models import NumberBlock, Ticket

SERVER_KEY = "server_url"
LOCAL_BLOCK_SIZE = 1000


def allocate_number(session: Session) -> int | None:
    """The next free number of this node, or None when a joined node has none left."""
    block = session.scalar(
        select(NumberBlock).where(NumberBlock.next <= NumberBlock.last).order_by(NumberBlock.first)
    )
    if block is None:
        if load_state(session, SERVER_KEY):
            return None
        start = max(
            session.scalar(select(func.max(Ticket.number))) or 0,
            session.scalar(select(func.max(NumberBlock.last))) or 0,
        ) + 1
        block = NumberBlock(first=start, last=start + LOCAL_BLOCK_SIZE - 1, next=start)
        session.add(block)
    number = block.next
    block.next += 1
    return number


def reserve_range(session: Session, count: int) -> int:
    """Reserve *count* consecutive numbers for a bulk insert on a standalone node."""
    start = max(
        session.scalar(select(func.max(Ticket.number))) or 0,
        session.scalar(select(func.max(NumberBlock.last))) or 0,
    ) + 1
    session.add(NumberBlock(first=start, last=start + count - 1, next=start + count))
    return start
