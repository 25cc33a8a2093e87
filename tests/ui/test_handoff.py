"""Hand-offs on screen: one customer to a colleague, the inbox with its acknowledgement,
pending to both sides and to leads, and the leads' bulk hand-off."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from ui_test_data import Team

from ui.context import AppContext
from ui.customer.handoff_dialog import HandoffDialog, empty_sections
from ui.pages.customers import HANDOFF_TAB, CustomersPage
from workbench.services.context import Workbench
from workbench.services.dto import AgentInfo

SUMMARY = ("Context:\nRefund for the March invoice.\n\nOpen promises:\nCall back on Friday."
           "\n\nNext step:\nCheck the refund went through.")


def act_as(wb: Workbench, ctx: AppContext, agent: AgentInfo) -> None:
    wb.actor_id = agent.id
    ctx.set_agent(agent)


def make_page(qtbot: QtBot, ctx: AppContext) -> CustomersPage:
    page = CustomersPage(ctx)
    qtbot.addWidget(page)
    page.show()  # a hidden page defers its refreshes until shown
    return page


def test_the_summary_needs_a_line_under_each_heading() -> None:
    headings = ("Context", "Open promises", "Next step")
    assert empty_sections("Context:\n\nOpen promises:\n\nNext step:\n", headings) == list(
        headings)
    assert empty_sections(SUMMARY, headings) == []
    assert empty_sections("Context: all fine\nNext step: none", headings) == ["Open promises"]


def test_hand_off_then_the_colleague_acknowledges(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, team: Team
) -> None:
    mina = wb.agents.create("Mina Karimi", "mina@example.com", "agent")
    sam, customer = team.agent, team.customers[0]
    wb.customers.update(customer.id, owner_id=sam.id)
    act_as(wb, ctx, sam)
    page = make_page(qtbot, ctx)
    page.show_customer(customer.id)
    dialog = page.detail.hand_off()
    assert isinstance(dialog, HandoffDialog)
    dialog.colleague.setCurrentIndex(dialog.colleague.findData(mina.id))
    dialog.submit()  # the bare template is refused before the service is asked
    assert "Write a line under Context, Open promises, Next step" in dialog.error.text()
    assert wb.handoffs.pending_for(sam.id) == []
    dialog.summary.setPlainText(SUMMARY)
    dialog.submit()
    assert dialog.created is not None
    assert wb.customers.get(customer.id).owner_name == "Mina Karimi"
    assert page.detail.handoff.isVisibleTo(page)  # pending, on the giver's side too
    assert "waiting for them to acknowledge" in page.detail.handoff.text()
    assert [h.customer_id for h in page.handoffs.pending.sent] == [customer.id]

    act_as(wb, ctx, mina)
    assert [c.handoff.customer_id for c in page.handoffs.cards] == [customer.id]
    assert page.left.tabText(HANDOFF_TAB) == "Hand-offs (1)"
    card = page.handoffs.cards[0]
    assert card.ack.isVisibleTo(card)
    card.ack.click()
    assert page.handoffs.pending.inbox == []
    assert page.left.tabText(HANDOFF_TAB) == "Hand-offs"
    assert not page.detail.handoff.isVisibleTo(page)
    kinds = [page.detail.timeline.model.entry(i).kind
             for i in range(page.detail.timeline.model.rowCount())]
    assert kinds[:2] == ["owner_change", "handoff"]
    assert "acknowledged" in page.detail.timeline.model.entry(1).title


def test_leads_see_every_pending_hand_off(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, team: Team
) -> None:
    wb.handoffs.create(team.customers[1].id, team.agent.id, SUMMARY)  # the lead hands over
    page = make_page(qtbot, ctx)
    team_list = page.handoffs.pending.team
    assert team_list is not None and [h.to_agent_id for h in team_list] == [team.agent.id]
    act_as(wb, ctx, team.agent)
    assert page.handoffs.pending.team is None  # agents have no team list
    assert len(page.handoffs.pending.inbox) == 1


def test_bulk_hand_off_is_for_leads_only(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, team: Team
) -> None:
    page = make_page(qtbot, ctx)
    assert not page.bulk_button.isHidden()
    act_as(wb, ctx, team.agent)
    assert page.bulk_button.isHidden()
    assert page.bulk_handoff() is None


def test_bulk_hand_off_leaves_no_customer_with_the_departing_agent(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, team: Team
) -> None:
    mina = wb.agents.create("Mina Karimi", "mina@example.com", "agent")
    sam = team.agent
    for customer in team.customers:
        wb.customers.update(customer.id, owner_id=sam.id)
    page = make_page(qtbot, ctx)
    dialog = page.bulk_handoff()
    assert dialog is not None
    dialog.giver.setCurrentIndex(dialog.giver.findData(sam.id))
    dialog.set_receivers([team.lead.id, mina.id])
    dialog.strategy.setCurrentIndex(dialog.strategy.findData("round-robin"))
    dialog.preview()
    assert dialog.table.rowCount() == 3
    assert "Reassigned from Sam Okafor" in dialog.summary.toPlainText()
    dialog.summary.setPlainText("Context: long-standing customer.\nNext step: say hello.")
    dialog.apply()
    assert len(dialog.applied) == 3
    assert wb.customers.list(owner_id=sam.id) == []
    assert wb.customers.count(owner_id=mina.id) + wb.customers.count(
        owner_id=team.lead.id) == 3
    first = dialog.applied[0]
    assert first.summary.startswith("Context: long-standing customer.")
