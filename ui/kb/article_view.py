"""One article as an agent reads it: title, who wrote it and when, tags, translations, body.

The buttons ask the page to edit, translate, show the history or archive the article
(signals); the view itself changes nothing. Translations are links: choosing one shows
that article. A right-to-left title is laid out right to left.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui import formatting
from ui.kb import is_rtl, language_name
from ui.kb.markdown_view import MarkdownView
from workbench.services.kb_dto import ArticleInfo

LINK_PREFIX = "article:"


class ArticleView(QWidget):
    """Read-only display of an :class:`ArticleInfo`."""

    edit_requested = Signal()
    translate_requested = Signal()
    history_requested = Signal()
    archive_requested = Signal(bool)  # True: archive; False: bring back
    article_requested = Signal(str)  # a translation was chosen

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kb-article")
        self.article: ArticleInfo | None = None
        self.title = QLabel()
        self.title.setObjectName("kb-article-title")
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meta = QLabel()
        self.meta.setObjectName("kb-article-meta")
        self.meta.setWordWrap(True)
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        self.links = QLabel()
        self.links.setObjectName("kb-article-links")
        self.links.setWordWrap(True)
        self.links.setTextFormat(Qt.TextFormat.RichText)
        self.links.linkActivated.connect(self._link)
        self.edit = QPushButton(self.tr("&Edit"))
        self.translate = QPushButton(self.tr("Add &translation…"))
        self.history = QPushButton(self.tr("&History…"))
        self.archive = QPushButton()
        self.archive.setObjectName("kb-archive")
        self.body = MarkdownView()
        self.body.setObjectName("kb-article-body")

        buttons = QHBoxLayout()
        for button in (self.edit, self.translate, self.history, self.archive):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.meta)
        layout.addWidget(self.links)
        layout.addLayout(buttons)
        layout.addWidget(self.body, 1)

        self.edit.clicked.connect(self.edit_requested)
        self.translate.clicked.connect(self.translate_requested)
        self.history.clicked.connect(self.history_requested)
        self.archive.clicked.connect(self._toggle_archive)
        self.show_article(None)

    def show_article(self, a: ArticleInfo | None) -> None:
        """Show *a* (None: say that nothing is selected)."""
        self.article = a
        for button in (self.edit, self.translate, self.history, self.archive):
            button.setVisible(a is not None)
        if a is None:
            self.title.setText(self.tr("No article selected"))
            self.meta.setText(self.tr("Choose an article on the left, or create one."))
            self.links.clear()
            self.body.show_markdown("")
            return
        self.title.setText(a.title)
        self.title.setLayoutDirection(
            Qt.LayoutDirection.RightToLeft if is_rtl(a.title) else self.layoutDirection())
        self.meta.setText(formatting.in_ui_direction(self._meta(a)))
        self.links.setText(self._links(a))
        self.archive.setText(self.tr("Bring &back") if a.archived else self.tr("&Archive"))
        self.edit.setEnabled(not a.archived)
        self.translate.setEnabled(not a.archived)
        self.body.show_markdown(a.body)

    def _meta(self, a: ArticleInfo) -> str:
        iso = formatting.isolate
        first = [iso(language_name(a.language)),
                 self.tr("internal — agents only") if a.internal else self.tr("public"),
                 iso(a.category_path) if a.category_path else self.tr("no category")]
        if a.archived:
            first.append(self.tr("ARCHIVED"))
        author = iso(a.author_name) if a.author_name else self.tr("unknown")
        second = [self.tr("written by %1").replace("%1", author)]
        if a.editor_name:
            second.append(self.tr("last edited by %1").replace("%1", iso(a.editor_name)))
        second += [self.tr("updated %1").replace("%1", formatting.datetime_text(a.updated_at)),
                   self.tr("version %1").replace("%1", str(a.version)),
                   self.tr("read %1×, inserted %2×").replace("%1", str(a.views))
                   .replace("%2", str(a.uses))]
        return " · ".join(first) + "\n" + " · ".join(second)

    def _links(self, a: ArticleInfo) -> str:
        parts = []
        if a.tags:
            parts.append(" ".join(f"<b>#{html.escape(t)}</b>" for t in a.tags))
        if a.translations:
            links = ", ".join(
                f'<a href="{LINK_PREFIX}{t.id}">{html.escape(language_name(t.language))}</a>'
                + (" " + html.escape(self.tr("(archived)")) if t.archived else "")
                for t in a.translations)
            parts.append(html.escape(self.tr("Also in:")) + " " + links)
        return " &nbsp;·&nbsp; ".join(parts)

    def _toggle_archive(self) -> None:
        if self.article is not None:
            self.archive_requested.emit(not self.article.archived)

    def _link(self, href: str) -> None:
        if href.startswith(LINK_PREFIX):
            self.article_requested.emit(href[len(LINK_PREFIX):])
