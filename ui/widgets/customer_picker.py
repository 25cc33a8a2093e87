"""Choose a customer by typing part of a name, e-mail, phone or organisation.

The search runs through the op runner (``wb.customers.list``) a moment after typing stops;
an answer to an older search is dropped so the list always matches the text shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ui import labels
from ui.formatting import in_ui_direction, isolate
from ui.ops import OpRunner
from workbench.services.dto import CustomerInfo

if TYPE_CHECKING:
    from workbench.services.context import Workbench

SEARCH_DELAY_MS = 200
MAX_RESULTS = 30
VISIBLE_ROWS = 6


def describe(c: CustomerInfo) -> str:
    """"Name — e-mail · organisation · plan", each user-written part bidi-isolated."""
    parts = [isolate(x) for x in (c.email, c.organisation) if x] + [labels.plan_label(c.plan)]
    return in_ui_direction(f"{isolate(c.name)} — {' · '.join(parts)}")


class CustomerPicker(QWidget):
    """A search field over a short result list; ``chosen`` carries the selected customer."""

    chosen = Signal(object)  # CustomerInfo | None

    def __init__(self, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._generation = 0
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Search by name, e-mail or organisation"))
        self.results = QListWidget()
        self.results.setUniformItemSizes(True)
        row = self.results.fontMetrics().height() + 6
        self.results.setFixedHeight(row * VISIBLE_ROWS + 2 * self.results.frameWidth())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.results)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(self._timer.start)
        self.results.currentItemChanged.connect(
            lambda _cur, _prev: self.chosen.emit(self.selected())
        )
        self.setFocusProxy(self.search)
        self._run_search()

    def selected(self) -> CustomerInfo | None:
        item = self.results.currentItem()
        if item is None or not item.isSelected():
            return None
        customer = item.data(Qt.ItemDataRole.UserRole)
        return customer if isinstance(customer, CustomerInfo) else None

    def set_query(self, text: str) -> None:
        """Search for *text* now (without waiting for the typing pause)."""
        self.search.setText(text)
        self._run_search()

    def _run_search(self) -> None:
        self._timer.stop()
        self._generation += 1
        generation, text = self._generation, self.search.text().strip()

        def search(wb: Workbench) -> list[CustomerInfo]:
            return wb.customers.list(text, limit=MAX_RESULTS)

        self._runner.run_op(search, lambda found: self._show(generation, found), owner=self)

    def _show(self, generation: int, found: list[CustomerInfo]) -> None:
        if generation != self._generation:
            return
        previous = self.selected()
        self.results.clear()
        for customer in found:
            item = QListWidgetItem(describe(customer))
            item.setData(Qt.ItemDataRole.UserRole, customer)
            item.setToolTip(describe(customer))
            self.results.addItem(item)
            if previous is not None and customer.id == previous.id:
                self.results.setCurrentItem(item)
        if len(found) == 1:
            self.results.setCurrentRow(0)
        if not found:
            item = QListWidgetItem(self.tr("No customer matches."))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.results.addItem(item)
        self.chosen.emit(self.selected())
