"""The tickets behind a bar or point of a metrics chart, in a dialog; a double-click (or
Enter) opens one through the main window's ``open_ticket``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.formatting import datetime_text, in_ui_direction
from ui.labels import priority_label, status_label, unassigned
from workbench.services.metrics_views import DrillTicket

Index = QModelIndex | QPersistentModelIndex
LIMIT_NOTE_AT = 1_000  # metrics_drill.DRILL_LIMIT: the list stops there


class DrillModel(QAbstractTableModel):
    """Key, subject, status, priority, assignee, created, solved."""

    def __init__(self, rows: Sequence[DrillTicket], parent: Any = None) -> None:
        super().__init__(parent)
        self.rows = list(rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 7

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        t = self.rows[index.row()]
        return (
            t.key, in_ui_direction(t.subject), status_label(t.status),
            priority_label(t.priority), t.assignee or unassigned(),
            datetime_text(t.created_at), datetime_text(t.solved_at),
        )[index.column()]

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("Ticket"), self.tr("Subject"), self.tr("Status"), self.tr("Priority"),
                self.tr("Assignee"), self.tr("Created"), self.tr("Solved"))[section]


class DrillDialog(QDialog):
    """A list of tickets titled by what was clicked."""

    def __init__(self, title: str, rows: Sequence[DrillTicket],
                 open_ticket: Callable[[str], None] | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("metrics-drill")
        self.setWindowTitle(title)
        self._open_ticket = open_ticket
        self.model = DrillModel(rows, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        rows_header = self.table.verticalHeader()
        rows_header.setVisible(False)
        rows_header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows_header.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 80), (2, 80), (3, 80), (4, 130), (5, 130), (6, 130)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        self.table.activated.connect(lambda index: self.open_row(index.row()))
        count = len(rows)
        if count >= LIMIT_NOTE_AT:
            text = self.tr("The first %1 tickets").replace("%1", f"{count:,}")
        elif count:
            text = self.tr("%n ticket(s); double-click one to open it", "", count)
        else:
            text = self.tr("No tickets")
        self.summary = QLabel(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(900, 460)

    def open_row(self, row: int) -> None:
        if self._open_ticket is not None and 0 <= row < len(self.model.rows):
            self._open_ticket(self.model.rows[row].id)
