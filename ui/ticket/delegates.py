"""Painted cells of the ticket queue: the SLA chip.

:class:`SlaChipDelegate` draws the cell's background the way the style does (selection,
alternating rows, the row tint of the agent's own late tickets) and then the chip the model
hands out under ``CHIP_ROLE``. Nothing is measured per row and no widget is created, so a
column of chips costs a few rectangles and one short text per visible row.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSize
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ui.models.ticket_table import CHIP_ROLE
from ui.widgets.sla_chip import Chip, chip_size, paint_chip

ModelIndex = QModelIndex | QPersistentModelIndex


class SlaChipDelegate(QStyledItemDelegate):
    """Paints the countdown chip of a queue row."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.painted = 0  # chips painted so far (the benchmark counts repaints with it)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        chip = index.data(CHIP_ROLE)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        if isinstance(chip, Chip):
            painter.save()
            painter.setFont(opt.font)
            paint_chip(painter, opt.rect, chip, opt.palette)
            painter.restore()
            self.painted += 1

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        chip = index.data(CHIP_ROLE)
        metrics = option.fontMetrics
        text = chip.text if isinstance(chip, Chip) else ""
        return chip_size(text, metrics) + QSize(12, 4)
