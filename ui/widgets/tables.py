"""How every big table looks and behaves: fixed row height, no measuring of contents.

Measuring (``ResizeToContents``) would touch every row; a fixed height and widths from the
font's average character let a table of a million rows lay out in constant time.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QWidget

from ui.models.paged import PagedTableModel
from ui.preferences import Preferences

ROW_PADDING_PX = 10


class LazyTableView(QTableView):
    """A read-only table over a :class:`PagedTableModel`, with a hint when it is empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = self.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + ROW_PADDING_PX)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self._hint = QLabel(self.viewport())
        self._hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._hint.setWordWrap(True)
        self._hint.setEnabled(False)  # drawn in the palette's muted text colour
        self._hint.hide()
        self._empty_text = ""
        self._watching = False  # the viewport's resizes, only while the hint is shown

    def set_paged_model(self, model: PagedTableModel[Any], stretch_column: int) -> None:
        self.setModel(model)
        char = self.fontMetrics().averageCharWidth()
        header = self.horizontalHeader()
        for i, column in enumerate(model.columns):
            header.resizeSection(i, column.width_chars * char + 16)
        header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
        model.modelReset.connect(self._update_hint)
        model.rows_loaded.connect(self._update_hint)
        model.loading_changed.connect(self._update_hint)
        self._update_hint()

    def set_empty_text(self, text: str) -> None:
        self._empty_text = text
        self._update_hint()

    def restore_header(self, preferences: Preferences, table: str) -> None:
        state = preferences.header_state(table)
        if state is not None:
            self.horizontalHeader().restoreState(state)

    def save_header(self, preferences: Preferences, table: str) -> None:
        preferences.set_header_state(table, self.horizontalHeader().saveState())

    def _update_hint(self) -> None:
        model = self.model()
        if not isinstance(model, PagedTableModel) or model.rowCount() > 0:
            self._hint.hide()
            self._watch_viewport(False)
            return
        self._hint.setText(self.tr("Loading…") if model.is_loading else self._empty_text)
        self._place_hint()
        self._hint.show()
        self._watch_viewport(True)

    def _watch_viewport(self, on: bool) -> None:
        # A Python event filter sees every event of the viewport, paints included: it is
        # installed only while there is a hint to keep in place.
        if on != self._watching:
            self._watching = on
            if on:
                self.viewport().installEventFilter(self)
            else:
                self.viewport().removeEventFilter(self)

    def _place_hint(self) -> None:
        area = self.viewport().rect().adjusted(24, 24, -24, -24)
        self._hint.setGeometry(area.x(), area.y(), area.width(), min(area.height(), 120))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.viewport() and event.type() == QEvent.Type.Resize:
            self._place_hint()
        return super().eventFilter(watched, event)
