"""The new-ticket dialog: refusals are explained inline and change nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from ui_test_data import Team

from ui.context import AppContext
from ui.dialogs.new_ticket import NewTicketDialog
from ui.main_window import MainWindow
from workbench.services.context import Workbench


def open_dialog(qtbot: QtBot, ctx: AppContext) -> NewTicketDialog:
    dialog = NewTicketDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_an_empty_subject_is_refused_with_a_visible_message_and_nothing_created(
    qtbot: QtBot, ctx: AppContext, wb: Workbench
) -> None:
    dialog = open_dialog(qtbot, ctx)
    dialog.customer.set_query("Élodie")
    assert dialog.customer.selected() is not None
    dialog.subject.setText("   ")

    QTest.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)

    assert dialog.error.isVisible()
    assert "subject" in dialog.error.text().lower()
    assert dialog.isVisible() and dialog.created is None
    assert wb.tickets.list() == []


def test_a_missing_customer_is_refused_before_asking_the_service(
    qtbot: QtBot, ctx: AppContext, wb: Workbench
) -> None:
    dialog = open_dialog(qtbot, ctx)
    dialog.customer.set_query("nobody matches this")
    dialog.subject.setText("Printer on fire")
    dialog.submit()
    assert dialog.error.isVisible() and "customer" in dialog.error.text().lower()
    assert wb.tickets.list() == []


def test_a_complete_form_creates_the_ticket(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, team: Team
) -> None:
    dialog = open_dialog(qtbot, ctx)
    dialog.subject.setText("مشکل در ورود به حساب کاربری")
    dialog.customer.set_query("arash@")
    dialog.priority.setCurrentIndex(dialog.priority.findData("high"))
    dialog.channel.setCurrentIndex(dialog.channel.findData("phone"))
    dialog.description.setPlainText("از صبح نمی‌توانم وارد شوم.")

    with qtbot.waitSignal(dialog.accepted):
        dialog.submit()

    [ticket] = wb.tickets.list()
    assert ticket.subject == "مشکل در ورود به حساب کاربری"
    assert (ticket.customer_id, ticket.priority, ticket.channel) == (
        team.customers[0].id, "high", "phone")
    assert dialog.created is not None and dialog.created.id == ticket.id
    assert wb.tickets.get(ticket.id).events[0].body == "از صبح نمی‌توانم وارد شوم."


def test_ctrl_n_opens_it_and_the_new_ticket_shows_in_the_queue(
    qtbot: QtBot, window: MainWindow, wb: Workbench
) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(NewTicketDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.subject.setText("Invoice shows the wrong VAT rate")
    dialog.customer.set_query("Yerevan")
    with qtbot.waitSignal(dialog.accepted):
        dialog.submit()

    queue = window.page("queue").model  # type: ignore[attr-defined]
    assert [queue.row_at(i).subject for i in range(queue.rowCount())] == [
        "Invoice shows the wrong VAT rate"]
