"""The article editor: Markdown on the left, the rendered article live on the right.

Placeholders the app cannot fill (a typo such as ``{customer.frist_name}``) are listed
under the editor as they are typed; known ones can be inserted from a menu. The editor
only collects an :class:`ArticleDraft` and emits :attr:`ArticleEditor.save_requested`; the
page saves it through the op runner and calls :meth:`show_error` when the service refuses.
Ctrl+S saves, Escape cancels.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui import errors
from ui.kb import language_name
from ui.kb.markdown_view import MarkdownView
from workbench.domain.placeholders import KNOWN, unknown_placeholders
from workbench.services.kb_dto import ArticleInfo, CategoryInfo

PREVIEW_DELAY_MS = 150
LANGUAGES = ("en", "fa", "km", "bn", "am", "hy", "ar", "de", "es", "fr", "pt", "ru", "tr")
WARNING_STYLE = "color: #d32f2f; font-weight: 600;"


@dataclass(frozen=True)
class ArticleDraft:
    """What the editor holds; *article_id* None for a new article."""

    article_id: str | None
    title: str
    body: str
    tags: list[str]
    language: str
    internal: bool
    category_id: str | None


class ArticleEditor(QWidget):
    """Edits one article (or a new one)."""

    save_requested = Signal(object)  # ArticleDraft
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kb-editor")
        self._article_id: str | None = None
        self.title = QLineEdit()
        self.title.setObjectName("kb-edit-title")
        self.title.setPlaceholderText(self.tr("Title"))
        self.category = QComboBox()
        self.language = QComboBox()
        self.language.setEditable(True)
        for code in LANGUAGES:
            self.language.addItem(code)
            self.language.setItemData(self.language.count() - 1, language_name(code),
                                      Qt.ItemDataRole.ToolTipRole)
        self.internal = QCheckBox(self.tr("Internal (agents only)"))
        self.tags = QLineEdit()
        self.tags.setPlaceholderText(self.tr("tags, separated, by commas"))
        # A QTextEdit, not a QPlainTextEdit: it aligns each paragraph to its own direction,
        # so a Persian paragraph starts at the right edge.
        self.body = QTextEdit()
        self.body.setAcceptRichText(False)
        self.body.setObjectName("kb-edit-body")
        self.body.setPlaceholderText(self.tr("Write in Markdown. Placeholders such as "
                                             "{customer.first_name} are filled in replies."))
        self.preview = MarkdownView()
        self.preview.setObjectName("kb-edit-preview")
        self.warning = QLabel()
        self.warning.setObjectName("kb-edit-warning")
        self.warning.setWordWrap(True)
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        self.warning.setStyleSheet(WARNING_STYLE)
        self.warning.hide()
        self.error = QLabel()
        self.error.setObjectName("kb-edit-error")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet(WARNING_STYLE)
        self.error.hide()
        self.insert_placeholder = QToolButton()
        self.insert_placeholder.setText(self.tr("Insert placeholder"))
        self.insert_placeholder.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.insert_placeholder)
        for name, meaning in KNOWN.items():
            action = menu.addAction(f"{{{name}}} — {meaning}")
            action.triggered.connect(lambda _=False, n=name: self._insert(n))
        self.insert_placeholder.setMenu(menu)
        self.save = QPushButton(self.tr("&Save"))
        self.save.setObjectName("kb-save")
        self.save.setDefault(True)
        self.cancel = QPushButton(self.tr("Cancel"))

        form = QFormLayout()
        form.addRow(self.tr("Title"), self.title)
        row = QHBoxLayout()
        for label, widget, stretch in ((self.tr("Category"), self.category, 2),
                                       (self.tr("Language"), self.language, 0)):
            row.addWidget(QLabel(label))
            row.addWidget(widget, stretch)
        row.addWidget(self.internal)
        form.addRow(row)
        form.addRow(self.tr("Tags"), self.tags)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.body)
        split.addWidget(self.preview)
        split.setChildrenCollapsible(False)
        split.setSizes([1, 1])
        bottom = QHBoxLayout()
        bottom.addWidget(self.insert_placeholder)
        bottom.addStretch(1)
        bottom.addWidget(self.cancel)
        bottom.addWidget(self.save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(split, 1)
        layout.addWidget(self.warning)
        layout.addWidget(self.error)
        layout.addLayout(bottom)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        self.body.textChanged.connect(self._timer.start)
        self.save.clicked.connect(self._save)
        self.cancel.clicked.connect(self.cancelled)
        QShortcut(QKeySequence.StandardKey.Save, self, self._save,
                  Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.cancelled.emit,
                  Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def edit(self, article: ArticleInfo | None, categories: list[CategoryInfo],
             category_id: str | None = None, language: str = "en") -> None:
        """Fill the editor with *article* (None: a new one in *category_id*)."""
        self._article_id = article.id if article else None
        self.category.clear()
        self.category.addItem(self.tr("(no category)"), None)
        for c in categories:
            self.category.addItem(c.path, c.id)
        chosen = article.category_id if article else category_id
        self.category.setCurrentIndex(max(0, self.category.findData(chosen)))
        self.title.setText(article.title if article else "")
        self.language.setCurrentText(article.language if article else language)
        self.internal.setChecked(bool(article and article.internal))
        self.tags.setText(", ".join(article.tags) if article else "")
        self.body.setPlainText(article.body if article else "")
        self.error.hide()
        self.refresh_preview()
        self.title.setFocus(Qt.FocusReason.OtherFocusReason)

    def draft(self) -> ArticleDraft:
        return ArticleDraft(
            article_id=self._article_id, title=self.title.text(),
            body=self.body.toPlainText(),
            tags=[t.strip() for t in self.tags.text().split(",") if t.strip()],
            language=self.language.currentText().strip(), internal=self.internal.isChecked(),
            category_id=self.category.currentData())

    def refresh_preview(self) -> None:
        """Render the body now (typing renders it after a short pause)."""
        self._timer.stop()
        text = self.body.toPlainText()
        self.preview.show_markdown(text)
        unknown = list(dict.fromkeys(p.source for p in unknown_placeholders(text)))
        self.warning.setText(self.tr(
            "Unknown placeholders: %1 — they will stay marked «…?» in replies. "
            "Known ones are in the Insert placeholder menu.").replace("%1", ", ".join(unknown)))
        self.warning.setVisible(bool(unknown))

    def show_error(self, text: str) -> None:
        self.error.setText(errors.sentence(text))
        self.error.show()

    def _insert(self, name: str) -> None:
        self.body.insertPlainText("{" + name + "}")
        self.body.setFocus(Qt.FocusReason.OtherFocusReason)

    def _save(self) -> None:
        self.error.hide()
        self.save_requested.emit(self.draft())
