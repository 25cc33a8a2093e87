"""Creating a ticket in one dialog: a pasted e-mail, a new customer inline, clear refusals."""

from __future__ import annotations

from PySide6.QtCore import QMimeData
from pytestqt.qtbot import QtBot
from ui_test_data import Team

from ui.context import AppContext
from ui.dialogs.new_ticket import NewTicketDialog
from ui.ticket.pasted_email import parse_pasted_email
from workbench.services.context import Workbench

PASTED = """From: Jonas Weber <Jonas.Weber@example.de>
Sent: Monday, 2 March 2026 08:12
To: support@example.com
Subject: Export to CSV stops at 10,000 rows

Hello,
the export ends early every time.

Jonas"""


def open_dialog(qtbot: QtBot, ctx: AppContext) -> NewTicketDialog:
    dialog = NewTicketDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_a_pasted_email_is_read_for_sender_subject_and_body() -> None:
    mail = parse_pasted_email(PASTED)
    assert mail is not None
    assert (mail.sender_name, mail.sender_email) == ("Jonas Weber", "jonas.weber@example.de")
    assert mail.subject == "Export to CSV stops at 10,000 rows"
    assert mail.body.startswith("Hello,\nthe export ends early")
    assert parse_pasted_email("The printer is on fire.") is None


def test_an_email_from_an_unknown_sender_creates_customer_and_ticket_at_once(
    qtbot: QtBot, ctx: AppContext, wb: Workbench
) -> None:
    dialog = open_dialog(qtbot, ctx)
    dialog.description.setPlainText(PASTED)
    assert dialog.fill_button.isEnabled()
    dialog.fill_from_email()
    assert dialog.subject.text() == "Export to CSV stops at 10,000 rows"
    assert dialog.new_customer.isChecked()  # nobody has that address yet
    assert dialog.new_name.text() == "Jonas Weber"

    with qtbot.waitSignal(dialog.accepted):
        dialog.submit()

    [ticket] = wb.tickets.list()
    assert ticket.customer_name == "Jonas Weber" and ticket.channel == "email"
    assert wb.customers.get("jonas.weber@example.de").id == ticket.customer_id
    assert wb.tickets.get(ticket.id).events[0].body.startswith("Hello,")


def test_an_email_from_a_known_customer_picks_them(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, team: Team
) -> None:
    dialog = open_dialog(qtbot, ctx)
    dialog.description.setPlainText(PASTED.replace("Jonas.Weber@example.de",
                                                   "elodie@example.fr"))
    dialog.fill_from_email()
    assert not dialog.new_customer.isChecked()
    selected = dialog.customer.selected()
    assert selected is not None and selected.id == team.customers[2].id


def test_a_walk_in_with_a_new_customer_needs_no_email(
    qtbot: QtBot, ctx: AppContext, wb: Workbench
) -> None:
    dialog = open_dialog(qtbot, ctx)
    dialog.channel.setCurrentIndex(dialog.channel.findData("walk-in"))
    assert not dialog.fill_button.isVisible()
    dialog.new_customer.setChecked(True)
    dialog.new_name.setText("Kofi Mensah")
    dialog.subject.setText("Replace a broken badge")
    with qtbot.waitSignal(dialog.accepted):
        dialog.submit()
    [ticket] = wb.tickets.list()
    assert (ticket.customer_name, ticket.channel) == ("Kofi Mensah", "walk-in")


def test_bidi_controls_in_a_new_customers_name_are_refused_inline(
    qtbot: QtBot, ctx: AppContext, wb: Workbench
) -> None:
    dialog = open_dialog(qtbot, ctx)
    dialog.new_customer.setChecked(True)
    dialog.new_name.setText("Ana\u202eLima")
    dialog.subject.setText("Login loop")
    dialog.submit()
    assert dialog.error.isVisible() and "bidirectional control" in dialog.error.text()
    assert dialog.isVisible() and wb.tickets.list() == []
    assert wb.customers.count() == 3  # the seeded team only


def test_an_empty_subject_never_creates_the_new_customer(
    qtbot: QtBot, ctx: AppContext, wb: Workbench
) -> None:
    dialog = open_dialog(qtbot, ctx)
    dialog.new_customer.setChecked(True)
    dialog.new_name.setText("Lucía Fernández")
    dialog.submit()
    assert "subject is empty" in dialog.error.text()
    assert wb.customers.count() == 3


def test_a_five_megabyte_description_is_refused_with_a_message(
    qtbot: QtBot, ctx: AppContext
) -> None:
    dialog = open_dialog(qtbot, ctx)
    mime = QMimeData()
    mime.setText("y" * 5_000_000)
    dialog.description.insertFromMimeData(mime)
    assert dialog.description.toPlainText() == ""
    assert dialog.error.isVisible() and "at most 200,000" in dialog.error.text()
