"""Ticket numbers on a joined workstation: leased blocks, and provisional tickets numbered.

Tickets are always numbered from this node's leased blocks (final even offline); only when
the blocks run out is a ticket left provisional (number None). The next sync leases more
and gives each provisional ticket made here its final number through the write path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select, update

from workbench.store.changelog import load_state, save_state
from workbench.store.models import Change, NumberBlock, Ticket
from workbench.store.numbers import SERVER_KEY, allocate_number

if TYPE_CHECKING:
    from workbench.services.context import Workbench
    from workbench.sync.transport import ServerApi


def remaining(wb: Workbench) -> int:
    with wb.read() as s:
        return int(s.scalar(select(func.coalesce(func.sum(NumberBlock.last - NumberBlock.next + 1),
                                                 0)).where(NumberBlock.next <= NumberBlock.last))
                   or 0)


def join(wb: Workbench, server_url: str) -> None:
    """Mark this workstation as joined to *server_url*.

    Blocks it opened for itself while standalone are closed: from now on only the server
    hands out numbers (a standalone number that clashes is renumbered by the server).
    """
    with wb.db.session() as s:
        if load_state(s, SERVER_KEY) == server_url:
            return
        if load_state(s, SERVER_KEY) is None:
            s.execute(update(NumberBlock).values(next=NumberBlock.last + 1))
        save_state(s, SERVER_KEY, server_url)


def provisional_ids(wb: Workbench) -> list[str]:
    """Provisional tickets created on this workstation (only their creator numbers them)."""
    with wb.read() as s:
        mine = select(Change.row_id).where(Change.entity == "tickets", Change.kind == "insert",
                                           Change.remote.is_(False))
        return list(s.scalars(select(Ticket.id).where(Ticket.number.is_(None),
                                                      Ticket.id.in_(mine))
                              .order_by(Ticket.created_at, Ticket.id)))


def ensure_lease(wb: Workbench, api: ServerApi, size: int, low_water: int) -> int:
    """Lease blocks until the provisional tickets are covered and *low_water* numbers remain
    for offline work; returns how many numbers were leased."""
    wanted = low_water + len(provisional_ids(wb))
    got_total = 0
    have = remaining(wb)
    while have < wanted:
        got = api.lease(max(size, min(wanted - have, 10_000)))
        with wb.db.session() as s:
            if s.get(NumberBlock, got.first) is None:
                s.add(NumberBlock(first=got.first, last=got.last, next=got.first))
        count = got.last - got.first + 1
        have += count
        got_total += count
    return got_total


def number_provisional(wb: Workbench) -> int:
    """Give final numbers to the provisional tickets created on this workstation."""
    ids = provisional_ids(wb)
    done = 0
    if not ids:
        return 0
    with wb.write() as w:
        for ticket_id in ids:
            t = w.session.get(Ticket, ticket_id)
            if t is None or t.number is not None:
                continue
            number = allocate_number(w.session)
            if number is None:
                break
            w.update(t, number=number)
            done += 1
    return done


def joined_url(wb: Workbench) -> str | None:
    with wb.read() as s:
        return load_state(s, SERVER_KEY)
