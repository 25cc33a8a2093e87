"""SQL of the metrics panel and ``workbench metrics``: one statement per figure family.

Every statement aggregates in SQLite (counts, sums, histograms, per-day buckets) and
returns few rows; the service turns them into figures with workbench.domain.kpi. Each
function takes a :class:`SqlRunner`, so the benchmark can replay exactly the same
statements through plain sqlite3. All times are epoch ms; a period is [start, end).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session

from workbench.domain.enums import EventKind, Priority, Role, SurveyKind, TicketStatus
from workbench.domain.kpi import (
    MIN_READ_SECONDS,
    REPEAT_CONTACT_WINDOW_MS,
    UNATTENDED_AFTER_MS,
    Outcome,
)

Row = tuple[Any, ...]
DAY_MS = 86_400_000
_OPEN = ", ".join(f"'{s.value}'" for s in TicketStatus if s.is_open)
_REPLY = f"'{EventKind.PUBLIC_REPLY.value}'"
_STATUS = f"'{EventKind.STATUS_CHANGE.value}'"
_SOLVED = f"'{TicketStatus.SOLVED.value}'"
# A status change moves a ticket out of (−1) or back into (+1) the backlog.
_MOVE = (f"CASE WHEN e.old_value IN ({_OPEN}) AND e.new_value NOT IN ({_OPEN}) THEN -1 "
         f"WHEN e.old_value NOT IN ({_OPEN}) AND e.new_value IN ({_OPEN}) THEN 1 ELSE 0 END")
# The events the SLA clock reads (services.sla.sla_ticket ignores the others).
_CLOCK_KINDS = ", ".join(f"'{k}'" for k in ("status_change", "priority_change", _REPLY[1:-1],
                                             "customer_message"))


class SqlRunner(Protocol):
    def rows(self, sql: str, params: Mapping[str, Any]) -> list[Row]: ...

    def stream(self, sql: str, params: Mapping[str, Any]) -> Iterator[Row]: ...


class SessionSql:
    """Runs statements on the DB-API connection of a read session (one snapshot), as
    plain sqlite3 tuples: SLA events can be 10⁵ rows, and ORM rows would double the cost."""

    def __init__(self, session: Session) -> None:
        self._conn: Any = session.connection().connection.driver_connection

    def rows(self, sql: str, params: Mapping[str, Any]) -> list[Row]:
        return list(self._conn.execute(sql, params).fetchall())

    def stream(self, sql: str, params: Mapping[str, Any]) -> Iterator[Row]:
        yield from self._conn.execute(sql, params)  # a year of SLA events: GBs as a list


# Per-ticket facts the write path may keep (docs/metrics.md, "Speed"), each used if present.
VERDICTS = ("sla_first_response", "sla_next_update", "sla_resolution")
FACT_COLUMNS = frozenset({"agent_replies", "repeat_contact", *VERDICTS})


@dataclass(frozen=True)
class Schema:
    """What this database offers beyond the base schema: optional columns and indexes."""

    ticket_columns: frozenset[str] = frozenset()
    status_index: str | None = None  # an index of tickets led by status
    # The partial index of tickets without stored verdicts (migration 0003).
    unjudged_index: str | None = None
    ticket_indexes: frozenset[str] = frozenset()

    def has(self, *columns: str) -> bool:
        return self.ticket_columns.issuperset(columns)

    @property
    def counts_by_index(self) -> bool:
        """The facts and the indexes that let the unfiltered figures count index ranges."""
        return self.has(*FACT_COLUMNS, *DURATIONS) and self.ticket_indexes >= FACT_INDEXES


def inspect_schema(db: SqlRunner) -> Schema:
    columns = frozenset(str(row[1]) for row in db.rows("PRAGMA table_info(tickets)", {}))
    indexes = db.rows("PRAGMA index_list(tickets)", {})
    names = [str(row[1]) for row in indexes if not row[4]]
    first = {n: db.rows(f"PRAGMA index_info('{n}')", {})[0][2] for n in names}  # not partial
    all_names = frozenset(str(row[1]) for row in indexes)
    unjudged = UNJUDGED_INDEX if UNJUDGED_INDEX in all_names else None
    return Schema(columns, next((n for n, col in first.items() if col == "status"), None),
                  unjudged if VERDICTS[-1] in columns else None, all_names)


UNJUDGED_INDEX = "ix_tickets_unjudged"
DURATIONS = ("first_response_s", "resolution_s")
# Indexes of migration 0003 the index-range counts rely on (models/tickets.py).
FACT_INDEXES = frozenset({
    "ix_tickets_solved", "ix_tickets_reopened", "ix_tickets_assignee_created",
    "ix_tickets_assignee_solved", "ix_tickets_verdicts", UNJUDGED_INDEX,
    "ix_tickets_first_response_s", "ix_tickets_resolution_s", "ix_tickets_created",
})


@dataclass(frozen=True)
class Scope:
    """The period [start_ms, end_ms), "now", the optional filters, the database's schema."""

    start_ms: int
    end_ms: int
    now_ms: int
    agent_id: str | None = None
    team_id: str | None = None
    priority: str | None = None
    channel: str | None = None
    plan: str | None = None
    schema: Schema = Schema()
    # Read the period's tickets with a table scan rather than an index: 2-3× faster once
    # the period holds a large share of them (ANALYZE cannot tell SQLite that).
    scan: bool = False

    @property
    def unfiltered(self) -> bool:
        return not (self.agent_id or self.team_id or self.priority or self.channel or self.plan)

    @property
    def by_index(self) -> bool:
        """Count the period's tickets through the fact indexes (no filter narrows them)."""
        return self.unfiltered and self.schema.counts_by_index

    @property
    def params(self) -> dict[str, Any]:
        return {"start": self.start_ms, "end": self.end_ms, "now": self.now_ms,
                "agent": self.agent_id, "team": self.team_id, "priority": self.priority,
                "channel": self.channel, "plan": self.plan, "min_read": MIN_READ_SECONDS,
                "repeat_ms": REPEAT_CONTACT_WINDOW_MS, "unattended_ms": UNATTENDED_AFTER_MS}


def _cohort(scope: Scope) -> str:  # FROM the tickets of a period
    return "tickets t NOT INDEXED" if scope.scan else "tickets t"


def ticket_share(db: SqlRunner, scope: Scope) -> float:
    """About the share of all tickets created in the period: that of their time span (two
    index probes; the choice it feeds needs no more)."""
    sql = "SELECT (SELECT MIN(created_at) FROM tickets), (SELECT MAX(created_at) FROM tickets)"
    low, high = db.rows(sql, {})[0]
    overlap = min(high + 1, scope.end_ms) - max(low, scope.start_ms) if low is not None else 0
    return overlap / (high + 1 - low) if overlap > 0 else 0.0


def ticket_filters(scope: Scope, t: str = "t") -> str:
    """Conditions on a tickets alias: the assignee is "the agent" of a ticket."""
    parts = [
        f"{t}.assignee_id = :agent" if scope.agent_id else "",
        f"{t}.team_id = :team" if scope.team_id else "",
        f"{t}.priority = :priority" if scope.priority else "",
        f"{t}.channel = :channel" if scope.channel else "",
        f"{t}.customer_id IN (SELECT id FROM customers WHERE plan = :plan)" if scope.plan else "",
    ]
    return "".join(f" AND {p}" for p in parts if p)


def agent_filters(scope: Scope, column: str) -> str:
    """Conditions on rows that name their agent (calls, views, uses, pulses)."""
    out = f" AND {column} = :agent" if scope.agent_id else ""
    if scope.team_id:
        out += f" AND {column} IN (SELECT id FROM agents WHERE team_id = :team)"
    return out


def _via_ticket(scope: Scope, column: str, *, agent: bool, plan: bool = False) -> str:
    """Ticket filters applied through a row's ticket; rows without one drop out."""
    inner = Scope(0, 0, 0, scope.agent_id if agent else None, scope.team_id if agent else None,
                  scope.priority, scope.channel, scope.plan if plan else None)
    cond = ticket_filters(inner, "ft")
    return f" AND EXISTS (SELECT 1 FROM tickets ft WHERE ft.id = {column}{cond})" if cond else ""


def _plan(scope: Scope, column: str) -> str:
    exists = f"EXISTS (SELECT 1 FROM customers fc WHERE fc.id = {column} AND fc.plan = :plan)"
    return f" AND {exists}" if scope.plan else ""


def day_bucket(column: str, bounds: Sequence[int]) -> str:
    """SQL giving the 0-based local day of *column* within bounds[0] <= column < bounds[-1].
    Days are not all 86 400 000 ms long (DST), so consecutive days of equal length form
    runs and each run divides by its own length: a short CASE, no per-row function call."""
    runs: list[tuple[int, int, int]] = []
    for k in range(len(bounds) - 1):
        length = bounds[k + 1] - bounds[k]
        if not runs or runs[-1][2] != length:
            runs.append((k, bounds[k], length))
    exprs = [f"{k} + ({column} - {start}) / {length}" for k, start, length in runs]
    whens = " ".join(f"WHEN {column} < {runs[i + 1][1]} THEN {exprs[i]}"
                     for i in range(len(runs) - 1))
    return f"(CASE {whens} ELSE {exprs[-1]} END)" if whens else exprs[0]


def by_day_and_agent(db: SqlRunner, scope: Scope, bounds: Sequence[int],
                     column: str) -> list[Row]:
    """(day, assignee_id, tickets, of which never reopened) by the day of *column*
    (created_at: tickets created; solved_at: tickets solved, by their last solve)."""
    sql = f"""
        SELECT {day_bucket(f't.{column}', bounds)} AS day, t.assignee_id, COUNT(*),
               SUM(t.reopen_count = 0)
        FROM {_cohort(scope)}
        WHERE t.{column} >= :start AND t.{column} < :end{ticket_filters(scope)}
        GROUP BY day, t.assignee_id"""
    return db.rows(sql, scope.params)


def first_response_histogram(db: SqlRunner, scope: Scope) -> list[Row]:
    """(seconds to first reply, tickets) over tickets created in the period, ascending."""
    sql = f"""
        SELECT MAX(0, t.first_response_at - t.created_at) / 1000 AS s, COUNT(*)
        FROM {_cohort(scope)}
        WHERE t.created_at >= :start AND t.created_at < :end
          AND t.first_response_at IS NOT NULL{ticket_filters(scope)}
        GROUP BY s ORDER BY s"""
    return db.rows(sql, scope.params)


def instants(db: SqlRunner, scope: Scope, cohort: str, until: str) -> list[Row]:
    """(created_at, *until*) of the tickets whose *cohort* column is in the period
    (first replies: created_at/first_response_at; solves: solved_at/solved_at)."""
    sql = f"""
        SELECT t.created_at, t.{until} FROM {_cohort(scope)}
        WHERE t.{cohort} >= :start AND t.{cohort} < :end AND t.{until} IS NOT NULL
          {ticket_filters(scope)}"""
    return db.rows(sql, scope.params)


def resolution_histogram(db: SqlRunner, scope: Scope) -> list[Row]:
    """(seconds to solve, tickets, first-contact resolutions, repeat contacts), ascending,
    over the tickets whose last solve is in the period (definitions: docs/metrics.md)."""
    replies = "t.agent_replies" if scope.schema.has("agent_replies") else f"""(SELECT COUNT(*)
        FROM ticket_events e WHERE e.ticket_id = t.id AND e.kind = {_REPLY}
          AND e.author_id IS NOT NULL)"""
    # rowid, not id: the customer index covers it, so the probe never reads the table.
    repeat = "t.repeat_contact" if scope.schema.has("repeat_contact") else """t.reopen_count > 0
        OR EXISTS (SELECT 1 FROM tickets n WHERE n.customer_id = t.customer_id
          AND n.created_at > t.solved_at AND n.created_at <= t.solved_at + :repeat_ms
          AND n.rowid <> t.rowid)"""
    # Resolved on the ticket's first call: for a large share of all tickets, the set built
    # once (SQLite returns the bare columns of the MIN(started_at) row), else a probe each.
    first_call = """t.id IN (SELECT ticket_id FROM (SELECT ticket_id, resolved_on_call AS ok,
        MIN(started_at) FROM calls WHERE ticket_id IS NOT NULL GROUP BY ticket_id) WHERE ok)"""
    if not scope.scan:
        first_call = """COALESCE((SELECT c.resolved_on_call FROM calls c WHERE c.ticket_id = t.id
                                   ORDER BY c.started_at, c.id LIMIT 1), 0) = 1"""
    sql = f"""
        SELECT MAX(0, t.solved_at - t.created_at) / 1000 AS s, COUNT(*),
          SUM({replies} = 1 OR {first_call}), SUM({repeat})
        FROM {_cohort(scope)}
        WHERE t.solved_at >= :start AND t.solved_at < :end{ticket_filters(scope)}
        GROUP BY s ORDER BY s"""
    return db.rows(sql, scope.params)


def backlog_changes_after(db: SqlRunner, scope: Scope) -> int:
    """Creations minus the stops of never-reopened tickets (at solved_at) from the period's
    end on. With the moves of reopened tickets after it, the backlog at the end is the open
    count now minus this: exact, without replaying the whole history."""
    sql = f"""
        SELECT (SELECT COUNT(*) FROM tickets t WHERE t.created_at >= :end{ticket_filters(scope)})
             - (SELECT COUNT(*) FROM tickets t WHERE t.solved_at >= :end AND t.reopen_count = 0
                  {ticket_filters(scope)})"""
    if scope.by_index:  # never-reopened solves = solves − reopened solves: two index counts
        sql = """
            SELECT (SELECT COUNT(*) FROM tickets t INDEXED BY ix_tickets_created
                    WHERE t.created_at >= :end)
                 - (SELECT COUNT(*) FROM tickets t INDEXED BY ix_tickets_solved
                    WHERE t.solved_at >= :end)
                 + (SELECT COUNT(*) FROM tickets t INDEXED BY ix_tickets_reopened
                    WHERE t.reopen_count > 0 AND t.solved_at >= :end)"""
    return int(db.rows(sql, scope.params)[0][0])


def reopened_moves(db: SqlRunner, scope: Scope, bounds: Sequence[int]) -> list[Row]:
    """(day, ticket, net backlog move, reopens) from the status changes of reopened tickets
    since the period's start; day −1 is after the period. CROSS JOIN: from the few reopened
    tickets (their partial index) to their events, never from all the events."""
    sql = f"""
        SELECT CASE WHEN e.created_at >= :end THEN -1
                    ELSE {day_bucket('e.created_at', bounds)} END AS day, t.rowid, SUM({_MOVE}),
               SUM(e.old_value = {_SOLVED} AND e.new_value IN ({_OPEN}))
        FROM tickets t CROSS JOIN ticket_events e ON e.ticket_id = t.id
        WHERE t.reopen_count > 0{ticket_filters(scope)}
          AND e.kind = {_STATUS} AND e.created_at >= :start
        GROUP BY day, t.rowid"""
    return db.rows(sql, scope.params)


def backlog_now(db: SqlRunner, scope: Scope) -> Row:
    """(open, <1 d, 1-3 d, 3-7 d, >7 d old, unattended: last public reply or creation
    more than 24 h ago) as of now."""
    age = "(:now - t.created_at)"
    source, where = _open_tickets(scope)
    sql = f"""
        SELECT COUNT(*), COUNT(*) FILTER (WHERE {age} < {DAY_MS}),
          COUNT(*) FILTER (WHERE {age} >= {DAY_MS} AND {age} < {3 * DAY_MS}),
          COUNT(*) FILTER (WHERE {age} >= {3 * DAY_MS} AND {age} < {7 * DAY_MS}),
          COUNT(*) FILTER (WHERE {age} >= {7 * DAY_MS}),
          COUNT(*) FILTER (WHERE :now - COALESCE((SELECT MAX(e.created_at)
              FROM ticket_events e WHERE e.ticket_id = t.id AND e.kind = {_REPLY}),
            t.created_at) > :unattended_ms)
        FROM {source} WHERE {where}{ticket_filters(scope)}"""
    return db.rows(sql, scope.params)[0]


def _open_tickets(scope: Scope) -> tuple[str, str]:
    """(source, condition) of the open tickets, through the status index: named, as ANALYZE
    sees 4 statuses over 10⁶ rows and would scan, while the open ones are a few thousand."""
    hint = f" INDEXED BY {scope.schema.status_index}" if scope.schema.status_index else ""
    return f"tickets t{hint}", f"t.status IN ({_OPEN})"


def clock_rows_created(db: SqlRunner, scope: Scope) -> Iterator[Row]:
    """(id, created_at, priority, status, event at, kind, old, new) of the tickets created
    in the period, grouped by ticket, events in order (NULLs for a ticket without any):
    one query. With stored verdicts, only the tickets without (open ones: the write path
    stores verdicts once a ticket is solved/closed and clears them when it reopens)."""
    where = "t.created_at >= :start AND t.created_at < :end"
    source = "tickets t"
    if scope.schema.has(*VERDICTS):
        where += " AND t.sla_resolution IS NULL"
        if scope.schema.unjudged_index:
            source += f" INDEXED BY {scope.schema.unjudged_index}"
    return db.stream(_clock_sql(source, where, scope), scope.params)


def clock_rows_open_before(db: SqlRunner, scope: Scope) -> Iterator[Row]:
    """Like clock_rows_created for the open tickets created outside the period."""
    source, where = _open_tickets(scope)
    where += " AND NOT (t.created_at >= :start AND t.created_at < :end)"
    return db.stream(_clock_sql(source, where, scope), scope.params)


def _clock_sql(source: str, where: str, scope: Scope) -> str:
    return f"""
        SELECT t.id, t.created_at, t.priority, t.status,
               e.created_at, e.kind, e.old_value, e.new_value
        FROM {source} LEFT JOIN ticket_events e
          ON e.ticket_id = t.id AND e.kind IN ({_CLOCK_KINDS})
        WHERE {where}{ticket_filters(scope)}
        ORDER BY t.created_at, t.id, e.created_at, e.id"""


def stored_verdicts(db: SqlRunner, scope: Scope) -> list[Row]:
    """(priority, first response, next update, resolution verdict, tickets) for the
    tickets created in the period whose verdicts the write path stored."""
    if not scope.schema.has(*VERDICTS):
        return []
    if scope.by_index:  # one index-range count per combination, never a row read
        outcomes = [o.value for o in Outcome]
        combos = ", ".join(f"('{p.value}', '{f}', '{n}', '{r}')" for p in Priority
                           for f in outcomes for n in outcomes for r in outcomes)
        sql = f"""
            WITH v(p, f, n, r) AS (VALUES {combos})
            SELECT p, f, n, r, (SELECT COUNT(*) FROM tickets t INDEXED BY ix_tickets_verdicts
              WHERE t.priority = v.p AND t.sla_first_response = v.f
                AND t.sla_next_update = v.n AND t.sla_resolution = v.r
                AND t.created_at >= :start AND t.created_at < :end) FROM v"""
        return [row for row in db.rows(sql, scope.params) if row[4]]
    sql = f"""
        SELECT t.priority, t.sla_first_response, t.sla_next_update, t.sla_resolution, COUNT(*)
        FROM {_cohort(scope)} WHERE t.created_at >= :start AND t.created_at < :end
          AND t.sla_resolution IS NOT NULL{ticket_filters(scope)}
        GROUP BY 1, 2, 3, 4"""
    return db.rows(sql, scope.params)


def per_day(db: SqlRunner, scope: Scope, bounds: Sequence[int], column: str) -> list[Row]:
    """(day, tickets, of which never reopened) by the local day of *column* (created_at,
    solved_at): two index-range counts a day, the by_index form of by_day_and_agent."""
    days = ", ".join(f"({k}, {bounds[k]}, {bounds[k + 1]})" for k in range(len(bounds) - 1))
    reopened = "0"
    if column == "solved_at":
        reopened = """(SELECT COUNT(*) FROM tickets r INDEXED BY ix_tickets_reopened
            WHERE r.reopen_count > 0 AND r.solved_at >= d.lo AND r.solved_at < d.hi)"""
    sql = f"""
        WITH d(k, lo, hi) AS (VALUES {days})
        SELECT k, (SELECT COUNT(*) FROM tickets t INDEXED BY ix_tickets_{column[:-3]}
                   WHERE t.{column} >= d.lo AND t.{column} < d.hi), {reopened} FROM d"""
    return [(k, n, n - r) for k, n, r in db.rows(sql, {})]


def per_assignee(db: SqlRunner, scope: Scope, column: str) -> list[Row]:
    """(assignee_id, tickets) with *column* in the period, for every agent and for no
    assignee: an index-range count each (the by_index form of by_day_and_agent)."""
    count = f"""(SELECT COUNT(*) FROM tickets t INDEXED BY ix_tickets_assignee_{column[:-3]}
        WHERE t.assignee_id {{}} AND t.{column} >= :start AND t.{column} < :end)"""
    sql = f"""SELECT a.id, {count.format("= a.id")} FROM agents a
              UNION ALL SELECT NULL, {count.format("IS NULL")}"""
    return [row for row in db.rows(sql, scope.params) if row[1]]


def duration_histogram(db: SqlRunner, scope: Scope, what: str) -> list[Row]:
    """(seconds, tickets) of first_response_s over the tickets created in the period, or of
    resolution_s over those solved in it (the by_index form of first_response_histogram /
    resolution_histogram). A long period reads the duration's index in value order (GROUP
    BY without a sort); a short one reads its cohort's index range and sorts that."""
    column, cohort = ("first_response_s", "created_at") if what == "first_response" else (
        "resolution_s", "solved_at")
    index = f"ix_tickets_{column}" if scope.scan else f"ix_tickets_{cohort[:-3]}"
    sql = f"""
        SELECT t.{column}, COUNT(*) FROM tickets t INDEXED BY {index}
        WHERE t.{column} IS NOT NULL AND t.{cohort} >= :start AND t.{cohort} < :end
        GROUP BY t.{column} ORDER BY t.{column}"""
    return db.rows(sql, scope.params)


def first_contact_and_repeats(db: SqlRunner, scope: Scope) -> Row:
    """(first-contact resolutions, repeat contacts, tickets solved: those the resolution
    histogram counts) among the tickets solved in the period,
    as resolution_histogram defines them: exactly one agent reply, or the ticket's first
    call resolved it; repeat_contact. Index-only over ix_tickets_solved, plus the first-call
    probe: from the resolving calls for a long period, from the tickets for a short one."""
    first_call = ("(SELECT f.{} FROM calls f WHERE f.ticket_id = {} "
                  "ORDER BY f.started_at, f.id LIMIT 1)")
    if scope.scan:
        # c is its ticket's first call when no call of the ticket came before it: one probe
        # of ix_calls_ticket_first (ticket, start, id), no sort of the ticket's calls.
        by_call = """(SELECT COUNT(*) FROM calls c CROSS JOIN tickets s ON s.id = c.ticket_id
            WHERE c.resolved_on_call = 1 AND s.solved_at >= :start AND s.solved_at < :end
              AND s.agent_replies <> 1 AND NOT EXISTS (
                SELECT 1 FROM calls f WHERE f.ticket_id = c.ticket_id
                  AND (f.started_at < c.started_at
                       OR (f.started_at = c.started_at AND f.id < c.id))))"""
    else:
        by_call = f"""COUNT(*) FILTER (WHERE t.agent_replies <> 1
            AND {first_call.format("resolved_on_call", "t.id")} = 1)"""
    sql = f"""
        SELECT COUNT(*) FILTER (WHERE t.agent_replies = 1), SUM(t.repeat_contact), {by_call},
               COUNT(*) FILTER (WHERE t.resolution_s IS NOT NULL)
        FROM tickets t INDEXED BY ix_tickets_solved
        WHERE t.solved_at >= :start AND t.solved_at < :end"""
    replies_1, repeats, by_calls, solved = db.rows(sql, scope.params)[0]
    return replies_1 + by_calls, repeats or 0, solved


def hold_histogram(db: SqlRunner, scope: Scope) -> list[Row]:
    """(hold seconds, calls, total call seconds) over calls started in the period."""
    sql = f"""SELECT c.hold_s, COUNT(*), SUM(c.duration_s) FROM calls c
        WHERE c.started_at >= :start AND c.started_at < :end{agent_filters(scope, 'c.agent_id')}
          {_via_ticket(scope, 'c.ticket_id', agent=False)}{_plan(scope, 'c.customer_id')}
        GROUP BY c.hold_s ORDER BY c.hold_s"""
    return db.rows(sql, scope.params)


def survey_scores(db: SqlRunner, scope: Scope) -> list[Row]:
    """(kind, score, answers) for CSAT, NPS and CES answered in the period."""
    kinds = ", ".join(f"'{k.value}'" for k in SurveyKind)
    sql = f"""
        SELECT a.kind, a.score, COUNT(*) FROM survey_answers a
        WHERE a.kind IN ({kinds}) AND a.answered_at >= :start AND a.answered_at < :end
          {_via_ticket(scope, 'a.ticket_id', agent=True)}{_plan(scope, 'a.customer_id')}
        GROUP BY a.kind, a.score"""
    return db.rows(sql, scope.params)


def pulse_scores(db: SqlRunner, scope: Scope) -> list[Row]:
    """(score, answers) of the agents' pulse in the period."""
    sql = f"""SELECT p.score, COUNT(*) FROM agent_pulses p WHERE p.answered_at >= :start
        AND p.answered_at < :end{agent_filters(scope, 'p.agent_id')} GROUP BY p.score"""
    return db.rows(sql, scope.params)


def article_reads(db: SqlRunner, scope: Scope) -> list[Row]:
    """(article id, title, reads, read seconds) for views of at least MIN_READ_SECONDS."""
    sql = f"""
        SELECT v.article_id, COALESCE(k.title, ''), COUNT(*), SUM(v.seconds)
        FROM article_views v LEFT JOIN kb_articles k ON k.id = v.article_id
        WHERE v.viewed_at >= :start AND v.viewed_at < :end AND v.seconds >= :min_read
          {agent_filters(scope, 'v.agent_id')}
        GROUP BY v.article_id ORDER BY SUM(v.seconds) DESC, v.article_id"""
    return db.rows(sql, scope.params)


def canned_uses(db: SqlRunner, scope: Scope) -> Row:
    """(insertions, distinct canned answers used) in the period."""
    sql = f"""
        SELECT COUNT(*), COUNT(DISTINCT u.article_id) FROM canned_uses u
        WHERE u.used_at >= :start AND u.used_at < :end{agent_filters(scope, 'u.agent_id')}
          {_via_ticket(scope, 'u.ticket_id', agent=False, plan=True)}"""
    return db.rows(sql, scope.params)[0]


def customer_counts(db: SqlRunner, scope: Scope) -> Row:
    """(at start, new in period, at end, churned in period): customers by their owner/plan."""
    cond = " AND c.plan = :plan" if scope.plan else ""
    cond += " AND c.owner_id = :agent" if scope.agent_id else ""
    if scope.team_id:
        cond += " AND c.owner_id IN (SELECT id FROM agents WHERE team_id = :team)"
    sql = f"""
        SELECT COUNT(*) FILTER (WHERE c.active_since < :start
                                  AND (c.churned_at IS NULL OR c.churned_at >= :start)),
          COUNT(*) FILTER (WHERE c.active_since >= :start AND c.active_since < :end),
          COUNT(*) FILTER (WHERE c.active_since < :end
                             AND (c.churned_at IS NULL OR c.churned_at >= :end)),
          COUNT(*) FILTER (WHERE c.churned_at >= :start AND c.churned_at < :end)
        FROM customers c WHERE 1 = 1{cond}"""
    return db.rows(sql, scope.params)[0]


def staffed_agents(db: SqlRunner, scope: Scope) -> int:
    """Active agents and leads (managers do not take tickets) in the scope."""
    if scope.agent_id:
        return 1
    roles = f"'{Role.AGENT.value}', '{Role.LEAD.value}'"
    cond = " AND a.team_id = :team" if scope.team_id else ""
    sql = f"SELECT COUNT(*) FROM agents a WHERE a.active = 1 AND a.role IN ({roles}){cond}"
    return int(db.rows(sql, scope.params)[0][0])


def team_zone(db: SqlRunner, team_id: str | None) -> str | None:
    """The time zone of the team, or of the oldest team when none is named."""
    where = "WHERE id = :team" if team_id else "ORDER BY created_at, id LIMIT 1"
    rows = db.rows(f"SELECT time_zone FROM teams {where}", {"team": team_id})
    return str(rows[0][0]) if rows else None


def find_team(db: SqlRunner, ref: str) -> str | None:  # by id or case-insensitive name
    sql = "SELECT id FROM teams WHERE id = :ref OR lower(name) = lower(:ref)"
    rows = db.rows(sql, {"ref": ref.strip()})
    return str(rows[0][0]) if len(rows) == 1 else None
