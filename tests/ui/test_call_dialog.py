"""Logging a call: the live timer fills the times, contact warnings show before calling,
refusals are explained inside the dialog and nothing is written."""

from __future__ import annotations

from PySide6.QtCore import QTime
from pytestqt.qtbot import QtBot
from ui_test_data import Team, plain

from ui.context import AppContext
from ui.customer.call_dialog import NEW_TICKET, LogCallDialog, seconds_of
from workbench.domain.clock import FrozenClock
from workbench.services.context import Workbench


def dialog_for(qtbot: QtBot, ctx: AppContext, customer_id: str,
               ticket_id: str | None = None) -> LogCallDialog:
    dialog = LogCallDialog(ctx, customer_id, ticket_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_live_timer_measures_talk_and_hold_and_the_call_is_saved(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, clock: FrozenClock, team: Team
) -> None:
    customer = team.customers[2].id
    dialog = dialog_for(qtbot, ctx, customer)
    live = dialog.live
    live.start_button.click()
    clock.advance(60)
    qtbot.waitUntil(lambda: live.display.text() == "01:00", timeout=2000)  # the QTimer ticks
    live.hold_button.click()
    clock.advance(30)
    live.repaint_time()
    assert live.hold_label.text() == "On hold 00:30"
    live.resume_button.click()
    clock.advance(30)
    live.end_button.click()
    assert live.display.text() == "02:00"
    assert seconds_of(dialog.duration) == 120 and seconds_of(dialog.hold) == 30
    assert dialog.start.dateTime().toMSecsSinceEpoch() == clock.now_ms() - 120_000
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("resolved"))
    dialog.notes.setPlainText("Reset the router together")
    dialog.submit()
    assert dialog.logged is not None
    calls = wb.calls.list_for(customer)
    assert [(c.duration_s, c.hold_s, c.outcome, c.resolved_on_call) for c in calls] == [
        (120, 30, "resolved", True)]


def test_save_waits_for_a_running_call_to_end(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, clock: FrozenClock, team: Team
) -> None:
    dialog = dialog_for(qtbot, ctx, team.customers[2].id)
    dialog.live.start_button.click()
    clock.advance(10)
    dialog.submit()
    assert "still running" in dialog.error.text()
    assert wb.calls.list_for(team.customers[2].id) == []
    dialog.live.end_button.click()


def test_a_do_not_call_customer_is_warned_about_before_calling(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, team: Team
) -> None:
    arash = team.customers[0]
    wb.customers.update(arash.id, time_zone="Asia/Tehran")
    wb.customers.set_preference(arash.id, "do_not_call", True)
    wb.customers.set_preference(arash.id, "contact_hours", "18:00-20:00")
    dialog = dialog_for(qtbot, ctx, arash.id)
    assert dialog.warnings.isVisible()
    text = plain(dialog.warnings.text())
    assert "asked not to be called (do-not-call)" in text
    assert "It is 12:30 for آرش کریمی (Asia/Tehran), outside their contact hours" in text


def test_no_warning_for_a_customer_without_restrictions(
    qtbot: QtBot, ctx: AppContext, team: Team
) -> None:
    dialog = dialog_for(qtbot, ctx, team.customers[1].id)
    assert not dialog.warnings.isVisible()
    assert "Արամ Պետրոսյան" in dialog.who.text()


def test_a_refused_call_is_explained_and_nothing_is_written(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, team: Team
) -> None:
    customer = team.customers[1].id
    dialog = dialog_for(qtbot, ctx, customer)
    dialog.duration.setTime(QTime(0, 1))
    dialog.hold.setTime(QTime(0, 5))
    dialog.submit()
    assert dialog.error.isVisible() and "cannot be longer than the call" in dialog.error.text()
    assert dialog.isVisible() and wb.calls.list_for(customer) == []


def test_opened_from_a_ticket_the_ticket_is_preselected(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, team: Team
) -> None:
    customer = team.customers[1].id
    older = wb.tickets.create("Older question", customer)
    ticket = wb.tickets.create("Router keeps rebooting", customer)
    dialog = dialog_for(qtbot, ctx, customer, ticket.id)
    assert dialog.ticket.currentData() == ticket.id
    assert dialog.ticket.findData(older.id) >= 0
    dialog.submit()
    assert [c.ticket_id for c in wb.calls.list_for(customer)] == [ticket.id]


def test_a_call_can_open_a_new_phone_ticket(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, team: Team
) -> None:
    customer = team.customers[2].id
    dialog = dialog_for(qtbot, ctx, customer)
    dialog.ticket.setCurrentIndex(dialog.ticket.findData(NEW_TICKET))
    assert dialog.subject.isVisible()
    dialog.subject.setText("Wants a second licence")
    dialog.submit()
    call = dialog.logged
    assert call is not None and call.ticket_id is not None
    assert wb.tickets.get(call.ticket_id).ticket.channel == "phone"
