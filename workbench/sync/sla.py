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
from workbench.store.models import SyncState, Ticket
from workbench.sync.locallog import chunks, one_of

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
               t.c.reopen_count, t.c.first_response_at).where(one_of(t.c.id, ticket_ids))
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


# Left in sync_state by migration 0004 when solved tickets lack their stored SLA verdicts
# (a database upgraded from revision 0002): the app fills them a chunk per worker op after it
# starts, `workbench metrics` before it computes. Removed once nothing is left.
BACKFILL_KEY = "facts_backfill"


def backfill_pending(wb: Workbench) -> bool:
    """True while an upgraded database still has verdicts to fill."""
    with wb.read() as s:
        return s.get(SyncState, BACKFILL_KEY) is not None


def backfill_facts_step(wb: Workbench, after: str = "", chunk: int = 500) -> str | None:
    """One chunk of :func:`backfill_facts` when :func:`backfill_pending`: the id to go on
    after, or None when nothing is (left) to do (the marker is then removed). Each step is
    one short write, so the worker that runs it stays free for what the agent does."""
    with wb.read() as s:
        if s.get(SyncState, BACKFILL_KEY) is None:
            return None
        ids = _unjudged(s, after, chunk)
    if not ids:
        with wb.db.session() as s:  # local state, not a syncable row: no change entry
            marker = s.get(SyncState, BACKFILL_KEY)
            if marker is not None:
                s.delete(marker)
        return None
    with wb.write() as w:
        write_facts(wb, w, ids)
    return ids[-1]


def backfill_facts(wb: Workbench, chunk: int = 500) -> int:
    """Store the SLA verdicts of solved/closed tickets that have none yet (a database
    upgraded from revision 0002), in short write transactions so the app stays usable;
    returns how many tickets were computed. Safe to stop and run again; clears the
    :data:`BACKFILL_KEY` marker when done."""
    done, last = 0, ""
    while True:
        with wb.read() as s:
            ids = _unjudged(s, last, chunk)
        if not ids:
            with wb.db.session() as s:
                marker = s.get(SyncState, BACKFILL_KEY)
                if marker is not None:
                    s.delete(marker)
            return done
        with wb.write() as w:
            done += write_facts(wb, w, ids)
        last = ids[-1]


def _unjudged(s: Any, after: str, chunk: int) -> list[str]:
    return list(s.scalars(
        select(Ticket.id).where(Ticket.id > after, Ticket.sla_resolution.is_(None),
                                Ticket.status.not_in(OPEN))
        .order_by(Ticket.id).limit(chunk)))


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
