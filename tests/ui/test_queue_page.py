"""The queue page: deadline order, live countdown chips, views, moves, keys and sorting."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from ui_test_data import Team

from ui.main_window import MainWindow
from ui.models.ticket_table import TicketTableModel
from ui.pages.queue import QueuePage
from ui.ticket.queue_query import QueueView
from ui.widgets.sla_chip import RED
from workbench.domain.clock import FrozenClock
from workbench.services.context import Workbench

DUE = TicketTableModel.DUE
MINUTE = 60


def queue_of(window: MainWindow) -> QueuePage:
    page = window.page("queue")
    assert isinstance(page, QueuePage)
    return page


def shown(page: QueuePage, column: int = TicketTableModel.SUBJECT) -> list[str]:
    model = page.model
    return [str(model.data(model.index(r, column))) for r in range(model.rowCount())]


def test_tickets_are_listed_nearest_deadline_first_with_their_countdown(
    window: MainWindow, wb: Workbench, team: Team
) -> None:
    for subject, priority in (("Low", "low"), ("Normal", "normal"), ("Urgent", "urgent"),
                              ("High", "high")):
        wb.tickets.create(subject, team.customers[0].id, priority=priority)
    page = queue_of(window)
    assert shown(page) == ["Urgent", "High", "Normal", "Low"]
    assert shown(page, DUE) == ["15m left", "1h left", "4h left", "8h left"]


def test_a_row_moves_when_its_deadline_changes(
    window: MainWindow, wb: Workbench, team: Team, clock: FrozenClock
) -> None:
    first = wb.tickets.create("Older question", team.customers[0].id)
    clock.advance(MINUTE)
    later = wb.tickets.create("Newer question", team.customers[1].id)
    page = queue_of(window)
    assert shown(page) == ["Older question", "Newer question"]

    wb.tickets.update(later.id, priority="urgent")  # as if a colleague or a sync did it

    assert shown(page) == ["Newer question", "Older question"]
    assert page.model.row_at(0).id == later.id and page.model.row_at(1).id == first.id


def test_a_pending_ticket_shows_paused_and_sorts_after_running_ones(
    window: MainWindow, wb: Workbench, team: Team
) -> None:
    waiting = wb.tickets.create("Waiting on the customer", team.customers[0].id,
                                priority="urgent")
    wb.tickets.create("Running", team.customers[1].id, priority="low")
    wb.tickets.update(waiting.id, status="pending")
    page = queue_of(window)
    assert shown(page) == ["Running", "Waiting on the customer"]
    assert shown(page, DUE) == ["8h left", "paused"]
    page.select_view(QueueView.PENDING)
    assert shown(page) == ["Waiting on the customer"]


def test_breached_and_breaching_views(
    window: MainWindow, wb: Workbench, team: Team, clock: FrozenClock
) -> None:
    wb.tickets.create("Urgent outage", team.customers[0].id, priority="urgent")
    wb.tickets.create("High invoice", team.customers[1].id, priority="high")
    wb.tickets.create("Normal question", team.customers[2].id)
    clock.advance(20 * MINUTE)
    page = queue_of(window)

    page.select_view(QueueView.BREACHED)
    assert shown(page) == ["Urgent outage"]
    assert shown(page, DUE) == ["breached 5m ago"]
    page.select_view(QueueView.BREACHING)
    assert shown(page) == ["High invoice"]
    assert shown(page, DUE) == ["40m left"]


def test_the_chip_is_painted_in_the_colour_of_its_state(
    qtbot: QtBot, window: MainWindow, wb: Workbench, team: Team, clock: FrozenClock
) -> None:
    wb.tickets.create("Urgent outage", team.customers[0].id, priority="urgent")
    wb.tickets.create("Low question", team.customers[1].id, priority="low")
    clock.advance(20 * MINUTE)
    page = queue_of(window)
    page.model.refresh()
    table = page.table
    assert shown(page, DUE) == ["breached 5m ago", "7h 40m left"]

    image = QImage(table.viewport().size(), QImage.Format.Format_RGB32)
    table.viewport().render(image)

    def reds(row: int) -> int:
        rect = table.visualRect(page.model.index(row, DUE))
        return sum(1 for x in range(rect.left(), rect.right(), 2)
                   for y in range(rect.top(), rect.bottom(), 2)
                   if _near(QColor(image.pixel(QPoint(x, y))), RED))

    assert reds(0) > 40  # a red pill behind "breached 5m ago"
    assert reds(1) == 0  # a neutral one
    assert table.chips.painted >= 2


def test_a_tick_repaints_only_the_visible_chips(
    qtbot: QtBot, window: MainWindow, wb: Workbench, team: Team
) -> None:
    for n in range(80):
        wb.tickets.create(f"Question {n}", team.customers[n % 3].id)
    page = queue_of(window)
    page.model.fetchMore(page.model.index(0, 0).parent())
    assert page.model.rowCount() == 80
    settled = -1
    while settled != page.table.chips.painted:  # let the first paints of the page finish
        settled = page.table.chips.painted
        qtbot.wait(50)
    first, last = page.table.visible_rows() or (0, 0)
    before = page.table.chips.painted

    page.table.tick()
    qtbot.wait(10)

    repainted = page.table.chips.painted - before
    assert 0 < repainted <= last - first + 1 < 80


def test_j_and_k_move_and_header_clicks_sort_only_where_an_index_helps(
    qtbot: QtBot, window: MainWindow, wb: Workbench, team: Team, clock: FrozenClock
) -> None:
    for n in range(3):
        wb.tickets.create(f"Question {n}", team.customers[n].id)
        clock.advance(MINUTE)
    page = queue_of(window)
    table = page.table
    table.setFocus()
    table.setCurrentIndex(page.model.index(0, 1))
    QTest.keyClick(table, Qt.Key.Key_J)
    assert table.currentIndex().row() == 1
    QTest.keyClick(table, Qt.Key.Key_K)
    assert table.currentIndex().row() == 0

    header = table.horizontalHeader()
    header.sectionClicked.emit(TicketTableModel.SUBJECT)
    assert page.model.query.effective_order == "due"
    header.sectionClicked.emit(TicketTableModel.NUMBER)
    assert page.model.query.effective_order == "created"
    assert shown(page) == ["Question 0", "Question 1", "Question 2"]
    header.sectionClicked.emit(TicketTableModel.NUMBER)
    assert shown(page) == ["Question 2", "Question 1", "Question 0"]
    assert header.sortIndicatorSection() == TicketTableModel.NUMBER


def test_filters_narrow_the_view(window: MainWindow, wb: Workbench, team: Team) -> None:
    urgent = wb.tickets.create("Outage", team.customers[0].id, priority="urgent",
                               tags=["vip"])
    wb.tickets.create("Question", team.customers[1].id, assignee_id=team.agent.id)
    page = queue_of(window)
    bar = page.filters
    bar.priority.setCurrentIndex(bar.priority.findData("urgent"))
    assert shown(page) == ["Outage"]
    bar.priority.setCurrentIndex(0)
    bar.assignee.setCurrentIndex(bar.assignee.findData(team.agent.id))
    assert shown(page) == ["Question"]
    bar.assignee.setCurrentIndex(0)
    bar.tag.setText("vip")
    bar.changed.emit()
    assert [page.model.row_at(r).id for r in range(page.model.rowCount())] == [urgent.id]


def test_ctrl_digits_pick_the_first_five_views(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page = queue_of(window)
    page.table.setFocus()
    for key, view in ((Qt.Key.Key_1, QueueView.MY_OPEN), (Qt.Key.Key_2, QueueView.UNASSIGNED),
                      (Qt.Key.Key_3, QueueView.BREACHING), (Qt.Key.Key_4, QueueView.BREACHED),
                      (Qt.Key.Key_5, QueueView.PENDING)):
        QTest.keyClick(page.table, key, Qt.KeyboardModifier.ControlModifier)
        assert page.model.view is view


def _near(a: QColor, b: QColor, tolerance: int = 40) -> bool:
    return (abs(a.red() - b.red()) + abs(a.green() - b.green())
            + abs(a.blue() - b.blue())) <= tolerance
