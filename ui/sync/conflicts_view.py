"""The Conflicts view: every open conflict of this workstation, with the same two actions.

Reached from the status bar's sync menu and from File ▸ Conflicts…; a double click (or
**Open**) shows the ticket. It follows the app's changes: a sync that brings a conflict or a
banner that settles one updates the list.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui import errors, formatting
from ui.context import AppContext
from ui.ops import Changes
from ui.sync.actions import concerns, list_conflicts, settle
from ui.sync.texts import conflict_text, field_label, mine_text, theirs_text, tr
from workbench.sync.conflicts import ConflictInfo

COLUMNS = ("record", "field", "mine", "theirs", "what")


class ConflictsDialog(QDialog):
    """A table of open conflicts; Keep theirs, Use mine, Open record."""

    def __init__(self, ctx: AppContext, open_ticket: Callable[[str], object] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._open_ticket = open_ticket
        self.conflicts: list[ConflictInfo] = []
        self.setObjectName("conflicts-view")
        self.setWindowTitle(tr("Conflicts"))
        self.resize(940, 420)
        intro = QLabel(tr("Changes of yours that a colleague's later change replaced, or that "
                          "the team server refused. Keep theirs, or use yours again: the next "
                          "sync sends it to the team."))
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("conflicts-table")
        self.table.setHorizontalHeaderLabels(
            [tr("Record"), tr("Field"), tr("Yours"), tr("Theirs"), tr("What happened")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.empty = QLabel(tr("No conflicts. Everything you changed reached the team as you "
                               "made it."))
        self.empty.setObjectName("no-conflicts")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.table)

        self.keep_button = QPushButton(tr("Keep theirs"))
        self.keep_button.setObjectName("keep-theirs")
        self.mine_button = QPushButton(tr("Use mine"))
        self.mine_button.setObjectName("use-mine")
        self.open_button = QPushButton(tr("Open"))
        self.open_button.setObjectName("open-record")
        self.keep_button.clicked.connect(lambda: self.settle_selected(mine=False))
        self.mine_button.clicked.connect(lambda: self.settle_selected(mine=True))
        self.open_button.clicked.connect(self.open_selected)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.error.hide()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        actions = QHBoxLayout()
        for button in (self.keep_button, self.mine_button, self.open_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.error)
        layout.addLayout(actions)
        ctx.runner.changes_applied.connect(self._on_changes)
        self._selection_changed()
        self.refresh()

    def refresh(self) -> None:
        self._ctx.runner.run_op(lambda wb: list_conflicts(wb), self._show,
                                lambda exc: errors.report(exc, self), owner=self)

    def _on_changes(self, changes: Changes, _initiator: object | None) -> None:
        if self.isVisible() and concerns(changes, None, None):
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        self.refresh()
        super().showEvent(event)

    def _show(self, found: list[ConflictInfo]) -> None:
        selected = self.selected()
        self.conflicts = found
        now = self._ctx.now_ms()
        self.table.setRowCount(len(found))
        for row, info in enumerate(found):
            values = (info.record, field_label(info.field) if info.field != "*" else "—",
                      mine_text(info) if not info.refused or info.field != "*" else "—",
                      theirs_text(info) if not info.refused else "—",
                      conflict_text(info, now))
            for column, value in enumerate(values):
                item = QTableWidgetItem(formatting.in_ui_direction(value))
                item.setToolTip(conflict_text(info, now))
                self.table.setItem(row, column, item)
            if selected is not None and info.id == selected.id:
                self.table.selectRow(row)
        if found and self.selected() is None:
            self.table.selectRow(0)
        self.stack.setCurrentIndex(1 if found else 0)
        self._selection_changed()

    def selected(self) -> ConflictInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.conflicts):
            return None
        return self.conflicts[rows[0].row()]

    def _selection_changed(self) -> None:
        info = self.selected()
        self.keep_button.setEnabled(info is not None)
        self.keep_button.setText(tr("Dismiss") if info is not None and info.refused
                                 else tr("Keep theirs"))
        self.mine_button.setEnabled(info is not None and info.can_use_mine)
        self.open_button.setEnabled(info is not None and info.entity == "tickets"
                                    and self._open_ticket is not None)

    def select(self, conflict_id: str) -> None:
        for row, info in enumerate(self.conflicts):
            if info.id == conflict_id:
                self.table.selectRow(row)

    def settle_selected(self, mine: bool) -> None:
        info = self.selected()
        if info is None:
            return
        self.error.hide()
        settle(self._ctx, info.id, mine, self, self._refused)
        self.refresh()

    def _refused(self, exc: BaseException) -> None:
        if not errors.is_known(exc):
            errors.report(exc, self)
        self.error.setText(errors.sentence(str(exc)))
        self.error.show()

    def open_selected(self) -> None:
        info = self.selected()
        if info is not None and info.entity == "tickets" and self._open_ticket is not None:
            self._open_ticket(info.row_id)
