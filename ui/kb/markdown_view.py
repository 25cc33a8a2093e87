"""A read-only Markdown view with placeholders shown as tinted chips.

Used for the article panel, the editor's live preview and the history preview. Markdown
is rendered by Qt (``QTextDocument.setMarkdown``, GitHub dialect); each paragraph takes its
direction from its own first strong character, so Persian paragraphs read right to left
inside an English article and the other way round. Known placeholders are tinted blue,
unknown ones red; only http(s) and mailto links are opened (never ``file:``).
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QDesktopServices, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

from ui.kb import utf16_offset
from workbench.domain.placeholders import KNOWN, find_placeholders

KNOWN_TINT = QColor(0x1E, 0x88, 0xE5, 48)
UNKNOWN_TINT = QColor(0xD3, 0x2F, 0x2F, 64)
SAFE_SCHEMES = ("http", "https", "mailto")
MARGIN = 12


class MarkdownView(QTextBrowser):
    """Shows Markdown; :meth:`show_markdown` replaces what is shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._open_link)
        self.document().setDocumentMargin(MARGIN)
        self._source = ""

    @property
    def source_text(self) -> str:
        """The Markdown last shown."""
        return self._source

    def show_markdown(self, text: str) -> None:
        """Render *text*, keeping the scroll position when it is the same document edited."""
        bar = self.verticalScrollBar()
        position = bar.value()
        self._source = text
        self.document().setMarkdown(text, QTextDocument.MarkdownFeature.MarkdownDialectGitHub)
        self._tint_placeholders()
        bar.setValue(min(position, bar.maximum()))

    def _tint_placeholders(self) -> None:
        document = self.document()
        plain = document.toPlainText()
        found = find_placeholders(plain)
        if not found:
            return
        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        for p in found:
            fmt = QTextCharFormat()
            known = p.name in KNOWN
            fmt.setBackground(KNOWN_TINT if known else UNKNOWN_TINT)
            fmt.setToolTip(KNOWN[p.name] if known else self.tr("Unknown placeholder"))
            cursor.setPosition(utf16_offset(plain, p.start))
            cursor.setPosition(utf16_offset(plain, p.end), QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(fmt)
        cursor.endEditBlock()

    def _open_link(self, url: QUrl) -> None:
        if url.scheme().lower() in SAFE_SCHEMES:
            QDesktopServices.openUrl(url)
