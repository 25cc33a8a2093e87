"""The SLA chip: "12m left", "breached 3h ago", "paused" in a small coloured pill.

One pure function decides what a deadline reads like at an instant (:func:`chip_for`), one
paints it (:func:`paint_chip`); the queue's :class:`~ui.ticket.delegates.SlaChipDelegate`
and the ticket view's SLA panel (:class:`SlaChip`) both use them, so a countdown looks
the same everywhere. Colours: neutral while a clock runs, amber from the policy's warning
threshold, red once breached, an outline while paused. They are mixed from the palette,
so the chip reads in light and dark themes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QCoreApplication, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui import formatting

AMBER = QColor(0xE8, 0x9A, 0x0C)
RED = QColor(0xD3, 0x2F, 0x2F)
PAD_X, PAD_Y, MARGIN = 8, 2, 6


class ChipKind(Enum):
    NONE = "none"  # no clock runs: solved, or no deadline known
    RUNNING = "running"
    WARNING = "warning"
    BREACHED = "breached"
    PAUSED = "paused"
    MET = "met"


@dataclass(frozen=True, slots=True)
class Chip:
    kind: ChipKind
    text: str


def _tr(text: str) -> str:
    return QCoreApplication.translate("sla", text)


def chip_kind(due_at: int | None, warn_at: int | None, paused: bool, now_ms: int) -> ChipKind:
    """The state of a deadline at *now_ms* (cheap: called for every visible row each second)."""
    if due_at is None:
        return ChipKind.PAUSED if paused else ChipKind.NONE
    if now_ms >= due_at:
        return ChipKind.BREACHED
    if warn_at is not None and now_ms >= warn_at:
        return ChipKind.WARNING
    return ChipKind.RUNNING


def chip_for(due_at: int | None, warn_at: int | None, paused: bool, now_ms: int) -> Chip:
    """What the chip of a deadline reads at *now_ms*."""
    kind = chip_kind(due_at, warn_at, paused, now_ms)
    if kind is ChipKind.BREACHED and due_at is not None:
        return Chip(kind, _tr("breached %1 ago").replace(
            "%1", formatting.duration_text(now_ms - due_at)))
    if kind in (ChipKind.RUNNING, ChipKind.WARNING) and due_at is not None:
        return Chip(kind, _tr("%1 left").replace("%1", formatting.duration_text(due_at - now_ms)))
    if kind is ChipKind.PAUSED:
        return Chip(kind, _tr("paused"))
    return Chip(kind, formatting.NO_VALUE)


def _mix(a: QColor, b: QColor, amount: float) -> QColor:
    return QColor(round(a.red() + (b.red() - a.red()) * amount),
                  round(a.green() + (b.green() - a.green()) * amount),
                  round(a.blue() + (b.blue() - a.blue()) * amount))


def chip_colours(kind: ChipKind, palette: QPalette) -> tuple[QColor, QColor, QColor | None]:
    """(fill, text, outline) of a chip of *kind* in *palette*."""
    base, text = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)
    dark = base.lightness() < 128
    if kind is ChipKind.BREACHED:
        return RED if not dark else _mix(RED, base, 0.15), QColor(Qt.GlobalColor.white), None
    if kind is ChipKind.WARNING:
        return AMBER if not dark else _mix(AMBER, base, 0.2), QColor(0x2B, 0x1D, 0x00), None
    if kind is ChipKind.PAUSED:
        return base, _mix(text, base, 0.35), _mix(text, base, 0.6)
    if kind is ChipKind.MET:
        green = QColor(0x2E, 0x7D, 0x32)
        return _mix(base, green, 0.18), _mix(text, green, 0.4), None
    if kind is ChipKind.NONE:
        return base, _mix(text, base, 0.45), None
    return _mix(base, text, 0.09), text, None


def chip_size(text: str, metrics: QFontMetrics) -> QSize:
    # +2: eliding measures with sub-pixel advances; a whole-pixel pill must never elide
    return QSize(metrics.horizontalAdvance(text) + 2 * PAD_X + 2, metrics.height() + 2 * PAD_Y)


_COLOURS: dict[tuple[ChipKind, int, int], tuple[QColor, QColor, QColor | None]] = {}


def _colours_of(kind: ChipKind, palette: QPalette) -> tuple[QColor, QColor, QColor | None]:
    """:func:`chip_colours`, remembered per palette (a column of chips repaints every second)."""
    base, text = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)
    key = (kind, base.rgba(), text.rgba())
    colours = _COLOURS.get(key)
    if colours is None:
        if len(_COLOURS) > 64:
            _COLOURS.clear()
        colours = _COLOURS[key] = chip_colours(kind, palette)
    return colours


def paint_chip(painter: QPainter, cell: QRect, chip: Chip, palette: QPalette) -> QRect:
    """Paint *chip* at the start of *cell*, vertically centred; returns the pill's rect.

    Leaves the painter's pen, brush and render hints as it found them."""
    metrics = painter.fontMetrics()
    fill, ink, outline = _colours_of(chip.kind, palette)
    if chip.kind is ChipKind.NONE:
        pen = painter.pen()
        painter.setPen(ink)
        area = cell.adjusted(MARGIN, 0, -MARGIN, 0)
        painter.drawText(area, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                         chip.text)
        painter.setPen(pen)
        return area
    advance = metrics.horizontalAdvance(chip.text)
    full = advance + 2 * PAD_X + 2  # as chip_size()
    width = min(full, max(cell.width() - 2 * MARGIN, 0))
    height = min(metrics.height() + 2 * PAD_Y, cell.height() - 2)
    pill = QRect(cell.left() + MARGIN, cell.top() + (cell.height() - height) // 2, width, height)
    pen, brush = painter.pen(), painter.brush()
    antialiased = painter.testRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(outline if outline is not None else Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    radius = height / 2
    painter.drawRoundedRect(QRectF(pill).adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
    painter.setPen(ink)
    text = chip.text
    if width < full:
        text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width - 2 * PAD_X)
        painter.drawText(pill, int(Qt.AlignmentFlag.AlignCenter), text)
    else:  # centred from its known advance: a glyph run, no paragraph layout
        painter.drawText(pill.left() + (width - advance) // 2,
                         pill.top() + (height - metrics.height()) // 2 + metrics.ascent(), text)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, antialiased)
    painter.setPen(pen)
    painter.setBrush(brush)
    return pill


class SlaChip(QWidget):
    """A chip as a widget (the ticket view's SLA panel)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._chip = Chip(ChipKind.NONE, formatting.NO_VALUE)
        self.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)

    @property
    def chip(self) -> Chip:
        return self._chip

    def set_chip(self, chip: Chip) -> None:
        if chip != self._chip:
            old = self.sizeHint()
            self._chip = chip
            self.setToolTip(chip.text)
            if self.sizeHint() != old:
                self.updateGeometry()
            self.update()

    def text(self) -> str:
        return self._chip.text

    def sizeHint(self) -> QSize:
        size = chip_size(self._chip.text, self.fontMetrics())
        return QSize(size.width() + 2 * MARGIN, size.height() + 4)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        paint_chip(painter, self.rect(), self._chip, self.palette())
