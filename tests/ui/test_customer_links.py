"""The customer screens wired into the shell and the ticket view: pending hand-offs in the
status bar, contact warnings above the composer, a timeline entry opening its ticket, and
the call dialog opened from a ticket."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from ui_test_data import Team, plain

from ui.context import AppContext
from ui.main_window import MainWindow
from ui.ticket.view import TicketView
from workbench.services.context import Workbench

SUMMARY = "Context:\nx\n\nOpen promises:\ny\n\nNext step:\nz, call on Friday."


def test_status_bar_counts_pending_handoffs(window: MainWindow, wb: Workbench, ctx: AppContext,
                                            team: Team) -> None:
    status = window.statusBar()
    assert status.handoffs_button.isHidden()
    wb.actor_id = team.agent.id
    wb.customers.update(team.customers[0].id, owner_id=team.agent.id)
    wb.handoffs.create(team.customers[0].id, team.lead.id, SUMMARY)
    wb.actor_id = team.lead.id
    assert not status.handoffs_button.isHidden()
    assert status.handoffs_button.text() == "1 hand-off(s) to acknowledge"
    status.handoffs_button.click()
    assert window.current_page_id() == "customers"
    page = window.page("customers")
    assert page.left.currentIndex() == 1
    page.handoffs.cards[0].ack.click()
    assert status.handoffs_button.isHidden()


def test_composer_shows_contact_warnings(qtbot: QtBot, ctx: AppContext, wb: Workbench,
                                         team: Team) -> None:
    c = team.customers[0]
    wb.customers.set_preference(c.id, "do_not_email", True)
    t = wb.tickets.create("Q", c.id, channel="email")
    view = TicketView(ctx, t.id)
    qtbot.addWidget(view)
    view.show()
    assert view.reply.contact_warnings.isVisible()
    assert "do-not-email" in plain(view.reply.contact_warnings.text())
    view.reply.as_note.setChecked(True)
    assert not view.reply.contact_warnings.isVisible()


def test_timeline_double_click_opens_the_ticket(window: MainWindow, wb: Workbench,
                                                team: Team) -> None:
    t = wb.tickets.create("Printer", team.customers[1].id)
    window.show_page("customers")
    page = window.page("customers")
    page.show_customer(team.customers[1].id)
    tl = page.detail.timeline
    tl.list.doubleClicked.emit(tl.model.index(0))
    views = [w for w in window.findChildren(TicketView)]
    assert [v.ticket_id for v in views] == [t.id]
    for v in views:
        v.close()


def test_ticket_view_opens_the_customer_call_dialog(qtbot: QtBot, ctx: AppContext,
                                                    wb: Workbench, team: Team) -> None:
    from ui.customer.call_dialog import LogCallDialog
    t = wb.tickets.create("Q", team.customers[2].id)
    view = TicketView(ctx, t.id)
    qtbot.addWidget(view)
    view.customer.log_call.click()
    dialogs = view.findChildren(LogCallDialog)
    assert len(dialogs) == 1 and dialogs[0].ticket.currentData() == t.id
    dialogs[0].reject()
