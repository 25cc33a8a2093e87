"""The customers page: everyone the team serves, by name, with a search.

Same lazy paging as the queue (:class:`CustomerTableModel`); it re-reads the loaded rows
when customers (or their owners) change. The customer timeline arrives with its own issue.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from ui.context import AppContext
from ui.models.customer_table import CustomerTableModel
from ui.ops import Changes
from ui.widgets.tables import LazyTableView

SEARCH_DELAY_MS = 250


class CustomersPage(QWidget):
    """A searchable list of customers."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._stale = False
        self.model = CustomerTableModel(ctx.runner, self)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Search name, e-mail, phone or organisation"))
        self.search.setMinimumWidth(320)
        bar = QHBoxLayout()
        bar.addWidget(self.search)
        bar.addStretch(1)

        self.table = LazyTableView()
        self.table.setObjectName("customers-table")
        self.table.set_paged_model(self.model, CustomerTableModel.ORGANISATION)
        self.table.restore_header(ctx.preferences, "customers")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(self._timer.start)
        self.search.returnPressed.connect(self._apply_search)
        ctx.runner.changes_applied.connect(self._on_changes)
        self._update_empty_text()
        self.model.reload()

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self._stale = False
            self.model.refresh()
        super().showEvent(event)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def save_state(self) -> None:
        self.table.save_header(self._ctx.preferences, "customers")

    def _apply_search(self) -> None:
        self._timer.stop()
        self.model.set_text(self.search.text())
        self._update_empty_text()

    def _update_empty_text(self) -> None:
        if self.model.text:
            text = self.tr("No customer matches “%1”.").replace("%1", self.model.text)
        else:
            text = self.tr("No customers yet. Import them or create one from the command line.")
        self.table.set_empty_text(text)

    def _on_changes(self, changes: Changes, _initiator: object | None) -> None:
        if not (changes.touches("customers") or changes.touches("agents")):
            return
        if self.isVisible():
            self.model.refresh()
        else:
            self._stale = True  # refreshed when shown: hidden pages cost no queries
