"""The per-ticket metric facts the write path keeps on every ticket (services.sla.ticket_facts)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from workbench.domain.clock import FrozenClock, parse_iso
from workbench.domain.kpi import Outcome
from workbench.services.context import Workbench
from workbench.services.sla import ticket_facts
from workbench.store import fact_queries as fq
from workbench.store.models import Ticket
from workbench.sync.sla import backfill_facts, write_facts

FACTS = ("agent_replies", "repeat_contact", "sla_first_response", "sla_next_update",
         "sla_resolution")


def at(text: str) -> int:
    return parse_iso(f"2026-{text}:00Z")


def facts_of(wb: Workbench, ticket_id: str) -> dict[str, Any]:
    with wb.read() as s:
        t = s.get(Ticket, ticket_id)
        assert t is not None
        return {name: getattr(t, name) for name in FACTS}


def derived_columns(wb: Workbench) -> list[tuple[Any, ...]]:
    cols = [getattr(Ticket, name) for name in sorted(Ticket.__derived__)]
    with wb.read() as s:
        return sorted(s.execute(select(Ticket.id, *cols)).all())


def test_repeat_contact_is_set_on_the_earlier_ticket_when_the_customer_comes_back_within_7_days(
    wb: Workbench, team: dict[str, str], clock: FrozenClock
) -> None:
    ana = team["customer"]
    bo = wb.customers.create("Bo Chen", "bo@example.org").id
    cy = wb.customers.create("Cy Park", "cy@example.org").id
    clock.set(at("03-02T09:00"))
    first = wb.tickets.create("Login", ana, body="?").id
    late = wb.tickets.create("Invoice", bo, body="?").id
    parallel = wb.tickets.create("Export", cy, body="?").id
    clock.set(at("03-02T10:00"))
    wb.tickets.create("Also export", cy, body="?")  # before the solve: not a repeat
    wb.tickets.reply(first, "Fixed", status="solved")
    wb.tickets.reply(late, "Sent", status="solved")
    wb.tickets.reply(parallel, "Done", status="solved")
    assert not facts_of(wb, first)["repeat_contact"]

    clock.set(at("03-09T10:00"))  # exactly 7 days after the solve: still within the window
    again = wb.tickets.create("Login again", ana, body="?").id
    clock.set(at("03-09T10:01"))  # 7 days and a minute: outside it
    wb.tickets.create("Another invoice", bo, body="?")

    assert facts_of(wb, first)["repeat_contact"]
    assert not facts_of(wb, again)["repeat_contact"]  # open, never solved
    assert not facts_of(wb, late)["repeat_contact"]
    assert not facts_of(wb, parallel)["repeat_contact"]


def test_a_reopened_ticket_is_a_repeat_contact(
    wb: Workbench, team: dict[str, str], clock: FrozenClock
) -> None:
    t = wb.tickets.create("Login", team["customer"], body="?").id
    clock.set(at("03-02T10:00"))
    wb.tickets.reply(t, "Fixed", status="solved")
    clock.set(at("03-03T10:00"))
    wb.tickets.customer_message(t, "Still broken")
    wb.tickets.update(t, status="open")
    clock.set(at("03-03T11:00"))
    wb.tickets.reply(t, "Now fixed", status="solved")
    facts = facts_of(wb, t)
    assert facts["repeat_contact"]
    assert facts["agent_replies"] == 2


def test_verdicts_are_stored_when_the_ticket_is_solved_and_cleared_when_it_reopens(
    wb: Workbench, team: dict[str, str], clock: FrozenClock
) -> None:
    t = wb.tickets.create("Login", team["customer"], body="?", priority="normal").id
    assert facts_of(wb, t)["sla_resolution"] is None  # open: judged as of "now" by metrics
    clock.set(at("03-02T15:00"))  # first reply after 6 h: over the 4 h target
    wb.tickets.reply(t, "Fixed", status="solved")
    facts = facts_of(wb, t)
    assert (facts["sla_first_response"], facts["sla_next_update"], facts["sla_resolution"]) == (
        Outcome.BREACHED.value, Outcome.MET.value, Outcome.MET.value)
    wb.tickets.update(t, status="open")
    assert facts_of(wb, t)["sla_resolution"] is None


def test_an_internal_note_or_customer_message_is_not_an_agent_reply(
    wb: Workbench, team: dict[str, str]
) -> None:
    t = wb.tickets.create("Login", team["customer"], body="?").id
    wb.tickets.note(t, "Looking into it")
    wb.tickets.customer_message(t, "Any news?")
    assert facts_of(wb, t)["agent_replies"] == 0
    wb.tickets.reply(t, "Here you go")
    assert facts_of(wb, t)["agent_replies"] == 1


def test_bulk_facts_and_a_recomputation_from_scratch_equal_the_write_path(
    wb: Workbench, team: dict[str, str], clock: FrozenClock
) -> None:
    ana, ravi = team["customer"], team["agent"]
    bo = wb.customers.create("Bo Chen", "bo@example.org").id
    for day in range(1, 20):
        clock.set(at(f"03-{day:02d}T09:00"))
        for k, customer in enumerate((ana, bo, ana)):
            t = wb.tickets.create(f"T{day}-{k}", customer, body="?",
                                  priority=("urgent", "high", "normal", "low")[(day + k) % 4]).id
            clock.advance(3600 * (day % 7))
            if (day + k) % 5:
                wb.tickets.reply(t, "Answer", status="solved" if (day + k) % 3 else "pending")
            if (day + k) % 7 == 0:
                wb.tickets.update(t, status="open", assignee_id=ravi)
    clock.set(at("03-25T09:00"))
    written = derived_columns(wb)
    assert any(row[sorted(Ticket.__derived__).index("repeat_contact") + 1] for row in written)

    with wb.write() as w:  # wipe, then the bulk path
        w.session.execute(Ticket.__table__.update().values(  # type: ignore[attr-defined]
            agent_replies=0, repeat_contact=False, sla_first_response=None,
            sla_next_update=None, sla_resolution=None, first_response_s=None,
            resolution_s=None))
        ids = list(w.session.scalars(select(Ticket.id)))
        write_facts(wb, w, ids)
        fq.refresh_repeat_contacts(w.session.connection())
    assert derived_columns(wb) == written

    policy, calendar = wb.sla.active()
    with wb.read() as s:  # from scratch: ticket_facts over plain rows, contacts in Python
        rows = s.execute(select(Ticket.id, Ticket.created_at, Ticket.priority, Ticket.status,
                                Ticket.solved_at, Ticket.reopen_count,
                                Ticket.customer_id, Ticket.first_response_at)).all()
        events = fq.fact_events_of(s, [r[0] for r in rows])
    scratch = []
    for tid, created, priority, status, solved, reopens, customer, replied in rows:
        later = [r[1] for r in rows if r[6] == customer and r[0] != tid
                 and solved is not None and r[1] > solved]
        facts = ticket_facts(created, priority, status, events.get(tid, []), policy, calendar,
                             wb.now_ms(), solved_at=solved, reopen_count=reopens,
                             next_contact_at=min(later, default=None),
                             first_response_at=replied)
        scratch.append((tid, *(facts[name] for name in sorted(Ticket.__derived__))))
    assert sorted(scratch) == written


def test_backfill_stores_the_verdicts_a_database_upgraded_from_0002_lacks(
    wb: Workbench, team: dict[str, str], clock: FrozenClock
) -> None:
    for k in range(7):
        t = wb.tickets.create(f"T{k}", team["customer"], body="?").id
        clock.advance(3600 * k)
        if k % 3:
            wb.tickets.reply(t, "Fixed", status="solved")
    written = derived_columns(wb)
    with wb.write() as w:
        w.session.execute(Ticket.__table__.update().values(  # type: ignore[attr-defined]
            sla_first_response=None, sla_next_update=None, sla_resolution=None))
    assert backfill_facts(wb, chunk=2) == 4
    assert derived_columns(wb) == written
    assert backfill_facts(wb) == 0  # nothing left: a second run is a no-op


def test_tickets_moved_to_another_customer_get_their_repeat_contacts_recomputed(
    wb: Workbench, team: dict[str, str], clock: FrozenClock
) -> None:
    """What a customer merge needs: Bo's ticket moves to Ana, 2 days after Ana's solve."""
    ana = team["customer"]
    bo = wb.customers.create("Bo Chen", "bo@example.org").id
    first = wb.tickets.create("Login", ana, body="?").id
    clock.set(at("03-02T10:00"))
    wb.tickets.reply(first, "Fixed", status="solved")
    clock.set(at("03-04T10:00"))
    moved = wb.tickets.create("Login (Bo)", bo, body="?").id
    assert not facts_of(wb, first)["repeat_contact"]
    with wb.write() as w:
        t = w.session.get(Ticket, moved)
        assert t is not None
        w.update(t, customer_id=ana)
        assert wb.sla.refresh_repeat_contacts(w, ana) == 1
    assert facts_of(wb, first)["repeat_contact"]
