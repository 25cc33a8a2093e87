"""The composer: a plain-text editor for replies and internal notes, ready for canned answers.

Public API (what the ticket view uses and what a canned-answer picker builds on):

``insert_text(text, *, replace_trigger=True)``
    Insert *text* at the cursor as one undo step. When the picker was opened by typing
    "/", that "/" is replaced by *text* (pass ``replace_trigger=False`` to keep it).
    Refused (``refused`` is emitted, nothing changes) when the result would be too long.

``answer_picker_requested()`` (signal)
    The user asked for a canned answer: Ctrl+Space, or "/" typed at the start of a line
    or after whitespace (the "/" is inserted as typed; see ``insert_text``). Not emitted
    for "/" inside a word or a path ("and/or", "http://").

``mark_missing(spans)``
    Highlight ranges whose placeholder values are missing (``{customer.first_name}`` with
    no name on file) with a wavy underline and a tint; ``mark_missing([])`` clears them.
    Each span is ``(start, end)`` in document positions — UTF-16 units, as ``QTextCursor``
    counts, which equal ``toPlainText()`` indexes unless the text holds characters outside
    the BMP such as emoji (``ui.kb.utf16_offset`` converts). Marks are visual only and are
    dropped by the next edit of the text.

The canned-answer picker that builds on this is :func:`ui.kb.answer_picker.attach_answer_picker`.

``refused(message)`` (signal), ``max_chars``
    A paste or insertion that would make the text longer than ``max_chars`` (the core's
    body limit, 200,000 characters) is refused before it reaches the document, so a 5 MB
    paste never freezes the UI laying out text; *message* says why, for the view to show.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from workbench.domain.validation import MAX_BODY_CHARS

Span = tuple[int, int]
MISSING_TINT = QColor(0xD3, 0x2F, 0x2F, 40)
MISSING_LINE = QColor(0xD3, 0x2F, 0x2F)


class Composer(QPlainTextEdit):
    """Where replies and notes are written."""

    answer_picker_requested = Signal()
    refused = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, max_chars: int = MAX_BODY_CHARS) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self.max_chars = max_chars
        self._trigger: int | None = None  # position of the "/" that opened the picker
        self.setTabChangesFocus(True)
        self.setPlaceholderText(self.tr("Write a reply… (“/” or Ctrl+Space for a canned answer)"))
        self.textChanged.connect(self._drop_marks)

    # -- public API ---------------------------------------------------------------------------
    def insert_text(self, text: str, *, replace_trigger: bool = True) -> bool:
        """Insert *text* at the cursor (replacing the "/" that opened the picker)."""
        cursor = self.textCursor()
        trigger = self._trigger if replace_trigger else None
        self._trigger = None
        replaced = 0
        if trigger is not None and self.document().characterAt(trigger) == "/":
            replaced = 1
        if not self._fits(len(text) - replaced - len(cursor.selectedText())):
            return False
        cursor.beginEditBlock()
        if replaced and trigger is not None:
            cursor.clearSelection()
            cursor.setPosition(trigger)
            cursor.setPosition(trigger + 1, QTextCursor.MoveMode.KeepAnchor)
            cursor.removeSelectedText()
        cursor.insertText(text)
        cursor.endEditBlock()
        self.setTextCursor(cursor)
        return True

    def mark_missing(self, spans: Sequence[Span]) -> None:
        """Highlight *spans* (start, end; document positions) as missing values; [] clears."""
        fmt = QTextCharFormat()
        fmt.setBackground(MISSING_TINT)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        fmt.setUnderlineColor(MISSING_LINE)
        fmt.setToolTip(self.tr("No value for this placeholder: fill it in by hand"))
        selections = []
        length = self.document().characterCount() - 1
        for start, end in spans:
            start, end = max(0, start), min(end, length)
            if end <= start:
                continue
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format = fmt
            selections.append(selection)
        self.setExtraSelections(selections)

    def missing_marks(self) -> list[Span]:
        """The spans marked by :meth:`mark_missing` (still in place)."""
        return [(s.cursor.selectionStart(), s.cursor.selectionEnd())
                for s in self.extraSelections()]

    # -- limits --------------------------------------------------------------------------------
    def _fits(self, added: int) -> bool:
        current = self.document().characterCount() - 1
        if current + added <= self.max_chars:
            return True
        self.refused.emit(self.tr(
            "That is %1 characters; a message holds at most %2. Attach large content as a "
            "file instead, or paste a shorter excerpt."
        ).replace("%1", f"{added:,}").replace("%2", f"{self.max_chars:,}"))
        return False

    def insertFromMimeData(self, source: QMimeData) -> None:
        if source.hasText():
            text = source.text()
            if not self._fits(len(text) - len(self.textCursor().selectedText())):
                return  # refused before the document ever sees it
        super().insertFromMimeData(source)

    # -- keys ----------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (event.key() == Qt.Key.Key_Space
                and event.modifiers() == Qt.KeyboardModifier.ControlModifier):
            self._trigger = None
            self.answer_picker_requested.emit()
            return
        typed = event.text()
        grows = typed.isprintable() and not event.matches(QKeySequence.StandardKey.Paste)
        if typed and grows and not self._fits(len(typed) - len(self.textCursor().selectedText())):
            return
        opens = event.text() == "/" and self._at_word_start()
        super().keyPressEvent(event)
        if opens:
            self._trigger = self.textCursor().position() - 1
            self.answer_picker_requested.emit()

    def _at_word_start(self) -> bool:
        cursor = self.textCursor()
        if cursor.hasSelection():
            return False
        position = cursor.position()
        if position == 0:
            return True
        before = self.document().characterAt(position - 1)
        return before.isspace() or before in ("\u2029", "\u2028")

    def _drop_marks(self) -> None:
        if self.extraSelections():
            self.setExtraSelections([])
