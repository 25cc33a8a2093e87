"""The metrics panel's views (per-day series, per-agent figures, distributions, drill-down),
checked against the hand-computed month of metrics_views_data."""

from __future__ import annotations

from datetime import date

import pytest
from metrics_views_data import Month, seed_month

from workbench.domain.clock import FrozenClock
from workbench.services.context import Workbench
from workbench.services.errors import ValidationError
from workbench.services.metrics_views import MetricsFilters, MetricsViews, PanelData
from workbench.store.metrics_queries import SessionSql

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def month(wb: Workbench, clock: FrozenClock) -> Month:
    return seed_month(wb, clock)


@pytest.fixture
def march(month: Month) -> PanelData:
    return MetricsViews(month.wb).panel(*MARCH)


def values(data: PanelData, key: str) -> list[float | None]:
    return [v for _, v in data.daily[key]]


def test_days_run_up_to_today_and_carry_the_report(march: PanelData) -> None:
    assert march.days == [f"2026-03-0{d}" for d in range(1, 7)]  # now is Mar 6
    assert len(march.bounds) == 32
    assert march.report.figures["tickets_created"] == 4


def test_daily_medians_and_rates_are_none_on_days_without_data(march: PanelData) -> None:
    # First replies: Mar 2 of 3600, 7200, 21600 s; Mar 5 of 1800 s.
    assert values(march, "first_response_time_median_s") == [None, 7200.0, None, None, 1800.0,
                                                              None]
    # Solves: Mar 2 of 10800 and 18000 s (both first contact), Mar 5 of 10800 s (not).
    assert values(march, "resolution_time_median_s") == [None, 14400.0, None, None, 10800.0,
                                                         None]
    assert values(march, "fcr_pct") == [None, 100.0, None, None, 0.0, None]


def test_daily_repeat_contacts_and_reopened_tickets(march: PanelData) -> None:
    # Mar 2: T1 and T2 solved, Ana (T1) came back with T4 three days later, Bo did not;
    # Mar 5: T4's last solve, and it was reopened (twice that day: one ticket).
    assert values(march, "repeat_contact_pct") == [None, 50.0, None, None, 100.0, None]
    assert values(march, "reopened_by_day") == [0.0, 0.0, 0.0, 0.0, 1.0, 0.0]
    assert march.report.figures["repeat_contact_pct"] == pytest.approx(200 / 3)
    assert march.report.figures["tickets_reopened"] == 1


def test_daily_surveys_calls_pulses_and_knowledge(march: PanelData) -> None:
    assert values(march, "csat_pct") == [None, None, 100.0, 0.0, None, None]
    nps = values(march, "nps")
    assert nps[2] == pytest.approx(200 / 3) and nps[3] == -100.0  # 10, 9, 7 then 3
    assert values(march, "ces_mean") == [None, None, 2.0, 5.0, None, None]
    # Calls: Mar 2 hold 30 + 90 over 300 + 600 s; Mar 3 0/120; Mar 5 0 + 60 over 60 + 420.
    assert values(march, "hold_time_mean_s") == [None, 60.0, 0.0, None, 30.0, None]
    assert values(march, "handle_time_mean_s") == [None, 450.0, 120.0, None, 240.0, None]
    assert values(march, "agent_satisfaction_mean") == [None, None, None, 4.5, None, None]
    assert values(march, "kb_articles_read") == [0.0, 0.0, 3.0, 0.0, 0.0, 0.0]  # 3 s: glance
    assert values(march, "kb_read_time_s") == [0.0, 0.0, 60.0, 0.0, 0.0, 0.0]
    assert values(march, "canned_uses") == [0.0, 2.0, 0.0, 0.0, 0.0, 0.0]
    assert values(march, "created_by_day") == [0.0, 3.0, 0.0, 0.0, 1.0, 0.0]


def test_per_agent_figures(march: PanelData, month: Month) -> None:
    rows = {r.agent_id: r for r in march.agents}
    ravi = rows[month.ravi]
    assert (ravi.name, ravi.tickets, ravi.solved) == ("Ravi Das", 2, 2)
    assert ravi.first_response_median_s == 5400.0  # 3600 and 7200
    assert ravi.resolution_median_s == 14400.0  # 10800 and 18000
    assert ravi.fcr_pct == 100.0
    assert ravi.csat_pct == pytest.approx(200 / 3)  # 5, 4, 2 on his T1
    assert (ravi.calls, ravi.hold_time_mean_s, ravi.pulse_mean) == (5, 36.0, 4.0)
    unassigned = rows[None]  # T3 and T4
    assert (unassigned.tickets, unassigned.solved) == (2, 1)
    assert unassigned.first_response_median_s == 11700.0  # 1800 and 21600
    assert (unassigned.fcr_pct, unassigned.csat_pct) == (0.0, None)
    assert rows[month.dana].pulse_mean == 5.0  # a manager's pulse still shows
    assert march.agents[0].agent_id == month.ravi  # most tickets first, unassigned last
    assert march.agents[-1].agent_id is None


def test_an_agents_own_view_has_only_their_row(month: Month) -> None:
    data = MetricsViews(month.wb).panel(*MARCH, MetricsFilters(agent_id="ravi@example.com"))
    assert [r.agent_id for r in data.agents] == [month.ravi]
    assert data.filters.agent_id == month.ravi  # resolved from the e-mail
    assert values(data, "created_by_day") == [0.0, 2.0, 0.0, 0.0, 0.0, 0.0]


def test_time_distributions_count_tickets_per_bucket(march: PanelData) -> None:
    # Buckets below 15 m, 1 h, 4 h, 8 h, 1 d, 3 d, 7 d, then the rest.
    assert [n for _, n in march.distributions["first_response"]] == [0, 1, 2, 1, 0, 0, 0, 0]
    assert [n for _, n in march.distributions["resolution"]] == [0, 0, 2, 1, 0, 0, 0, 0]
    assert march.distributions["resolution"][-1][0] is None


def ids(rows: list) -> list[str]:  # type: ignore[type-arg]
    return [r.id for r in rows]


def test_drill_down_lists_the_tickets_behind_a_bar(month: Month, march: PanelData) -> None:
    views, t = MetricsViews(month.wb), month.tickets
    assert ids(views.drill(march, "created", day=1)) == [t["T1"], t["T2"], t["T3"]]
    assert ids(views.drill(march, "solved", day=1)) == [t["T1"], t["T2"]]
    assert ids(views.drill(march, "solved", day=4)) == [t["T4"]]
    assert ids(views.drill(march, "backlog", day=1)) == [t["T3"]]
    assert ids(views.drill(march, "first_response", bucket=2)) == [t["T2"], t["T1"]]
    assert ids(views.drill(march, "resolution", bucket=3)) == [t["T2"]]
    assert ids(views.drill(march, "csat", day=2)) == [t["T1"]]
    assert set(ids(views.drill(march, "calls", agent_id=month.ravi))) == {t["T1"], t["T2"],
                                                                          t["T4"]}
    normal = ids(views.drill(march, "priority", priority="normal"))
    assert normal[0] == t["T3"] and set(normal) == {t["T1"], t["T2"], t["T3"], t["T4"]}
    assert views.drill(march, "priority", priority="urgent") == []
    first = views.drill(march, "created", day=1)[0]
    assert (first.subject, first.status, first.assignee) == ("One", "solved", "Ravi Das")


def test_drill_down_keeps_the_panels_filters(month: Month) -> None:
    views = MetricsViews(month.wb)
    data = views.panel(*MARCH, MetricsFilters(agent_id=month.ravi))
    assert ids(views.drill(data, "created", day=1)) == [month.tickets["T1"], month.tickets["T2"]]


def test_bad_drill_downs_are_refused(month: Month, march: PanelData) -> None:
    views = MetricsViews(month.wb)
    for kind, args in (("everything", {}), ("created", {"day": 40}),
                       ("first_response", {"bucket": 9}), ("calls", {}),
                       ("priority", {"priority": "whenever"})):
        with pytest.raises(ValidationError):
            views.drill(march, kind, **args)


def test_an_empty_period_has_empty_views(wb: Workbench) -> None:
    data = MetricsViews(wb).panel(date(2026, 1, 1), date(2026, 1, 7))
    assert data.agents == []
    assert values(data, "fcr_pct") == [None] * 7
    assert [n for _, n in data.distributions["first_response"]] == [0] * 8


def test_teams_are_listed_by_name(wb: Workbench) -> None:
    wb.agents.create_team("Zulu")
    wb.agents.create_team("alpha")
    assert [t.name for t in MetricsViews(wb).teams()] == ["alpha", "Zulu"]


def test_the_drill_down_queries_use_the_time_indexes(month: Month) -> None:
    """Each drill-down reads its period through an index, never a scan of all tickets."""
    from workbench.store import metrics_drill as md
    from workbench.store.metrics_queries import Scope

    scope = Scope(0, 1, 1)
    with month.wb.read() as session:
        db = SessionSql(session)
        for sql in (f"SELECT t.id FROM tickets t WHERE t.created_at >= :a AND t.created_at < :b"
                    f"{md.ticket_filters(scope)}",):
            plan = " ".join(str(r[3]) for r in db.rows(f"EXPLAIN QUERY PLAN {sql}",
                                                        {"a": 0, "b": 1}))
            assert "ix_tickets_created" in plan
