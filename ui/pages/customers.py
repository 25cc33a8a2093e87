"""The Customers page: the lazy list on the left, the selected customer on the right.

The left side has two tabs: every customer (searched by name, e-mail, phone or
organisation in any script; see :class:`CustomerTableModel`) and the hand-offs waiting for
the acting agent, whose tab title carries the count. Selecting a customer — in the list or
on a hand-off card — opens their profile and timeline (:class:`CustomerDetail`) beside it.
Leads and managers also get "Bulk hand-off…" for a departing or absent agent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.customer.common import is_lead
from ui.customer.detail import CustomerDetail
from ui.customer.handoff_inbox import HandoffsPanel
from ui.models.customer_table import CustomerTableModel
from ui.ops import Changes
from ui.widgets.tables import LazyTableView

if TYPE_CHECKING:
    from ui.customer.bulk_handoff import BulkHandoffDialog
    from workbench.services.context import Workbench
    from workbench.services.dto import AgentInfo

SEARCH_DELAY_MS = 250
ALERT_RED = "#e53935"
LIST_TAB, HANDOFF_TAB = 0, 1
# What the list shows comes from these: names, owners, open tickets, last contact.
LISTED = ("customers", "agents", "tickets", "ticket_events", "calls")


class CustomersPage(QWidget):
    """Customers, hand-offs, and the profile of the one selected."""

    open_ticket_requested = Signal(str)
    pending_handoffs_changed = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._stale = False
        self.model = CustomerTableModel(ctx.runner, ctx.clock, self)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Search name, e-mail, phone or organisation"))
        self.search.setMinimumWidth(320)
        self.bulk_button = QPushButton(self.tr("Bulk hand-off…"))
        self.bulk_button.setObjectName("bulk-handoff")
        self.bulk_button.setToolTip(self.tr("Reassign every customer of a departing or absent "
                                            "agent (leads and managers)"))
        self.bulk_button.clicked.connect(self.bulk_handoff)
        bar = QHBoxLayout()
        bar.addWidget(self.search)
        bar.addStretch(1)
        bar.addWidget(self.bulk_button)

        self.table = LazyTableView()
        self.table.setObjectName("customers-table")
        self.table.set_paged_model(self.model, CustomerTableModel.NAME)
        self.table.restore_header(ctx.preferences, "customers")
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.handoffs = HandoffsPanel(ctx)
        self.handoffs.count_changed.connect(self._show_count)
        self.handoffs.customer_requested.connect(self.show_customer)
        self.left = QTabWidget()
        self.left.setDocumentMode(True)
        self.left.addTab(self.table, self.tr("Customers"))
        self.left.addTab(self.handoffs, self.tr("Hand-offs"))

        self.detail = CustomerDetail(ctx)
        self.detail.open_ticket_requested.connect(self.open_ticket_requested)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setSizes([590, 500])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 0)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(self._timer.start)
        self.search.returnPressed.connect(self._apply_search)
        ctx.runner.changes_applied.connect(self._on_changes)
        ctx.agent_changed.connect(self._agent_changed)
        self._agent_changed(ctx.agent)
        self._show_count(len(self.handoffs.pending.inbox))  # the panel may have loaded already
        self._update_empty_text()
        self.model.reload()

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self._stale = False
            self.model.refresh()
        super().showEvent(event)

    def focus_search(self) -> None:
        self.left.setCurrentIndex(LIST_TAB)
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def save_state(self) -> None:
        self.table.save_header(self._ctx.preferences, "customers")

    def show_customer(self, customer_id: str) -> None:
        """Open a customer's profile (selecting their row when it is loaded)."""
        self.detail.show_customer(customer_id)
        row = self.model.row_of(customer_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0),
                                QAbstractItemView.ScrollHint.PositionAtCenter)

    def show_handoffs(self) -> None:
        self.left.setCurrentIndex(HANDOFF_TAB)

    def bulk_handoff(self) -> BulkHandoffDialog | None:
        """Open the bulk hand-off (leads and managers only) once the agents are read; the
        dialog is returned when that op ran inline (tests), else None."""
        from ui.customer.bulk_handoff import BulkHandoffDialog

        if not is_lead(self._ctx.agent):
            return None

        def agents(wb: Workbench) -> list[AgentInfo]:
            return wb.agents.list(include_inactive=True)

        holder: list[BulkHandoffDialog] = []

        def open_dialog(found: list[AgentInfo]) -> None:
            dialog = BulkHandoffDialog(self._ctx, found, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()
            holder.append(dialog)

        self._ctx.runner.run_op(agents, open_dialog, owner=self)
        return holder[0] if holder else None

    # -- reacting --------------------------------------------------------------------------
    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = selected.indexes()
        if not rows:
            return
        customer_id = self.model.customer_at(rows[0].row()).id
        shown = self.detail.customer
        if shown is None or shown.id != customer_id:
            self.detail.show_customer(customer_id)

    def _show_count(self, count: int) -> None:
        title = self.tr("Hand-offs (%1)").replace("%1", str(count)) if count else \
            self.tr("Hand-offs")
        self.left.setTabText(HANDOFF_TAB, title)
        # A red that reads on light and dark palettes alike.
        self.left.tabBar().setTabTextColor(
            HANDOFF_TAB, QColor(ALERT_RED) if count else self.palette().text().color())
        self.pending_handoffs_changed.emit(count)

    def _agent_changed(self, agent: AgentInfo | None) -> None:
        self.bulk_button.setVisible(is_lead(agent))

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
        if not any(changes.touches(e) for e in LISTED):
            return
        if self.isVisible():
            self.model.refresh()
        else:
            self._stale = True  # refreshed when shown: hidden pages cost no queries
