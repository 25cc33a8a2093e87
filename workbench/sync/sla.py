"""Derived columns (deadline, metric facts) of tickets that remote changes touched, and
the chunked backfill of the facts; derived columns are never synced."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, bindparam, select, update

from workbench.domain.enums import TicketStatus
from workbench.services.sla import ticket_facts
from workbench.store import fact_queries as fq
from workbench.store.changelog import Writer
from workbench.store.models import Ticket
from workbench.sync.locallog import chunks

if TYPE_CHECKING:
    from workbench.services.context import Workbench

OPEN = [s.value for s in TicketStatus if s.is_open]
BULK_FROM = 50  # tickets in one page above which the bulk path is worth it
_DERIVED = sorted(Ticket.__derived__)


def refresh_tickets(wb: Workbench, w: Writer, ticket_ids: set[str]) -> None:
    """Recompute each touched ticket's derived columns in the page's own transaction.

    A few tickets go through ``SlaService.refresh_deadline`` itself. A big page does the
    same computation (``ticket_facts``) with a few queries and one executemany per chunk
    instead of a flush and queries per ticket, then refreshes ``repeat_contact`` of the
    customers' earlier tickets in one statement; ``test_derived.py`` checks that both ways
    and a recomputation from scratch give the same columns.
    """
    if not ticket_ids:
        return
    s = w.session
    s.flush()
    s.expire_all()  # rows were written with Core statements behind the ORM's back
    if len(ticket_ids) <= BULK_FROM:
        for ticket_id in sorted(ticket_ids):  # the service's own code, for everyday syncs
            ticket = s.get(Ticket, ticket_id)
            if ticket is not None:
                wb.sla.refresh_deadline(w, ticket)
        return
    for part in chunks(sorted(ticket_ids)):
        write_facts(wb, w, part)
        fq.refresh_repeat_contacts(s.connection(), part)
    s.expire_all()


def write_facts(wb: Workbench, w: Writer, ticket_ids: Sequence[str]) -> int:
    """ticket_facts of *ticket_ids* (one chunk), written with one executemany; returns
    the number of tickets. Derived columns only: nothing is logged."""
    s = w.session
    policy, calendar = wb.sla.active(s)
    t: Table = Ticket.__table__  # type: ignore[assignment]
    events = fq.fact_events_of(s, ticket_ids)
    contacts = fq.next_contacts(s, ticket_ids)
    q = select(t.c.id, t.c.created_at, t.c.priority, t.c.status, t.c.solved_at,
               t.c.reopen_count, t.c.first_response_at).where(t.c.id.in_(ticket_ids))
    updates: list[dict[str, Any]] = []
    for ticket_id, created, priority, status, solved_at, reopens, replied in s.execute(q):
        facts = ticket_facts(created, priority, status, events.get(ticket_id, []), policy,
                             calendar, w.now_ms, solved_at=solved_at, reopen_count=reopens,
                             next_contact_at=contacts.get(ticket_id), first_response_at=replied)
        updates.append({"_id": ticket_id, **{f"v_{k}": facts[k] for k in _DERIVED}})
    if updates:
        stmt = update(t).where(t.c.id == bindparam("_id")).values(
            {k: bindparam(f"v_{k}") for k in _DERIVED})
        s.connection().execute(stmt, updates)
    return len(updates)


def backfill_facts(wb: Workbench, chunk: int = 500) -> int:
    """Store the SLA verdicts of solved/closed tickets that have none yet (a database
    upgraded from revision 0002), in short write transactions so the app stays usable;
    returns how many tickets were computed. Safe to stop and run again."""
    done, last = 0, ""
    while True:
        with wb.read() as s:
            ids = list(s.scalars(
                select(Ticket.id).where(Ticket.id > last, Ticket.sla_resolution.is_(None),
                                        Ticket.status.not_in(OPEN))
                .order_by(Ticket.id).limit(chunk)))
        if not ids:
            return done
        with wb.write() as w:
            done += write_facts(wb, w, ids)
        last = ids[-1]


def refresh_open_tickets(wb: Workbench, chunk: int = 500) -> None:
    """After a policy or calendar arrived: every open ticket's deadline, in short writes."""
    last = ""
    while True:
        with wb.read() as s:
            ids = list(s.scalars(select(Ticket.id).where(Ticket.status.in_(OPEN), Ticket.id > last)
                                 .order_by(Ticket.id).limit(chunk)))
        if not ids:
            return
        with wb.write() as w:
            refresh_tickets(wb, w, set(ids))
        last = ids[-1]
