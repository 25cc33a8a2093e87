"""The ticket view: opened from the queue, live, editable, answering stops the clocks."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from ui_test_data import Team, plain

from ui.main_window import MainWindow
from ui.pages.queue import QueuePage
from ui.ticket.view import TicketView
from workbench.domain.clock import FrozenClock
from workbench.services.context import Workbench


def queue_of(window: MainWindow) -> QueuePage:
    page = window.page("queue")
    assert isinstance(page, QueuePage)
    return page


def open_view(qtbot: QtBot, window: MainWindow, ticket_id: str) -> TicketView:
    view = queue_of(window).open_ticket(ticket_id)
    qtbot.addWidget(view)
    return view


def test_enter_on_a_row_opens_the_ticket_with_its_fields_and_thread(
    qtbot: QtBot, window: MainWindow, wb: Workbench, team: Team
) -> None:
    ticket = wb.tickets.create("Չեմ կարողանում մուտք գործել", team.customers[1].id,
                               body="Բարև, գաղտնաբառը չի աշխատում։", priority="high",
                               assignee_id=team.agent.id)
    wb.tickets.reply(ticket.id, "We reset your password; please try again.")
    wb.tickets.note(ticket.id, "Second reset this month — check for a sync bug.")
    wb.tickets.update(ticket.id, status="pending")
    queue = queue_of(window)
    queue.table.setFocus()
    queue.table.setCurrentIndex(queue.model.index(0, 1))

    QTest.keyClick(queue.table, Qt.Key.Key_Return)

    view = window.findChild(TicketView)
    assert view is not None and view.isVisible()
    qtbot.addWidget(view)
    assert plain(view.title.text()) == f"{ticket.key}  Չեմ կարողանում մուտք գործել"
    assert view.fields.status.currentData() == "pending"
    assert view.fields.priority.currentData() == "high"
    assert view.fields.assignee.currentData() == team.agent.id
    assert plain(view.customer.name.text()).startswith("<b>Արամ Պետրոսյան</b> · Standard")
    thread = plain(view.thread_view.toPlainText())
    for expected in ("Բարև, գաղտնաբառը չի աշխատում։", "Public reply", "We reset your password",
                     "Internal note · not sent", "Second reset this month",
                     "Dana Ortiz changed the status from Open to Pending"):
        assert expected in thread
    assert thread.index("Public reply") < thread.index("Internal note")
    assert view.sla.chips["resolution"].text() == "paused"  # pending waits on the customer


def test_the_open_view_follows_new_events_and_is_one_window_per_ticket(
    qtbot: QtBot, window: MainWindow, wb: Workbench, team: Team
) -> None:
    ticket = wb.tickets.create("Export stops early", team.customers[2].id)
    view = open_view(qtbot, window, ticket.id)
    assert "No messages yet." in view.thread_view.toPlainText()

    wb.tickets.customer_message(ticket.id, "It stops at 10,000 rows.")
    wb.tickets.update(ticket.id, assignee_id=team.agent.id)

    thread = plain(view.thread_view.toPlainText())
    assert "It stops at 10,000 rows." in thread
    assert "reassigned the ticket from nobody to Sam Okafor" in thread
    assert view.fields.assignee.currentData() == team.agent.id
    assert queue_of(window).open_ticket(ticket.id) is view


def test_user_text_is_shown_as_text_never_as_markup(
    qtbot: QtBot, window: MainWindow, wb: Workbench, team: Team
) -> None:
    ticket = wb.tickets.create("<b>bold</b> & co", team.customers[0].id,
                               body="<script>alert(1)</script>")
    view = open_view(qtbot, window, ticket.id)
    assert "<script>alert(1)</script>" in view.thread_view.toPlainText()


def test_a_right_to_left_subject_does_not_flip_the_title(
    qtbot: QtBot, window: MainWindow, wb: Workbench, team: Team
) -> None:
    """The key stays first: the Persian subject is isolated, the title reads left to right."""
    ticket = wb.tickets.create("مشکل در ورود به حساب کاربری", team.customers[0].id)
    view = open_view(qtbot, window, ticket.id)
    assert view.title.text().startswith(f"\u200e{ticket.key}  \u2068")  # LRM: reads LTR


def test_a_reply_stops_the_first_response_clock(
    qtbot: QtBot, window: MainWindow, wb: Workbench, team: Team, clock: FrozenClock
) -> None:
    ticket = wb.tickets.create("Cannot log in", team.customers[0].id, priority="urgent")
    view = open_view(qtbot, window, ticket.id)
    assert view.sla.chips["first_response"].text() == "15m left"
    clock.advance(5 * 60)
    view.sla.tick()
    assert view.sla.chips["first_response"].text() == "10m left"

    view.reply.composer.setPlainText("We are on it: your account is unlocked now.")
    QTest.mouseClick(view.reply.send_button, Qt.MouseButton.LeftButton)

    assert view.reply.composer.toPlainText() == ""
    assert view.sla.chips["first_response"].text() == "met"
    assert "met: answered" in view.sla.explanations["first_response"].text()
    assert wb.tickets.get(ticket.id).first_response_at == clock.now_ms()
    assert "your account is unlocked" in view.thread_view.toPlainText()


def test_a_note_sent_with_pending_pauses_the_clocks(
    qtbot: QtBot, window: MainWindow, wb: Workbench, team: Team
) -> None:
    ticket = wb.tickets.create("Invoice copy", team.customers[2].id)
    view = open_view(qtbot, window, ticket.id)
    view.reply.as_note.setChecked(True)
    view.reply.status_on_send.setCurrentIndex(view.reply.status_on_send.findData("pending"))
    assert view.reply.send_button.text() == "Add note and set pending"
    view.reply.composer.setPlainText("Asked accounting for the PDF.")

    view.reply.send()

    detail = wb.tickets.get(ticket.id)
    assert [e.kind for e in detail.events][-2:] == ["internal_note", "status_change"]
    assert detail.ticket.status == "pending"
    assert view.fields.status.currentData() == "pending"
    assert {c.text() for c in view.sla.chips.values()} == {"paused"}


def test_fields_change_the_ticket_through_the_service(
    qtbot: QtBot, window: MainWindow, wb: Workbench, team: Team
) -> None:
    ticket = wb.tickets.create("Slow dashboard", team.customers[0].id)
    view = open_view(qtbot, window, ticket.id)
    view.fields.priority.setCurrentIndex(view.fields.priority.findData("urgent"))
    view.fields.priority.activated.emit(view.fields.priority.currentIndex())
    view.fields.assignee.setCurrentIndex(view.fields.assignee.findData(team.agent.id))
    view.fields.assignee.activated.emit(view.fields.assignee.currentIndex())
    view.fields.tags.setText("vip, Billing")
    view.fields.tags.editingFinished.emit()

    row = wb.tickets.get(ticket.id).ticket
    assert (row.priority, row.assignee_id) == ("urgent", team.agent.id)
    assert row.tags == ["billing", "vip"]
    assert "changed the priority from Normal to Urgent" in plain(view.thread_view.toPlainText())


def test_a_refused_change_is_explained_and_the_field_snaps_back(
    qtbot: QtBot, window: MainWindow, wb: Workbench, team: Team
) -> None:
    ticket = wb.tickets.create("Slow dashboard", team.customers[0].id)
    view = open_view(qtbot, window, ticket.id)
    view.fields.tags.setText("two words")
    view.fields.tags.editingFinished.emit()

    assert view.error.isVisible()
    assert "must be one word" in view.error.text()
    assert view.fields.tags.text() == ""
    assert wb.tickets.get(ticket.id).ticket.tags == []


def test_the_side_panel_shows_the_customers_profile_and_preferences(
    qtbot: QtBot, window: MainWindow, wb: Workbench, team: Team
) -> None:
    customer = team.customers[2]
    wb.customers.set_preference(customer.id, "do_not_call", True)
    wb.customers.set_preference(customer.id, "preferred_channel", "email")
    ticket = wb.tickets.create("Contract question", customer.id)
    view = open_view(qtbot, window, ticket.id)
    values = view.customer.values
    assert plain(values["email"].text()) == "elodie@example.fr"
    assert plain(values["open_tickets"].text()) == "1"
    assert plain(values["pref:do_not_call"].text()) == "yes"
    assert plain(values["pref:preferred_channel"].text()) == "email"
    assert view.customer.log_call.isEnabled()  # the call service is wired


def test_a_long_thread_opens_with_the_newest_events_and_shows_earlier_on_demand(
    qtbot: QtBot, window: MainWindow, wb: Workbench, team: Team
) -> None:
    ticket = wb.tickets.create("Chatty", team.customers[0].id, body="first message")
    for n in range(40):
        wb.tickets.customer_message(ticket.id, f"message {n}")
    view = open_view(qtbot, window, ticket.id)
    text = view.thread_view.toPlainText()
    assert "message 39" in text and "first message" not in text
    assert "Show 11 earlier messages and changes" in text

    view.thread_view.anchorClicked.emit(QUrl("#earlier"))

    assert "first message" in view.thread_view.toPlainText()


def test_slash_in_the_reply_opens_the_canned_answer_picker(
    qtbot: QtBot, window: MainWindow, wb: Workbench, team: Team
) -> None:
    ticket = wb.tickets.create("Refund", team.customers[0].id)
    view = open_view(qtbot, window, ticket.id)
    view.reply.composer.setFocus()
    QTest.keyClicks(view.reply.composer, "Hello /")
    picker = view.answers.picker
    assert picker is not None
    picker.close()
    assert view.suggestions.empty.isVisible() or view.suggestions.list.isVisible()
