"""The queue's ticket table: pages of ``wb.tickets.list`` in next-deadline order.

Each view of the queue (All open, My open, Unassigned, Pending, Solved) is a
:class:`TicketFilter` plus the search text; "My open" is resolved on the worker from the
acting agent, so it follows a change of agent without the model knowing who it is.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication

from ui import formatting, labels
from ui.i18n import QT_TRANSLATE_NOOP
from ui.models.paged import Column, PagedTableModel, PageQuery
from ui.ops import OpRunner
from workbench.domain.enums import TicketStatus
from workbench.domain.filters import TicketFilter

if TYPE_CHECKING:
    from collections.abc import Callable

    from workbench.services.context import Workbench
    from workbench.services.dto import TicketRow

OPEN_STATUSES = tuple(s.value for s in TicketStatus if s.is_open)
TICKET_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class QueueView(StrEnum):
    ALL_OPEN = "all-open"
    MY_OPEN = "my-open"
    UNASSIGNED = "unassigned"
    PENDING = "pending"
    SOLVED = "solved"


VIEW_TITLES = {
    QueueView.ALL_OPEN: QT_TRANSLATE_NOOP("queue", "All open"),
    QueueView.MY_OPEN: QT_TRANSLATE_NOOP("queue", "My open"),
    QueueView.UNASSIGNED: QT_TRANSLATE_NOOP("queue", "Unassigned"),
    QueueView.PENDING: QT_TRANSLATE_NOOP("queue", "Pending"),
    QueueView.SOLVED: QT_TRANSLATE_NOOP("queue", "Solved"),
}


def view_filter(view: QueueView, text: str = "", actor_id: str | None = None) -> TicketFilter:
    """The ticket filter of a queue view; open views sort by the next SLA deadline."""
    base = TicketFilter(statuses=OPEN_STATUSES, text=text, order="due")
    if view is QueueView.MY_OPEN:
        return replace(base, assignee_id=actor_id)
    if view is QueueView.UNASSIGNED:
        return replace(base, unassigned=True)
    if view is QueueView.PENDING:
        return replace(base, statuses=(TicketStatus.PENDING.value,))
    if view is QueueView.SOLVED:
        return TicketFilter(statuses=(TicketStatus.SOLVED.value,), text=text,
                            order="updated", descending=True)
    return base


def _query(view: QueueView, text: str) -> PageQuery[TicketRow]:
    def run(wb: Workbench, offset: int, limit: int) -> list[TicketRow]:
        if view is QueueView.MY_OPEN and wb.actor_id is None:
            return []  # nobody acting: "mine" is empty, not everything
        return wb.tickets.list(view_filter(view, text, wb.actor_id), limit=limit, offset=offset)

    return run


def customer_text(name: str, plan: str) -> str:
    """"Name · Plan", the name isolated so a right-to-left name keeps the order."""
    return f"{formatting.isolate(name)} · {labels.plan_label(plan)}"


def _is_dark() -> bool:
    return QGuiApplication.palette().base().color().lightness() < 128


def _bold_font() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


class TicketTableModel(PagedTableModel["TicketRow"]):
    """Tickets of one queue view, fetched 200 at a time."""

    NUMBER, SUBJECT, CUSTOMER, PRIORITY, STATUS, ASSIGNEE, DUE, UPDATED = range(8)
    columns = (
        Column("number", QT_TRANSLATE_NOOP("columns", "#"), 5),
        Column("subject", QT_TRANSLATE_NOOP("columns", "Subject"), 40),
        Column("customer", QT_TRANSLATE_NOOP("columns", "Customer"), 30),
        Column("priority", QT_TRANSLATE_NOOP("columns", "Priority"), 9),
        Column("status", QT_TRANSLATE_NOOP("columns", "Status"), 9),
        Column("assignee", QT_TRANSLATE_NOOP("columns", "Assignee"), 16),
        Column("due", QT_TRANSLATE_NOOP("columns", "Next due"), 13),
        Column("updated", QT_TRANSLATE_NOOP("columns", "Last update"), 11),
    )

    def __init__(
        self, runner: OpRunner, now_ms: Callable[[], int], parent: QObject | None = None
    ) -> None:
        super().__init__(runner, parent)
        self._now_ms = now_ms
        self._view = QueueView.ALL_OPEN
        self._text = ""

    @property
    def view(self) -> QueueView:
        return self._view

    @property
    def text(self) -> str:
        return self._text

    def set_query(self, view: QueueView, text: str) -> None:
        """Show another view or search; no-op when nothing changed."""
        text = text.strip()
        if (view, text) != (self._view, self._text):
            self._view, self._text = view, text
            self.reload()

    def page_query(self) -> PageQuery[TicketRow]:
        return _query(self._view, self._text)

    def row_key(self, row: TicketRow) -> str:
        return row.id

    def tick(self) -> None:
        """Time moved on: the countdown column reads differently (views repaint what shows)."""
        if self._rows:
            self.dataChanged.emit(self.index(0, self.DUE),
                                  self.index(len(self._rows) - 1, self.DUE))

    def cell(self, row: TicketRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text_of(row, column)
        if role == TICKET_ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.DUE:
            return self._due_colour(row)
        if role == Qt.ItemDataRole.FontRole and column == self.PRIORITY:
            return _bold_font() if row.priority in ("urgent", "high") else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.NUMBER:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _due_colour(self, row: TicketRow) -> QColor | None:
        if not formatting.is_overdue(row.next_due_at, self._now_ms()):
            return None
        return QColor("#ff7a7a" if _is_dark() else "#c62828")

    def _text_of(self, row: TicketRow, column: int) -> str:
        now = self._now_ms()
        texts = {
            self.NUMBER: lambda: row.key,
            self.SUBJECT: lambda: row.subject,
            self.CUSTOMER: lambda: formatting.in_ui_direction(
                customer_text(row.customer_name, row.customer_plan)),
            self.PRIORITY: lambda: labels.priority_label(row.priority),
            self.STATUS: lambda: labels.status_label(row.status),
            self.ASSIGNEE: lambda: row.assignee_name or labels.unassigned(),
            self.DUE: lambda: formatting.due_text(row.next_due_at, now),
            self.UPDATED: lambda: formatting.ago_text(row.updated_at, now),
        }
        text = texts.get(column)
        return text() if text else ""

    def _tooltip(self, row: TicketRow, column: int) -> str | None:
        if column == self.DUE and row.next_due_at is not None:
            return self.tr("%1 due %2").replace(
                "%1", labels.target_label(row.next_due_target).capitalize()
            ).replace("%2", formatting.datetime_text(row.next_due_at))
        if column == self.UPDATED:
            return formatting.datetime_text(row.updated_at)
        if column in (self.SUBJECT, self.CUSTOMER):
            return self._text_of(row, column)
        return None
