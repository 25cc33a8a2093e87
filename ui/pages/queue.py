"""The queue: open tickets ordered by their next SLA deadline, with views and a search.

The list is a lazy :class:`TicketTableModel`; it follows ``changes_applied`` (tickets or
their events changed, here or on another thread) by re-reading the rows already loaded,
so nobody ever needs a reload button. Enter or a double-click opens the ticket.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.models.ticket_table import TICKET_ID_ROLE, VIEW_TITLES, QueueView, TicketTableModel
from ui.ops import Changes
from ui.widgets.minute_timer import MinuteTimer
from ui.widgets.tables import LazyTableView

SEARCH_DELAY_MS = 250

if TYPE_CHECKING:
    from ui.dialogs.ticket_detail import TicketDetailDialog


class QueuePage(QWidget):
    """The agent's work list."""

    def __init__(
        self, ctx: AppContext, new_ticket: QAction, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._stale = False
        self._details: dict[str, TicketDetailDialog] = {}
        self.model = TicketTableModel(ctx.runner, ctx.now_ms, self)

        self.view_box = QComboBox()
        self.view_box.setToolTip(self.tr("Which tickets to list (Ctrl+1 … Ctrl+5)"))
        for n, (view, title) in enumerate(VIEW_TITLES.items(), start=1):
            self.view_box.addItem(self.tr(title), view.value)
            shortcut = QShortcut(QKeySequence(f"Ctrl+{n}"), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda v=view: self.select_view(v))
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Search subjects or #number"))
        self.search.setMinimumWidth(220)
        new_button = QToolButton()
        new_button.setDefaultAction(new_ticket)
        new_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)

        bar = QHBoxLayout()
        bar.addWidget(self.view_box)
        bar.addWidget(self.search)
        bar.addStretch(1)
        bar.addWidget(new_button)

        self.table = LazyTableView()
        self.table.setObjectName("queue-table")
        self.table.set_paged_model(self.model, TicketTableModel.SUBJECT)
        self.table.restore_header(ctx.preferences, "queue")
        self.table.activated.connect(self._on_activated)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_query)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self._apply_query)
        self.view_box.currentIndexChanged.connect(self._apply_query)
        self._countdown = MinuteTimer(self)
        self._countdown.minute.connect(self.model.tick)

        ctx.runner.changes_applied.connect(self._on_changes)
        ctx.agent_changed.connect(self._on_agent_changed)
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
        self.view_box.setCurrentIndex(self.view_box.findData(view.value))

    def open_ticket(self, ticket_id: str) -> TicketDetailDialog:
        """Show a ticket (raising its window when it is already open)."""
        from ui.dialogs.ticket_detail import TicketDetailDialog

        dialog = self._details.get(ticket_id)
        if dialog is None:
            dialog = TicketDetailDialog(self._ctx, ticket_id, self.window())
            dialog.destroyed.connect(lambda _=None, t=ticket_id: self._details.pop(t, None))
            self._details[ticket_id] = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def save_state(self) -> None:
        self.table.save_header(self._ctx.preferences, "queue")

    # -- reactions -------------------------------------------------------------------------
    def _apply_query(self) -> None:
        self._search_timer.stop()
        view = QueueView(self.view_box.currentData())
        self.model.set_query(view, self.search.text())
        self._update_empty_text()

    def _update_empty_text(self) -> None:
        if self.model.text:
            text = self.tr("No tickets in this view match “%1”.").replace("%1", self.model.text)
        elif self.model.view is QueueView.SOLVED:
            text = self.tr("No solved tickets yet.")
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

    def _on_agent_changed(self, _agent: object) -> None:
        if self.model.view is QueueView.MY_OPEN:
            self.model.reload()

    def _on_activated(self, index: QModelIndex) -> None:
        ticket_id = index.data(TICKET_ID_ROLE)
        if ticket_id:
            self.open_ticket(str(ticket_id))
