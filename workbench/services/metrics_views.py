"""What the metrics panel shows beyond ``MetricsService``: per-day series of the KPIs (the
tiles' sparklines and the trend charts), per-agent figures, time distributions and the
tickets behind a bar or point of a chart (drill-down).

``MetricsViews(wb).panel(first_day, last_day, filters)`` returns the report of
``MetricsService.compute`` plus these views in one call (the panel runs it off the UI
thread); ``drill(...)`` lists tickets. Formulas follow docs/metrics.md; the SQL lives in
:mod:`workbench.store.metrics_drill`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from workbench.domain import kpi
from workbench.domain.enums import Priority, Role, SurveyKind
from workbench.services.errors import ValidationError
from workbench.services.metrics import MetricsReport, MetricsService
from workbench.store import metrics_drill as md
from workbench.store import metrics_queries as mq
from workbench.store.metrics_queries import Row, Scope, SessionSql

if TYPE_CHECKING:
    from workbench.services.context import Workbench
    from workbench.services.dto import AgentInfo

# Upper bounds (seconds) of the buckets of data.distributions; the last bucket is open.
DURATION_BUCKETS: tuple[int, ...] = md.DURATION_BUCKETS
Point = tuple[str, float | None]  # (ISO local day, value or None: no data that day)
DRILL_KINDS = ("created", "solved", "backlog", "first_response", "resolution", "csat", "nps",
               "calls", "priority")


@dataclass(frozen=True)
class MetricsFilters:
    """The panel's filters; None is "all". agent_id may be an id, e-mail or name."""

    agent_id: str | None = None
    team_id: str | None = None
    priority: str | None = None
    channel: str | None = None
    plan: str | None = None


@dataclass(frozen=True)
class AgentFigures:
    """One row of the per-agent table (times in seconds, rates 0-100, None: no data)."""

    agent_id: str | None  # None: unassigned tickets
    name: str
    tickets: int  # created in the period, assigned to the agent
    solved: int
    first_response_median_s: float | None
    resolution_median_s: float | None
    fcr_pct: float | None
    csat_pct: float | None
    calls: int
    hold_time_mean_s: float | None
    pulse_mean: float | None


@dataclass(frozen=True)
class DrillTicket:
    """A ticket listed by a drill-down."""

    id: str
    number: int | None
    subject: str
    status: str
    priority: str
    assignee: str
    created_at: int
    solved_at: int | None
    first_response_at: int | None

    @property
    def key(self) -> str:
        return f"#{self.number}" if self.number is not None else f"P-{self.id[-8:]}"


@dataclass
class PanelData:
    """Everything the panel draws for one period and filter set."""

    report: MetricsReport
    filters: MetricsFilters
    bounds: list[int]  # local midnights of the period: day k is [bounds[k], bounds[k + 1])
    days: list[str]  # ISO local days shown (up to today)
    daily: dict[str, list[Point]] = field(default_factory=dict)
    agents: list[AgentFigures] = field(default_factory=list)
    # (bucket upper bound in seconds or None for the last, tickets) per distribution.
    distributions: dict[str, list[tuple[int | None, int]]] = field(default_factory=dict)
    preview: bool = False  # MetricsViews.volume: created and solved per day only


@dataclass(frozen=True)
class TeamChoice:
    id: str
    name: str


class MetricsViews:
    """The panel's views of the metrics; needs only a Workbench."""

    def __init__(self, wb: Workbench, metrics: MetricsService | None = None) -> None:
        self.wb = wb
        self.metrics = metrics or MetricsService(wb)

    def teams(self) -> list[TeamChoice]:
        with self.wb.read() as session:
            return [TeamChoice(str(i), str(n)) for i, n in md.teams(SessionSql(session))]

    def panel(self, first_day: date, last_day: date,
              filters: MetricsFilters = MetricsFilters()) -> PanelData:
        """The report of the period and the views the panel draws from it."""
        filters = self._resolved(filters)
        report = self.metrics.compute(
            first_day, last_day, agent_id=filters.agent_id, team_id=filters.team_id,
            priority=filters.priority, channel=filters.channel, plan=filters.plan)
        bounds = kpi.day_bounds(report.time_zone, first_day, last_day)
        shown = sum(1 for start in bounds[:-1] if start <= report.computed_at_ms)
        first = first_day.toordinal()
        days = [date.fromordinal(first + k).isoformat() for k in range(shown)]
        data = PanelData(report, filters, bounds, days)
        with self.wb.read() as session:
            db = SessionSql(session)
            scope = self._scope(db, report, filters)
            _Assembler(data, self.wb.agents.list(include_inactive=True)).fill(db, scope)
        return data

    def volume(self, first_day: date, last_day: date,
               filters: MetricsFilters = MetricsFilters()) -> PanelData:
        """A first look at the period: only tickets created and solved per day (what the
        first chart draws), in a fraction of the time :meth:`panel` takes. Its report has
        the period and the two series, no figures (``PanelData.preview`` is True)."""
        filters = self._resolved(filters)
        series = self.metrics.volume(
            first_day, last_day, agent_id=filters.agent_id, team_id=filters.team_id,
            priority=filters.priority, channel=filters.channel, plan=filters.plan)
        days = [day for day, _ in series["created_by_day"]]
        report = MetricsReport(first_day, last_day, "", 0, 0, self.wb.now_ms(), first_day,
                               last_day, {}, series=series)
        data = PanelData(report, filters, [], days, preview=True)
        for name, points in series.items():
            data.daily[name] = [(day, float(v)) for day, v in points]
        return data

    def drill(self, data: PanelData, kind: str, *, day: int | None = None,
              bucket: int | None = None, agent_id: str | None = None,
              priority: str | None = None) -> list[DrillTicket]:
        """The tickets behind one bar or point of *data*'s charts, at most
        ``metrics_drill.DRILL_LIMIT``:

        - ``created`` / ``solved`` / ``backlog``, ``csat`` / ``nps`` with *day* (0-based day
          of the period): created, solved (last solve), open at the end of that day, with
          such an answer that day;
        - ``first_response`` / ``resolution`` with *bucket*: the period's tickets whose time
          is in that bucket of ``data.distributions``;
        - ``calls`` with *agent_id*: tickets of the calls the agent took in the period;
        - ``priority`` with *priority*: the SLA cohort of that priority (tickets created in
          the period), those with a breached clock first.
        """
        if kind not in DRILL_KINDS:
            raise ValidationError(f"{kind!r} is not a drill-down; use one of "
                                  f"{', '.join(DRILL_KINDS)}")
        with self.wb.read() as session:
            db = SessionSql(session)
            scope = self._scope(db, data.report, data.filters)
            if kind == "priority":
                if priority not in [p.value for p in Priority]:
                    raise ValidationError(f"{priority!r} is not a priority")
                ids = md.created_between(db, replace(scope, priority=priority),
                                         scope.start_ms, scope.end_ms, breached_first=True)
            else:
                ids = self._drill_ids(db, scope, data, kind, day, bucket, agent_id)
            rows = md.ticket_rows(db, ids)
        order = {tid: n for n, tid in enumerate(ids)}
        return [DrillTicket(*row) for row in sorted(rows, key=lambda r: order[r[0]])]

    def _drill_ids(self, db: SessionSql, scope: Scope, data: PanelData, kind: str,
                   day: int | None, bucket: int | None, agent_id: str | None) -> list[str]:
        if kind in ("first_response", "resolution"):
            if bucket is None or not 0 <= bucket <= len(DURATION_BUCKETS):
                raise ValidationError(f"no bucket {bucket!r} in the {kind} distribution")
            return md.in_duration_bucket(db, scope, kind, bucket)
        if kind == "calls":
            if agent_id is None:
                raise ValidationError("a calls drill-down needs an agent")
            return md.called_by(db, scope, agent_id)
        if day is None or not 0 <= day < len(data.bounds) - 1:
            raise ValidationError(f"day {day!r} is not in the period")
        start, end = data.bounds[day], data.bounds[day + 1]
        if kind == "created":
            return md.created_between(db, scope, start, end)
        if kind == "solved":
            return md.solved_between(db, scope, start, end)
        if kind == "backlog":
            return md.open_at(db, scope, min(end, data.report.computed_at_ms))
        return md.surveyed_between(db, scope, kind, start, end)

    def _resolved(self, filters: MetricsFilters) -> MetricsFilters:
        if filters.agent_id is None:
            return filters
        agent = self.wb.agents.get(filters.agent_id)
        return MetricsFilters(agent.id, filters.team_id, filters.priority, filters.channel,
                              filters.plan)

    @staticmethod
    def _scope(db: SessionSql, report: MetricsReport, f: MetricsFilters) -> Scope:
        return Scope(report.start_ms, report.end_ms, report.computed_at_ms, f.agent_id,
                     f.team_id, f.priority, f.channel, f.plan, schema=mq.inspect_schema(db))


class _Assembler:
    """Turns the grouped rows of metrics_drill into daily series and per-agent figures."""

    def __init__(self, data: PanelData, staff: list[AgentInfo]) -> None:
        self.data, self.staff = data, staff
        self.names = {a.id: a.name for a in staff}

    def fill(self, db: SessionSql, scope: Scope) -> None:
        bounds = self.data.bounds
        agents: dict[str | None, dict[str, object]] = defaultdict(dict)
        self._created(md.created_cohort(db, scope, bounds), agents)
        self._solved(md.solved_cohort(db, scope, bounds), agents)
        self._surveys(md.survey_cohort(db, scope, bounds), agents)
        self._calls(md.call_cohort(db, scope, bounds), agents)
        self._pulses(md.pulse_cohort(db, scope, bounds), agents)
        self.data.daily["repeat_contact_pct"] = self._points(
            {day: kpi.pct(repeats, solved)
             for day, solved, repeats in md.repeats_by_day(db, scope, bounds)}, zero=False)
        reads, uses = md.knowledge_by_day(db, scope, bounds, kpi.MIN_READ_SECONDS)
        daily = self.data.daily
        daily["kb_articles_read"] = self._points({r[0]: r[1] for r in reads})
        daily["kb_read_time_s"] = self._points({r[0]: r[2] for r in reads})
        daily["canned_uses"] = self._points({r[0]: r[1] for r in uses})
        for name, series in self.data.report.series.items():
            daily[name] = [(day, float(v)) for day, v in series]
        for what in ("first_response", "resolution"):
            counts: dict[int, int] = dict(md.duration_buckets(db, scope, what))
            edges: list[int | None] = [*DURATION_BUCKETS, None]
            self.data.distributions[what] = [(edge, int(counts.get(k, 0)))
                                             for k, edge in enumerate(edges)]
        self.data.agents = self._agent_rows(agents, scope)

    def _points(self, per_day: dict[int, float | None], *, zero: bool = True) -> list[Point]:
        """A value for each day shown: counts are 0 on a day without rows, rates None."""
        default = 0.0 if zero else None
        return [(d, _float(per_day.get(k, default))) for k, d in enumerate(self.data.days)]

    def _created(self, rows: list[Row], agents: dict[str | None, dict[str, object]]) -> None:
        per_day: dict[int, list[tuple[int, int]]] = defaultdict(list)
        per_agent: dict[str | None, list[tuple[int, int]]] = defaultdict(list)
        for day, agent, seconds, count in rows:
            _bump(agents[agent], "tickets", count)
            if seconds is not None:
                per_day[day].append((seconds, count))
                per_agent[agent].append((seconds, count))
        self.data.daily["first_response_time_median_s"] = self._points(
            {k: _median(h) for k, h in per_day.items()}, zero=False)
        for agent, hist in per_agent.items():
            agents[agent]["frt"] = _median(hist)

    def _solved(self, rows: list[Row], agents: dict[str | None, dict[str, object]]) -> None:
        per_day: dict[int, list[tuple[int, int]]] = defaultdict(list)
        per_agent: dict[str | None, list[tuple[int, int]]] = defaultdict(list)
        fcr_day: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for day, agent, seconds, count, fcr in rows:
            per_day[day].append((seconds, count))
            per_agent[agent].append((seconds, count))
            fcr_day[day][0] += fcr
            fcr_day[day][1] += count
            _bump(agents[agent], "solved", count)
            _bump(agents[agent], "fcr", fcr)
        self.data.daily["resolution_time_median_s"] = self._points(
            {k: _median(h) for k, h in per_day.items()}, zero=False)
        self.data.daily["fcr_pct"] = self._points(
            {k: kpi.pct(f, n) for k, (f, n) in fcr_day.items()}, zero=False)
        for agent, hist in per_agent.items():
            agents[agent]["resolution"] = _median(hist)

    def _surveys(self, rows: list[Row], agents: dict[str | None, dict[str, object]]) -> None:
        per_day: dict[str, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
        csat: dict[str | None, dict[int, int]] = defaultdict(dict)
        for day, agent, kind, score, count in rows:
            scores = per_day[kind][day]
            scores[score] = scores.get(score, 0) + count
            if kind == SurveyKind.CSAT.value:
                csat[agent][score] = csat[agent].get(score, 0) + count
        daily = self.data.daily
        daily["csat_pct"] = self._points(
            {k: kpi.csat_pct(s) for k, s in per_day[SurveyKind.CSAT.value].items()}, zero=False)
        daily["nps"] = self._points(
            {k: kpi.nps(s) for k, s in per_day[SurveyKind.NPS.value].items()}, zero=False)
        daily["ces_mean"] = self._points(
            {k: kpi.mean_score(s, 1, 7) for k, s in per_day[SurveyKind.CES.value].items()},
            zero=False)
        for agent, scores in csat.items():
            agents[agent]["csat"] = kpi.csat_pct(scores)

    def _calls(self, rows: list[Row], agents: dict[str | None, dict[str, object]]) -> None:
        per_day: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        for day, agent, calls, hold, seconds in rows:
            totals = per_day[day]
            totals[0] += calls
            totals[1] += hold
            totals[2] += seconds
            _bump(agents[agent], "calls", calls)
            _bump(agents[agent], "hold", hold)
        self.data.daily["hold_time_mean_s"] = self._points(
            {k: kpi.ratio(h, n) for k, (n, h, _) in per_day.items()}, zero=False)
        self.data.daily["handle_time_mean_s"] = self._points(
            {k: kpi.ratio(s, n) for k, (n, _, s) in per_day.items()}, zero=False)

    def _pulses(self, rows: list[Row], agents: dict[str | None, dict[str, object]]) -> None:
        per_day: dict[int, dict[int, int]] = defaultdict(dict)
        per_agent: dict[str | None, dict[int, int]] = defaultdict(dict)
        for day, agent, score, count in rows:
            per_day[day][score] = per_day[day].get(score, 0) + count
            per_agent[agent][score] = per_agent[agent].get(score, 0) + count
        self.data.daily["agent_satisfaction_mean"] = self._points(
            {k: kpi.mean_score(s, 1, 5) for k, s in per_day.items()}, zero=False)
        for agent, scores in per_agent.items():
            agents[agent]["pulse"] = kpi.mean_score(scores, 1, 5)

    def _agent_rows(self, agents: dict[str | None, dict[str, object]],
                    scope: Scope) -> list[AgentFigures]:
        """A row per agent with any figure, plus every staffed agent of the scope (so an
        idle agent shows as such), plus "unassigned" when tickets have no assignee."""
        for staffed in self._staffed(scope):
            agents.setdefault(staffed, {})
        rows = []
        for agent, v in agents.items():
            if agent is not None and scope.agent_id and agent != scope.agent_id:
                continue  # calls or pulses of others never reach an agent's own view
            calls = int(_num(v.get("calls")))
            solved = int(_num(v.get("solved")))
            rows.append(AgentFigures(
                agent, self.names.get(agent or "", "") if agent else "",
                int(_num(v.get("tickets"))), solved,
                _opt(v.get("frt")), _opt(v.get("resolution")),
                kpi.pct(_num(v.get("fcr")), solved), _opt(v.get("csat")), calls,
                kpi.ratio(_num(v.get("hold")), calls), _opt(v.get("pulse"))))
        return sorted(rows, key=lambda r: (r.agent_id is None, -r.tickets, r.name.lower()))

    def _staffed(self, scope: Scope) -> Iterable[str]:
        if scope.agent_id:
            return [scope.agent_id]
        return [a.id for a in self.staff
                if a.active and a.role in (Role.AGENT.value, Role.LEAD.value)
                and (scope.team_id is None or a.team_id == scope.team_id)]


def _bump(values: dict[str, object], key: str, by: int) -> None:
    values[key] = _num(values.get(key)) + by


def _num(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _opt(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _median(hist: list[tuple[int, int]]) -> float | None:
    return kpi.percentile_of_histogram(sorted(hist), 50)
