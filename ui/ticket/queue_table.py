"""The queue's table view: painted SLA chips, a one-second countdown, j/k, header sorts.

The countdown repaints only what is on screen: once a second :meth:`QueueTable.tick` asks
the model to announce the chip cells of the visible rows (and whole rows of the agent's own
tickets that just turned amber or red), so a million-row queue costs what thirty rows do.
The timer runs only while the table is shown.

Headers sort only where an index serves the order (the next deadline, "#" = creation,
last update); a click on any other header leaves the order as it is.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QHideEvent, QKeyEvent, QPaintEvent, QShowEvent
from PySide6.QtWidgets import QWidget

from ui.models.ticket_table import TicketTableModel
from ui.ticket.delegates import SlaChipDelegate
from ui.ticket.queue_paint import QueuePainter
from ui.widgets.tables import LazyTableView

TICK_MS = 1000
_KEYS = {Qt.Key.Key_J: Qt.Key.Key_Down, Qt.Key.Key_K: Qt.Key.Key_Up}


class QueueTable(LazyTableView):
    """A :class:`LazyTableView` over a :class:`TicketTableModel`, counting down."""

    def __init__(self, model: TicketTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._queue = model
        self.chips = SlaChipDelegate(self)
        self.set_paged_model(model, TicketTableModel.SUBJECT)
        self.setItemDelegateForColumn(TicketTableModel.DUE, self.chips)
        self._painter = QueuePainter(self, model, self.chips)
        header = self.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.sectionClicked.connect(self._header_clicked)
        model.modelReset.connect(self.show_sort_indicator)
        self.last_tick_ms = 0.0  # UI-thread time of the last tick (the benchmark reads it)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)
        self.show_sort_indicator()

    # -- the countdown -----------------------------------------------------------------------
    def visible_rows(self) -> tuple[int, int] | None:
        """(first, last) rows on screen, or None when none is."""
        count = self._queue.rowCount()
        if count == 0:
            return None
        first = self.rowAt(0)
        if first < 0:
            return None
        last = self.rowAt(self.viewport().height() - 1)
        return first, (count - 1 if last < 0 else last)

    def tick(self) -> None:
        """One second passed: the visible chips read differently."""
        started = time.perf_counter()
        rows = self.visible_rows()
        if rows is not None:
            self._queue.tick(*rows)
        self.last_tick_ms = (time.perf_counter() - started) * 1000

    def paintEvent(self, event: QPaintEvent) -> None:
        """The visible rows in one pass (:mod:`ui.ticket.queue_paint`), not cell by cell."""
        self._painter.paint(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()
        super().hideEvent(event)

    # -- keys and headers --------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = _KEYS.get(Qt.Key(event.key()))
        if key is not None and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            event = QKeyEvent(event.type(), key, Qt.KeyboardModifier.NoModifier)
        super().keyPressEvent(event)

    def _header_clicked(self, column: int) -> None:
        model = self._queue
        if model.can_sort(column):
            same = column == model.sort_column()
            descending = not model.query.effective_descending if same else False
            order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
            model.sort(column, order)
        self.show_sort_indicator()

    def show_sort_indicator(self) -> None:
        header = self.horizontalHeader()
        column = self._queue.sort_column()
        descending = self._queue.query.effective_descending
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        header.blockSignals(True)
        header.setSortIndicator(column, order)
        header.blockSignals(False)
