"""A month of a small team whose metrics compute by hand (the metrics_views oracles and
the panel tests in tests/ui/test_metrics_panel.py import it by name).

The same instants as tests/workbench/services/test_metrics.py (all priorities normal, a
24/7 calendar, UTC):
  T0 (Ana)  Feb 10 09:00, reply 09:30, solved 10:00          (previous period)
  T1 (Ana)  Mar 2 09:00 Ravi, reply 10:00, solved 12:00       one reply: first contact
  T2 (Bo)   Mar 2 09:00 Ravi, reply 11:00, reply+solved 14:00 first call resolved it
  T3 (Bo)   Mar 2 09:00, reply 15:00 (late), still open
  T4 (Ana)  Mar 5 09:00, reply+solved 09:30, reopened, solved 10:30, reopened, reply+solved 12:00
Calls (all Ravi) hold 30/0/90/0/60 s, durations 300/120/600/60/420 s; CSAT 5, 4 (Mar 3), 2
(Mar 4) and 1 (Feb 11); NPS 10, 9, 7 (Mar 3), 3 (Mar 4); CES 2, 5; pulses Ravi 4, Dana 5;
KB reads of 3 (a glance), 10, 20, 30 s on Mar 3; two canned uses on Mar 2. Now: Mar 6 10:00.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.domain.clock import FrozenClock, parse_iso
from workbench.services.context import Workbench
from workbench.store.models import (
    AgentPulse,
    ArticleView,
    Call,
    CannedUse,
    KbArticle,
    SurveyAnswer,
)


def at(text: str) -> int:
    return parse_iso(f"2026-{text}:00Z")


@dataclass
class Month:
    wb: Workbench
    ravi: str
    dana: str
    tickets: dict[str, str]


def seed_month(wb: Workbench, clock: FrozenClock, *, manager: str | None = None) -> Month:
    """The dataset above; *manager* is an existing agent id to act as (else Dana is made)."""
    clock.set(at("02-01T08:00"))
    dana = manager or wb.agents.create("Dana Smith", "dana@example.com", "manager").id
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
        w.session.flush()
        for art, secs in ((k1, 3), (k1, 10), (k1, 20), (k2, 30)):
            w.insert(ArticleView(article_id=art.id, agent_id=ravi, viewed_at=at("03-03T10:00"),
                                 seconds=secs))
        for ticket in (t1, t2):
            w.insert(CannedUse(article_id=k1.id, agent_id=ravi, ticket_id=ticket,
                               used_at=at("03-02T10:00")))
    return Month(wb, ravi, dana, {"T0": t0, "T1": t1, "T2": t2, "T3": t3, "T4": t4})
