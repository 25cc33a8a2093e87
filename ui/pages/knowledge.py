"""The knowledge page: the category tree on the left, the article (or its editor) on the right.

Everything goes through the op runner (``KbService`` calls); the page re-reads the tree and
the article on screen when a change touches the knowledge base, and only when it is shown
(a hidden page is marked stale). Reading time is counted by a :class:`ReadTimeTracker`
(window active, page in front) and recorded when a view ends.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui import errors
from ui.context import AppContext
from ui.kb import kb_of
from ui.kb.article_view import ArticleView
from ui.kb.category_tree import ARTICLE, ArticleTree
from ui.kb.editor import LANGUAGES, ArticleDraft, ArticleEditor
from ui.kb.history import HistoryDialog
from ui.kb.read_time import ReadTimeTracker
from ui.ops import Changes
from workbench.services.kb_dto import (
    ArticleInfo,
    ArticleSummary,
    ArticleVersionInfo,
    CategoryInfo,
)

if TYPE_CHECKING:
    from workbench.services.context import Workbench

log = logging.getLogger(__name__)
KB_ENTITIES = ("kb_articles", "kb_categories", "kb_article_versions")
Loaded = tuple[list[CategoryInfo], list[ArticleSummary]]


class KnowledgePage(QWidget):
    """Browse, read, write and translate articles."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._stale = False
        self._watching = False
        self._select_after_load: str | None = None
        self.categories: list[CategoryInfo] = []
        self.filter = QLineEdit()
        self.filter.setObjectName("kb-filter")
        self.filter.setClearButtonEnabled(True)
        self.filter.setPlaceholderText(self.tr("Filter by title or tag"))
        self.tree = ArticleTree()
        self.new_article = QPushButton(self.tr("&New article"))
        self.new_category = QPushButton(self.tr("New &category…"))
        self.show_archived = QCheckBox(self.tr("Show archived"))
        self.article = ArticleView()
        self.editor = ArticleEditor()
        self.right = QStackedWidget()
        self.right.addWidget(self.article)
        self.right.addWidget(self.editor)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filter)
        left_layout.addWidget(self.tree, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_article)
        buttons.addWidget(self.new_category)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.show_archived)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.right)
        split.setStretchFactor(1, 1)
        split.setSizes([320, 780])
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(split)

        self.tracker = ReadTimeTracker(self._record_view, monotonic, parent=self)
        self.filter.textChanged.connect(self.tree.apply_filter)
        self.tree.article_selected.connect(self.open_article)
        self.show_archived.toggled.connect(lambda _on: self.reload())
        self.new_article.clicked.connect(lambda: self.start_new_article())
        self.new_category.clicked.connect(lambda: self.add_category())
        self.article.edit_requested.connect(self.edit_current)
        self.article.translate_requested.connect(lambda: self.add_translation())
        self.article.history_requested.connect(self.show_history)
        self.article.archive_requested.connect(self.set_archived)
        self.article.article_requested.connect(self.open_article)
        self.editor.save_requested.connect(self.save)
        self.editor.cancelled.connect(self._cancel_edit)
        ctx.runner.changes_applied.connect(self._on_changes)
        self.reload()

    def focus_search(self) -> None:
        """Ctrl+F on this page: the filter above the tree."""
        self.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter.selectAll()

    # -- loading ---------------------------------------------------------------------------
    def reload(self) -> None:
        archived = self.show_archived.isChecked()

        def load(wb: Workbench) -> Loaded:
            kb = kb_of(wb)
            return kb.categories(), kb.articles(include_archived=archived)

        self._ctx.runner.run_op(load, self._loaded, owner=self)

    def _loaded(self, loaded: Loaded) -> None:
        self.categories, articles = loaded
        self.tree.set_content(self.categories, articles)
        if self._select_after_load and self.tree.select(ARTICLE, self._select_after_load):
            self._select_after_load = None

    def open_article(self, article_id: str) -> None:
        self._ctx.runner.run_op(lambda wb: kb_of(wb).get(article_id), self._show_article,
                                self._failed, owner=self)

    def _show_article(self, article: ArticleInfo) -> None:
        if self.tree.current_ref() != (ARTICLE, article.id):
            self.tree.blockSignals(True)
            self.tree.select(ARTICLE, article.id)
            self.tree.blockSignals(False)
        self.article.show_article(article)
        self.right.setCurrentWidget(self.article)
        self.tracker.set_article(None if article.archived else article.id)

    def _failed(self, exc: BaseException) -> None:
        errors.report(exc, self)

    # -- writing ---------------------------------------------------------------------------
    def start_new_article(self, language: str = "en") -> None:
        self.tracker.set_article(None)
        self.editor.edit(None, self.categories, self.tree.current_category(), language)
        self.right.setCurrentWidget(self.editor)

    def edit_current(self) -> None:
        if self.article.article is not None:
            self.tracker.set_article(None)  # writing is not reading
            self.editor.edit(self.article.article, self.categories)
            self.right.setCurrentWidget(self.editor)

    def _cancel_edit(self) -> None:
        self.right.setCurrentWidget(self.article)
        if self.article.article is not None:
            self.tracker.set_article(self.article.article.id)

    def save(self, draft: ArticleDraft) -> None:
        def run(wb: Workbench) -> ArticleInfo:
            kb = kb_of(wb)
            if draft.article_id is None:
                return kb.create(draft.title, draft.body, category_id=draft.category_id,
                                 tags=draft.tags, language=draft.language,
                                 internal=draft.internal)
            return kb.update(draft.article_id, title=draft.title, body=draft.body,
                             tags=draft.tags, category_id=draft.category_id,
                             language=draft.language, internal=draft.internal)

        self._ctx.runner.run_op(run, self._saved, self._refused, initiator=self, owner=self)

    def _saved(self, article: ArticleInfo) -> None:
        self._select_after_load = article.id
        self._show_article(article)

    def _refused(self, exc: BaseException) -> None:
        if errors.is_known(exc):
            self.editor.show_error(str(exc))
        else:
            errors.report(exc, self)

    def add_category(self, name: str | None = None) -> None:
        parent_id = self.tree.current_category()
        if name is None:
            name, ok = QInputDialog.getText(self, self.tr("New category"), self.tr("Name:"))
            if not ok or not name.strip():
                return
        self._ctx.runner.run_op(lambda wb: kb_of(wb).create_category(name, parent_id),
                                None, self._failed, initiator=self, owner=self)

    def add_translation(self, language: str | None = None) -> None:
        current = self.article.article
        if current is None:
            return
        if language is None:
            choices = [c for c in LANGUAGES if c != current.language
                       and c not in {t.language for t in current.translations}]
            language, ok = QInputDialog.getItem(self, self.tr("Add translation"),
                                                self.tr("Language code:"), choices, 0, True)
            if not ok or not language.strip():
                return
        code = language

        def translated(article: ArticleInfo) -> None:
            self._saved(article)
            self.edit_current()

        self._ctx.runner.run_op(lambda wb: kb_of(wb).add_translation(current.id, code),
                                translated, self._failed, initiator=self, owner=self)

    def set_archived(self, archived: bool) -> None:
        current = self.article.article
        if current is None:
            return
        article_id = current.id

        def run(wb: Workbench) -> ArticleInfo:
            kb = kb_of(wb)
            return kb.archive(article_id) if archived else kb.unarchive(article_id)

        self._ctx.runner.run_op(run, self._show_article, self._failed, initiator=self,
                                owner=self)

    def show_history(self) -> HistoryDialog | None:
        current = self.article.article
        if current is None:
            return None
        article_id = current.id
        dialog: list[HistoryDialog] = []

        def shown(versions: list[ArticleVersionInfo]) -> None:
            box = HistoryDialog(current.title, versions, self)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.restore_requested.connect(lambda version: self.restore(article_id, version))
            box.open()
            dialog.append(box)

        self._ctx.runner.run_op(lambda wb: kb_of(wb).history(article_id), shown, self._failed,
                                owner=self)
        return dialog[0] if dialog else None

    def restore(self, article_id: str, version: int) -> None:
        self._ctx.runner.run_op(lambda wb: kb_of(wb).restore(article_id, version),
                                self._show_article, self._failed, initiator=self, owner=self)

    # -- reading time and changes ----------------------------------------------------------
    def _record_view(self, article_id: str, seconds: int) -> None:
        def logged(exc: BaseException) -> None:
            if errors.is_known(exc):  # the article went away meanwhile: nothing to count
                log.info("article view not recorded: %s", exc)
            else:
                errors.report(exc, self)

        self._ctx.runner.run_op(lambda wb: kb_of(wb).record_view(article_id, seconds), None,
                                logged, initiator=self)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._watching:
            self._watching = True
            self.tracker.watch(self)
        if self._stale:
            self._stale = False
            self._refresh()

    def _on_changes(self, changes: Changes, _initiator: object | None) -> None:
        if not any(changes.touches(entity) for entity in KB_ENTITIES):
            return
        if self.isVisible():
            self._refresh()
        else:
            self._stale = True

    def _refresh(self) -> None:
        self.reload()
        shown = self.article.article
        if shown is not None and self.right.currentWidget() is self.article:
            self.open_article(shown.id)


def knowledge_page(ctx: AppContext | None = None, parent: QWidget | None = None) -> QWidget:
    """The page for the main window (an empty state only where no context is given)."""
    if ctx is not None:
        return KnowledgePage(ctx, parent)
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QStyle

    from ui.pages.empty_state import EmptyStatePage

    return EmptyStatePage(
        QCoreApplication.translate("knowledge", "Knowledge base"),
        QCoreApplication.translate("knowledge", "Open a data folder to see its articles."),
        QStyle.StandardPixmap.SP_FileDialogInfoView, parent)
