"""Escalation in the queue: my tickets turning amber or red are announced once, rows tinted,
and the policy's breach action runs through the op runner."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from pytestqt.qtbot import QtBot
from ui_test_data import Team

from ui.main_window import MainWindow
from ui.models.ticket_table import TicketTableModel
from ui.pages.queue import QueuePage
from ui.ticket.watch import SlaWatch
from ui.widgets.sla_chip import ChipKind
from workbench.domain.clock import FrozenClock
from workbench.domain.sla import BreachAction, BusinessCalendar, default_policy
from workbench.services.context import Workbench

MINUTE = 60


def queue_of(window: MainWindow) -> QueuePage:
    page = window.page("queue")
    assert isinstance(page, QueuePage)
    return page


def test_my_ticket_entering_warning_then_breach_is_announced_once_each(
    qtbot: QtBot, window: MainWindow, wb: Workbench, team: Team, clock: FrozenClock
) -> None:
    mine = wb.tickets.create("Payment declined", team.customers[0].id, priority="urgent",
                             assignee_id=team.lead.id)
    wb.tickets.create("Not mine", team.customers[1].id, priority="urgent",
                      assignee_id=team.agent.id)
    page = queue_of(window)
    watch = page.watch
    alerts: list[tuple[str, object]] = []
    watch.alerted.connect(lambda ticket_id, kind: alerts.append((ticket_id, kind)))

    clock.advance(10 * MINUTE)  # 10 of 15 minutes: below the 75 % threshold
    watch.check()
    assert alerts == []
    clock.advance(2 * MINUTE)  # 12 of 15 minutes: warning
    watch.check()
    watch.check()
    page.table.tick()
    assert alerts == [(mine.id, ChipKind.WARNING)]
    notice = watch.notifier.sent[-1]
    assert notice.title == f"SLA warning: {mine.key}" and "3m left" in notice.text
    banner = watch.notifier.banner  # the offscreen platform has no tray: an in-app banner
    assert banner is not None and banner.isVisible()
    row = next(r for r in range(page.model.rowCount()) if page.model.row_at(r).id == mine.id)
    tint = page.model.data(page.model.index(row, TicketTableModel.SUBJECT),
                           Qt.ItemDataRole.BackgroundRole)
    assert isinstance(tint, QBrush) and tint.color().red() > tint.color().blue()

    clock.advance(5 * MINUTE)
    watch.check()
    watch.check()
    assert alerts == [(mine.id, ChipKind.WARNING), (mine.id, ChipKind.BREACHED)]
    assert watch.notifier.sent[-1].urgent


def test_clicking_through_the_banner_opens_the_ticket(
    qtbot: QtBot, window: MainWindow, wb: Workbench, team: Team, clock: FrozenClock
) -> None:
    mine = wb.tickets.create("Server down", team.customers[0].id, priority="urgent",
                             assignee_id=team.lead.id)
    watch = queue_of(window).watch
    clock.advance(14 * MINUTE)
    watch.check()
    banner = watch.notifier.banner
    assert banner is not None
    banner.open_button.click()
    from ui.ticket.view import TicketView

    view = window.findChild(TicketView)
    assert view is not None and view.ticket_id == mine.id
    qtbot.addWidget(view)


def test_what_was_late_before_the_app_started_is_not_announced(
    qtbot: QtBot, wb: Workbench, team: Team, clock: FrozenClock, window: MainWindow
) -> None:
    watch = SlaWatch.of(window.ctx, window.window)
    watch.notifier.sent.clear()
    wb.tickets.create("Old", team.customers[0].id, priority="urgent", assignee_id=team.lead.id)
    clock.advance(30 * MINUTE)
    watch.restart()  # as at startup: the list is read afresh
    watch.check()
    assert watch.notifier.sent == []


def test_breach_escalation_runs_the_policy_action_through_the_runner(
    qtbot: QtBot, window: MainWindow, wb: Workbench, team: Team, clock: FrozenClock
) -> None:
    manager = wb.agents.create("Lukas Becker", "lukas@example.com", "manager")
    lead = wb.actor_id
    wb.actor_id = manager.id
    raising = replace(default_policy(), breach_action=BreachAction.RAISE_PRIORITY)
    wb.sla.save(raising, BusinessCalendar.twenty_four_seven("UTC"))
    wb.actor_id = lead
    ticket = wb.tickets.create("Slow reports", team.customers[0].id, priority="high")
    clock.advance(2 * 3600)  # first response (1 h) breached

    queue_of(window).watch.escalate()

    row = wb.tickets.get(ticket.id).ticket
    assert row.priority == "urgent" and "sla-escalated" in row.tags
