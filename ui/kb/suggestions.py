"""Articles that may answer the ticket on screen, for the ticket view's side panel.

:class:`ArticleSuggestions` asks ``KbService.suggest_for_ticket`` (the ticket's distinctive
words against the article index) and lists up to five articles with the passage that
matched. Activating one (double-click or Enter) emits :attr:`insert_requested`; the
ticket view inserts it into the reply through its picker binding
(``AnswerPickerBinding.insert_article``). Nothing relevant: it says so in one line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui import formatting
from ui.kb import kb_of, roomy_rows
from workbench.domain.search_query import render_marks
from workbench.services.kb_dto import ArticleSuggestion

if TYPE_CHECKING:
    from ui.ops import OpRunner

LIMIT = 5
SNIPPET_CHARS = 160
ID_ROLE = Qt.ItemDataRole.UserRole


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
        roomy_rows(self.list)
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setToolTip(self.tr("Double-click or press Enter to insert into the reply"))
        # As tall as its (at most five) rows: in a side panel it must not crowd the others.
        self.list.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
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
            snippet = " ".join(render_marks(s.snippet, "", "").split())
            if len(snippet) > SNIPPET_CHARS:
                snippet = snippet[:SNIPPET_CHARS - 1] + "…"
            badge = f"  · {s.language}" + ("  · " + self.tr("internal") if s.internal else "")
            head = formatting.in_ui_direction(formatting.isolate(s.title) + badge)
            item = QListWidgetItem(f"{head}\n{snippet}")
            item.setData(ID_ROLE, s.id)
            item.setToolTip(s.title)
            self.list.addItem(item)
        rows = sum(self.list.sizeHintForRow(i) for i in range(self.list.count()))
        self.list.setFixedHeight(rows + 2 * self.list.frameWidth() + 4)
        self.list.setVisible(bool(found))
        self.empty.setVisible(not found)
