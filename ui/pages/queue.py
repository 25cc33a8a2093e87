"""The queue: the agent's tickets ordered by their next SLA deadline, counting down live.

Views (My open, Unassigned, Breaching within 1 h, Breached, Pending, All open, Solved) sit
in a tab bar — Ctrl+1 … Ctrl+5 reach the first five — above a filter row and a quick
search. The list is a lazy :class:`TicketTableModel` shown by a :class:`QueueTable` whose
SLA chips are painted and repainted each second for the visible rows only. It follows
``changes_applied`` (tickets or their events changed, here, on the worker or by a sync)
by re-reading the rows already loaded, so a row moves when its deadline does and nobody
needs a reload button. j/k or the arrows move, Enter or a double-click opens the ticket
(one :class:`~ui.ticket.view.TicketView` window per ticket).

When one of the acting agent's tickets turns amber or red, the :class:`SlaWatch` tells
them (tray message or banner) and its row in the list is tinted to match.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QToolButton, QVBoxLayout, QWidget

from ui.context import AppContext
from ui.models.ticket_table import TICKET_ID_ROLE, QueueView, TicketTableModel
from ui.ops import Changes
from ui.ticket.queue_filters import FilterBar, ViewTabs
from ui.ticket.queue_table import QueueTable
from ui.ticket.watch import SlaWatch
from workbench.services.dto import AgentInfo

SEARCH_DELAY_MS = 250

if TYPE_CHECKING:
    from ui.ticket.view import TicketView


class QueuePage(QWidget):
    """The agent's work list."""

    def __init__(
        self, ctx: AppContext, new_ticket: QAction, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._stale = False
        self.model = TicketTableModel(ctx.runner, ctx.now_ms, self)
        self.model.set_actor(ctx.agent.id if ctx.agent else None)

        self.tabs = ViewTabs()
        for n, view in enumerate(self.tabs.views[:5], start=1):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{n}"), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda v=view: self.select_view(v))
        self.filters = FilterBar(ctx.runner)
        self.search = QLineEdit()
        self.search.setObjectName("queue-search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Search subjects or #number"))
        self.search.setToolTip(self.tr("Search this view (Ctrl+F)"))
        self.search.setMinimumWidth(150)
        self.search.setMaximumWidth(340)
        new_button = QToolButton()
        new_button.setDefaultAction(new_ticket)
        new_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)

        top = QHBoxLayout()
        top.addWidget(self.tabs, 1)
        top.addWidget(new_button)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        bar.addWidget(self.filters)
        bar.addStretch(1)

        self.table = QueueTable(self.model)
        self.table.setObjectName("queue-table")
        self.table.restore_header(ctx.preferences, "queue")
        self.table.activated.connect(self._on_activated)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 0)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_query)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self._apply_query)
        self.tabs.currentChanged.connect(self._apply_query)
        self.filters.changed.connect(self._apply_query)

        self.watch = SlaWatch.of(ctx, self.window)
        self.watch.notifier.activated.connect(self._open_from_notice)
        ctx.runner.changes_applied.connect(self._on_changes)
        ctx.agent_changed.connect(self._on_agent_changed)
        self.filters.suit(self.tabs.view())
        self._update_empty_text()
        self.model.reload()

    # -- public API ------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self._stale = False
            self.model.refresh()
        super().showEvent(event)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def select_view(self, view: QueueView) -> None:
        self.tabs.select(view)

    def open_ticket(self, ticket_id: str) -> TicketView:
        """Show a ticket in its own window (raised when it is already open)."""
        from ui.ticket.view import open_ticket

        return open_ticket(self._ctx, ticket_id, self.window())

    def save_state(self) -> None:
        self.table.save_header(self._ctx.preferences, "queue")

    # -- reactions -------------------------------------------------------------------------
    def _apply_query(self) -> None:
        self._search_timer.stop()
        view = self.tabs.view()
        self.filters.suit(view)
        query = self.model.query
        if view != query.view:
            query = replace(query, view=view, order=None, descending=False)
        query = replace(query, text=self.search.text().strip())
        self.model.set_query(self.filters.apply_to(query))
        self._update_empty_text()

    def _update_empty_text(self) -> None:
        view = self.model.view
        if self.model.text:
            text = self.tr("No tickets in this view match “%1”.").replace("%1", self.model.text)
        elif view is QueueView.SOLVED:
            text = self.tr("No solved tickets yet.")
        elif view is QueueView.BREACHED:
            text = self.tr("No ticket is past its deadline. Well done.")
        elif view is QueueView.BREACHING:
            text = self.tr("No deadline falls within the next hour.")
        elif view is QueueView.MY_OPEN and self._ctx.agent is None:
            text = self.tr("Choose who you are in Settings to see your tickets here.")
        else:
            text = self.tr(
                "Nothing waiting here. New tickets appear in this list, the nearest deadline "
                "first."
            )
        self.table.set_empty_text(text)

    def _on_changes(self, changes: Changes, _initiator: object | None) -> None:
        if not (changes.touches("tickets") or changes.touches("ticket_events")):
            return
        if self.isVisible():
            self.model.refresh()
        else:
            self._stale = True  # refreshed when shown: hidden pages cost no queries

    def _on_agent_changed(self, agent: AgentInfo | None) -> None:
        self.model.set_actor(agent.id if agent else None)
        self._update_empty_text()
        if self.model.view is QueueView.MY_OPEN:
            self.model.reload()
        else:
            self.table.viewport().update()

    def _on_activated(self, index: QModelIndex) -> None:
        ticket_id = index.data(TICKET_ID_ROLE)
        if ticket_id:
            self.open_ticket(str(ticket_id))

    def _open_from_notice(self, ticket_id: str) -> None:
        if ticket_id:
            self.open_ticket(ticket_id)
