"""Background sync in the app: what the status bar says, the timer, backoff and Ctrl+Shift+S.

Against a real team server on loopback, taken down and brought back on the same port.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import sync_ui_kit as kit
from pytestqt.qtbot import QtBot
from sync_ui_kit import FAST, Station, ThreadServer, bring_down, bring_up, sign_in, wait_synced

from ui.main_window import MainWindow
from ui.ops import Changes
from ui.sync.controller import SyncController
from ui.sync.status_item import SyncStatusItem
from workbench.domain.clock import FrozenClock
from workbench.services.context import Workbench
from workbench.sync.status import Phase, SyncStatus

# the kit's fixtures, used here by name
app = kit.app
app_ctx = kit.app_ctx
clock = kit.clock
module_server = kit.module_server
no_leaked_threads = kit.no_leaked_threads
secrets = kit.secrets
server = kit.server

App = tuple[MainWindow, SyncController]


def status_item(window: MainWindow) -> SyncStatusItem:
    item = window.statusBar().findChild(SyncStatusItem)
    assert isinstance(item, SyncStatusItem)
    return item


def add_customers(window: MainWindow, names: list[str]) -> None:
    for name in names:
        window.ctx.runner.run_op(lambda wb, n=name: wb.customers.create(n))


def test_offline_with_changes_waiting_then_syncing_then_synced(
    qtbot: QtBot, app: App, server: ThreadServer
) -> None:
    window, controller = app
    sign_in(qtbot, controller, server.url, "ravi@team.example")
    seen: list[str] = []
    controller.status_changed.connect(lambda _s: seen.append(status_item(window).text))
    bring_down(server)
    add_customers(window, ["Ana Lima", "Bo Chen", "Chidi Okeke"])
    controller.sync_now()
    wait_synced(qtbot, controller)
    assert controller.status.phase is Phase.OFFLINE
    assert status_item(window).text == "Offline · 3 changes waiting"
    assert "cannot be reached" in status_item(window).state.toolTip()

    bring_up(server)
    seen.clear()
    window.commands.action("sync.now").trigger()  # Ctrl+Shift+S
    wait_synced(qtbot, controller)
    assert seen[0] == "Syncing…"
    assert seen[-1].startswith("Synced ")
    assert status_item(window).text.startswith("Synced ")
    assert controller.status.pending == 0
    names = {r["name"] for r in server.rows()["customers"].values()}
    assert {"Ana Lima", "Bo Chen", "Chidi Okeke"} <= names


def test_a_server_that_is_down_is_retried_by_the_timer_with_growing_delays(
    qtbot: QtBot, app: App, server: ThreadServer
) -> None:
    window, controller = app
    sign_in(qtbot, controller, server.url, "ravi@team.example")
    add_customers(window, ["Ana Lima"])
    bring_down(server)
    controller.sync_now()
    delays: list[float] = []

    def note(_report: object) -> None:
        if controller.next_attempt_at is not None:
            delays.append(controller.next_attempt_at - time.time())

    controller.sync_finished.connect(note)
    attempts = controller.attempts
    # no local edit, no "sync now": only the backoff timer tries again
    qtbot.waitUntil(lambda: controller.attempts >= attempts + 4, timeout=15_000)
    wait_synced(qtbot, controller)
    assert controller.failures >= 4
    assert controller.status.phase is Phase.OFFLINE
    assert all(0 < d <= FAST.backoff_cap_s for d in delays)
    assert max(delays) > min(delays)  # it backs off

    bring_up(server)
    qtbot.waitUntil(lambda: controller.status.phase is Phase.SYNCED, timeout=15_000)
    assert controller.failures == 0
    assert controller.status.pending == 0
    assert "Ana Lima" in {r["name"] for r in server.rows()["customers"].values()}
    # after a sync that worked, the next one is a period away, not a backoff away
    assert controller.next_attempt_at is not None
    assert controller.next_attempt_at - time.time() > FAST.backoff_cap_s


def test_two_syncs_never_run_at_once_and_a_request_during_one_runs_after_it(
    qtbot: QtBot, app: App, server: ThreadServer
) -> None:
    _window, controller = app
    sign_in(qtbot, controller, server.url, "ravi@team.example")
    reports: list[object] = []
    controller.sync_finished.connect(reports.append)
    before = controller.attempts
    for _ in range(4):
        controller.sync_now()
    assert controller.running
    wait_synced(qtbot, controller)
    qtbot.waitUntil(lambda: len(reports) == 2, timeout=15_000)
    wait_synced(qtbot, controller)
    qtbot.wait(100)
    assert controller.attempts == before + 2
    assert all(getattr(r, "ok", False) for r in reports), reports  # none was turned away


def test_remote_changes_reach_the_views_through_changes_applied_off_the_ui_thread(
    qtbot: QtBot, app: App, server: ThreadServer, tmp_path: Path, wb: Workbench
) -> None:
    window, controller = app
    sign_in(qtbot, controller, server.url, "ravi@team.example")
    dana = Station(tmp_path / "dana.sqlite3", server)
    try:
        dana.login("dana@team.example")
        customer = dana.wb.customers.create("Ana Lima")
        dana.sync()
    finally:
        dana.close()
    heard: list[tuple[set[str], bool]] = []
    sync_threads: set[str] = set()

    def listen(changes: Changes, _initiator: object) -> None:
        heard.append((set(changes.rows.get("customers", ())),
                      threading.current_thread() is threading.main_thread()))

    window.ctx.runner.changes_applied.connect(listen)
    # the workbench calls its listeners on the thread that committed the write
    wb.subscribe(lambda _changes: sync_threads.add(threading.current_thread().name))
    ticks: list[bool] = []  # for each turn of the event loop: was a sync under way?
    timer_id = window.startTimer(5)
    window.timerEvent = lambda _e: ticks.append(controller.running)  # type: ignore[method-assign]
    controller.sync_now()
    wait_synced(qtbot, controller)
    window.killTimer(timer_id)
    qtbot.waitUntil(lambda: any(customer.id in ids for ids, _main in heard), timeout=5000)
    assert all(main for _ids, main in heard)  # delivered on the UI thread
    assert sync_threads and not sync_threads & {threading.main_thread().name}
    assert wb.customers.get(customer.id).name == "Ana Lima"
    assert any(ticks)  # the event loop kept turning while the sync ran


def test_ctrl_shift_s_is_enabled_once_a_server_is_configured(
    qtbot: QtBot, app: App, server: ThreadServer
) -> None:
    window, controller = app
    action = window.commands.action("sync.now")
    assert not action.isEnabled()
    assert action.toolTip() == "No team server configured"
    sign_in(qtbot, controller, server.url, "ravi@team.example")
    assert action.isEnabled()
    # the signed-in agent now acts on this workstation (their row came with the sync)
    assert window.ctx.agent is not None and window.ctx.agent.name == "Ravi Das"
    assert action.shortcut().toString() == "Ctrl+Shift+S"
    before = controller.attempts
    action.trigger()
    wait_synced(qtbot, controller)
    assert controller.attempts == before + 1


def test_a_clock_far_from_the_servers_is_warned_about(
    qtbot: QtBot, app: App, server: ThreadServer, clock: FrozenClock
) -> None:
    window, controller = app
    clock.advance(-12 * 60)  # this workstation is 12 minutes behind the server
    sign_in(qtbot, controller, server.url, "ravi@team.example")
    skew = status_item(window).skew
    assert skew.isVisible()
    assert skew.text() == "⚠ Clock off by 12 min"
    assert "behind the team server" in skew.toolTip()


def test_each_state_reads_as_the_issue_says(qtbot: QtBot, app: App) -> None:
    window, _controller = app
    item = status_item(window)
    cases = [
        (SyncStatus(Phase.OFFLINE, pending=12), "Offline · 12 changes waiting"),
        (SyncStatus(Phase.OFFLINE, pending=1), "Offline · 1 change waiting"),
        (SyncStatus(Phase.SYNCING), "Syncing…"),
        (SyncStatus(Phase.SIGN_IN), "Sign-in needed"),
        (SyncStatus(Phase.NOT_JOINED), "Not configured"),
        (SyncStatus(Phase.SYNCED, open_conflicts=2, last_synced_ms=0),
         "Synced %s · 2 conflicts"),
    ]
    from ui import formatting

    for status, text in cases:
        item.show_status(status)
        assert item.text == text.replace("%s", formatting.time_text(0))
    item.show_status(SyncStatus(Phase.SYNCED, last_synced_ms=0, clock_offset_ms=5 * 60_000))
    assert item.skew.text() == "⚠ Clock off by 5 min"
