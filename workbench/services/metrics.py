"""Metrics: the manager's KPIs over a period, for the team or one agent, with the change
from the previous period of the same length.

``MetricsService(wb).compute(first_day, last_day, ...)`` is the one entry point (the panel
runs it in a worker thread). The SQL lives in workbench.store.metrics_queries, the
formulas in workbench.domain.kpi, and docs/metrics.md defines every figure.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import accumulate, groupby
from typing import TYPE_CHECKING

from workbench.domain import kpi
from workbench.domain.enums import Channel, Priority, SurveyKind
from workbench.domain.kpi import Outcome
from workbench.domain.sla import BusinessCalendar, SlaPolicy, SlaTarget
from workbench.services.customers import PLANS
from workbench.services.errors import NotFound, ValidationError
from workbench.services.sla import sla_ticket
from workbench.store import metrics_queries as mq
from workbench.store.metrics_queries import Row, Scope, SessionSql, SqlRunner

if TYPE_CHECKING:
    from workbench.services.context import Workbench

Value = int | float | None
_TIMES = [f"{what}_time{kind}_{stat}_s" for what in ("first_response", "resolution")
          for kind in ("", "_business") for stat in ("median", "p90", "mean")]
_SLA = [f"sla_{t.value}_pct{p}" for t in SlaTarget
        for p in ("", *(f"_{q.value}" for q in Priority))]
# Every figure, in the order the CLI prints them and docs/metrics.md defines them.
FIGURES = (
    *_TIMES, "first_responses", *_SLA, "sla_breaches",
    *(f"sla_breaches_{t.value}" for t in SlaTarget), "sla_breached_tickets", "sla_breached_now",
    "backlog_open", "backlog_age_lt_1d", "backlog_age_1_3d", "backlog_age_3_7d",
    "backlog_age_gt_7d", "unattended_over_24h", "backlog_end", "backlog_mean_daily",
    "tickets_created", "tickets_solved", "tickets_reopened", "reopens", "agents",
    "tickets_per_agent", "calls", "hold_time_mean_s", "hold_time_p90_s", "handle_time_mean_s",
    "fcr_pct", "repeat_contact_pct", "kb_articles_read", "kb_distinct_articles_read",
    "kb_read_time_s", "kb_read_time_per_article_s", "canned_uses", "canned_answers_used",
    "csat_pct", "csat_responses", "nps", "nps_responses", "ces_mean", "ces_responses",
    "agent_satisfaction_mean", "agent_pulse_responses", "retention_pct", "customers_start",
    "customers_new", "customers_end", "customers_churned",
)
SCAN_SHARE = 0.3  # above this share of all tickets in the period, scan instead of the index
# Figures about "now" (the open queue): they have no previous period to compare with.
CURRENT_ONLY = frozenset({
    "backlog_open", "backlog_age_lt_1d", "backlog_age_1_3d", "backlog_age_3_7d",
    "backlog_age_gt_7d", "unattended_over_24h", "sla_breached_now",
})


@dataclass(frozen=True)
class AgentLoad:
    agent_id: str | None
    name: str
    created: int
    solved: int


@dataclass(frozen=True)
class ArticleReads:
    article_id: str
    title: str
    reads: int
    seconds: int


@dataclass
class MetricsReport:
    """Figures of the period (``figures``) and of the one before (``previous``)."""

    first_day: date
    last_day: date
    time_zone: str
    start_ms: int
    end_ms: int
    computed_at_ms: int
    previous_first_day: date
    previous_last_day: date
    figures: dict[str, Value]
    previous: dict[str, Value] = field(default_factory=dict)
    # Per local day of the period (ISO date, value), up to today: for charts.
    series: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    by_agent: list[AgentLoad] = field(default_factory=list)
    by_article: list[ArticleReads] = field(default_factory=list)

    def flat(self) -> dict[str, Value]:
        """Every figure, then ``<key>_prev`` and ``<key>_change`` (current − previous)."""
        out: dict[str, Value] = dict(self.figures)
        for key, value in self.figures.items():
            if key in CURRENT_ONLY or key not in self.previous:
                continue
            out[f"{key}_prev"] = self.previous[key]
            out[f"{key}_change"] = kpi.change(value, self.previous[key])
        return out


class MetricsService:
    """KPIs computed from the workstation database; needs only a Workbench.

    The figure families run on ``workers`` threads, each with its own read session (SQLite
    computes while Python waits, so two cores do twice the work); ``workers = 1`` reads
    everything in one snapshot.
    """

    workers = 2

    def __init__(self, wb: Workbench) -> None:
        self.wb = wb
        self._schema: mq.Schema | None = None

    def compute(
        self,
        first_day: date,
        last_day: date,
        *,
        agent_id: str | None = None,
        team_id: str | None = None,
        priority: str | None = None,
        channel: str | None = None,
        plan: str | None = None,
        compare: bool = True,
    ) -> MetricsReport:
        """Every figure for the local days first_day..last_day (inclusive)."""
        if last_day < first_day:
            raise ValidationError(f"the period ends ({last_day}) before it starts ({first_day})")
        prev_first, prev_last = kpi.previous_period(first_day, last_day)
        periods = [(first_day, last_day), *([(prev_first, prev_last)] if compare else [])]
        zone, calcs = self._calculators(periods, agent_id, team_id, priority, channel, plan)
        now = calcs[0].scope.now_ms
        policy, calendar = self.wb.sla.active()
        jobs = [job for calc in calcs for job in calc.jobs(policy, calendar)]
        self._run([*jobs[:3], _volume_and_backlog(calcs), *jobs[3:]])
        current = calcs[0]
        names = {a.id: a.name for a in self.wb.agents.list(include_inactive=True)}
        by_agent = sorted(
            (AgentLoad(a.agent_id, names.get(a.agent_id or "", ""), a.created, a.solved)
             for a in current.by_agent),
            key=lambda a: (-a.created, -a.solved, a.name),
        )
        return MetricsReport(
            first_day, last_day, zone, current.scope.start_ms, current.scope.end_ms, now,
            prev_first, prev_last, _ordered(current.figures),
            _ordered(calcs[1].figures) if compare else {},
            current.series, by_agent, current.by_article,
        )

    def volume(self, first_day: date, last_day: date, *, agent_id: str | None = None,
               team_id: str | None = None, priority: str | None = None,
               channel: str | None = None, plan: str | None = None,
               ) -> dict[str, list[tuple[str, int]]]:
        """Tickets created and solved per day of the period (the ``created_by_day`` and
        ``solved_by_day`` series of :meth:`compute`, the same counts): a few index-range
        counts, so the panel can draw its first chart before the rest is computed."""
        if last_day < first_day:
            raise ValidationError(f"the period ends ({last_day}) before it starts ({first_day})")
        _, (calc,) = self._calculators([(first_day, last_day)], agent_id, team_id, priority,
                                       channel, plan)
        with self.wb.read() as session:
            created, solved, _, _ = calc.created_and_solved(SessionSql(session),
                                                            per_agent=False)
        shown = sum(1 for start in calc.bounds[:-1] if start <= calc.scope.now_ms)
        first = first_day.toordinal()
        labels = [date.fromordinal(first + k).isoformat() for k in range(shown)]
        return {"created_by_day": list(zip(labels, created[:shown], strict=True)),
                "solved_by_day": list(zip(labels, solved[:shown], strict=True))}

    def _calculators(self, periods: list[tuple[date, date]], agent_id: str | None,
                     team_id: str | None, priority: str | None, channel: str | None,
                     plan: str | None) -> tuple[str, list[_Calculator]]:
        """The team's time zone and a calculator per period (its scope and day bounds)."""
        _check_choice("priority", priority, [p.value for p in Priority])
        _check_choice("channel", channel, [c.value for c in Channel])
        _check_choice("plan", plan, PLANS)
        zone_team = team_id
        if agent_id is not None:  # an id, e-mail or name: the SQL needs the id
            agent = self.wb.agents.get(agent_id)
            agent_id, zone_team = agent.id, team_id or agent.team_id
        now = self.wb.now_ms()
        with self.wb.read() as session:
            db = SessionSql(session)
            if team_id is not None and mq.team_zone(db, team_id) is None:
                raise NotFound(f"no team {team_id!r}")
            zone = mq.team_zone(db, zone_team) or "UTC"
            if self._schema is None:
                self._schema = mq.inspect_schema(db)
            filters = (agent_id, team_id, priority, channel, plan)
            calcs = []
            for index, (first, last) in enumerate(periods):
                bounds = kpi.day_bounds(zone, first, last)
                scope = Scope(bounds[0], bounds[-1], now, *filters, schema=self._schema)
                scope = replace(scope, scan=mq.ticket_share(db, scope) > SCAN_SHARE)
                calcs.append(_Calculator(scope, first, bounds, current=index == 0))
        return zone, calcs

    def _run(self, jobs: list[Job]) -> None:
        def run(batch: list[Job]) -> None:
            with self.wb.read() as session:  # one read transaction: one snapshot
                db = SessionSql(session)
                for job in batch:
                    job(db)

        if self.workers <= 1:
            return run(jobs)
        with ThreadPoolExecutor(self.workers, thread_name_prefix="metrics") as pool:
            for future in [pool.submit(run, [job]) for job in jobs]:
                future.result()  # re-raises a failed job's exception here

    def find_team(self, ref: str) -> str:
        """A team id from its id or name."""
        with self.wb.read() as session:
            if (found := mq.find_team(SessionSql(session), ref)) is None:
                raise NotFound(f"no team called {ref!r}")
            return found


def _ordered(figures: dict[str, Value]) -> dict[str, Value]:
    return {key: figures[key] for key in FIGURES if key in figures}


def _check_choice(what: str, value: str | None, allowed: Sequence[str]) -> None:
    if value is not None and value not in allowed:
        raise ValidationError(f"{value!r} is not a {what}; use one of {', '.join(allowed)}")


Job = Callable[[SqlRunner], None]


class _Calculator:
    """The figures of one period: statements grouped into jobs that may run in parallel,
    each filling its part of ``figures`` (distinct keys, so no lock is needed)."""

    def __init__(self, scope: Scope, first_day: date, bounds: Sequence[int], *, current: bool):
        self.scope, self.first_day, self.bounds, self.current = scope, first_day, bounds, current
        self.figures: dict[str, Value] = {}
        self.series: dict[str, list[tuple[str, int]]] = {}
        self.by_agent: list[AgentLoad] = []
        self.by_article: list[ArticleReads] = []

    def jobs(self, policy: SlaPolicy, calendar: BusinessCalendar) -> list[Job]:
        # The heaviest first, so that the light ones fill the gaps of the other worker.
        return [
            lambda db: self._resolution(db, calendar),
            lambda db: self._sla(db, policy, calendar),
            self._first_contact,
            lambda db: self._first_response(db, calendar),
            self._calls_knowledge_surveys_customers,
        ]


    def _first_response(self, db: SqlRunner, calendar: BusinessCalendar) -> None:
        if self.scope.by_index:
            hist = mq.duration_histogram(db, self.scope, "first_response")
        else:
            hist = mq.first_response_histogram(db, self.scope)
        out = _durations("first_response_time", hist)
        out["first_responses"] = sum(row[1] for row in hist)
        if not calendar.is_always_open:  # else business time is real time: same figures
            hist = _business(calendar, mq.instants(db, self.scope, "created_at",
                                                   "first_response_at"))
        self.figures |= out | _durations("first_response_time_business", hist)

    def _resolution(self, db: SqlRunner, calendar: BusinessCalendar) -> None:
        out: dict[str, Value] = {}
        if self.scope.by_index:  # first contacts and repeats: a job of their own
            hist = mq.duration_histogram(db, self.scope, "resolution")
        else:
            hist = mq.resolution_histogram(db, self.scope)
            solved = sum(row[1] for row in hist)
            out["fcr_pct"] = kpi.pct(sum(row[2] for row in hist), solved)
            out["repeat_contact_pct"] = kpi.pct(sum(row[3] for row in hist), solved)
        out |= _durations("resolution_time", hist)
        if not calendar.is_always_open:
            hist = _business(calendar, mq.instants(db, self.scope, "solved_at", "solved_at"))
        self.figures |= out | _durations("resolution_time_business", hist)

    def _first_contact(self, db: SqlRunner) -> None:
        """First-contact resolution and repeat contacts, from the index of solved tickets
        (long periods; a short one has them in its resolution histogram). Runs beside the
        resolution histogram: the first-call probe is the heaviest statement of a year."""
        if self.scope.by_index:
            fcr, repeats, solved = mq.first_contact_and_repeats(db, self.scope)
            self.figures |= {"fcr_pct": kpi.pct(fcr, solved),
                             "repeat_contact_pct": kpi.pct(repeats, solved)}

    def created_and_solved(self, db: SqlRunner, *, per_agent: bool = True) -> tuple[
            list[int], list[int], list[int], dict[str | None, list[int]]]:
        """Tickets created and solved (and solved never reopened) per day of the period, and
        (created, solved) per assignee unless not wanted."""
        days = len(self.bounds) - 1
        created, solved, stops = [0] * days, [0] * days, [0] * days
        agents: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
        if self.scope.by_index:  # index-range counts: per day, then per assignee
            for day, count, _ in mq.per_day(db, self.scope, self.bounds, "created_at"):
                created[day] += count
            for day, count, never_reopened in mq.per_day(db, self.scope, self.bounds,
                                                         "solved_at"):
                solved[day] += count
                stops[day] += never_reopened
            for index, column in enumerate(("created_at", "solved_at") if per_agent else ()):
                for agent, count in mq.per_assignee(db, self.scope, column):
                    agents[agent][index] += count
        else:
            for day, agent, count, _ in mq.by_day_and_agent(db, self.scope, self.bounds,
                                                            "created_at"):
                created[day] += count
                agents[agent][0] += count
            for day, agent, count, never_reopened in mq.by_day_and_agent(
                    db, self.scope, self.bounds, "solved_at"):
                solved[day] += count
                stops[day] += never_reopened
                agents[agent][1] += count
        return created, solved, stops, agents

    def _volume_and_backlog(self, db: SqlRunner, moved: Iterable[Row]) -> None:
        days = len(self.bounds) - 1
        created, solved, stops, per_agent = self.created_and_solved(db)
        moves: Counter[int] = Counter()  # day -1: after the period
        reopened: set[int] = set()
        reopened_on: dict[int, set[int]] = defaultdict(set)  # tickets reopened each day
        reopens = 0
        for day, ticket, move, reopen in moved:
            moves[day] += move
            if day >= 0 and reopen:
                reopened.add(ticket)
                reopened_on[day].add(ticket)
                reopens += reopen
        now_row = mq.backlog_now(db, self.scope)
        # Anchored on the open tickets now, walked back to the period's start, then forward.
        deltas = [created[d] - stops[d] + moves[d] for d in range(days)]
        after = mq.backlog_changes_after(db, self.scope) + moves[-1]
        backlog = list(accumulate(deltas, initial=now_row[0] - after - sum(deltas)))[1:]
        shown = sum(1 for start in self.bounds[:-1] if start <= self.scope.now_ms)
        first = self.first_day.toordinal()
        labels = [date.fromordinal(first + k).isoformat() for k in range(shown)]
        reopened_days = [len(reopened_on.get(d, ())) for d in range(days)]
        for name, values in (("created_by_day", created), ("solved_by_day", solved),
                             ("backlog_by_day", backlog), ("reopened_by_day", reopened_days)):
            self.series[name] = list(zip(labels, values[:shown], strict=True))
        self.by_agent = [AgentLoad(a, "", c, s) for a, (c, s) in per_agent.items()]
        agents = mq.staffed_agents(db, self.scope)
        self.figures |= {
            "tickets_created": sum(created),
            "tickets_solved": sum(solved),
            "tickets_reopened": len(reopened),
            "reopens": reopens,
            "agents": agents,
            "tickets_per_agent": kpi.ratio(sum(created), agents),
            "backlog_end": backlog[shown - 1] if shown else None,
            "backlog_mean_daily": kpi.ratio(sum(backlog[:shown]), shown),
        }
        if self.current:
            self.figures |= dict(zip(
                ("backlog_open", "backlog_age_lt_1d", "backlog_age_1_3d", "backlog_age_3_7d",
                 "backlog_age_gt_7d", "unattended_over_24h"), now_row, strict=True))


    def _sla(self, db: SqlRunner, policy: SlaPolicy, calendar: BusinessCalendar) -> None:
        counts: Counter[tuple[SlaTarget, str, Outcome]] = Counter()
        breached_tickets = breached_now = 0
        for priority, *verdicts, n in mq.stored_verdicts(db, self.scope):
            for target, verdict in zip(SlaTarget, verdicts, strict=True):
                counts[target, priority, Outcome(verdict)] += n
            breached_tickets += n * (Outcome.BREACHED.value in verdicts)
        rows = mq.clock_rows_created(db, self.scope)
        for priority, outcome in _outcomes(rows, policy, calendar, self.scope.now_ms):
            for target in SlaTarget:
                counts[target, priority, outcome.of(target)] += 1
            breached_tickets += any(outcome.of(t) is Outcome.BREACHED for t in SlaTarget)
            breached_now += outcome.breached_now
        out: dict[str, Value] = {}
        for target in SlaTarget:
            for p in (None, *Priority):
                met = sum(n for (t, pr, o), n in counts.items()
                          if t is target and o is Outcome.MET and p in (None, pr))
                missed = sum(n for (t, pr, o), n in counts.items()
                             if t is target and o is Outcome.BREACHED and p in (None, pr))
                suffix = f"_{p.value}" if p else ""
                out[f"sla_{target.value}_pct{suffix}"] = kpi.pct(met, met + missed)
                if p is None:
                    out[f"sla_breaches_{target.value}"] = missed
        out["sla_breaches"] = sum(n for (_, _, o), n in counts.items() if o is Outcome.BREACHED)
        out["sla_breached_tickets"] = breached_tickets
        if self.current:
            older = mq.clock_rows_open_before(db, self.scope)
            out["sla_breached_now"] = breached_now + sum(
                o.breached_now for _, o in _outcomes(older, policy, calendar, self.scope.now_ms)
            )
        self.figures |= out


    def _calls_knowledge_surveys_customers(self, db: SqlRunner) -> None:
        hist = mq.hold_histogram(db, self.scope)
        calls = sum(row[1] for row in hist)
        holds = [(hold, n) for hold, n, _ in hist]
        articles = mq.article_reads(db, self.scope)
        self.by_article = [ArticleReads(a, t, n, s) for a, t, n, s in articles]
        uses, answers = mq.canned_uses(db, self.scope)
        read_time = sum(row[3] for row in articles)
        scores: dict[str, dict[int, int]] = defaultdict(dict)
        for kind, score, count in mq.survey_scores(db, self.scope):
            scores[kind][score] = count
        csat, nps, ces = (scores[k.value] for k in SurveyKind)
        pulses: dict[int, int] = dict(mq.pulse_scores(db, self.scope))
        start, new, end, churned = mq.customer_counts(db, self.scope)
        self.figures |= {
            "calls": calls,
            "hold_time_mean_s": kpi.mean_of_histogram(holds),
            "hold_time_p90_s": kpi.percentile_of_histogram(holds, 90),
            "handle_time_mean_s": kpi.ratio(sum(row[2] for row in hist), calls),
            "kb_articles_read": sum(row[2] for row in articles),
            "kb_distinct_articles_read": len(articles),
            "kb_read_time_s": read_time,
            "kb_read_time_per_article_s": kpi.ratio(read_time, len(articles)),
            "canned_uses": uses,
            "canned_answers_used": answers,
            "csat_pct": kpi.csat_pct(csat),
            "csat_responses": kpi.responses(csat, 1, 5),
            "nps": kpi.nps(nps),
            "nps_responses": kpi.responses(nps, 0, 10),
            "ces_mean": kpi.mean_score(ces, 1, 7),
            "ces_responses": kpi.responses(ces, 1, 7),
            "agent_satisfaction_mean": kpi.mean_score(pulses, 1, 5),
            "agent_pulse_responses": kpi.responses(pulses, 1, 5),
            "retention_pct": kpi.retention_pct(start, new, end),
            "customers_start": start,
            "customers_new": new,
            "customers_end": end,
            "customers_churned": churned,
        }


def _volume_and_backlog(calcs: Sequence[_Calculator]) -> Job:
    """One job for the volume and backlog of every period: the status moves of reopened
    tickets since the earliest start are read once and split by period, as
    mq.reopened_moves would give them for each (day −1: after that period)."""

    def job(db: SqlRunner) -> None:
        first, last = calcs[-1], calcs[0]  # the previous period ends where the current starts
        bounds = [*first.bounds[:-1], *last.bounds]
        scope = replace(first.scope, end_ms=last.scope.end_ms)
        if len(calcs) == 1 or first.bounds[-1] != last.bounds[0]:
            for calc in calcs:
                calc._volume_and_backlog(db, mq.reopened_moves(db, calc.scope, calc.bounds))
            return
        rows = mq.reopened_moves(db, scope, bounds)
        days = len(first.bounds) - 1
        first._volume_and_backlog(db, [(d if 0 <= d < days else -1, *rest)
                                       for d, *rest in rows])
        last._volume_and_backlog(db, [(d - days if d >= days else -1, *rest)
                                      for d, *rest in rows if d >= days or d < 0])

    return job


def _outcomes(
    rows: Iterable[Row], policy: SlaPolicy, calendar: BusinessCalendar, now: int
) -> Iterator[tuple[str, kpi.SlaOutcome]]:
    """(priority, verdicts) per ticket from clock_rows_* (rows grouped by ticket)."""
    for _, group in groupby(rows, key=lambda row: (row[1], row[0])):
        items = list(group)
        _, created, priority, status = items[0][:4]
        events = [row[4:] for row in items if row[4] is not None]
        ticket = sla_ticket(created, priority, status, events)
        yield priority, kpi.sla_outcome(ticket, policy, calendar, now)


def _business(calendar: BusinessCalendar, pairs: Sequence[Row]) -> list[tuple[int, int]]:
    """Histogram of business seconds between each (start, end) pair."""
    if not pairs:
        return []
    clock = kpi.BusinessTime(calendar, min(min(p) for p in pairs), max(max(p) for p in pairs))
    return sorted(Counter(max(0, clock.seconds_between(a, b)) for a, b in pairs).items())


def _durations(name: str, hist: Sequence[tuple[int, int]] | Sequence[Row]) -> dict[str, Value]:
    pairs = [(row[0], row[1]) for row in hist]
    return {
        f"{name}_median_s": kpi.percentile_of_histogram(pairs, 50),
        f"{name}_p90_s": kpi.percentile_of_histogram(pairs, 90),
        f"{name}_mean_s": kpi.mean_of_histogram(pairs),
    }
