"""The queue's rows painted in one pass over the visible rows.

A ``QTableView`` paints cell by cell: for each it builds a style option, and its delegate asks
the model for a dozen roles (text, font, colours, alignment, check state, icon, ...). From a
Python model each question is a call back into Python, about 1,500 per screenful, which made
the queue's first frame twice as slow as a plain-text table. :class:`QueuePainter` paints the
same thing from one :meth:`TicketTableModel.look` per row: the row panel (alternate colour,
tint of the agent's own late tickets, selection, hover) and the focus frame through the
style, so the queue keeps the platform's look, then the texts (elided once per text and
width, then remembered) and the SLA chip. Only the cells inside the repainted area are
drawn: a countdown tick repaints the chip column alone.

``data()`` still answers every role: screen readers, tooltips, copying and tests read it.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QCursor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QStyle,
    QStyleOptionFocusRect,
    QStyleOptionViewItem,
    QTableView,
)

from ui.models.ticket_table import TicketTableModel
from ui.ticket.delegates import SlaChipDelegate
from ui.widgets.sla_chip import paint_chip

_ELIDED_CACHE = 4000  # texts remembered per painter (a few screenfuls at a few widths)
# Latin text lays out as the sum of its characters' advances, less kerning; the direction
# marks and isolates the model wraps names in take no room.
_SIMPLE_LIMIT = "\u0370"
_ZERO_WIDTH = str.maketrans("", "", "\u200e\u200f\u2066\u2067\u2068\u2069")
_CHAR_WIDTHS: dict[tuple[str, int, bool], dict[str, int]] = {}


def fits_unelided(text: str, room: int, metrics: QFontMetrics, widths: dict[str, int]) -> bool:
    """True when *text* certainly fits in *room* pixels, decided without laying it out: only
    for Latin text (its width is the sum of its characters', which *widths* remembers), with
    a margin for kerning and rounding. False means "measure it", not "it does not fit"."""
    plain = text.translate(_ZERO_WIDTH)
    if not plain or max(plain) >= _SIMPLE_LIMIT:
        return False
    total = 0
    for char in plain:
        width = widths.get(char)
        if width is None:
            width = widths[char] = metrics.horizontalAdvance(char)
        total += width
    return total * 1.05 + 2 <= room


class QueuePainter:
    """Paints the visible rows of a queue table (see the module's docstring)."""

    total_chips = 0  # chips painted by every queue in this process (the benchmark checks it)

    def __init__(self, view: QTableView, model: TicketTableModel,
                 chips: SlaChipDelegate) -> None:
        self._view = view
        self._model = model
        self._chips = chips
        self._elided: dict[tuple[str, int, bool], str] = {}
        self._advances: dict[tuple[str, bool], int] = {}
        self._font_key: tuple[str, int] | None = None
        self._fonts: tuple[QFont, QFont, QFontMetrics, QFontMetrics] | None = None

    def paint(self, event: QPaintEvent) -> None:
        view, model = self._view, self._model
        count = model.rowCount()
        area = event.rect()
        if count == 0 or area.isEmpty():
            return
        first = view.rowAt(area.top())
        if first < 0:
            return  # the area lies below the last row
        last = view.rowAt(area.bottom())
        last = count - 1 if last < 0 else last
        columns = self._columns(area)
        if not columns:
            return
        normal, bold, metrics, bold_metrics = self._fonts_of(view.font())
        style = view.style()
        palette = view.palette()
        option = QStyleOptionViewItem()
        view.initViewItemOption(option)
        base_state = option.state
        states = (base_state, base_state | QStyle.StateFlag.State_Selected,
                  base_state | QStyle.StateFlag.State_MouseOver,
                  base_state | QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_MouseOver)
        plain_row = QStyleOptionViewItem.ViewItemFeature.None_
        alternate_row = QStyleOptionViewItem.ViewItemFeature.Alternate
        group = (QPalette.ColorGroup.Disabled if not view.isEnabled()
                 else QPalette.ColorGroup.Active if view.isActiveWindow()
                 else QPalette.ColorGroup.Inactive)
        ink = palette.color(group, QPalette.ColorRole.Text)
        selected_ink = palette.color(group, QPalette.ColorRole.HighlightedText)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
        direction = view.layoutDirection()
        selection = view.selectionModel()
        selected = ({i.row() for i in selection.selectedRows()} if selection is not None
                    else set())
        hover = self._hovered_row()
        alternate = view.alternatingRowColors()
        height = view.verticalHeader().defaultSectionSize()
        top = view.rowViewportPosition(first)
        row_left = min(x for _, x, _ in columns)
        row_width = max(x + w for _, x, w in columns) - row_left
        now = model.now_ms()
        cache = self._elided
        if len(cache) > _ELIDED_CACHE:
            cache.clear()
        due, priority, number = model.DUE, model.PRIORITY, model.NUMBER
        row_panel = QStyle.PrimitiveElement.PE_PanelItemViewRow
        item_panel = QStyle.PrimitiveElement.PE_PanelItemViewItem
        key = (normal.key(), view.logicalDpiY())
        widths = _CHAR_WIDTHS.setdefault((*key, False), {})
        bold_widths = _CHAR_WIDTHS.setdefault((*key, True), {})
        rtl = direction == Qt.LayoutDirection.RightToLeft
        baseline = (height - metrics.height()) // 2 + metrics.ascent()
        advances = self._advances
        if len(advances) > _ELIDED_CACHE:
            advances.clear()
        painter = QPainter(view.viewport())
        painter.setFont(normal)
        for row in range(first, last + 1):
            y = top + (row - first) * height
            look = model.look(row, now)
            is_selected = row in selected
            option.state = states[is_selected + 2 * (row == hover)]
            option.rect = QRect(row_left, y, row_width, height)
            option.features = alternate_row if alternate and row % 2 else plain_row
            style.drawPrimitive(row_panel, option, painter, view)
            if look.tint is not None or is_selected or row == hover:
                option.backgroundBrush = look.tint if look.tint is not None else palette.base()
                if look.tint is None:
                    option.backgroundBrush.setStyle(Qt.BrushStyle.NoBrush)
                option.viewItemPosition = QStyleOptionViewItem.ViewItemPosition.OnlyOne
                style.drawPrimitive(item_panel, option, painter, view)
            painter.setPen(selected_ink if is_selected else ink)
            for column, x, width in columns:
                if column == due:
                    paint_chip(painter, QRect(x, y, width, height), look.chip, palette)
                    self._chips.painted += 1
                    QueuePainter.total_chips += 1
                    continue
                text = look.texts[column]
                if not text:
                    continue
                heavy = column == priority and look.bold_priority
                room = width - 2 * margin
                shown = cache.get((text, room, heavy))
                if shown is None and fits_unelided(text, room, bold_metrics if heavy else metrics,
                                                   bold_widths if heavy else widths):
                    shown = cache[(text, room, heavy)] = text
                if shown is None:
                    shown = cache[(text, room, heavy)] = (
                        bold_metrics if heavy else metrics).elidedText(
                        text, Qt.TextElideMode.ElideRight, room)
                if heavy:
                    painter.setFont(bold)
                # Plain glyph runs from a baseline: the rect-and-flags overload lays the text
                # out as a paragraph, a third slower, for what one line already is.
                if (column == number) != rtl:  # starts from the cell's right side
                    advance = advances.get((shown, heavy))
                    if advance is None:
                        advance = advances[(shown, heavy)] = (
                            bold_metrics if heavy else metrics).horizontalAdvance(shown)
                    painter.drawText(x + width - margin - advance, y + baseline, shown)
                else:
                    painter.drawText(x + margin, y + baseline, shown)
                if heavy:
                    painter.setFont(normal)
        option.state = base_state
        self._focus_frame(painter, option, selected, first, last, top, height, columns)
        painter.end()

    # -- parts -------------------------------------------------------------------------------
    def _columns(self, area: QRect) -> list[tuple[int, int, int]]:
        """(logical column, x, width) of the shown columns meeting *area*, in visual order."""
        header = self._view.horizontalHeader()
        out = []
        for visual in range(header.count()):
            logical = header.logicalIndex(visual)
            if header.isSectionHidden(logical):
                continue
            x, width = header.sectionViewportPosition(logical), header.sectionSize(logical)
            if width > 0 and x + width > area.left() and x <= area.right():
                out.append((logical, x, width))
        return out

    def _fonts_of(self, font: QFont) -> tuple[QFont, QFont, QFontMetrics, QFontMetrics]:
        key = (font.key(), self._view.logicalDpiY())
        if self._fonts is None or key != self._font_key:
            bold = QFont(font)
            bold.setBold(True)
            self._fonts = (font, bold, QFontMetrics(font), QFontMetrics(bold))
            self._font_key = key
            self._elided.clear()
            self._advances.clear()
        return self._fonts

    def _hovered_row(self) -> int:
        viewport = self._view.viewport()
        if not viewport.underMouse():
            return -1
        return self._view.rowAt(viewport.mapFromGlobal(QCursor.pos()).y())

    def _focus_frame(self, painter: QPainter, option: QStyleOptionViewItem, selected: set[int],
                     first: int, last: int, top: int, height: int,
                     columns: list[tuple[int, int, int]]) -> None:
        """The focus frame of the current cell, as an item view's delegate draws it."""
        view = self._view
        current = view.currentIndex()
        if not view.hasFocus() or not current.isValid() or not first <= current.row() <= last:
            return
        cell = next(((x, w) for c, x, w in columns if c == current.column()), None)
        if cell is None:
            return
        frame = QStyleOptionFocusRect()
        frame.initFrom(view)
        frame.rect = QRect(cell[0], top + (current.row() - first) * height, cell[1], height)
        frame.state = (option.state | QStyle.StateFlag.State_HasFocus
                       | QStyle.StateFlag.State_KeyboardFocusChange
                       | QStyle.StateFlag.State_Item)
        frame.backgroundColor = view.palette().color(
            QPalette.ColorRole.Highlight if current.row() in selected
            else QPalette.ColorRole.Window)
        view.style().drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, frame, painter,
                                   view)


__all__ = ["QueuePainter"]
