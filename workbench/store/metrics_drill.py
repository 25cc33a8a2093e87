"""SQL behind the metrics panel beyond ``MetricsService``: per-day and per-agent breakdowns,
distribution buckets and the ticket lists a chart drills down to.

Same conventions as :mod:`workbench.store.metrics_queries` (its :class:`Scope`, its
:class:`SqlRunner`, epoch ms, a period is [start, end)); each statement aggregates in SQLite
and reaches the period's tickets through ``ix_tickets_created`` (created cohort), the
``solved_at`` index when the database has one (solved cohort) or the survey/call/view
time indexes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from workbench.domain.enums import EventKind, SurveyKind, TicketStatus
from workbench.store.metrics_queries import (
    Row,
    Scope,
    SqlRunner,
    agent_filters,
    day_bucket,
    ticket_filters,
)

_OPEN = ", ".join(f"'{s.value}'" for s in TicketStatus if s.is_open)
_REPLY = f"'{EventKind.PUBLIC_REPLY.value}'"
_KINDS = ", ".join(f"'{k.value}'" for k in SurveyKind)  # leads ix_survey_answers_kind_at
# Upper bounds (seconds, exclusive) of the buckets of the time distributions; the last is open.
DURATION_BUCKETS = (900, 3_600, 4 * 3_600, 8 * 3_600, 86_400, 3 * 86_400, 7 * 86_400)
DRILL_LIMIT = 1_000  # tickets listed by one drill-down at most


def _bucket(seconds: str) -> str:
    whens = " ".join(f"WHEN {seconds} < {edge} THEN {k}"
                     for k, edge in enumerate(DURATION_BUCKETS))
    return f"(CASE {whens} ELSE {len(DURATION_BUCKETS)} END)"


def _fcr(scope: Scope) -> str:
    """1 when a solved ticket was resolved at first contact (docs/metrics.md)."""
    replies = "t.agent_replies" if scope.schema.has("agent_replies") else f"""(SELECT COUNT(*)
        FROM ticket_events e WHERE e.ticket_id = t.id AND e.kind = {_REPLY}
          AND e.author_id IS NOT NULL)"""
    first_call = """COALESCE((SELECT c.resolved_on_call FROM calls c WHERE c.ticket_id = t.id
                              ORDER BY c.started_at, c.id LIMIT 1), 0) = 1"""
    return f"({replies} = 1 OR {first_call})"


def created_cohort(db: SqlRunner, scope: Scope, bounds: Sequence[int]) -> list[Row]:
    """(day, assignee, seconds to first reply or NULL, tickets) of tickets created in the
    period: per-day and per-agent first response medians and ticket counts."""
    sql = f"""
        SELECT {day_bucket('t.created_at', bounds)} AS day, t.assignee_id,
               MAX(0, t.first_response_at - t.created_at) / 1000 AS s, COUNT(*)
        FROM tickets t
        WHERE t.created_at >= :start AND t.created_at < :end{ticket_filters(scope)}
        GROUP BY day, t.assignee_id, s"""
    return db.rows(sql, scope.params)


def solved_cohort(db: SqlRunner, scope: Scope, bounds: Sequence[int]) -> list[Row]:
    """(day, assignee, seconds to solve, tickets, first-contact resolutions) of tickets whose
    last solve is in the period."""
    sql = f"""
        SELECT {day_bucket('t.solved_at', bounds)} AS day, t.assignee_id,
               MAX(0, t.solved_at - t.created_at) / 1000 AS s, COUNT(*), SUM({_fcr(scope)})
        FROM tickets t
        WHERE t.solved_at >= :start AND t.solved_at < :end{ticket_filters(scope)}
        GROUP BY day, t.assignee_id, s"""
    return db.rows(sql, scope.params)


def repeats_by_day(db: SqlRunner, scope: Scope, bounds: Sequence[int]) -> list[Row]:
    """(day, tickets solved, of which repeat contacts) by the day of their last solve: the
    repeat-contact rate per day (docs/metrics.md); none without the stored fact."""
    if not scope.schema.has("repeat_contact"):
        return []
    sql = f"""
        SELECT {day_bucket('t.solved_at', bounds)} AS day, COUNT(*), SUM(t.repeat_contact)
        FROM tickets t
        WHERE t.solved_at >= :start AND t.solved_at < :end{ticket_filters(scope)}
        GROUP BY day"""
    return db.rows(sql, scope.params)


def survey_cohort(db: SqlRunner, scope: Scope, bounds: Sequence[int]) -> list[Row]:
    """(day, ticket's assignee or NULL, kind, score, answers) of the surveys answered in the
    period; the ticket filters apply through the answer's ticket, the plan through its
    customer (as metrics_queries.survey_scores)."""
    inner = Scope(0, 0, 0, scope.agent_id, scope.team_id, scope.priority, scope.channel)
    cond = ticket_filters(inner)
    plan = (" AND a.customer_id IN (SELECT id FROM customers WHERE plan = :plan)"
            if scope.plan else "")
    where = f" AND t.id IS NOT NULL{cond}" if cond else ""
    sql = f"""
        SELECT {day_bucket('a.answered_at', bounds)} AS day, t.assignee_id, a.kind, a.score,
               COUNT(*)
        FROM survey_answers a LEFT JOIN tickets t ON t.id = a.ticket_id
        WHERE a.kind IN ({_KINDS}) AND a.answered_at >= :start AND a.answered_at < :end
          {where}{plan}
        GROUP BY day, t.assignee_id, a.kind, a.score"""
    return db.rows(sql, scope.params)


def call_cohort(db: SqlRunner, scope: Scope, bounds: Sequence[int]) -> list[Row]:
    """(day, agent, calls, hold seconds, call seconds) of the calls started in the period."""
    inner = Scope(0, 0, 0, None, None, scope.priority, scope.channel)
    cond = ticket_filters(inner, "ft")
    via = f" AND EXISTS (SELECT 1 FROM tickets ft WHERE ft.id = c.ticket_id{cond})" if cond else ""
    plan = (" AND c.customer_id IN (SELECT id FROM customers WHERE plan = :plan)"
            if scope.plan else "")
    sql = f"""
        SELECT {day_bucket('c.started_at', bounds)} AS day, c.agent_id, COUNT(*),
               SUM(c.hold_s), SUM(c.duration_s)
        FROM calls c
        WHERE c.started_at >= :start AND c.started_at < :end
          {agent_filters(scope, 'c.agent_id')}{via}{plan}
        GROUP BY day, c.agent_id"""
    return db.rows(sql, scope.params)


def pulse_cohort(db: SqlRunner, scope: Scope, bounds: Sequence[int]) -> list[Row]:
    """(day, agent, score, answers) of the agents' pulse answered in the period."""
    sql = f"""
        SELECT {day_bucket('p.answered_at', bounds)} AS day, p.agent_id, p.score, COUNT(*)
        FROM agent_pulses p
        WHERE p.answered_at >= :start AND p.answered_at < :end{agent_filters(scope, 'p.agent_id')}
        GROUP BY day, p.agent_id, p.score"""
    return db.rows(sql, scope.params)


def knowledge_by_day(db: SqlRunner, scope: Scope, bounds: Sequence[int],
                     min_read: int) -> tuple[list[Row], list[Row]]:
    """((day, reads, read seconds), (day, canned uses)) in the period."""
    params = scope.params | {"min_read": min_read}
    reads = f"""
        SELECT {day_bucket('v.viewed_at', bounds)} AS day, COUNT(*), SUM(v.seconds)
        FROM article_views v
        WHERE v.viewed_at >= :start AND v.viewed_at < :end AND v.seconds >= :min_read
          {agent_filters(scope, 'v.agent_id')}
        GROUP BY day"""
    inner = Scope(0, 0, 0, None, None, scope.priority, scope.channel, scope.plan)
    cond = ticket_filters(inner, "ft")
    via = f" AND EXISTS (SELECT 1 FROM tickets ft WHERE ft.id = u.ticket_id{cond})" if cond else ""
    uses = f"""
        SELECT {day_bucket('u.used_at', bounds)} AS day, COUNT(*)
        FROM canned_uses u
        WHERE u.used_at >= :start AND u.used_at < :end{agent_filters(scope, 'u.agent_id')}{via}
        GROUP BY day"""
    return db.rows(reads, params), db.rows(uses, params)


def duration_buckets(db: SqlRunner, scope: Scope, what: str) -> list[Row]:
    """(bucket, tickets) of first response (*what* = "first_response") or resolution times
    ("resolution") of the period's cohort; bucket k is below DURATION_BUCKETS[k]."""
    start, end, cohort = _duration_columns(what)
    sql = f"""
        SELECT {_bucket(f'MAX(0, t.{end} - t.{start}) / 1000')} AS b, COUNT(*)
        FROM tickets t
        WHERE t.{cohort} >= :start AND t.{cohort} < :end AND t.{end} IS NOT NULL
          {ticket_filters(scope)}
        GROUP BY b ORDER BY b"""
    return db.rows(sql, scope.params)


def _duration_columns(what: str) -> tuple[str, str, str]:
    if what == "first_response":
        return "created_at", "first_response_at", "created_at"
    if what == "resolution":
        return "created_at", "solved_at", "solved_at"
    raise ValueError(f"no duration {what!r}")


# -- drill-down: the ids of the tickets behind one bar or point ----------------------------


def created_between(db: SqlRunner, scope: Scope, start: int, end: int, *,
                    breached_first: bool = False) -> list[str]:
    """Tickets created in [start, end) within the filters, oldest first (with
    *breached_first*, those whose next deadline has passed come first)."""
    first = "(t.next_due_at IS NOT NULL AND t.next_due_at < :now) DESC, " if breached_first else ""
    sql = f"""SELECT t.id FROM tickets t WHERE t.created_at >= :a AND t.created_at < :b
        {ticket_filters(scope)} ORDER BY {first}t.created_at, t.id LIMIT {DRILL_LIMIT}"""
    return [str(r[0]) for r in db.rows(sql, scope.params | {"a": start, "b": end})]


def solved_between(db: SqlRunner, scope: Scope, start: int, end: int) -> list[str]:
    """Tickets whose last solve is in [start, end) within the filters."""
    sql = f"""SELECT t.id FROM tickets t WHERE t.solved_at >= :a AND t.solved_at < :b
        {ticket_filters(scope)} ORDER BY t.solved_at, t.id LIMIT {DRILL_LIMIT}"""
    return [str(r[0]) for r in db.rows(sql, scope.params | {"a": start, "b": end})]


def open_at(db: SqlRunner, scope: Scope, instant: int) -> list[str]:
    """Tickets open at *instant*: created before it and not solved by then (a ticket
    reopened later counts as open from its first solve on: the list errs on the side of
    showing it). Through the created index: the tickets created before *instant* that are
    still open or were solved after it."""
    sql = f"""SELECT t.id FROM tickets t WHERE t.created_at < :at
          AND (t.solved_at IS NULL AND t.status IN ({_OPEN}) OR t.solved_at >= :at
               OR t.reopen_count > 0 AND t.status IN ({_OPEN}))
          {ticket_filters(scope)} ORDER BY t.created_at DESC, t.id LIMIT {DRILL_LIMIT}"""
    return [str(r[0]) for r in db.rows(sql, scope.params | {"at": instant})]


def in_duration_bucket(db: SqlRunner, scope: Scope, what: str, bucket: int) -> list[str]:
    """Tickets of the period's cohort whose time falls in *bucket* (see duration_buckets)."""
    start, end, cohort = _duration_columns(what)
    edges = (0, *DURATION_BUCKETS)
    low = edges[bucket]
    high = DURATION_BUCKETS[bucket] if bucket < len(DURATION_BUCKETS) else None
    seconds = f"(MAX(0, t.{end} - t.{start}) / 1000)"
    cond = f"{seconds} >= :low" + (f" AND {seconds} < :high" if high is not None else "")
    sql = f"""SELECT t.id FROM tickets t WHERE t.{cohort} >= :start AND t.{cohort} < :end
          AND t.{end} IS NOT NULL AND {cond}{ticket_filters(scope)}
        ORDER BY {seconds} DESC, t.id LIMIT {DRILL_LIMIT}"""
    return [str(r[0]) for r in db.rows(sql, scope.params | {"low": low, "high": high})]


def surveyed_between(db: SqlRunner, scope: Scope, kind: str, start: int,
                     end: int) -> list[str]:
    """Tickets with a *kind* survey answer in [start, end) (answers without a ticket drop)."""
    sql = f"""SELECT DISTINCT t.id FROM survey_answers a JOIN tickets t ON t.id = a.ticket_id
        WHERE a.kind = :kind AND a.answered_at >= :a AND a.answered_at < :b
          {ticket_filters(scope)} LIMIT {DRILL_LIMIT}"""
    params = scope.params | {"kind": kind, "a": start, "b": end}
    return [str(r[0]) for r in db.rows(sql, params)]


def called_by(db: SqlRunner, scope: Scope, agent_id: str) -> list[str]:
    """Tickets of the calls *agent_id* took in the period."""
    sql = f"""SELECT DISTINCT t.id FROM calls c JOIN tickets t ON t.id = c.ticket_id
        WHERE c.agent_id = :who AND c.started_at >= :start AND c.started_at < :end
          {ticket_filters(Scope(0, 0, 0, None, None, scope.priority, scope.channel,
                                scope.plan))}
        LIMIT {DRILL_LIMIT}"""
    return [str(r[0]) for r in db.rows(sql, scope.params | {"who": agent_id})]


def ticket_rows(db: SqlRunner, ids: Sequence[str]) -> list[Row]:
    """(id, number, subject, status, priority, assignee name, created_at, solved_at,
    first_response_at) of *ids*, in no particular order."""
    out: list[Row] = []
    for k in range(0, len(ids), 500):  # under SQLite's bound-parameter limit
        chunk = ids[k:k + 500]
        params: dict[str, Any] = {f"i{n}": tid for n, tid in enumerate(chunk)}
        marks = ", ".join(f":{name}" for name in params)
        sql = f"""SELECT t.id, t.number, t.subject, t.status, t.priority, COALESCE(a.name, ''),
                t.created_at, t.solved_at, t.first_response_at
            FROM tickets t LEFT JOIN agents a ON a.id = t.assignee_id
            WHERE t.id IN ({marks})"""
        out.extend(db.rows(sql, params))
    return out


def teams(db: SqlRunner) -> list[Row]:
    """(id, name) of every team, by name."""
    return db.rows("SELECT id, name FROM teams ORDER BY lower(name), id", {})
