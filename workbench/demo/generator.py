"""``generate_demo``: fill an empty workstation database with a realistic support team.

The demo is a fictional team on one workstation, so its rows are a local *seed*:
each batch is written with ``Writer.seed_insert``, one change-log entry per batch
(table and rowid range) instead of one per row, born pushed so the sync never sends
fictional customers to a team server (docs/architecture.md, "Demo data"). What an agent
adds afterwards goes through the normal write path; the demo is not meant to join a team.

The people, SLA policy and knowledge base are written in one transaction; tickets follow
oldest first, one transaction per chunk, so memory stays flat for a million tickets and
the caller can show progress. For big demos the chunks are made in a second process while
this one writes (``demo/parallel.py``). The whole load runs with the bulk pragmas of
``Database.bulk_mode`` (the data directory is new and thrown away on failure); the app's
pragmas (WAL, full sync) are back when it returns. The content depends only on the seed
and the workbench's "now" (ids differ).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from operator import itemgetter

from sqlalchemy import func, select

from workbench.demo.common import Row, prepare
from workbench.demo.ids import IdMint
from workbench.demo.knowledge import KnowledgeBuilder
from workbench.demo.parallel import chunks, chunks_in_child
from workbench.demo.people import CustomerBook, make_pulses, make_staff
from workbench.demo.tickets import Prepared, TicketFactory
from workbench.demo.vocab import load_vocab
from workbench.domain.sla import BusinessCalendar, default_policy
from workbench.services.context import Workbench
from workbench.store.changelog import PreparedRows, Writer
from workbench.store.fact_queries import refresh_repeat_contacts
from workbench.store.models import (
    Agent,
    AgentPulse,
    Base,
    Customer,
    CustomerNote,
    CustomerPreference,
    Handoff,
    KbArticle,
    KbArticleVersion,
    KbCategory,
    SlaCalendar,
    SlaPolicy,
    Team,
)
from workbench.store.numbers import reserve_range

Progress = Callable[[str, int, int], None]

TICKETS_PER_TRANSACTION = 20_000
# From this size on the tickets are made in a second process (it costs ~1 s to start).
PARALLEL_FROM_TICKETS = 50_000


def _quiet(_stage: str, _done: int, _total: int) -> None:
    pass


class _Sink:
    """Writes rows through the transaction's Writer as seed batches, counting them."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.entries = 0  # change-log entries: one per seed batch

    def write(self, w: Writer, model: type[Base], rows: list[Row]) -> None:
        self.write_prepared(w, model, prepare(model, rows))

    def write_prepared(self, w: Writer, model: type[Base], batches: list[PreparedRows]) -> None:
        for batch in batches:
            self.counts[model.__tablename__] += w.seed_insert(model, batch)
            self.entries += 1


def generate_demo(
    wb: Workbench,
    *,
    tickets: int,
    customers: int,
    seed: int,
    progress: Progress | None = None,
    parallel: bool | None = None,
) -> dict[str, int]:
    """Write a demo team, *customers* customers and *tickets* tickets over the last year.

    Returns the number of rows written per table, plus ``changes``: the change-log
    entries written with them (one ``seed`` entry per batch). *parallel* makes the
    tickets in a second process (default: from :data:`PARALLEL_FROM_TICKETS` on).
    """
    if tickets < 0 or customers < 1:
        raise ValueError("tickets must be 0 or more and customers at least 1")
    report = progress or _quiet
    with wb.db.bulk_mode():
        counts = _generate(wb, tickets, customers, seed, report,
                           tickets >= PARALLEL_FROM_TICKETS if parallel is None else parallel)
    report("finishing", 1, 1)
    return counts


def _generate(wb: Workbench, tickets: int, customers: int, seed: int, report: Progress,
              parallel: bool) -> dict[str, int]:
    rng = random.Random(seed)
    now = wb.now_ms()
    mint = IdMint()
    vocab = load_vocab()
    sink = _Sink()

    report("people", 0, 3)
    staff, team_row, agent_rows = make_staff(rng, mint, vocab, now, tickets)
    book = CustomerBook(rng, mint, vocab, staff, now)
    book.build(customers)
    handoffs = book.handoffs()
    customer_rows = book.finish()
    preferences, notes = book.preferences(), book.notes()
    report("people", 1, 3)
    kb = KnowledgeBuilder(rng, mint, vocab, staff, now).build(tickets)
    pulses = make_pulses(rng, mint, vocab, staff, now)
    # Each transaction suspends the full-text triggers and indexes its rows in one
    # statement at the end, several times faster than one trigger run per row.
    with wb.search.bulk_load() as w:
        sink.write(w, Team, [team_row])
        sink.write(w, Agent, agent_rows)
        if not w.session.scalar(select(func.count()).select_from(SlaPolicy)):
            calendar = _calendar_row(mint, now)
            sink.write(w, SlaCalendar, [calendar])
            sink.write(w, SlaPolicy, [_policy_row(mint, now, calendar["id"])])
        # Oldest first everywhere: ids carry the creation time, so indexes are appended to.
        sink.write(w, Customer, sorted(customer_rows, key=itemgetter("created_at")))
        sink.write(w, CustomerPreference, sorted(preferences, key=itemgetter("updated_at")))
        sink.write(w, CustomerNote, sorted(notes, key=itemgetter("created_at")))
        sink.write(w, Handoff, sorted(handoffs, key=itemgetter("created_at")))
        sink.write(w, KbCategory, kb.categories)
        sink.write(w, KbArticle, kb.articles)
        sink.write(w, KbArticleVersion, kb.versions)
        sink.write(w, AgentPulse, pulses)
        first_number = reserve_range(w.session, tickets) if tickets else 0
    report("people", 3, 3)

    factory = TicketFactory(rng, mint, vocab, staff, book.index, kb, wb.sla.active(), now)
    made: Iterator[tuple[int, Prepared]] = (
        chunks_in_child if parallel else chunks)(factory, tickets, first_number,
                                                 TICKETS_PER_TRANSACTION)
    done = 0
    report("tickets", 0, tickets)
    for size, chunk in made:
        with wb.search.bulk_load() as w:
            for model, batches in chunk:
                sink.write_prepared(w, model, batches)
        done += size
        report("tickets", done, tickets)

    report("finishing", 0, 1)
    with wb.db.session() as s:
        # "Came back within a week" needs the customer's later tickets: set once at the
        # end, by the services' own rule. Derived columns are never logged.
        refresh_repeat_contacts(s.connection())
    counts = dict(sink.counts)
    counts["changes"] = sink.entries
    return counts


def _calendar_row(mint: IdMint, now: int) -> Row:
    calendar = BusinessCalendar.twenty_four_seven("UTC")
    return {"id": mint.at(now), "name": calendar.name, "definition": calendar.to_dict(),
            "updated_at": now}


def _policy_row(mint: IdMint, now: int, calendar_id: str) -> Row:
    policy = default_policy()
    return {"id": mint.at(now), "name": policy.name, "calendar_id": calendar_id,
            "definition": policy.to_dict(), "is_default": True, "updated_at": now}
