"""How a timeline entry is painted: a coloured kind badge, the title, who and when, a preview.

A row is two text lines, or three when the entry has a body to preview: its height comes
from the font and one flag, never from measuring text, so laying out the loaded pages costs
next to nothing whatever their length. Ticket entries carry their status and SLA outcome as small
chips on the right. User text (names, subjects, bodies) keeps its own direction.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QTextOption
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ui import formatting, labels
from ui.customer.timeline_model import ENTRY_ROLE
from ui.i18n import QT_TRANSLATE_NOOP
from workbench.services.history_dto import TimelineEntry

BADGE = 26
PAD = 8


@dataclass(frozen=True)
class KindStyle:
    title: str  # source text, context "TimelineKind"
    colour: str
    glyph: str


KINDS: dict[str, KindStyle] = {
    "ticket": KindStyle(QT_TRANSLATE_NOOP("TimelineKind", "Ticket"), "#1e88e5", "#"),
    "customer_message": KindStyle(
        QT_TRANSLATE_NOOP("TimelineKind", "Customer message"), "#00897b", "✉"),
    "public_reply": KindStyle(QT_TRANSLATE_NOOP("TimelineKind", "Reply"), "#43a047", "↩"),
    "internal_note": KindStyle(
        QT_TRANSLATE_NOOP("TimelineKind", "Internal note"), "#f9a825", "✎"),
    "customer_note": KindStyle(QT_TRANSLATE_NOOP("TimelineKind", "Note"), "#8e24aa", "✎"),
    "call": KindStyle(QT_TRANSLATE_NOOP("TimelineKind", "Call"), "#3949ab", "☎"),
    "handoff": KindStyle(QT_TRANSLATE_NOOP("TimelineKind", "Hand-off"), "#ef6c00", "⇄"),
    "owner_change": KindStyle(QT_TRANSLATE_NOOP("TimelineKind", "Owner"), "#6d4c41", "⚑"),
    "survey": KindStyle(QT_TRANSLATE_NOOP("TimelineKind", "Survey"), "#d81b60", "★"),
    "preference": KindStyle(QT_TRANSLATE_NOOP("TimelineKind", "Preference"), "#546e7a", "⚙"),
}
_SLA_COLOURS = {"met": "#2e7d32", "breached": "#c62828", "warning": "#ef6c00",
                "running": "#1565c0", "paused": "#757575"}
_SLA_TEXT = {
    "met": QT_TRANSLATE_NOOP("TimelineKind", "SLA met"),
    "breached": QT_TRANSLATE_NOOP("TimelineKind", "SLA breached"),
    "warning": QT_TRANSLATE_NOOP("TimelineKind", "SLA at risk"),
    "running": QT_TRANSLATE_NOOP("TimelineKind", "SLA running"),
    "paused": QT_TRANSLATE_NOOP("TimelineKind", "SLA paused"),
}


def kind_title(kind: str) -> str:
    style = KINDS.get(kind)
    return QCoreApplication.translate("TimelineKind", style.title) if style else kind


def who_text(e: TimelineEntry) -> str:
    """Who did it: the agent, the customer for what customers do, else the system."""
    if e.who_name:
        return e.who_name
    if e.kind in ("customer_message", "survey"):
        return QCoreApplication.translate("TimelineKind", "Customer")
    return QCoreApplication.translate("TimelineKind", "System")


def chips_of(e: TimelineEntry) -> list[tuple[str, str]]:
    """(text, colour) chips shown at the right of a ticket entry: status, then SLA."""
    if e.kind != "ticket":
        return []
    out = []
    if e.detail.get("status"):
        out.append((labels.status_label(e.detail["status"]), "#607d8b"))
    sla = e.detail.get("sla")
    if sla in _SLA_TEXT:
        out.append((QCoreApplication.translate("TimelineKind", _SLA_TEXT[sla]),
                    _SLA_COLOURS[sla]))
    return out


class TimelineDelegate(QStyledItemDelegate):
    """Paints one entry in a fixed-height row."""

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        entry = index.data(ENTRY_ROLE)
        lines = 3 if isinstance(entry, TimelineEntry) and entry.body else 2
        return QSize(200, max(lines * (option.fontMetrics.height() + 2) + 2 * PAD, BADGE + 2 * PAD))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        entry = index.data(ENTRY_ROLE)
        if not isinstance(entry, TimelineEntry):
            return
        painter.save()
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter,
                                widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        pal = option.palette
        text_colour = pal.color(QPalette.ColorRole.HighlightedText if selected
                                else QPalette.ColorRole.Text)
        rect: QRect = option.rect
        fm: QFontMetrics = option.fontMetrics
        line = fm.height()
        kind = KINDS.get(entry.kind, KindStyle(entry.kind, "#757575", "•"))

        badge = QRect(rect.left() + PAD, rect.top() + PAD + 2, BADGE, BADGE)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(kind.colour))
        painter.drawEllipse(badge)
        painter.setPen(QColor("white"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, kind.glyph)

        left = badge.right() + PAD + 2
        right = rect.right() - PAD
        # Chips first: the title gets what they leave.
        chip_font = QFont(option.font)
        chip_font.setPointSizeF(max(chip_font.pointSizeF() * 0.85, 7.0))
        painter.setFont(chip_font)
        cfm = painter.fontMetrics()
        for text, colour in reversed(chips_of(entry)):
            width = cfm.horizontalAdvance(text) + 12
            chip = QRect(right - width, rect.top() + PAD, width, line)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colour))
            painter.drawRoundedRect(chip, line / 2, line / 2)
            painter.setPen(QColor("white"))
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
            right = chip.left() - 6

        title_font = QFont(option.font)
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(text_colour)
        top = rect.top() + PAD
        draw_line(painter, QRect(left, top, right - left, line), entry.title)
        painter.setFont(option.font)
        muted = QColor(text_colour)
        muted.setAlphaF(0.7)
        painter.setPen(muted)
        meta = " · ".join((formatting.isolate(who_text(entry)),
                           formatting.datetime_text(entry.at), kind_title(entry.kind)))
        full = QRect(left, top + line + 2, rect.right() - PAD - left, line)
        draw_line(painter, full, formatting.in_ui_direction(meta))
        if entry.body:
            painter.setPen(text_colour)
            draw_line(painter, full.translated(0, line + 2), " ".join(entry.body.split()))
        painter.restore()


def is_rtl(text: str) -> bool:
    """Whether *text* reads right to left: its first strong character decides (UAX #9 P2)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return False


def draw_line(painter: QPainter, rect: QRect, text: str) -> None:
    """One elided line in its own direction: a Persian note starts at the right edge."""
    rtl = is_rtl(text)
    elided = painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
    # Qt keeps a letter's joining form before the ellipsis with a zero-width joiner, which
    # some fonts draw as a visible bar; the unjoined form reads just as well.
    elided = elided.replace("\u200d…", "…")
    option = QTextOption(Qt.AlignmentFlag.AlignVCenter
                         | (Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft))
    option.setTextDirection(Qt.LayoutDirection.RightToLeft if rtl
                            else Qt.LayoutDirection.LeftToRight)
    option.setWrapMode(QTextOption.WrapMode.NoWrap)
    painter.drawText(QRectF(rect), elided, option)

