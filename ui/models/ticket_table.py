"""The queue's ticket table: keyset pages of ``wb.tickets.list`` with a live SLA chip per row.

Each view of the queue (My open, Unassigned, Breaching within 1 h, Breached, Pending, All
open, Solved) is a :class:`TicketFilter` built by :func:`ui.ticket.queue_query.view_filter`
from a :class:`QueueQuery`; "My open" is resolved on the worker from the acting agent. A
page continues after the last row loaded (keyset), so scrolling deep costs what the first
page costs. Rows carry when their deadline turns amber (``warn_at``, from
``wb.sla.warning_times``), so the chip's colour and text are pure arithmetic on "now":
:meth:`tick` repaints the visible chips each second without a query.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication

from ui import formatting, labels
from ui.i18n import QT_TRANSLATE_NOOP
from ui.models.paged import Column, ModelIndex, PagedTableModel, PageQuery
from ui.ops import OpRunner
from ui.ticket.queue_query import (
    SORT_ORDERS,
    VIEW_TITLES,
    QueueQuery,
    QueueView,
    view_filter,
)
from ui.widgets.sla_chip import AMBER, RED, Chip, ChipKind, chip_for, chip_kind
from workbench.domain.enums import TicketStatus
from workbench.services.dto import TicketRow

if TYPE_CHECKING:
    from collections.abc import Callable

    from workbench.services.context import Workbench

__all__ = ["CHIP_ROLE", "TICKET_ID_ROLE", "VIEW_TITLES", "QueueQuery", "QueueRow", "QueueView",
           "RowLook", "TicketTableModel", "customer_text", "view_filter"]

TICKET_ID_ROLE = Qt.ItemDataRole.UserRole + 1
CHIP_ROLE = Qt.ItemDataRole.UserRole + 2
_ROLES = frozenset(int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.FontRole, Qt.ItemDataRole.TextAlignmentRole, TICKET_ID_ROLE, CHIP_ROLE))
_SORT_NAMES = {
    "due": QT_TRANSLATE_NOOP("TicketTableModel", "the next deadline"),
    "created": QT_TRANSLATE_NOOP("TicketTableModel", "creation"),
    "updated": QT_TRANSLATE_NOOP("TicketTableModel", "the last update"),
}
OPEN_STATUSES = frozenset(s.value for s in TicketStatus if s.is_open)
# Roles as plain ints: the view passes ints, and comparing an int with a Qt enum member
# goes through Python-level enum code on every one of the thousands of calls per paint.
_DISPLAY, _TOOLTIP, _BACKGROUND, _FONT, _ALIGNMENT = (int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.FontRole, Qt.ItemDataRole.TextAlignmentRole))
_CHIP, _TICKET_ID = int(CHIP_ROLE), int(TICKET_ID_ROLE)
_RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True)
class QueueRow(TicketRow):
    """A ticket row plus the instant its deadline turns amber (None: no running clock)."""

    warn_at: int | None = None

    @property
    def paused(self) -> bool:
        """Open without a deadline: every clock waits (pending, on hold...)."""
        return self.next_due_at is None and self.status in OPEN_STATUSES


def _query(q: QueueQuery, tail: TicketRow | None, loaded: int) -> PageQuery[QueueRow]:
    def run(wb: Workbench, offset: int, limit: int) -> list[QueueRow]:
        f = view_filter(q, wb.actor_id, wb.now_ms())
        if f is None:
            return []  # e.g. nobody acting: "mine" is empty, not everything
        after = tail if offset and offset == loaded else None  # keyset: past the last row
        rows = wb.tickets.list(f, limit=limit, offset=0 if after else offset, after=after)
        warns = wb.sla.warning_times(rows)
        return [queue_row(r, w) for r, w in zip(rows, warns, strict=True)]

    return run


def queue_row(row: TicketRow, warn_at: int | None) -> QueueRow:
    """*row* with its warning instant. Copies the fields' dict rather than passing them
    through the frozen dataclass' ``__init__`` (a guarded setattr per field): a page of rows
    is built on every load and refresh."""
    out = object.__new__(QueueRow)
    out.__dict__.update(row.__dict__)
    out.__dict__["warn_at"] = warn_at
    return out


@dataclass(frozen=True, slots=True)
class RowLook:
    """A queue row as painted: cell texts by column, bold priority, row tint, SLA chip."""

    texts: list[str | None]  # None: not shown as text (the chip column)
    bold_priority: bool
    tint: QBrush | None
    chip: Chip


def customer_text(name: str, plan: str) -> str:
    """"Name · Plan", the name isolated so a right-to-left name keeps the order."""
    return f"{formatting.isolate(name)} · {labels.plan_label(plan)}"


_BOLD: QFont | None = None
_TINTS: dict[tuple[int, int, float], QBrush] = {}


def _tint(colour: QColor, amount: float) -> QBrush:
    """*colour* mixed into the palette's base by *amount* (cached per base colour)."""
    base = QGuiApplication.palette().base().color()
    key = (base.rgb(), colour.rgb(), amount)
    brush = _TINTS.get(key)
    if brush is None:
        brush = _TINTS[key] = QBrush(QColor(
            round(base.red() + (colour.red() - base.red()) * amount),
            round(base.green() + (colour.green() - base.green()) * amount),
            round(base.blue() + (colour.blue() - base.blue()) * amount)))
    return brush


class TicketTableModel(PagedTableModel[QueueRow]):
    """Tickets of one queue view, fetched a page at a time in the view's order."""

    # A tall screenful (Qt asks for the next page while the view is not full, or is scrolled
    # to its end): the first frame waits for no more.
    PAGE_SIZE = 50
    NUMBER, SUBJECT, CUSTOMER, PRIORITY, STATUS, ASSIGNEE, DUE, UPDATED = range(8)
    columns = (
        Column("number", QT_TRANSLATE_NOOP("columns", "#"), 6),
        Column("subject", QT_TRANSLATE_NOOP("columns", "Subject"), 36),
        Column("customer", QT_TRANSLATE_NOOP("columns", "Customer"), 26),
        Column("priority", QT_TRANSLATE_NOOP("columns", "Priority"), 9),
        Column("status", QT_TRANSLATE_NOOP("columns", "Status"), 9),
        Column("assignee", QT_TRANSLATE_NOOP("columns", "Assignee"), 15),
        Column("due", QT_TRANSLATE_NOOP("columns", "SLA"), 22),
        Column("updated", QT_TRANSLATE_NOOP("columns", "Last update"), 11),
    )
    SORT_COLUMNS: ClassVar[dict[int, str]] = {NUMBER: "created", DUE: "due", UPDATED: "updated"}

    def __init__(
        self, runner: OpRunner, now_ms: Callable[[], int], parent: QObject | None = None
    ) -> None:
        super().__init__(runner, parent)
        self._now_ms = now_ms
        self._query_state = QueueQuery()
        self._actor_id: str | None = None
        self._kinds: dict[str, ChipKind] = {}  # last state seen by tick(), per ticket
        # The texts of the columns that do not change with time, per row object: a repaint
        # (scrolling, hover, selection) reads them instead of formatting them again.
        self._texts: dict[str, tuple[QueueRow, list[str | None]]] = {}

    # -- the question ------------------------------------------------------------------------
    @property
    def query(self) -> QueueQuery:
        return self._query_state

    @property
    def view(self) -> QueueView:
        return self._query_state.view

    @property
    def text(self) -> str:
        return self._query_state.text

    def set_query(self, view: QueueView | QueueQuery, text: str = "") -> None:
        """Show another view, search or filter; no-op when nothing changed."""
        if isinstance(view, QueueView):
            query = replace(self._query_state, view=view, text=text.strip())
            if view != self._query_state.view:
                query = replace(query, order=None, descending=False)  # the view's own order
        else:
            query = view
        if query != self._query_state:
            self._query_state = query
            self.reload()

    def set_actor(self, agent_id: str | None) -> None:
        """Whose tickets turn their whole row amber or red (the acting agent's)."""
        self._actor_id = agent_id

    def sort_column(self) -> int:
        order = self._query_state.effective_order
        return next((c for c, o in self.SORT_COLUMNS.items() if o == order), -1)

    def can_sort(self, column: int) -> bool:
        order = self.SORT_COLUMNS.get(column)
        return order is not None and order in SORT_ORDERS[self._query_state.view]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self.can_sort(column):
            descending = order == Qt.SortOrder.DescendingOrder
            self.set_query(replace(self._query_state, order=self.SORT_COLUMNS[column],
                                   descending=descending))

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            order = self.SORT_COLUMNS.get(section)
            if order is not None and self.can_sort(section):
                return self.tr("Sort by %1").replace("%1", self.tr(_SORT_NAMES[order]))
            return None
        return super().headerData(section, orientation, role)

    def page_query(self) -> PageQuery[QueueRow]:
        tail = self._rows[-1] if self._rows else None
        return _query(self._query_state, tail, len(self._rows))

    def row_key(self, row: QueueRow) -> str:
        return row.id

    # -- time passing ------------------------------------------------------------------------
    def chip(self, row: QueueRow, now: int | None = None) -> Chip:
        now = self._now_ms() if now is None else now
        return chip_for(row.next_due_at, row.warn_at, row.paused, now)

    def tick(self, first: int = 0, last: int | None = None) -> None:
        """A second passed: rows *first*..*last* (the visible ones) read differently.

        Only the chip cells are announced, unless a row of the acting agent changed state
        (its whole row is tinted amber or red), so a view repaints a column strip.
        """
        if not self._rows:
            return
        last = len(self._rows) - 1 if last is None else min(last, len(self._rows) - 1)
        first = max(0, min(first, last))
        now = self._now_ms()
        roles = [Qt.ItemDataRole.DisplayRole]
        if len(self._kinds) > 2 * len(self._rows) + 1000:
            self._kinds.clear()  # forget tickets long scrolled away (re-learnt on sight)
        if self._actor_id is not None:
            for row_number in range(first, last + 1):
                row = self._rows[row_number]
                if row.assignee_id != self._actor_id:
                    continue
                kind = chip_kind(row.next_due_at, row.warn_at, row.paused, now)
                if self._kinds.get(row.id, kind) is not kind:
                    self.dataChanged.emit(self.index(row_number, 0),
                                          self.index(row_number, len(self.columns) - 1))
                self._kinds[row.id] = kind
        self.dataChanged.emit(self.index(first, self.DUE), self.index(last, self.DUE), roles)

    # -- painting ----------------------------------------------------------------------------
    def now_ms(self) -> int:
        """The model's clock (frozen in tests), which the countdowns read."""
        return self._now_ms()

    def look(self, row_number: int, now: int) -> RowLook:
        """Everything the queue paints for a row at *now*, in one call (see
        :class:`ui.ticket.queue_paint.QueuePainter`): what ``data()`` answers under its roles,
        without the dozen calls per cell a view makes through them."""
        row = self._rows[row_number]
        texts = self._static_texts(row)
        if None in texts:
            for column in range(len(texts)):
                if texts[column] is None:
                    texts[column] = self._static_text(row, column)
        chip = self.chip(row, now)
        painted = list(texts)
        painted[self.DUE] = chip.text
        painted[self.UPDATED] = formatting.ago_text(row.updated_at, now)
        tint = self._row_tint(row, now) if row.assignee_id == self._actor_id else None
        return RowLook(painted, row.priority in ("urgent", "high"), tint, chip)

    # -- cells -------------------------------------------------------------------------------
    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # The view asks each visible cell for a dozen roles per paint; most are not ours.
        if role not in _ROLES:
            return None
        row = index.row()
        if not 0 <= row < len(self._rows):
            return None
        return self.cell(self._rows[row], index.column(), role)

    def cell(self, row: QueueRow, column: int, role: int) -> Any:
        role = int(role)
        if role == _DISPLAY:
            return self._text_of(row, column)
        if role == _CHIP:
            return self.chip(row)
        if role == _TICKET_ID:
            return row.id
        if role == _TOOLTIP:
            return self._tooltip(row, column)
        if role == _BACKGROUND and row.assignee_id == self._actor_id:
            return self._row_tint(row)
        if role == _FONT and column == self.PRIORITY:
            return self._font_of(row)
        if role == _ALIGNMENT and column == self.NUMBER:
            return _RIGHT_ALIGNED
        return None

    def _row_tint(self, row: QueueRow, now: int | None = None) -> QBrush | None:
        now = self._now_ms() if now is None else now
        kind = chip_kind(row.next_due_at, row.warn_at, row.paused, now)
        if kind is ChipKind.BREACHED:
            return _tint(RED, 0.16)
        if kind is ChipKind.WARNING:
            return _tint(AMBER, 0.2)
        return None

    def _font_of(self, row: QueueRow) -> QFont | None:
        global _BOLD
        if row.priority not in ("urgent", "high"):
            return None
        if _BOLD is None:
            _BOLD = QFont()
            _BOLD.setBold(True)
        return _BOLD

    def _text_of(self, row: QueueRow, column: int) -> str:
        if column == self.DUE:
            return self.chip(row).text
        if column == self.UPDATED:
            return formatting.ago_text(row.updated_at, self._now_ms())
        texts = self._static_texts(row)
        text = texts[column]
        if text is None:
            text = texts[column] = self._static_text(row, column)
        return text

    def _static_texts(self, row: QueueRow) -> list[str | None]:
        """The remembered texts of *row*'s columns that do not change with time (None: not
        formatted yet); forgotten when the row object is replaced by a refresh."""
        entry = self._texts.get(row.id)
        if entry is None or entry[0] is not row:  # new, or replaced by a refresh
            if len(self._texts) > 2 * len(self._rows) + 1000:
                self._texts.clear()
            entry = self._texts[row.id] = (row, [None] * len(self.columns))
        return entry[1]

    def _static_text(self, row: QueueRow, column: int) -> str:
        if column == self.NUMBER:
            return row.key
        if column == self.SUBJECT:
            return row.subject
        if column == self.CUSTOMER:
            return formatting.in_ui_direction(customer_text(row.customer_name, row.customer_plan))
        if column == self.PRIORITY:
            return labels.priority_label(row.priority)
        if column == self.STATUS:
            return labels.status_label(row.status)
        if column == self.ASSIGNEE:
            return row.assignee_name or labels.unassigned()
        return ""

    def _tooltip(self, row: QueueRow, column: int) -> str | None:
        if column == self.DUE and row.next_due_at is not None:
            text = self.tr("%1 due %2").replace(
                "%1", labels.target_label(row.next_due_target).capitalize()
            ).replace("%2", formatting.datetime_text(row.next_due_at))
            if row.warn_at is not None and row.warn_at < row.next_due_at:
                text += "\n" + self.tr("Warning from %1").replace(
                    "%1", formatting.datetime_text(row.warn_at))
            return text
        if column == self.DUE and row.paused:
            return self.tr("The clock is paused while the ticket waits on the customer")
        if column == self.UPDATED:
            return formatting.datetime_text(row.updated_at)
        if column in (self.SUBJECT, self.CUSTOMER):
            return self._text_of(row, column)
        return None
