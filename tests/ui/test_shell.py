"""The app shell: starts on a seeded database, navigates, remembers its geometry."""

from __future__ import annotations

import subprocess
import sys

from PySide6.QtCore import QSize, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from ui_test_data import Team, make_tickets, plain

from ui.context import AppContext
from ui.main_window import MainWindow
from ui.models.ticket_table import QueueView
from ui.pages.knowledge import KnowledgePage
from ui.pages.queue import QueuePage
from workbench.domain.clock import FrozenClock
from workbench.services.context import Workbench


def queue_of(window: MainWindow) -> QueuePage:
    page = window.page("queue")
    assert isinstance(page, QueuePage)
    return page


def test_starts_with_queue_in_next_deadline_order_and_names_the_acting_agent(
    qtbot: QtBot, wb: Workbench, clock: FrozenClock, team: Team, ctx: AppContext
) -> None:
    customer = team.customers[0]
    make_tickets(wb, clock, customer, 1, priority="low")
    make_tickets(wb, clock, customer, 1, priority="normal")
    make_tickets(wb, clock, customer, 1, priority="urgent")

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)

    model = queue_of(window).model
    shown = [model.row_at(i) for i in range(model.rowCount())]
    assert [t.priority for t in shown] == ["urgent", "normal", "low"]
    dues = [t.next_due_at for t in shown]
    assert all(d is not None for d in dues) and dues == sorted(dues)  # type: ignore[type-var]
    assert window.current_page_id() == "queue"
    agent_label = window.statusBar().findChild(QLabel, "acting-agent")
    assert agent_label is not None
    assert plain(agent_label.text()) == "Acting as Dana Ortiz (lead)"


def test_status_bar_shows_sync_state_and_the_frozen_time(window: MainWindow) -> None:
    from ui.sync.status_item import SyncStatusItem

    sync = window.statusBar().findChild(SyncStatusItem)
    clock = window.statusBar().findChild(QLabel, "clock")
    assert sync is not None and sync.text == "Not configured"
    assert "not connected to a team server" in sync.state.toolTip()
    assert clock is not None and "2 Mar" in clock.text()


def test_alt_digit_shortcuts_switch_pages(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    for key, page in ((Qt.Key.Key_2, "customers"), (Qt.Key.Key_5, "settings"),
                      (Qt.Key.Key_3, "knowledge"), (Qt.Key.Key_4, "metrics"),
                      (Qt.Key.Key_1, "queue")):
        QTest.keyClick(window, key, Qt.KeyboardModifier.AltModifier)
        assert window.current_page_id() == page
        assert window.stack.currentWidget() is window.page(page)


def test_ctrl_f_focuses_the_search_of_the_page(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.show_page("knowledge")
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_id() == "knowledge"
    assert window.findChild(KnowledgePage).filter.hasFocus()


def test_ctrl_f_on_a_page_without_search_goes_to_the_queue_search(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.show_page("settings")
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_id() == "queue"
    assert queue_of(window).search.hasFocus()


def test_sync_now_is_disabled_and_says_why(window: MainWindow) -> None:
    action = window.commands.action("sync.now")
    assert not action.isEnabled()
    assert action.toolTip() == "No team server configured"
    assert action.shortcut().toString() == "Ctrl+Shift+S"


def test_window_geometry_and_page_are_restored_from_qsettings(
    qtbot: QtBot, ctx: AppContext
) -> None:
    first = MainWindow(ctx)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.resize(QSize(760, 520))  # fits the offscreen screen (800 wide): no clamping
    first.show_page("customers")
    first.close()

    second = MainWindow(ctx)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert second.size() == QSize(760, 520)
    assert second.current_page_id() == "customers"


def test_the_shell_imports_neither_matplotlib_nor_the_storage_stack() -> None:
    code = (
        "import sys; import ui.app, ui.main_window; "
        "bad = [m for m in ('matplotlib', 'sqlalchemy', 'alembic') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ctrl_digits_switch_the_queue_view(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    queue = queue_of(window)
    queue.table.setFocus()
    for key, view in ((Qt.Key.Key_2, QueueView.UNASSIGNED), (Qt.Key.Key_5, QueueView.PENDING),
                      (Qt.Key.Key_1, QueueView.MY_OPEN)):
        QTest.keyClick(queue.table, key, Qt.KeyboardModifier.ControlModifier)
        assert queue.model.view is view


def test_only_the_page_on_screen_is_built_at_startup(window: MainWindow) -> None:
    assert set(window.stack.built()) == {"queue"}
    window.show_page("settings")
    assert set(window.stack.built()) == {"queue", "settings"}
    assert window.stack.currentWidget() is window.page("settings")
