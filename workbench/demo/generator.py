"""``generate_demo``: fill an empty workstation database with a realistic support team.

Everything goes through the one write path (``Writer.bulk_insert``), so every row has its
insert in the change log and syncs like a row an agent typed. The people, SLA policy and
knowledge base are written in one transaction; tickets follow oldest first, one
transaction per chunk, so memory stays flat for a million tickets and the caller can show
progress. The content depends only on the seed and the workbench's "now" (ids differ).
"""

from __future__ import annotations

import operator
import random
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from operator import itemgetter
from typing import TypeVar

from sqlalchemy import func, select, text

from workbench.demo.common import Row, check_columns
from workbench.demo.ids import IdMint
from workbench.demo.knowledge import KnowledgeBuilder
from workbench.demo.people import CustomerBook, make_pulses, make_staff
from workbench.demo.tickets import TicketFactory
from workbench.demo.vocab import load_vocab
from workbench.domain.sla import BusinessCalendar, default_policy
from workbench.services.context import Workbench
from workbench.store.changelog import Writer
from workbench.store.models import (
    Agent,
    AgentPulse,
    ArticleView,
    Base,
    Call,
    CannedUse,
    Customer,
    CustomerNote,
    CustomerPreference,
    Handoff,
    KbArticle,
    KbArticleVersion,
    KbCategory,
    SlaCalendar,
    SlaPolicy,
    SurveyAnswer,
    Team,
    Ticket,
    TicketEvent,
)
from workbench.store.numbers import reserve_range

Progress = Callable[[str, int, int], None]
T = TypeVar("T")

TICKETS_PER_TRANSACTION = 20_000
ROWS_PER_EXECUTEMANY = 40_000


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _quiet(_stage: str, _done: int, _total: int) -> None:
    pass


def _null_pattern(model: type[Base]) -> Callable[[Row], tuple[bool, ...]]:
    """Which nullable columns of a row are None, as a sort key.

    The ORM's bulk INSERT leaves None values out of the statement and starts a new
    statement whenever the set of columns changes from one row to the next, so rows whose
    NULLs alternate (a customer message, then an agent's reply...) would each become a
    single-row execute. Grouping rows by their NULL pattern keeps one executemany per
    pattern; a stable sort keeps each group in time order.
    """
    names = [c.key for c in model.__table__.columns if c.nullable]
    if not names:
        return lambda _row: ()
    values = itemgetter(*names)
    nones = (None,) * len(names)
    if len(names) == 1:
        return lambda row: (values(row) is None,)
    return lambda row: tuple(map(operator.is_, values(row), nones))


class _Sink:
    """Writes rows through the transaction's Writer in bounded batches, counting them."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def write(self, w: Writer, model: type[Base], rows: list[Row], regroup: bool = True) -> None:
        if not rows:
            return
        check_columns(model, rows[0])
        if regroup:  # not for a table that refers to itself: parents must come first
            rows.sort(key=_null_pattern(model))
        for start in range(0, len(rows), ROWS_PER_EXECUTEMANY):
            w.bulk_insert(model, rows[start : start + ROWS_PER_EXECUTEMANY])
        self.counts[model.__tablename__] += len(rows)


def generate_demo(
    wb: Workbench,
    *,
    tickets: int,
    customers: int,
    seed: int,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write a demo team, *customers* customers and *tickets* tickets over the last year.

    Returns the number of rows written per table, plus ``changes``: the change-log
    entries written with them (one insert per row).
    """
    if tickets < 0 or customers < 1:
        raise ValueError("tickets must be 0 or more and customers at least 1")
    report = progress or _quiet
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
        sink.write(w, KbCategory, kb.categories, regroup=False)
        sink.write(w, KbArticle, kb.articles)
        sink.write(w, KbArticleVersion, kb.versions)
        sink.write(w, AgentPulse, pulses)
        first_number = reserve_range(w.session, tickets) if tickets else 0
    report("people", 3, 3)

    factory = TicketFactory(rng, mint, vocab, staff, book.index, kb, wb.sla.active(), now)
    done = 0
    report("tickets", 0, tickets)
    for items in _batched(factory.times(tickets), TICKETS_PER_TRANSACTION):
        chunk = factory.chunk(items, first_number + done)
        with wb.search.bulk_load() as w:
            sink.write(w, Ticket, chunk.tickets)
            sink.write(w, TicketEvent, chunk.events, regroup=False)  # grouped already
            sink.write(w, Call, chunk.calls)
            sink.write(w, SurveyAnswer, chunk.surveys)
            sink.write(w, CannedUse, chunk.canned)
            sink.write(w, ArticleView, chunk.views)
        done += len(items)
        report("tickets", done, tickets)

    report("finishing", 0, 1)
    _tidy(wb)
    report("finishing", 1, 1)
    counts = dict(sink.counts)
    counts["changes"] = sum(sink.counts.values())
    return counts


def _calendar_row(mint: IdMint, now: int) -> Row:
    calendar = BusinessCalendar.twenty_four_seven("UTC")
    return {"id": mint.at(now), "name": calendar.name, "definition": calendar.to_dict(),
            "updated_at": now}


def _policy_row(mint: IdMint, now: int, calendar_id: str) -> Row:
    policy = default_policy()
    return {"id": mint.at(now), "name": policy.name, "calendar_id": calendar_id,
            "definition": policy.to_dict(), "is_default": True, "updated_at": now}


def _tidy(wb: Workbench) -> None:
    """Fold the write-ahead log back into the database file and empty it: the app then
    starts on a compact file instead of replaying a log as large as the last chunk."""
    with wb.db.engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
