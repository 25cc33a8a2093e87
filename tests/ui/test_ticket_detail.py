"""The ticket detail dialog: header fields, a thread where notes stand apart, live updates."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from ui_test_data import Team, plain

from ui.dialogs.ticket_detail import TicketDetailDialog
from ui.main_window import MainWindow
from ui.pages.queue import QueuePage
from workbench.services.context import Workbench


def test_enter_on_a_row_opens_the_ticket_with_its_fields_and_thread(
    qtbot: QtBot, window: MainWindow, wb: Workbench, team: Team
) -> None:
    ticket = wb.tickets.create("Չեմ կարողանում մուտք գործել", team.customers[1].id,
                               body="Բարև, գաղտնաբառը չի աշխատում։", priority="high",
                               assignee_id=team.agent.id)
    wb.tickets.reply(ticket.id, "We reset your password; please try again.")
    wb.tickets.note(ticket.id, "Second reset this month — check for a sync bug.")
    wb.tickets.update(ticket.id, status="pending")
    queue = window.page("queue")
    assert isinstance(queue, QueuePage)
    queue.table.setFocus()
    queue.table.setCurrentIndex(queue.model.index(0, 1))

    QTest.keyClick(queue.table, Qt.Key.Key_Return)

    dialog = window.findChild(TicketDetailDialog)
    assert dialog is not None and dialog.isVisible()
    assert plain(dialog.title.text()) == f"{ticket.key}  Չեմ կարողանում մուտք գործել"
    assert plain(dialog.values["status"].text()) == "Pending"
    assert plain(dialog.values["priority"].text()) == "High"
    assert plain(dialog.values["assignee"].text()) == "Sam Okafor"
    assert plain(dialog.values["customer"].text()) == "Արամ Պետրոսյան · Standard"
    thread = plain(dialog.thread_view.toPlainText())
    for expected in ("Բարև, գաղտնաբառը չի աշխատում։", "Public reply", "We reset your password",
                     "Internal note · not sent", "Second reset this month",
                     "Dana Ortiz changed the status from Open to Pending"):
        assert expected in thread
    assert thread.index("Public reply") < thread.index("Internal note")


def test_the_open_dialog_follows_new_events(
    qtbot: QtBot, window: MainWindow, wb: Workbench, team: Team
) -> None:
    ticket = wb.tickets.create("Export stops early", team.customers[2].id)
    queue = window.page("queue")
    assert isinstance(queue, QueuePage)
    dialog = queue.open_ticket(ticket.id)
    qtbot.addWidget(dialog)
    assert "No messages yet." in dialog.thread_view.toPlainText()

    wb.tickets.customer_message(ticket.id, "It stops at 10,000 rows.")
    wb.tickets.update(ticket.id, assignee_id=team.agent.id)

    thread = plain(dialog.thread_view.toPlainText())
    assert "It stops at 10,000 rows." in thread
    assert "reassigned the ticket from nobody to Sam Okafor" in thread
    assert plain(dialog.values["assignee"].text()) == "Sam Okafor"
    assert queue.open_ticket(ticket.id) is dialog  # one window per ticket


def test_user_text_is_shown_as_text_never_as_markup(
    qtbot: QtBot, window: MainWindow, wb: Workbench, team: Team
) -> None:
    ticket = wb.tickets.create("<b>bold</b> & co", team.customers[0].id,
                               body="<script>alert(1)</script>")
    dialog = window.page("queue").open_ticket(ticket.id)  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    assert "<script>alert(1)</script>" in dialog.thread_view.toPlainText()


def test_a_right_to_left_subject_does_not_flip_the_title(
    qtbot: QtBot, window: MainWindow, wb: Workbench, team: Team
) -> None:
    """The key stays first: the Persian subject is isolated, the title reads left to right."""
    ticket = wb.tickets.create("مشکل در ورود به حساب کاربری", team.customers[0].id)
    dialog = window.page("queue").open_ticket(ticket.id)  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    assert dialog.title.text().startswith(f"\u200e{ticket.key}  \u2068")  # LRM: reads LTR
    assert dialog.values["customer"].text().startswith("\u200e\u2068آرش کریمی\u2069 · ")
