"""Articles that may answer the ticket on screen, for the ticket view's side panel.

:class:`ArticleSuggestions` asks ``KbService.suggest_for_ticket`` (the ticket's distinctive
words against the article index) and lists up to five articles with the passage that
matched. Activating one (double-click or Enter) emits :attr:`insert_requested`; the
ticket view inserts it into the reply through its picker binding
(``AnswerPickerBinding.insert_article``). Nothing relevant: it says so in one line.

The passage comes as the reader sees the article (the search service cuts it from the
text without its Markdown: :func:`workbench.services.search.markdown_text`), with the words
that matched highlighted. Each row is a title line and two lines of passage, elided
where they do not fit (never clipped mid-glyph); the tooltip holds the whole passage.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPalette,
    QTextCharFormat,
    QTextLayout,
)
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from ui import formatting
from ui.kb import ROW_FACTOR, kb_of, utf16_offset
from workbench.domain.search_query import MARK_END, MARK_START
from workbench.services.kb_dto import ArticleSuggestion

if TYPE_CHECKING:
    from ui.ops import OpRunner

LIMIT = 5
SNIPPET_CHARS = 220  # the passage kept (two lines show; the tooltip shows it all)
SNIPPET_LINES = 2
ID_ROLE = Qt.ItemDataRole.UserRole
TITLE_ROLE = Qt.ItemDataRole.UserRole + 1
SNIPPET_ROLE = Qt.ItemDataRole.UserRole + 2
MARKS_ROLE = Qt.ItemDataRole.UserRole + 3
PADDING = 6

def split_marks(text: str) -> tuple[str, list[tuple[int, int]]]:
    """*text* without its markers, and the (start, end) of each marked run in it."""
    out: list[str] = []
    marks: list[tuple[int, int]] = []
    length, start = 0, None
    for piece in re.split(f"([{MARK_START}{MARK_END}])", text):
        if piece == MARK_START:
            start = length
        elif piece == MARK_END:
            if start is not None and length > start:
                marks.append((start, length))
            start = None
        else:
            out.append(piece)
            length += len(piece)
    if start is not None and length > start:
        marks.append((start, length))
    return "".join(out), marks


_JOINERS = frozenset("\u17d2\u09cd\u094d\u200d\u200c")  # Khmer coeng, viramas, ZWJ/ZWNJ


def whole_clusters(text: str, marks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """*marks* widened to whole grapheme clusters: a match cut inside a Khmer or Bengali
    cluster (a trigram ends after a coeng) would break its shaping where the format changes."""
    out: list[tuple[int, int]] = []
    for start, end in marks:
        while start > 0 and (unicodedata.category(text[start]).startswith("M")
                             or text[start - 1] in _JOINERS):
            start -= 1
        while end < len(text) and (unicodedata.category(text[end]).startswith("M")
                                   or text[end - 1] in _JOINERS or text[end] in _JOINERS):
            end += 1
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def _shorten(text: str, marks: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    if len(text) <= SNIPPET_CHARS:
        return text, marks
    cut = text[:SNIPPET_CHARS - 1].rstrip() + "…"
    return cut, [(a, min(b, len(cut) - 1)) for a, b in marks if a < len(cut) - 1]


class SuggestionDelegate(QStyledItemDelegate):
    """A title line and a highlighted two-line passage, each elided to the row's width."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)

    def _line_height(self, option: QStyleOptionViewItem) -> float:
        return QFontMetricsF(option.font).height() * ROW_FACTOR  # room for Khmer, Bengali

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        line = self._line_height(option)
        return QSize(200, round(line * (1 + SNIPPET_LINES) + 2 * PADDING))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = (QPalette.ColorGroup.Normal if opt.state & QStyle.StateFlag.State_Active
                 else QPalette.ColorGroup.Inactive)
        text_role = (QPalette.ColorRole.HighlightedText if selected
                     else QPalette.ColorRole.Text)
        colour = opt.palette.color(group, text_role)
        area = QRectF(opt.rect).adjusted(PADDING, PADDING, -PADDING, -PADDING)
        line = self._line_height(opt)
        rtl = opt.direction == Qt.LayoutDirection.RightToLeft
        painter.save()
        painter.setClipRect(opt.rect)
        painter.setPen(colour)
        title_font = QFont(opt.font)
        title_font.setBold(True)
        title = QFontMetricsF(title_font).elidedText(
            str(index.data(TITLE_ROLE) or ""), Qt.TextElideMode.ElideRight, area.width())
        painter.setFont(title_font)
        align = Qt.AlignmentFlag.AlignVCenter | (
            Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft)
        painter.drawText(QRectF(area.x(), area.y(), area.width(), line), align, title)
        snippet = str(index.data(SNIPPET_ROLE) or "")
        marks = index.data(MARKS_ROLE) or []
        muted = opt.palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        highlight = opt.palette.color(group, QPalette.ColorRole.Text)  # matches: full colour
        self._paint_passage(painter, opt.font, snippet, marks,
                            QRectF(area.x(), area.y() + line, area.width(), line * SNIPPET_LINES),
                            line, colour if selected else muted, highlight, selected)
        painter.restore()

    def _paint_passage(self, painter: QPainter, font: QFont, text: str,
                       marks: list[tuple[int, int]], rect: QRectF, line_height: float,
                       colour: object, highlight: object, selected: bool) -> None:
        layout = self.passage_layout(font, text, marks, rect.width(), line_height, selected,
                                     None if selected else highlight)
        painter.setPen(colour)
        layout.draw(painter, rect.topLeft())

    @classmethod
    def passage_layout(cls, font: QFont, text: str, marks: list[tuple[int, int]],
                       width: float, line_height: float = 0.0, selected: bool = False,
                       emphasis: object = None) -> QTextLayout:
        """The passage laid out in at most :data:`SNIPPET_LINES` lines of *width*, matched
        words in bold, cut with "…" where it does not fit (measured with the bold runs)."""
        budget = width
        while True:
            shown, kept = cls.elided(text, marks, font, budget)
            layout = QTextLayout(shown, font)
            formats = []
            for start, end in kept:
                fmt = QTextCharFormat()
                fmt.setFontWeight(QFont.Weight.Bold)
                fmt.setFontUnderline(selected)
                if isinstance(emphasis, QColor):
                    fmt.setForeground(emphasis)
                range_ = QTextLayout.FormatRange()
                range_.start = utf16_offset(shown, start)
                range_.length = utf16_offset(shown, end) - range_.start
                range_.format = fmt
                formats.append(range_)
            layout.setFormats(formats)
            layout.beginLayout()
            y, lines = 0.0, 0
            while True:
                ln = layout.createLine()
                if not ln.isValid():
                    break
                ln.setLineWidth(width)
                ln.setPosition(QPointF(0, y + max(line_height - ln.height(), 0) / 2))
                y += line_height or ln.height()
                lines += 1
            layout.endLayout()
            if lines <= SNIPPET_LINES or budget < width / 2:
                return layout
            budget -= max(width / 20, 4.0)  # the bold runs made it wider: cut a little more

    @staticmethod
    def elided(text: str, marks: list[tuple[int, int]], font: QFont, width: float
               ) -> tuple[str, list[tuple[int, int]]]:
        """*text* cut so that it fits :data:`SNIPPET_LINES` lines of *width*, ending in "…"
        when it had to be cut, and the marks that still fall inside it."""
        layout = QTextLayout(text, font)
        layout.beginLayout()
        starts = []
        while True:
            ln = layout.createLine()
            if not ln.isValid():
                break
            ln.setLineWidth(width)
            starts.append(ln.textStart())
        layout.endLayout()
        if len(starts) <= SNIPPET_LINES:
            return text, marks
        # where the last line shown starts, as a str index (Qt counts UTF-16 units)
        at = starts[SNIPPET_LINES - 1]
        last = next(i for i in range(len(text) + 1) if utf16_offset(text, i) >= at)
        tail = QFontMetricsF(font).elidedText(text[last:], Qt.TextElideMode.ElideRight, width)
        kept = text[:last] + tail
        visible = len(kept) - (1 if tail.endswith("…") else 0)
        return kept, [(a, min(b, visible)) for a, b in marks if a < visible]


class ArticleSuggestions(QWidget):
    """Up to five articles for one ticket."""

    insert_requested = Signal(str)  # article id

    def __init__(self, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("article-suggestions")
        self._runner = runner
        self._ticket: str | None = None
        self._generation = 0
        self.suggestions: list[ArticleSuggestion] = []
        self.list = QListWidget()
        self.list.setObjectName("suggestion-list")
        self.list.setItemDelegate(SuggestionDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setToolTip(self.tr("Double-click or press Enter to insert into the reply"))
        # As tall as its (at most five) rows: in a side panel it must not crowd the others.
        self.list.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.empty = QLabel(self.tr("No article matches this ticket."))
        self.empty.setObjectName("suggestions-empty")
        self.empty.setEnabled(False)
        self.empty.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addWidget(self.empty)
        self.list.itemActivated.connect(
            lambda item: self.insert_requested.emit(str(item.data(ID_ROLE))))
        self._show([])

    def set_ticket(self, ticket_id: str) -> None:
        """Suggest for *ticket_id* (again: call it when the customer writes anew)."""
        self._ticket = ticket_id
        self._generation += 1
        generation = self._generation

        def shown(found: list[ArticleSuggestion]) -> None:
            if generation == self._generation:
                self._show(found)

        self._runner.run_op(lambda wb: kb_of(wb).suggest_for_ticket(ticket_id, LIMIT), shown,
                            owner=self)

    def _show(self, found: list[ArticleSuggestion]) -> None:
        self.suggestions = found
        self.list.clear()
        for s in found:
            snippet, marks = _shorten(*split_marks(" ".join(s.snippet.split())))
            marks = whole_clusters(snippet, marks)
            badge = f"  · {s.language}" + ("  · " + self.tr("internal") if s.internal else "")
            head = formatting.in_ui_direction(formatting.isolate(s.title) + badge)
            item = QListWidgetItem(f"{head}\n{snippet}")  # what screen readers and tests read
            item.setData(ID_ROLE, s.id)
            item.setData(TITLE_ROLE, head)
            item.setData(SNIPPET_ROLE, snippet)
            item.setData(MARKS_ROLE, marks)
            item.setToolTip(self._tooltip(s.title, snippet, marks))
            self.list.addItem(item)
        rows = sum(self.list.sizeHintForRow(i) for i in range(self.list.count()))
        self.list.setFixedHeight(rows + 2 * self.list.frameWidth() + 4)
        self.list.setVisible(bool(found))
        self.empty.setVisible(not found)

    def _tooltip(self, title: str, snippet: str, marks: list[tuple[int, int]]) -> str:
        """The title and the whole passage, matched words in bold (rich text wraps)."""
        parts, last = [], 0
        for a, b in marks:
            parts += [html.escape(snippet[last:a]), "<b>", html.escape(snippet[a:b]), "</b>"]
            last = b
        parts.append(html.escape(snippet[last:]))
        hint = html.escape(self.tr("Double-click or press Enter to insert into the reply"))
        return (f"<p><b>{html.escape(title)}</b></p><p>{''.join(parts)}</p>"
                f"<p><i>{hint}</i></p>")
