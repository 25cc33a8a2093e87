"""The customer timeline view: filter chips by kind, a search box, and the lazy entry list.

Chips narrow the list to the kinds checked (none checked: every kind); the search runs a
moment after typing stops, in any script. Double-clicking (or pressing Enter on) an entry
that belongs to a ticket emits :attr:`TimelineView.open_ticket_requested` with its id.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QModelIndex, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QListView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.customer.timeline_delegate import KINDS, TimelineDelegate
from ui.customer.timeline_model import TimelineModel
from ui.i18n import QT_TRANSLATE_NOOP
from ui.ops import OpRunner

SEARCH_DELAY_MS = 300
# (chip title, kinds it shows): the two directions of a conversation share one chip.
CHIPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (QT_TRANSLATE_NOOP("TimelineView", "Tickets"), ("ticket",)),
    (QT_TRANSLATE_NOOP("TimelineView", "Messages"), ("customer_message", "public_reply")),
    (QT_TRANSLATE_NOOP("TimelineView", "Internal notes"), ("internal_note",)),
    (QT_TRANSLATE_NOOP("TimelineView", "Notes"), ("customer_note",)),
    (QT_TRANSLATE_NOOP("TimelineView", "Calls"), ("call",)),
    (QT_TRANSLATE_NOOP("TimelineView", "Hand-offs"), ("handoff",)),
    (QT_TRANSLATE_NOOP("TimelineView", "Owner"), ("owner_change",)),
    (QT_TRANSLATE_NOOP("TimelineView", "Surveys"), ("survey",)),
    (QT_TRANSLATE_NOOP("TimelineView", "Preferences"), ("preference",)),
)
CHIP_STYLE = """
QToolButton {{ border: 1px solid rgba(128, 128, 128, 0.55); border-radius: 11px;
               padding: 2px 9px; }}
QToolButton:checked {{ background: {colour}; border-color: {colour}; color: white; }}
"""


class FlowLayout(QLayout):
    """Lays children out left to right and wraps them onto the next line (Qt's example)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _place(self, rect: QRect, *, move: bool) -> int:
        x, y, line = rect.x(), rect.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > rect.right() + 1 and line > 0:
                x, y, line = rect.x(), y + line + self.spacing(), 0
            if move:
                item.setGeometry(QRect(x, y, hint.width(), hint.height()))
            x += hint.width() + self.spacing()
            line = max(line, hint.height())
        return y + line - rect.y()


class TimelineView(QWidget):
    """Chips, search and the entry list of one customer's history."""

    open_ticket_requested = Signal(str)

    def __init__(self, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = TimelineModel(runner, self)
        self.chips: dict[str, QToolButton] = {}
        chip_row = QWidget()
        flow = FlowLayout(chip_row)
        for title, kinds in CHIPS:
            chip = QToolButton()
            chip.setText(QCoreApplication.translate("TimelineView", title))
            chip.setCheckable(True)
            chip.setObjectName(f"chip-{kinds[0]}")
            chip.setStyleSheet(CHIP_STYLE.format(colour=KINDS[kinds[0]].colour))
            chip.setToolTip(self.tr("Show only these entries (with the other chips checked)"))
            chip.toggled.connect(self._apply_kinds)
            flow.addWidget(chip)
            self.chips[kinds[0]] = chip
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Search this customer's history"))
        self.list = QListView()
        self.list.setObjectName("timeline")
        self.list.setItemDelegate(TimelineDelegate(self.list))
        self.list.setModel(self.model)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setAlternatingRowColors(True)
        self.list.doubleClicked.connect(self._open)
        enter = QShortcut(QKeySequence(Qt.Key.Key_Return), self.list)
        enter.setContext(Qt.ShortcutContext.WidgetShortcut)
        enter.activated.connect(lambda: self._open(self.list.currentIndex()))
        self.status = QLabel()
        self.status.setEnabled(False)  # muted text
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)

        top = QHBoxLayout()
        top.addWidget(self.search)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(chip_row)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.status)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply_search)
        self.search.textChanged.connect(self._timer.start)
        self.search.returnPressed.connect(self.apply_search)
        self.model.page_loaded.connect(self._update_status)
        self.model.modelReset.connect(self._update_status)
        self.model.loading_changed.connect(self._update_status)

    def set_customer(self, customer_id: str | None) -> None:
        self.model.set_customer(customer_id)

    def refresh(self) -> None:
        self.model.refresh()

    def apply_search(self) -> None:
        self._timer.stop()
        self.model.set_search(self.search.text())

    def _apply_kinds(self) -> None:
        kinds = [k for _t, group in CHIPS for k in group if self.chips[group[0]].isChecked()]
        self.model.set_kinds(kinds)

    def _open(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        entry = self.model.entry(index.row())
        if entry.ticket_id:
            self.open_ticket_requested.emit(entry.ticket_id)

    def _update_status(self) -> None:
        if self.model.rowCount():
            self.status.hide()
            return
        if self.model.is_loading:
            text = self.tr("Loading…")
        elif self.model.customer_id is None:
            text = ""
        elif self.model.kinds or self.search.text().strip():
            text = self.tr("No entries match these filters.")
        else:
            text = self.tr("No history yet for this customer.")
        self.status.setText(text)
        self.status.setVisible(bool(text))
