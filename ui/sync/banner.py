"""The conflict banner on a record: "Your priority High was replaced by Dana's Urgent at 10:42."

One line per open conflict of the record, each with **Keep theirs** and **Use mine**; the
banner hides itself when the record has none. It re-reads when a change concerns the record
(a sync that brought a conflict touches the record) or settles a conflict anywhere.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui import errors
from ui.context import AppContext
from ui.formatting import in_ui_direction
from ui.ops import Changes
from ui.sync.actions import concerns, list_conflicts, settle
from ui.sync.texts import conflict_text, tr
from workbench.sync.conflicts import ConflictInfo

STYLE = """
QFrame#conflict-banner { background: rgba(245, 158, 11, 0.16);
    border-left: 3px solid #b45309; border-radius: 3px; }
QLabel#conflict-title { font-weight: 600; }
"""


class ConflictBanner(QFrame):
    """Open conflicts of one record, with their two ways out."""

    def __init__(self, ctx: AppContext, entity: str, row_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.entity = entity
        self.row_id = row_id
        self.conflicts: list[ConflictInfo] = []
        self._generation = 0
        self.setObjectName("conflict-banner")
        self.setStyleSheet(STYLE)
        self._rows = QVBoxLayout(self)
        self._rows.setContentsMargins(10, 6, 8, 6)
        self._rows.setSpacing(4)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()
        self.hide()
        ctx.runner.changes_applied.connect(self._on_changes)
        self.refresh()

    def set_row(self, row_id: str | None) -> None:
        if row_id != self.row_id:
            self.row_id = row_id
            self._show([])
            self.refresh()

    def refresh(self) -> None:
        self._generation += 1
        generation, row_id = self._generation, self.row_id
        if row_id is None:
            self._show([])
            return
        entity = self.entity
        self._ctx.runner.run_op(
            lambda wb: list_conflicts(wb, entity=entity, row_id=row_id),
            lambda found: self._show(found) if generation == self._generation else None,
            lambda exc: errors.report(exc, self), owner=self)

    def _on_changes(self, changes: Changes, _initiator: object | None) -> None:
        if self.row_id is not None and concerns(changes, self.entity, self.row_id):
            self.refresh()

    def _show(self, found: list[ConflictInfo]) -> None:
        self.conflicts = found
        while self._rows.count():
            item = self._rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None and widget is not self.error:
                widget.deleteLater()
        if not found:
            self.hide()
            return
        now = self._ctx.now_ms()
        for info in found:
            self._rows.addWidget(self._line(info, now))
        self._rows.addWidget(self.error)
        self.show()

    def _line(self, info: ConflictInfo, now: int) -> QWidget:
        line = QWidget()
        line.setObjectName("conflict-line")
        row = QHBoxLayout(line)
        row.setContentsMargins(0, 0, 0, 0)
        text = QLabel(in_ui_direction("⚠ " + conflict_text(info, now)))
        text.setObjectName("conflict-text")
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(text, 1)
        theirs = QPushButton(tr("Dismiss") if info.refused else tr("Keep theirs"))
        theirs.setObjectName("keep-theirs")
        theirs.setToolTip(tr("Accept the value that is on the server now"))
        theirs.clicked.connect(lambda: self._settle(info, mine=False))
        row.addWidget(theirs)
        if info.can_use_mine:
            mine = QPushButton(tr("Use mine"))
            mine.setObjectName("use-mine")
            mine.setToolTip(tr("Set your value again; the next sync sends it to the team"))
            mine.clicked.connect(lambda: self._settle(info, mine=True))
            row.addWidget(mine)
        return line

    def _settle(self, info: ConflictInfo, mine: bool) -> None:
        for button in self.findChildren(QPushButton):
            button.setEnabled(False)
        self.error.hide()
        settle(self._ctx, info.id, mine, self, self._refused)

    def _refused(self, exc: BaseException) -> None:
        if not errors.is_known(exc):
            errors.report(exc, self)
        self.refresh()
        self.error.setText(errors.sentence(str(exc)))
        self.error.show()
