"""The knowledge base as a tree: nested categories with their articles as leaves.

Rebuilt whole from the category and article lists (a team's knowledge base is small), keeping
which categories were open and which item was selected. A filter text hides the articles
whose title and tags do not contain it (and the categories left empty) and opens the rest.
Archived articles, when shown, are greyed and italic.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QFont, QPalette
from PySide6.QtWidgets import QHeaderView, QStyle, QTreeWidget, QTreeWidgetItem, QWidget

from ui.kb import roomy_rows
from workbench.services.kb_dto import ArticleSummary, CategoryInfo

KIND_ROLE = Qt.ItemDataRole.UserRole
ID_ROLE = Qt.ItemDataRole.UserRole + 1
CATEGORY, ARTICLE = "category", "article"


class ArticleTree(QTreeWidget):
    """Categories and articles; emits what the user selects."""

    article_selected = Signal(str)
    category_selected = Signal(object)  # category id, or None for "no category"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kb-tree")
        self.setColumnCount(2)
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self._filter = ""
        self._searchable: list[tuple[QTreeWidgetItem, str]] = []  # article item, folded text
        self._categories: list[QTreeWidgetItem] = []
        roomy_rows(self)
        self.currentItemChanged.connect(lambda item, _previous: self._selected(item))

    # -- content -------------------------------------------------------------------------
    def set_content(self, categories: list[CategoryInfo], articles: list[ArticleSummary]) -> None:
        opened = self._opened_categories()
        first_time = self.topLevelItemCount() == 0
        current = self.current_ref()
        self.blockSignals(True)
        self.clear()
        self._searchable, self._categories = [], []
        folder = self.style().standardIcon(QStyle.StandardPixmap.SP_DirIcon)
        items: dict[str | None, QTreeWidgetItem] = {}
        for c in categories:  # parents come before their children
            parent = items.get(c.parent_id)
            item = QTreeWidgetItem(parent) if parent else QTreeWidgetItem(self)
            item.setText(0, c.name)
            item.setIcon(0, folder)
            item.setData(0, KIND_ROLE, CATEGORY)
            item.setData(0, ID_ROLE, c.id)
            font = QFont(item.font(0))
            font.setBold(True)
            item.setFont(0, font)
            items[c.id] = item
            self._categories.append(item)
        muted = QBrush(self.palette().color(QPalette.ColorGroup.Disabled,
                                            QPalette.ColorRole.Text))
        for a in articles:
            parent = items.get(a.category_id)
            item = QTreeWidgetItem(parent) if parent else QTreeWidgetItem(self)
            title = a.title + ("  " + self.tr("(archived)") if a.archived else "")
            item.setText(0, title)
            item.setText(1, a.language)
            item.setToolTip(0, a.title + ("\n#" + " #".join(a.tags) if a.tags else ""))
            item.setData(0, KIND_ROLE, ARTICLE)
            item.setData(0, ID_ROLE, a.id)
            self._searchable.append((item, " ".join([a.title, *a.tags]).casefold()))
            if a.archived:
                font = QFont(item.font(0))
                font.setItalic(True)
                item.setFont(0, font)
                item.setForeground(0, muted)
            if a.internal:
                item.setIcon(0, self.style().standardIcon(
                    QStyle.StandardPixmap.SP_MessageBoxInformation))
        for category_id, item in items.items():
            item.setExpanded(first_time or category_id in opened)
        self.apply_filter(self._filter)
        if current is not None:
            self.select(*current)  # quietly: the page re-reads what it shows itself
        self.blockSignals(False)

    def _opened_categories(self) -> set[str]:
        return {str(item.data(0, ID_ROLE)) for item in self._items()
                if item.data(0, KIND_ROLE) == CATEGORY and item.isExpanded()}

    def _items(self) -> list[QTreeWidgetItem]:
        out: list[QTreeWidgetItem] = []
        stack = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        while stack:
            item = stack.pop()
            if item is None:
                continue
            out.append(item)
            stack += [item.child(i) for i in range(item.childCount())]
        return out

    # -- filtering -----------------------------------------------------------------------
    def apply_filter(self, text: str) -> None:
        """Show the articles whose title or tags contain *text*, and their categories.

        Works from lists made when the tree was built and touches only the items whose
        visibility changes: a 10,000-article tree filters in a few milliseconds.
        """
        self._filter = needle = text.strip().casefold()
        shown_categories: set[QTreeWidgetItem] = set()
        for item, haystack in self._searchable:
            visible = not needle or needle in haystack
            if visible:
                parent = item.parent()
                while parent is not None and parent not in shown_categories:
                    shown_categories.add(parent)
                    parent = parent.parent()
            if item.isHidden() == visible:
                item.setHidden(not visible)
        for item in self._categories:
            visible = not needle or item in shown_categories
            if item.isHidden() == visible:
                item.setHidden(not visible)
            if needle and visible and not item.isExpanded():
                item.setExpanded(True)

    def visible_articles(self) -> list[str]:
        return [str(i.data(0, ID_ROLE)) for i in self._items()
                if i.data(0, KIND_ROLE) == ARTICLE and not i.isHidden()]

    # -- selection -----------------------------------------------------------------------
    def current_ref(self) -> tuple[str, str] | None:
        item = self.currentItem()
        if item is None:
            return None
        return str(item.data(0, KIND_ROLE)), str(item.data(0, ID_ROLE))

    def current_category(self) -> str | None:
        """The selected category, or the category of the selected article."""
        item = self.currentItem()
        while item is not None and item.data(0, KIND_ROLE) != CATEGORY:
            item = item.parent()
        return str(item.data(0, ID_ROLE)) if item is not None else None

    def select(self, kind: str, row_id: str) -> bool:
        for item in self._items():
            if item.data(0, KIND_ROLE) == kind and item.data(0, ID_ROLE) == row_id:
                self.setCurrentItem(item)
                self.scrollToItem(item)
                return True
        return False

    def _selected(self, item: QTreeWidgetItem | None) -> None:
        if item is None:
            return
        if item.data(0, KIND_ROLE) == ARTICLE:
            self.article_selected.emit(str(item.data(0, ID_ROLE)))
        else:
            self.category_selected.emit(str(item.data(0, ID_ROLE)))
