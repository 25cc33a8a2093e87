"""The metrics of a period, checked against small datasets computed by hand."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pytest
from sqlalchemy import text

from workbench.domain import kpi
from workbench.domain.clock import FrozenClock, parse_iso
from workbench.domain.sla import BusinessCalendar, default_policy
from workbench.services import metrics
from workbench.services.context import Workbench
from workbench.services.metrics import CURRENT_ONLY, FIGURES, MetricsService
from workbench.store.metrics_queries import FACT_COLUMNS
from workbench.store.models import (
    AgentPulse,
    ArticleView,
    Call,
    CannedUse,
    KbArticle,
    SurveyAnswer,
    Ticket,
    TicketEvent,
)

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def at(text: str) -> int:
    return parse_iso(f"2026-{text}:00Z")


@dataclass
class Seeded:
    wb: Workbench
    ravi: str
    dana: str
    tickets: dict[str, str]


@pytest.fixture
def seeded(wb: Workbench, clock: FrozenClock) -> Seeded:
    """One month of a small team, every instant chosen so the figures compute by hand.

    Normal priority everywhere: first response 4 h, next update 24 h, resolution 3 d.
      T0 (Ana)  Feb 10 09:00, reply 09:30, solved 10:00          (previous period)
      T1 (Ana)  Mar 2 09:00, reply 10:00, solved 12:00 (no reply) 1 reply → first contact
      T2 (Bo)   Mar 2 09:00, reply 11:00, reply+solved 14:00      first call resolved it
      T3 (Bo)   Mar 2 09:00, reply 15:00 (6 h: late), still open  breached on all targets
      T4 (Ana)  Mar 5 09:00, reply+solved 09:30, reopened 10:00, solved 10:30,
                reopened 11:00, reply+solved 12:00                 Ana again within 7 d of T1
    Now is Mar 6 10:00.
    """
    clock.set(at("02-01T08:00"))
    dana = wb.agents.create("Dana Smith", "dana@example.com", "manager").id
    ravi = wb.agents.create("Ravi Das", "ravi@example.com", "agent").id
    wb.actor_id = dana
    ana = wb.customers.create("Ana Lima", "ana@example.org").id
    bo = wb.customers.create("Bo Chen", "bo@example.org").id
    tk = wb.tickets

    def step(when: str) -> None:
        clock.set(at(when))

    step("02-10T09:00")
    t0 = tk.create("February", ana, body="?").id
    step("02-10T09:30")
    tk.reply(t0, "Here you go")
    step("02-10T10:00")
    tk.update(t0, status="solved")
    step("03-02T09:00")
    t1 = tk.create("One", ana, body="?", assignee_id=ravi).id
    t2 = tk.create("Two", bo, body="?", assignee_id=ravi).id
    t3 = tk.create("Three", bo, body="?").id
    step("03-02T10:00")
    tk.reply(t1, "Answer")
    step("03-02T11:00")
    tk.reply(t2, "Answer")
    step("03-02T12:00")
    tk.update(t1, status="solved")
    step("03-02T14:00")
    tk.reply(t2, "Done", status="solved")
    step("03-02T15:00")
    tk.reply(t3, "Late answer")
    step("03-05T09:00")
    t4 = tk.create("Four", ana, body="?").id
    step("03-05T09:30")
    tk.reply(t4, "Fixed", status="solved")
    step("03-05T10:00")
    tk.customer_message(t4, "Not fixed")
    step("03-05T10:30")
    tk.update(t4, status="solved")
    step("03-05T11:00")
    tk.customer_message(t4, "Still not")
    step("03-05T12:00")
    tk.reply(t4, "Now it is", status="solved")
    step("03-06T10:00")
    with wb.write() as w:
        # Calls: hold 30/0/90/0/60 s, durations 300/120/600/60/420 s; B has no ticket.
        for ticket, cust, start, hold, secs, resolved in (
            (t1, ana, "03-02T09:30", 30, 300, False),
            (None, ana, "03-03T09:00", 0, 120, False),
            (t2, bo, "03-02T10:30", 90, 600, True),
            (t4, ana, "03-05T09:10", 0, 60, False),
            (t4, ana, "03-05T11:30", 60, 420, True),
        ):
            w.insert(Call(customer_id=cust, agent_id=ravi, ticket_id=ticket, direction="inbound",
                          started_at=at(start), duration_s=secs, hold_s=hold, outcome="resolved",
                          resolved_on_call=resolved, notes="", created_at=at(start)))
        for kind, score, when in (("csat", 5, "03-03"), ("csat", 4, "03-03"), ("csat", 2, "03-04"),
                                  ("nps", 10, "03-03"), ("nps", 9, "03-03"), ("nps", 7, "03-03"),
                                  ("nps", 3, "03-04"), ("ces", 2, "03-03"), ("ces", 5, "03-04"),
                                  ("csat", 1, "02-11")):
            w.insert(SurveyAnswer(kind=kind, score=score, customer_id=ana, ticket_id=t1,
                                  comment="", answered_at=at(f"{when}T12:00")))
        for agent, score in ((ravi, 4), (dana, 5)):
            w.insert(AgentPulse(agent_id=agent, score=score, comment="",
                                answered_at=at("03-04T17:00")))
        k1 = w.insert(KbArticle(title="Reset a password", body="...", created_at=at("02-01T08:00"),
                                updated_at=at("02-01T08:00")))
        k2 = w.insert(KbArticle(title="Invoices", body="...", created_at=at("02-01T08:00"),
                                updated_at=at("02-01T08:00")))
        w.session.flush()  # the views refer to the articles
        for art, secs in ((k1, 3), (k1, 10), (k1, 20), (k2, 30)):  # 3 s is a glance
            w.insert(ArticleView(article_id=art.id, agent_id=ravi, viewed_at=at("03-03T10:00"),
                                 seconds=secs))
        for ticket in (t1, t2):
            w.insert(CannedUse(article_id=k1.id, agent_id=ravi, ticket_id=ticket,
                               used_at=at("03-02T10:00")))
    return Seeded(wb, ravi, dana, {"T0": t0, "T1": t1, "T2": t2, "T3": t3, "T4": t4})


def test_an_empty_period_has_nulls_where_there_is_no_data(wb: Workbench) -> None:
    figures = MetricsService(wb).compute(*MARCH).flat()
    for key in ("first_response_time_median_s", "resolution_time_p90_s", "sla_first_response_pct",
                "fcr_pct", "repeat_contact_pct", "hold_time_mean_s", "handle_time_mean_s",
                "csat_pct", "nps", "ces_mean", "agent_satisfaction_mean", "retention_pct",
                "tickets_per_agent", "kb_read_time_per_article_s", "csat_pct_prev"):
        assert figures[key] is None, key
    for key in ("tickets_created", "tickets_solved", "sla_breaches", "backlog_open", "calls",
                "kb_articles_read", "canned_uses", "csat_responses", "customers_start"):
        assert figures[key] == 0, key


def test_response_and_resolution_times(seeded: Seeded) -> None:
    f = MetricsService(seeded.wb).compute(*MARCH).flat()
    # First replies of March tickets: 1800, 3600, 7200, 21600 s.
    assert f["first_response_time_median_s"] == 5400.0  # (3600 + 7200) / 2
    assert f["first_response_time_p90_s"] == pytest.approx(17280.0)  # 7200 + 0.7 × 14400
    assert f["first_response_time_mean_s"] == 8550.0
    # Solved in March (the last solve counts): T1 10800, T2 18000, T4 10800 s.
    assert f["resolution_time_median_s"] == 10800.0
    assert f["resolution_time_p90_s"] == pytest.approx(16560.0)  # 10800 + 0.8 × 7200
    assert f["resolution_time_mean_s"] == 13200.0
    # 24/7 calendar: business time is real time.
    assert f["first_response_time_business_median_s"] == 5400.0
    # February: T0 answered in 1800 s.
    assert f["first_response_time_median_s_prev"] == 1800.0
    assert f["first_response_time_median_s_change"] == 3600.0


def test_volume_reopens_first_contact_and_repeat_contacts(seeded: Seeded) -> None:
    f = MetricsService(seeded.wb).compute(*MARCH).flat()
    assert (f["tickets_created"], f["tickets_solved"]) == (4, 3)
    assert (f["tickets_reopened"], f["reopens"]) == (1, 2)  # T4, reopened twice
    assert f["agents"] == 1 and f["tickets_per_agent"] == 4.0  # managers take no tickets
    # T1: one reply; T2: its first call resolved it; T4: two replies, first call did not.
    assert f["fcr_pct"] == pytest.approx(200 / 3)
    # T1: Ana came back with T4 within 7 days; T4 was reopened; T2: Bo never came back.
    assert f["repeat_contact_pct"] == pytest.approx(200 / 3)
    assert (f["tickets_created_prev"], f["repeat_contact_pct_prev"]) == (1, 0.0)


def test_sla_compliance_breaches_and_backlog(seeded: Seeded) -> None:
    report = MetricsService(seeded.wb).compute(*MARCH)
    f = report.flat()
    # T3 misses all three targets (6 h to answer, silent since, open 97 h); the rest meet them.
    for target in ("first_response", "next_update", "resolution"):
        assert f[f"sla_{target}_pct"] == 75.0
        assert f[f"sla_{target}_pct_normal"] == 75.0
        assert f[f"sla_{target}_pct_urgent"] is None
        assert f[f"sla_breaches_{target}"] == 1
    assert (f["sla_breaches"], f["sla_breached_tickets"], f["sla_breached_now"]) == (3, 1, 1)
    assert f["sla_breaches_prev"] == 0 and "sla_breached_now_prev" not in f
    # Now: T3 alone is open, 4 d 1 h old, last answered 91 h ago.
    assert (f["backlog_open"], f["backlog_age_3_7d"], f["unattended_over_24h"]) == (1, 1, 1)
    assert f["backlog_age_lt_1d"] == f["backlog_age_gt_7d"] == 0
    assert report.series["backlog_by_day"] == [
        ("2026-03-01", 0), ("2026-03-02", 1), ("2026-03-03", 1), ("2026-03-04", 1),
        ("2026-03-05", 1), ("2026-03-06", 1),
    ]
    assert report.series["created_by_day"][1] == ("2026-03-02", 3)
    assert report.series["solved_by_day"][1] == ("2026-03-02", 2)
    assert f["backlog_end"] == 1 and f["backlog_mean_daily"] == pytest.approx(5 / 6)


def test_calls_surveys_knowledge_and_pulse(seeded: Seeded) -> None:
    f = MetricsService(seeded.wb).compute(*MARCH).flat()
    assert f["calls"] == 5  # the call without a ticket counts for hold and handle time
    assert f["hold_time_mean_s"] == 36.0  # (0 + 0 + 30 + 60 + 90) / 5
    assert f["hold_time_p90_s"] == pytest.approx(78.0)  # 60 + 0.6 × 30
    assert f["handle_time_mean_s"] == 300.0  # 1500 / 5
    assert f["csat_pct"] == pytest.approx(200 / 3) and f["csat_responses"] == 3
    assert f["nps"] == 25.0  # (2 promoters − 1 detractor) / 4
    assert f["ces_mean"] == 3.5
    assert f["csat_pct_prev"] == 0.0  # February's one answer was a 1
    assert f["agent_satisfaction_mean"] == 4.5
    assert (f["kb_articles_read"], f["kb_distinct_articles_read"]) == (3, 2)
    assert (f["kb_read_time_s"], f["kb_read_time_per_article_s"]) == (60, 30.0)
    assert (f["canned_uses"], f["canned_answers_used"]) == (2, 1)


def test_one_agent(seeded: Seeded) -> None:
    report = MetricsService(seeded.wb).compute(*MARCH, agent_id=seeded.ravi)
    f = report.flat()
    assert (f["tickets_created"], f["tickets_solved"], f["tickets_per_agent"]) == (2, 2, 2.0)
    assert f["first_response_time_median_s"] == 5400.0  # 3600 and 7200
    assert f["fcr_pct"] == 100.0 and f["sla_breaches"] == 0
    assert f["kb_articles_read"] == 3 and f["agent_satisfaction_mean"] == 4.0
    assert f["csat_responses"] == 3  # the answers are about T1, Ravi's ticket
    assert [(a.name, a.created, a.solved) for a in report.by_agent] == [("Ravi Das", 2, 2)]


def test_filters_by_priority_channel_and_plan(seeded: Seeded) -> None:
    service = MetricsService(seeded.wb)
    assert service.compute(*MARCH, priority="urgent").figures["tickets_created"] == 0
    assert service.compute(*MARCH, channel="email").figures["tickets_created"] == 4
    assert service.compute(*MARCH, plan="premium").figures["tickets_created"] == 0
    with pytest.raises(ValueError, match="not a priority"):
        service.compute(*MARCH, priority="asap")


def test_the_period_is_in_the_team_time_zone(wb: Workbench, clock: FrozenClock) -> None:
    wb.agents.create_team("East", "America/New_York")
    wb.actor_id = wb.agents.create("Dana", "dana@example.com", "manager").id
    customer = wb.customers.create("Ana", "ana@example.org").id
    clock.set(parse_iso("2026-03-01T03:00:00Z"))  # still February 28 in New York
    wb.tickets.create("Late evening", customer)
    report = MetricsService(wb).compute(*MARCH)
    assert report.time_zone == "America/New_York"
    assert report.start_ms == parse_iso("2026-03-01T05:00:00Z")
    assert report.figures["tickets_created"] == 0
    assert report.previous["tickets_created"] == 1


def test_per_day_series_follow_local_days_across_dst(wb: Workbench, clock: FrozenClock) -> None:
    wb.agents.create_team("Berlin", "Europe/Berlin")
    wb.actor_id = wb.agents.create("Dana", "dana@example.com", "manager").id
    customer = wb.customers.create("Ana", "ana@example.org").id
    # Local times 23:30 on the 28th (UTC+1), 00:30 and 22:30 on the 29th, which has 23 hours
    # (UTC+2 from 03:00), and 00:30 on the 30th.
    for instant in ("2026-03-28T22:30:00Z", "2026-03-28T23:30:00Z", "2026-03-29T20:30:00Z",
                    "2026-03-29T22:30:00Z"):
        clock.set(parse_iso(instant))
        wb.tickets.create("Night", customer)
    clock.set(parse_iso("2026-04-02T12:00:00Z"))
    report = MetricsService(wb).compute(date(2026, 3, 28), date(2026, 3, 31))
    assert report.series["created_by_day"] == [
        ("2026-03-28", 1), ("2026-03-29", 2), ("2026-03-30", 1), ("2026-03-31", 0)]
    assert report.series["backlog_by_day"] == [
        ("2026-03-28", 1), ("2026-03-29", 3), ("2026-03-30", 4), ("2026-03-31", 4)]


def test_business_time_uses_the_sla_calendar(wb: Workbench, clock: FrozenClock) -> None:
    clock.set(parse_iso("2026-03-06T15:00:00Z"))  # Friday 16:00 in Berlin
    wb.actor_id = wb.agents.create("Dana", "dana@example.com", "manager").id
    hours = {d: [("09:00", "17:00")] for d in ("mon", "tue", "wed", "thu", "fri")}
    wb.sla.save(default_policy(), BusinessCalendar.from_hours("Europe/Berlin", hours))
    t = wb.tickets.create("Friday", wb.customers.create("Ana", "ana@example.org").id)
    clock.set(parse_iso("2026-03-09T09:00:00Z"))  # Monday 10:00
    wb.tickets.reply(t.id, "Good morning")
    f = MetricsService(wb).compute(*MARCH).flat()
    assert f["first_response_time_median_s"] == 66 * 3600.0
    assert f["first_response_time_business_median_s"] == 2 * 3600.0  # Fri 16-17, Mon 9-10
    assert f["sla_first_response_pct"] == 100.0  # 2 business hours < 4 h


def _customers(wb: Workbench, clock: FrozenClock, start: int, new: int, lost_start: int,
               lost_new: int) -> None:
    clock.set(parse_iso("2026-01-15T00:00:00Z"))
    for k in range(start):
        churn = parse_iso("2026-03-10T00:00:00Z") if k < lost_start else None
        wb.customers.create(f"Old {k}", active_since=clock.now_ms(), churned_at=churn)
    for k in range(new):
        churn = parse_iso("2026-03-20T00:00:00Z") if k < lost_new else None
        wb.customers.create(f"New {k}", active_since=parse_iso("2026-03-05T00:00:00Z"),
                            churned_at=churn)
    wb.customers.create("Gone before", active_since=parse_iso("2025-01-01T00:00:00Z"),
                        churned_at=parse_iso("2026-02-01T00:00:00Z"))
    wb.customers.create("Joins later", active_since=parse_iso("2026-04-02T00:00:00Z"))


@pytest.mark.parametrize(
    ("start", "new", "lost_start", "lost_new", "expected"),
    [(20, 5, 1, 0, 95.0), (44, 12, 11, 2, 70.45)],
)
def test_retention_oracles(
    wb: Workbench, clock: FrozenClock, start: int, new: int, lost_start: int, lost_new: int,
    expected: float,
) -> None:
    _customers(wb, clock, start, new, lost_start, lost_new)
    f = MetricsService(wb).compute(*MARCH).flat()
    assert (f["customers_start"], f["customers_new"]) == (start, new)
    assert f["customers_end"] == start + new - lost_start - lost_new
    assert f["customers_churned"] == lost_start + lost_new
    assert round(f["retention_pct"] or 0, 2) == expected


def test_a_period_that_ends_before_it_starts_is_refused(wb: Workbench) -> None:
    with pytest.raises(ValueError, match="before it starts"):
        MetricsService(wb).compute(date(2026, 3, 2), date(2026, 3, 1))


def test_every_figure_is_computed_in_the_documented_order(seeded: Seeded) -> None:
    report = MetricsService(seeded.wb).compute(*MARCH)
    assert tuple(report.figures) == FIGURES
    assert set(report.previous) == set(FIGURES) - CURRENT_ONLY


def test_one_worker_reads_one_snapshot_and_gives_the_same_figures(seeded: Seeded) -> None:
    parallel = MetricsService(seeded.wb).compute(*MARCH)
    serial = MetricsService(seeded.wb)
    serial.workers = 1
    assert serial.compute(*MARCH).flat() == parallel.flat()


def _clock_only(service: MetricsService) -> MetricsService:
    """A service that ignores the stored facts: every figure from events and the clock."""
    schema = service._schema
    assert schema is not None
    other = MetricsService(service.wb)
    other._schema = replace(schema, ticket_columns=schema.ticket_columns - FACT_COLUMNS)
    return other


@pytest.mark.parametrize("verdicts", [True, False])
def test_stored_facts_give_the_same_figures_as_the_clock(seeded: Seeded, verdicts: bool) -> None:
    """The write path keeps the facts; without stored verdicts (a database upgraded from
    revision 0002, not backfilled yet) the clock answers for those tickets."""
    if not verdicts:
        with seeded.wb.db.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE tickets SET sla_first_response = NULL, "
                                 "sla_next_update = NULL, sla_resolution = NULL")
    service = MetricsService(seeded.wb)
    stored = service.compute(*MARCH)
    assert service._schema is not None and service._schema.has(*FACT_COLUMNS)
    by_clock = _clock_only(service).compute(*MARCH)
    assert stored.flat() == by_clock.flat()
    assert stored.series == by_clock.series


def test_the_write_path_stores_the_verdicts_of_solved_tickets_only(seeded: Seeded) -> None:
    with seeded.wb.read() as s:
        rows = dict(s.execute(text(
            "SELECT status, COUNT(*) FROM tickets WHERE sla_resolution IS NOT NULL "
            "GROUP BY status")).all())
        open_with = s.execute(text(
            "SELECT COUNT(*) FROM tickets WHERE status IN ('new', 'open', 'pending', "
            "'on_hold') AND sla_first_response IS NOT NULL")).scalar()
    assert rows == {"solved": 4}  # T0, T1, T2, T4
    assert open_with == 0


@pytest.mark.parametrize("share", [-1.0, 2.0])  # always, never a table scan
def test_table_scans_and_index_reads_give_the_same_figures(
    seeded: Seeded, share: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = MetricsService(seeded.wb).compute(*MARCH).flat()
    monkeypatch.setattr(metrics, "SCAN_SHARE", share)
    assert MetricsService(seeded.wb).compute(*MARCH).flat() == expected


@pytest.mark.parametrize("share", [-1.0, 2.0])  # long period (table scan) or short
def test_index_range_counts_give_the_figures_of_reading_every_ticket(
    seeded: Seeded, share: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The unfiltered figures count through the fact indexes (per day, per assignee, per
    verdict combination, duration histograms in index order); reading the tickets and
    their events gives the same."""
    monkeypatch.setattr(metrics, "SCAN_SHARE", share)
    service = MetricsService(seeded.wb)
    fast = service.compute(*MARCH)
    assert service._schema is not None and service._schema.counts_by_index
    slow = _clock_only(service).compute(*MARCH)
    assert fast.flat() == slow.flat()
    assert (fast.series, fast.by_agent) == (slow.series, slow.by_agent)


def test_the_previous_period_has_the_figures_of_computing_it_on_its_own(seeded: Seeded) -> None:
    """Both periods share one read of the reopened tickets' status moves, split by period."""
    with seeded.wb.write() as w:  # a reopen in February too, so the split has work to do
        t0 = w.session.get(Ticket, seeded.tickets["T0"])
        assert t0 is not None
        for at_, old, new in (("02-11T09:00", "solved", "open"), ("02-12T09:00", "open",
                                                                   "solved")):
            w.insert(TicketEvent(ticket_id=t0.id, kind="status_change", author_id=None,
                                 old_value=old, new_value=new, created_at=at(at_)))
        w.update(t0, reopen_count=1, solved_at=at("02-12T09:00"))
    service = MetricsService(seeded.wb)
    both = service.compute(*MARCH)
    alone = service.compute(*kpi.previous_period(*MARCH), compare=False)
    assert alone.figures["tickets_reopened"] == 1
    expected = {k: v for k, v in alone.figures.items() if k not in CURRENT_ONLY}
    assert both.previous == expected


@pytest.mark.parametrize("share", [-1.0, 2.0])  # index-range counts, or reading tickets
@pytest.mark.parametrize("filters", [{}, {"priority": "normal"}, {"agent_id": "Ravi Das"}])
def test_the_daily_volume_alone_equals_the_series_of_the_whole_computation(
    seeded: Seeded, share: float, filters: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the panel draws first (MetricsService.volume) is what it draws when the whole
    result arrives: the same created and solved per day."""
    monkeypatch.setattr(metrics, "SCAN_SHARE", share)
    service = MetricsService(seeded.wb)
    report = service.compute(*MARCH, **filters)  # type: ignore[arg-type]
    volume = service.volume(*MARCH, **filters)  # type: ignore[arg-type]
    assert volume == {k: report.series[k] for k in ("created_by_day", "solved_by_day")}
    assert sum(n for _, n in volume["created_by_day"]) == report.figures["tickets_created"]
