"""The customer timeline as a lazy list model: one page of ``wb.history.timeline`` at a time.

Like the big tables it never loads a whole history: the first page (:data:`PAGE_SIZE`
entries) answers the opening, and each ``fetchMore`` asks the service for the page before
the last cursor it returned (keyset paging, so the hundredth page costs what the first
does). A generation number drops answers to an older question (another customer, kind or
search), and :meth:`TimelineModel.refresh` re-reads the loaded range after a change.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from ui import errors
from ui.ops import OpRunner
from workbench.services.history_dto import TimelineCursor, TimelineEntry, TimelinePage

if TYPE_CHECKING:
    from workbench.services.context import Workbench

ModelIndex = QModelIndex | QPersistentModelIndex
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2
PAGE_SIZE = 50
MAX_REFRESH = 500  # the service's largest page: a refresh re-reads at most this many


class TimelineModel(QAbstractListModel):
    """Entries of one customer, newest first, filtered by kind and a search text."""

    loading_changed = Signal(bool)
    page_loaded = Signal()

    def __init__(self, runner: OpRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._entries: list[TimelineEntry] = []
        self._cursor: TimelineCursor | None = None
        self._customer_id: str | None = None
        self._kinds: frozenset[str] = frozenset()
        self._search = ""
        self._generation = 0
        self._busy = False
        self._exhausted = True
        self.page_size = PAGE_SIZE

    # -- the question --------------------------------------------------------------------
    @property
    def customer_id(self) -> str | None:
        return self._customer_id

    @property
    def kinds(self) -> frozenset[str]:
        return self._kinds

    def set_customer(self, customer_id: str | None) -> None:
        self._customer_id = customer_id
        self.reload()

    def set_kinds(self, kinds: Collection[str]) -> None:
        """Only these kinds (none: every kind)."""
        if frozenset(kinds) != self._kinds:
            self._kinds = frozenset(kinds)
            self.reload()

    def set_search(self, text: str) -> None:
        if text.strip() != self._search:
            self._search = text.strip()
            self.reload()

    def entry(self, row: int) -> TimelineEntry:
        return self._entries[row]

    @property
    def is_loading(self) -> bool:
        return self._busy

    # -- Qt model interface --------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._entries):
            return None
        e = self._entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return e.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{e.title}\n\n{e.body}" if e.body else e.title
        if role == ENTRY_ROLE:
            return e
        if role == KIND_ROLE:
            return e.kind
        return None

    def canFetchMore(self, parent: ModelIndex) -> bool:
        return not parent.isValid() and not self._exhausted and not self._busy

    def fetchMore(self, parent: ModelIndex) -> None:
        if self.canFetchMore(parent):
            self._load(self._cursor, self.page_size, replace=False)

    # -- loading -------------------------------------------------------------------------
    def reload(self) -> None:
        """Forget every entry and read the first page of the current question."""
        self._generation += 1
        self.beginResetModel()
        self._entries, self._cursor = [], None
        self._exhausted = self._customer_id is None
        self._set_busy(False)
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def refresh(self) -> None:
        """Re-read from the newest entry as far as was loaded (new entries appear on top)."""
        if self._customer_id is None:
            return
        if self._busy:  # an answer is on its way: ask again from the start instead
            self.reload()
            return
        self._load(None, min(max(len(self._entries), self.page_size), MAX_REFRESH),
                   replace=True)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.loading_changed.emit(busy)

    def _load(self, cursor: TimelineCursor | None, limit: int, *, replace: bool) -> None:
        customer, kinds, search = self._customer_id, sorted(self._kinds), self._search
        generation = self._generation
        if customer is None:
            return

        def read(wb: Workbench) -> TimelinePage:
            return wb.history.timeline(customer, kinds=kinds or None, search=search,
                                       before=cursor, limit=limit)

        self._set_busy(True)
        self._runner.run_op(
            read,
            lambda page: self._landed(generation, page, replace),
            lambda exc: self._failed(generation, exc),
            owner=self,
        )

    def _landed(self, generation: int, page: TimelinePage, replace: bool) -> None:
        if generation != self._generation:
            return
        if not (replace and self._merge_newer(page.entries)):
            if replace:
                self.beginResetModel()
                self._entries = list(page.entries)
                self.endResetModel()
            elif page.entries:
                first = len(self._entries)
                self.beginInsertRows(QModelIndex(), first, first + len(page.entries) - 1)
                self._entries.extend(page.entries)
                self.endInsertRows()
            self._cursor = page.next_cursor
            self._exhausted = page.next_cursor is None
        self._set_busy(False)
        self.page_loaded.emit()

    def _merge_newer(self, fresh: list[TimelineEntry]) -> bool:
        """Take a re-read of the newest entries without a reset when it only adds entries
        on top (the usual change), so a reader scrolled deep into the history stays there.
        The loaded tail and the cursor after it stay valid; False means: reset instead."""
        if not self._entries:
            return False
        ids = [e.id for e in fresh]
        if self._entries[0].id not in ids:
            return False
        added = ids.index(self._entries[0].id)
        kept = fresh[added:]
        if [e.id for e in kept] != [e.id for e in self._entries[:len(kept)]]:
            return False
        if added:
            self.beginInsertRows(QModelIndex(), 0, added - 1)
            self._entries[:0] = fresh[:added]
            self.endInsertRows()
        # Entries already shown may read differently now (a hand-off acknowledged...).
        self._entries[added:added + len(kept)] = kept
        if kept:
            self.dataChanged.emit(self.index(added), self.index(added + len(kept) - 1))
        return True

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._exhausted = True  # no retry loop from the view's scrolling
            self._set_busy(False)
        errors.report(exc, self)
