"""A table model that holds only the rows fetched so far, one page at a time, off the UI thread.

Like Anki's browser table model, it never loads a whole table: the view asks for more with
``canFetchMore``/``fetchMore`` when the user scrolls near the end, and each page comes from a
service call run by the :class:`~ui.ops.OpRunner`. ``refresh()`` re-reads the range already
loaded (after ``changes_applied``) and keeps the selection on the same records.

A *generation* number ties every answer to the question that asked it: an answer to an old
filter is dropped rather than mixed into the new one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from ui import errors
from ui.ops import OpRunner

if TYPE_CHECKING:
    from workbench.services.context import Workbench

RowT = TypeVar("RowT")
ModelIndex = QModelIndex | QPersistentModelIndex
PageQuery = Callable[["Workbench", int, int], list[RowT]]  # (wb, offset, limit) -> rows


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # source text, translated in headerData (context "columns")
    width_chars: int = 12


class PagedTableModel(QAbstractTableModel, Generic[RowT]):
    """Base of the big list models: subclasses say what to fetch and how a cell reads."""

    PAGE_SIZE = 200
    columns: Sequence[Column] = ()
    loading_changed = Signal(bool)
    rows_loaded = Signal()  # a page or a refresh has landed

    def __init__(self, runner: OpRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._rows: list[RowT] = []
        self._generation = 0
        self._busy = False
        self._stale = False
        self._exhausted = False

    # -- what subclasses provide -----------------------------------------------------------
    def page_query(self) -> PageQuery[RowT]:
        """A function run on the worker; it must capture (not read later) the current filter."""
        raise NotImplementedError

    def row_key(self, row: RowT) -> str:
        raise NotImplementedError

    def cell(self, row: RowT, column: int, role: int) -> Any:
        raise NotImplementedError

    # -- Qt model interface ----------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        return self.cell(self._rows[index.row()], index.column(), role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("columns", self.columns[section].title)
        return None

    def canFetchMore(self, parent: ModelIndex) -> bool:
        return not parent.isValid() and not self._exhausted and not self._busy

    def fetchMore(self, parent: ModelIndex) -> None:
        if self.canFetchMore(parent):
            self._load(len(self._rows), self.PAGE_SIZE, replace=False)

    # -- API for views -----------------------------------------------------------------------
    def row_at(self, row: int) -> RowT:
        return self._rows[row]

    def row_of(self, key: str) -> int | None:
        return next((i for i, r in enumerate(self._rows) if self.row_key(r) == key), None)

    @property
    def is_loading(self) -> bool:
        return self._busy

    @property
    def is_exhausted(self) -> bool:
        return self._exhausted

    def reload(self) -> None:
        """Forget every row (the question changed) and fetch the first page."""
        self._generation += 1
        self.beginResetModel()
        self._rows = []
        self._exhausted = False
        self._stale = False
        self._set_busy(False)
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def refresh(self) -> None:
        """Re-read the range loaded so far (the data changed); coalesced while one runs."""
        if self._busy:
            self._stale = True
            return
        self._load(0, max(len(self._rows), self.PAGE_SIZE), replace=True)

    # -- loading -----------------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.loading_changed.emit(busy)

    def _load(self, offset: int, limit: int, *, replace: bool) -> None:
        query, generation = self.page_query(), self._generation
        self._set_busy(True)
        self._runner.run_op(
            lambda wb: query(wb, offset, limit),
            lambda rows: self._landed(generation, limit, rows, replace),
            lambda exc: self._failed(generation, exc),
            owner=self,
        )

    def _landed(self, generation: int, limit: int, rows: list[RowT], replace: bool) -> None:
        if generation != self._generation:
            return
        if replace:
            self._replace(rows)
        else:
            self._append(rows)
        self._exhausted = len(rows) < limit
        self._set_busy(False)
        self.rows_loaded.emit()
        if self._stale:
            self._stale = False
            self.refresh()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._exhausted = True  # no retry loop from the view's fetchMore timer
            self._set_busy(False)
        errors.report(exc)

    def _append(self, rows: list[RowT]) -> None:
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def _replace(self, new: list[RowT]) -> None:
        """Swap in fresh rows; persistent indexes (selection, current) follow their record."""
        old_count, new_count = len(self._rows), len(new)
        if new_count < old_count:
            self.beginRemoveRows(QModelIndex(), new_count, old_count - 1)
            del self._rows[new_count:]
            self.endRemoveRows()
        elif new_count > old_count:
            self.beginInsertRows(QModelIndex(), old_count, new_count - 1)
            self._rows.extend(new[old_count:])
            self.endInsertRows()
        self.layoutAboutToBeChanged.emit()
        position = {self.row_key(r): i for i, r in enumerate(new)}
        before = self.persistentIndexList()
        after = []
        for index in before:
            row = position.get(self.row_key(self._rows[index.row()]))
            after.append(self.index(row, index.column()) if row is not None else QModelIndex())
        self._rows = list(new)
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()
