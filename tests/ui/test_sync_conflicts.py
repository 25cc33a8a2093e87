"""Conflicts in the app: the banner on the ticket and the customer, the Conflicts view, and
Keep theirs / Use mine — "use mine" being a new change that the next sync takes to the team.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sync_ui_kit as kit
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot
from sync_ui_kit import Station, ThreadServer, sign_in, wait_synced
from ui_test_data import plain

from ui.customer.detail import CustomerDetail
from ui.main_window import MainWindow
from ui.sync import open_conflicts
from ui.sync.banner import ConflictBanner
from ui.sync.conflicts_view import ConflictsDialog
from ui.sync.controller import SyncController
from ui.sync.status_item import SyncStatusItem
from ui.ticket.view import TicketView, open_ticket
from workbench.services.context import Workbench
from workbench.sync.status import Phase

# the kit's fixtures, used here by name
app = kit.app
app_ctx = kit.app_ctx
clock = kit.clock
module_server = kit.module_server
no_leaked_threads = kit.no_leaked_threads
secrets = kit.secrets
server = kit.server

App = tuple[MainWindow, SyncController]


@dataclass
class Clash:
    """Ravi (this app) and Dana (another workstation) edited the same ticket offline."""

    dana: Station
    ticket_id: str
    customer_id: str


@pytest.fixture
def clash(qtbot: QtBot, app: App, server: ThreadServer, tmp_path: Path, wb: Workbench
          ) -> Iterator[Clash]:
    _window, controller = app
    dana = Station(tmp_path / "dana.sqlite3", server)
    try:
        dana.login("dana@team.example")
        customer = dana.wb.customers.create("Ana Lima", plan="standard")
        ticket = dana.wb.tickets.create("Printer on fire", customer.id, priority="normal")
        dana.sync()
        sign_in(qtbot, controller, server.url, "ravi@team.example")
        # Ravi changes the priority and the plan and syncs; Dana, not having seen it,
        # changes both a minute later: her values win, Ravi's are replaced.
        wb.tickets.update(ticket.id, priority="high")
        wb.customers.update(customer.id, plan="premium")
        controller.sync_now()
        wait_synced(qtbot, controller)
        dana.clock.advance(60)
        dana.wb.tickets.update(ticket.id, priority="urgent")
        dana.wb.customers.update(customer.id, plan="enterprise")
        dana.sync()
        yield Clash(dana, ticket.id, customer.id)
    finally:
        dana.close()


def sync(qtbot: QtBot, controller: SyncController) -> None:
    controller.sync_now()
    wait_synced(qtbot, controller)
    assert controller.status.phase is Phase.SYNCED, controller.status


def banner_texts(banner: ConflictBanner) -> list[str]:
    return [plain(label.text()) for label in banner.findChildren(QLabel, "conflict-text")
            if label.isVisibleTo(banner)]


def button(banner: ConflictBanner, name: str) -> QPushButton:
    found = [b for b in banner.findChildren(QPushButton, name) if b.isVisibleTo(banner)]
    assert len(found) == 1
    return found[0]


def test_a_lost_edit_shows_a_banner_on_the_ticket_and_keep_theirs_settles_it(
    qtbot: QtBot, app: App, clash: Clash, wb: Workbench
) -> None:
    window, controller = app
    view = open_ticket(window.ctx, clash.ticket_id, window)
    qtbot.addWidget(view)
    assert not view.conflicts.isVisibleTo(view)
    sync(qtbot, controller)  # brings Dana's urgent: Ravi's high lost
    qtbot.waitUntil(lambda: view.conflicts.isVisibleTo(view), timeout=5000)
    (text,) = banner_texts(view.conflicts)
    assert text.startswith("⚠ Your priority High was replaced by Dana Smith’s Urgent at ")
    assert controller.status.open_conflicts == 2  # the priority, and the customer's plan
    item = window.statusBar().findChild(SyncStatusItem)
    assert isinstance(item, SyncStatusItem) and item.text.endswith(" · 2 conflicts")

    button(view.conflicts, "keep-theirs").click()
    qtbot.waitUntil(lambda: not view.conflicts.isVisibleTo(view), timeout=5000)
    assert wb.tickets.get(clash.ticket_id).ticket.priority == "urgent"
    qtbot.waitUntil(lambda: controller.status.open_conflicts == 1, timeout=5000)
    sync(qtbot, controller)
    clash.dana.sync()
    assert clash.dana.wb.tickets.get(clash.ticket_id).ticket.priority == "urgent"


def test_use_mine_sets_my_value_again_and_the_next_sync_takes_it_to_the_team(
    qtbot: QtBot, app: App, clash: Clash, wb: Workbench
) -> None:
    window, controller = app
    view = open_ticket(window.ctx, clash.ticket_id, window)
    qtbot.addWidget(view)
    sync(qtbot, controller)
    qtbot.waitUntil(lambda: view.conflicts.isVisibleTo(view), timeout=5000)
    button(view.conflicts, "use-mine").click()
    qtbot.waitUntil(lambda: not view.conflicts.isVisibleTo(view), timeout=5000)
    assert wb.tickets.get(clash.ticket_id).ticket.priority == "high"
    qtbot.waitUntil(lambda: controller.status.pending >= 1, timeout=5000)  # a new change

    sync(qtbot, controller)
    clash.dana.sync()
    assert clash.dana.wb.tickets.get(clash.ticket_id).ticket.priority == "high"
    assert not [c for c in clash.dana.conflicts() if c.field == "priority"]
    server_rows = clash.dana.server.rows()["tickets"]
    assert server_rows[clash.ticket_id]["priority"] == "high"


def test_the_customer_view_shows_its_conflicts_too(
    qtbot: QtBot, app: App, clash: Clash, wb: Workbench
) -> None:
    window, controller = app
    sync(qtbot, controller)
    detail = CustomerDetail(window.ctx)
    qtbot.addWidget(detail)
    detail.show()
    detail.show_customer(clash.customer_id)
    qtbot.waitUntil(lambda: detail.conflicts.isVisibleTo(detail), timeout=5000)
    (text,) = banner_texts(detail.conflicts)
    assert text.startswith("⚠ Your plan Premium was replaced by Dana Smith’s Enterprise at ")
    button(detail.conflicts, "use-mine").click()
    qtbot.waitUntil(lambda: not detail.conflicts.isVisibleTo(detail), timeout=5000)
    assert wb.customers.get(clash.customer_id).plan == "premium"


def test_the_conflicts_view_lists_every_open_conflict_with_the_same_actions(
    qtbot: QtBot, app: App, clash: Clash, wb: Workbench
) -> None:
    window, controller = app
    sync(qtbot, controller)
    window.commands.action("sync.conflicts").trigger()
    dialog = window.findChild(ConflictsDialog)
    assert isinstance(dialog, ConflictsDialog)
    qtbot.waitExposed(dialog)
    assert open_conflicts(window.ctx, window) is dialog  # one view, raised again
    records = sorted(dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount()))
    assert [plain(r) for r in records][1] == "Ana Lima"
    assert re.fullmatch(r"#\d+ Printer on fire", plain(records[0]))
    fields = {plain(dialog.table.item(r, 1).text()): r for r in range(dialog.table.rowCount())}
    assert set(fields) == {"priority", "plan"}
    row = fields["priority"]
    assert plain(dialog.table.item(row, 2).text()) == "High"
    assert plain(dialog.table.item(row, 3).text()) == "Urgent"

    dialog.table.selectRow(row)
    assert dialog.open_button.isEnabled()
    dialog.open_button.click()
    view = window.findChild(TicketView)
    assert isinstance(view, TicketView) and view.ticket_id == clash.ticket_id
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.conflicts.isVisibleTo(view), timeout=5000)

    dialog.table.selectRow(row)
    dialog.mine_button.click()  # from the view: the ticket's banner follows
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=5000)
    qtbot.waitUntil(lambda: not view.conflicts.isVisibleTo(view), timeout=5000)
    assert wb.tickets.get(clash.ticket_id).ticket.priority == "high"
    dialog.table.selectRow(0)
    dialog.keep_button.click()
    qtbot.waitUntil(lambda: dialog.stack.currentWidget() is dialog.empty, timeout=5000)
    assert wb.customers.get(clash.customer_id).plan == "enterprise"
    qtbot.waitUntil(lambda: controller.status.open_conflicts == 0, timeout=5000)
    dialog.close()
