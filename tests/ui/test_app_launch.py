"""Starting the app for real: threaded runner, database opened off the UI thread."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from pytestqt.qtbot import QtBot
from ui_test_data import Team, make_tickets

from ui import app as app_module
from ui.crash import CrashHandler
from ui.main_window import MainWindow
from ui.ops import OpRunner
from ui.pages.queue import QueuePage
from workbench.config import Paths
from workbench.domain.clock import FrozenClock
from workbench.services.context import Workbench


@pytest.fixture
def launched(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, paths: Paths
) -> Iterator[list[MainWindow]]:
    """Windows started by launch(); stopped, and their log handlers removed, afterwards."""
    monkeypatch.setattr(CrashHandler, "install", lambda self: None)
    windows: list[MainWindow] = []
    handlers = list(logging.getLogger().handlers)
    yield windows
    for window in windows:
        window.ctx.runner.shutdown()
        for owned in (window.ctx.runner, window.ctx, window.ctx.theme):
            if owned is not None:
                owned.deleteLater()
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
        handler.close()


def start(qtbot: QtBot, launched: list[MainWindow], paths: Paths, acting: str | None
          ) -> MainWindow:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window = app_module.launch(app, str(paths.data_dir), acting)
    qtbot.addWidget(window)
    launched.append(window)
    return window


def test_launch_shows_the_window_then_fills_it_from_the_worker(
    qtbot: QtBot, launched: list[MainWindow], paths: Paths, wb: Workbench,
    clock: FrozenClock, team: Team,
) -> None:
    make_tickets(wb, clock, team.customers[0], 3)
    window = start(qtbot, launched, paths, "sam@example.com")
    assert window.isVisible()
    queue = window.page("queue")
    assert isinstance(queue, QueuePage)

    qtbot.waitUntil(lambda: window.ctx.is_ready and queue.model.rowCount() == 3, timeout=10_000)

    assert window.ctx.agent is not None and window.ctx.agent.name == "Sam Okafor"
    label = window.statusBar().findChild(QLabel, "acting-agent")
    assert label is not None and "Sam Okafor" in label.text()
    assert window.commands.action("ticket.new").isEnabled()


def test_an_unknown_acting_agent_is_explained_and_the_app_exits(
    qtbot: QtBot, launched: list[MainWindow], paths: Paths, team: Team,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    messages: list[str] = []
    codes: list[int] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        lambda _parent, _title, text: messages.append(text))
    # the real exit() would leave Qt's "quit now" flag set for the tests that follow
    monkeypatch.setattr(QApplication, "exit", staticmethod(codes.append))
    start(qtbot, launched, paths, "nobody@example.com")
    qtbot.waitUntil(lambda: bool(codes), timeout=10_000)
    assert messages == ["No agent called 'nobody@example.com'."]
    assert codes == [app_module.EXIT_USAGE]


def test_the_first_frame_is_the_shell_and_the_page_is_built_right_after_it(
    qtbot: QtBot, launched: list[MainWindow], paths: Paths, wb: Workbench,
    clock: FrozenClock, team: Team,
) -> None:
    make_tickets(wb, clock, team.customers[0], 2)
    window = start(qtbot, launched, paths, "sam@example.com")
    built: list[str] = []
    window.stack.page_built.connect(lambda page_id, _page: built.append(page_id))
    assert window.isVisible() and window.stack.built() == {}  # nothing but the shell yet
    assert window.current_page_id() == "queue"
    assert window.navigation.currentRow() == 0

    qtbot.waitUntil(lambda: built == ["queue"], timeout=10_000)
    queue = window.stack.built()["queue"]
    assert isinstance(queue, QueuePage) and window.stack.currentWidget() is queue
    qtbot.waitUntil(lambda: queue.model.rowCount() == 2, timeout=10_000)


def test_the_navigation_switches_pages_and_follows_the_go_commands(
    qtbot: QtBot, launched: list[MainWindow], paths: Paths, wb: Workbench, team: Team,
) -> None:
    window = start(qtbot, launched, paths, "sam@example.com")
    qtbot.waitUntil(lambda: "queue" in window.stack.built(), timeout=10_000)
    window.navigation.button(4).click()
    assert window.current_page_id() == "settings"
    assert window.navigation.button(4).isChecked() and not window.navigation.button(0).isChecked()
    window.commands.action("go.queue").trigger()
    assert window.current_page_id() == "queue" and window.navigation.currentRow() == 0


def test_after_start_up_missing_sla_verdicts_are_stored_a_chunk_per_worker_op(
    runner: OpRunner, wb: Workbench, team: Team, clock: FrozenClock
) -> None:
    """As after an upgrade from revision 0002: solved tickets without their stored verdict
    and the migration's marker. The app fills them through the op runner, then stops."""
    from sqlalchemy import text

    from workbench.sync.sla import BACKFILL_KEY, backfill_pending

    ticket = wb.tickets.create("Printer", team.customers[0].id)
    clock.advance(3600)
    wb.tickets.update(ticket.id, status="solved")
    with wb.db.session() as s:
        s.execute(text("UPDATE tickets SET sla_resolution = NULL, sla_first_response = NULL"))
        s.execute(text("INSERT INTO sync_state (key, value) VALUES (:k, 'pending')"),
                  {"k": BACKFILL_KEY})

    app_module.fill_facts_in_steps(runner)  # the runner here runs each op at once

    assert not backfill_pending(wb)
    with wb.read() as s:
        assert s.execute(text("SELECT sla_resolution FROM tickets")).scalar() == "met"
