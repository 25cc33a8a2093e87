"""Hand-offs: the life cycle (create → pending → acknowledged), who may do what, tickets
moving along, and bulk reassignment that leaves no customer without an owner."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from workbench.domain.clock import FrozenClock
from workbench.services.context import Workbench
from workbench.services.errors import PermissionDenied, ValidationError
from workbench.services.handoffs import HandoffService
from workbench.services.history import HistoryService
from workbench.store.models import Agent, Change, Customer

SUMMARY = "Refund approved; I promised an e-mail by Friday. Next: confirm the transfer."


@pytest.fixture
def people(wb: Workbench) -> dict[str, str]:
    ids = {
        key: wb.agents.create(name, f"{key}@example.com", role).id
        for key, name, role in [
            ("lead", "Dana Smith", "lead"), ("ravi", "Ravi Das", "agent"),
            ("mina", "Mina Karimi", "agent"), ("joao", "João Silva", "agent"),
        ]
    }
    wb.actor_id = ids["ravi"]
    ids["customer"] = wb.customers.create("Ana Lima", "ana@example.org", owner_id=ids["ravi"]).id
    return ids


def as_(wb: Workbench, agent_id: str) -> HandoffService:
    wb.actor_id = agent_id
    return HandoffService(wb)


def test_a_handoff_is_pending_for_both_and_leads_until_the_receiver_acknowledges(
    wb: Workbench, clock: FrozenClock, people: dict[str, str]
) -> None:
    h = as_(wb, people["ravi"]).create(people["customer"], people["mina"], SUMMARY)
    assert (h.from_agent_name, h.to_agent_name, h.pending) == ("Ravi Das", "Mina Karimi", True)
    assert wb.customers.get(people["customer"]).owner_name == "Mina Karimi"
    assert [x.id for x in as_(wb, people["mina"]).inbox()] == [h.id]
    assert [x.id for x in as_(wb, people["ravi"]).pending_for()] == [h.id]
    assert as_(wb, people["ravi"]).inbox() == []
    assert [x.id for x in as_(wb, people["lead"]).pending_for_leads()] == [h.id]
    with pytest.raises(PermissionDenied):
        as_(wb, people["ravi"]).pending_for_leads()
    with pytest.raises(PermissionDenied, match="received"):
        as_(wb, people["ravi"]).acknowledge(h.id)
    with pytest.raises(PermissionDenied, match="received"):
        as_(wb, people["lead"]).acknowledge(h.short_ref)
    clock.advance(600)
    acked = as_(wb, people["mina"]).acknowledge(h.short_ref)
    assert acked.acknowledged_at == clock.now_ms() and not acked.pending
    assert as_(wb, people["mina"]).acknowledge(h.id) == acked  # twice changes nothing
    assert as_(wb, people["mina"]).inbox() == []
    assert as_(wb, people["lead"]).pending_for_leads() == []
    entries = HistoryService(wb).timeline(people["customer"]).entries
    titles = {e.kind: e.title for e in entries}
    assert titles["handoff"] == "Handed over from Ravi Das to Mina Karimi (acknowledged)"
    assert titles["owner_change"] == "Owner set to Mina Karimi"
    with wb.read() as s:  # the owner change went through the change log
        logged = s.scalars(select(Change).where(Change.entity == "customers",
                                                Change.row_id == people["customer"],
                                                Change.kind == "update")).all()
    assert [c.fields["owner_id"] for c in logged] == [people["mina"]]


def test_the_summary_must_say_enough(wb: Workbench, people: dict[str, str]) -> None:
    handoffs = as_(wb, people["ravi"])
    with pytest.raises(ValidationError, match="at least 20"):
        handoffs.create(people["customer"], people["mina"], "see ticket")
    with pytest.raises(ValidationError, match="empty"):
        handoffs.create(people["customer"], people["mina"], "   ")
    assert wb.customers.get(people["customer"]).owner_id == people["ravi"]


def test_the_receiver_must_be_another_active_agent(
    wb: Workbench, people: dict[str, str]
) -> None:
    with pytest.raises(ValidationError, match="already owns"):
        as_(wb, people["ravi"]).create(people["customer"], people["ravi"], SUMMARY)
    with pytest.raises(ValidationError, match="colleague"):
        as_(wb, people["lead"]).create(people["customer"], people["lead"], SUMMARY)
    handoffs = as_(wb, people["ravi"])
    with wb.write() as w:
        w.update(w.session.get(Agent, people["joao"]), active=False)
    with pytest.raises(ValidationError, match="not an active agent"):
        handoffs.create(people["customer"], people["joao"], SUMMARY)


def test_only_the_owner_or_a_lead_hands_a_customer_over(
    wb: Workbench, people: dict[str, str]
) -> None:
    with pytest.raises(PermissionDenied, match="owner"):
        as_(wb, people["mina"]).create(people["customer"], people["joao"], SUMMARY)
    h = as_(wb, people["lead"]).create(people["customer"], people["joao"], SUMMARY)
    assert (h.from_agent_id, h.created_by_id) == (people["ravi"], people["lead"])


def test_the_givers_open_tickets_move_when_asked(
    wb: Workbench, people: dict[str, str]
) -> None:
    c = people["customer"]
    mine = wb.tickets.create("Refund", c, assignee_id=people["ravi"])
    theirs = wb.tickets.create("Address", c, assignee_id=people["joao"])
    done = wb.tickets.create("Old", c, assignee_id=people["ravi"])
    wb.tickets.update(done.id, status="solved")
    h = as_(wb, people["ravi"]).create(c, people["mina"], SUMMARY, include_tickets=True)
    assert h.tickets_moved == 1
    assignees = {t: wb.tickets.get(t).ticket.assignee_id for t in (mine.id, theirs.id, done.id)}
    assert assignees == {mine.id: people["mina"], theirs.id: people["joao"],
                         done.id: people["ravi"]}
    last = wb.tickets.get(mine.id).events[-1]
    assert (last.kind, last.old_value, last.new_value) == (
        "assignee_change", people["ravi"], people["mina"])


def test_a_later_handoff_supersedes_an_unacknowledged_one(
    wb: Workbench, clock: FrozenClock, people: dict[str, str]
) -> None:
    as_(wb, people["ravi"]).create(people["customer"], people["mina"], SUMMARY)
    clock.advance(60)
    second = as_(wb, people["lead"]).create(people["customer"], people["joao"], SUMMARY)
    assert as_(wb, people["mina"]).inbox() == []
    assert [h.id for h in as_(wb, people["lead"]).pending_for_leads()] == [second.id]
    assert len(HandoffService(wb).for_customer(people["customer"])) == 2


def owners(wb: Workbench) -> dict[str, str | None]:
    with wb.read() as s:
        return {c.name: c.owner_id for c in s.scalars(select(Customer))}


@pytest.fixture
def departing(wb: Workbench, people: dict[str, str]) -> list[str]:
    """Ravi owns seven customers (with tickets and a note); João already owns three."""
    ids = [people["customer"]]
    for i in range(6):
        ids.append(wb.customers.create(f"Customer {i}", owner_id=people["ravi"]).id)
    for i in range(3):
        wb.customers.create(f"João's {i}", owner_id=people["joao"])
    wb.tickets.create("Refund not received", ids[0], body="Where is it?",
                      assignee_id=people["ravi"])
    wb.tickets.reply("#1", "It is on its way")
    HistoryService(wb).add_note(ids[0], "Calls back after 16:00")
    return ids


def test_a_bulk_handoff_is_previewed_then_leaves_no_customer_without_an_owner(
    wb: Workbench, people: dict[str, str], departing: list[str]
) -> None:
    lead = as_(wb, people["lead"])
    plan = lead.preview_bulk(people["ravi"], [people["mina"], people["joao"]],
                             include_tickets=True)
    assert owners(wb)["Ana Lima"] == people["ravi"]  # a preview changes nothing
    assert plan.load() == {"Mina Karimi": 5, "João Silva": 2}  # balanced with João's three
    ana = next(i for i in plan.items if i.customer_name == "Ana Lima")
    assert "Refund not received (open)" in ana.summary
    assert "Last note: Calls back after 16:00" in ana.summary
    assert "Last contact: Reply on #1" in ana.summary
    done = lead.apply_bulk(plan)
    assert len(done) == 7
    active = {a.id for a in wb.agents.list()}
    current = owners(wb)
    assert people["ravi"] not in current.values()
    assert all(current[n] in active for n in current)
    assert wb.tickets.get("#1").ticket.assignee_id == current["Ana Lima"]
    assert len(as_(wb, people["lead"]).pending_for_leads()) == 7


def test_round_robin_deals_customers_in_turn_and_an_edited_plan_is_honoured(
    wb: Workbench, people: dict[str, str], departing: list[str]
) -> None:
    lead = as_(wb, people["lead"])
    plan = lead.preview_bulk(people["ravi"], [people["mina"], people["joao"]],
                             strategy="round-robin")
    assert [i.to_agent_name for i in plan.items][:4] == ["Mina Karimi", "João Silva"] * 2
    first = dataclasses.replace(plan.items[0], to_agent_id=people["lead"],
                                summary="Dana takes this one: VIP, renewal due in March.")
    lead.apply_bulk(dataclasses.replace(plan, items=[first, *plan.items[1:]]))
    assert owners(wb)[plan.items[0].customer_name] == people["lead"]


def test_a_bulk_handoff_is_for_leads_and_refuses_a_stale_or_bad_plan(
    wb: Workbench, people: dict[str, str], departing: list[str]
) -> None:
    with pytest.raises(PermissionDenied):
        as_(wb, people["mina"]).preview_bulk(people["ravi"], [people["mina"]])
    with pytest.raises(ValidationError, match="own customers"):
        as_(wb, people["lead"]).preview_bulk(people["ravi"], [people["ravi"]])
    with pytest.raises(ValidationError, match="at least one"):
        as_(wb, people["lead"]).preview_bulk(people["ravi"], [])
    plan = as_(wb, people["lead"]).preview_bulk(people["ravi"], [people["mina"]])
    with pytest.raises(PermissionDenied):
        as_(wb, people["mina"]).apply_bulk(plan)
    short = dataclasses.replace(plan.items[0], summary="bye")
    with pytest.raises(ValidationError, match="at least 20"):
        as_(wb, people["lead"]).apply_bulk(
            dataclasses.replace(plan, items=[short, *plan.items[1:]]))
    wb.customers.create("Newcomer", owner_id=people["ravi"])
    with pytest.raises(ValidationError, match="preview the hand-off again"):
        as_(wb, people["lead"]).apply_bulk(plan)
    assert list(owners(wb).values()).count(people["ravi"]) == 8  # nothing was written
