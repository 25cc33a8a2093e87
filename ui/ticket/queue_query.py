"""What the queue shows: a view, a search, filters and a sort, as one immutable value.

:func:`view_filter` turns a :class:`QueueQuery` into the core's :class:`TicketFilter`. Each
view has a default order that an index serves (the next deadline for the working views;
the last update for Pending, whose clocks wait, and for Solved) and a set of orders the
header may switch to; an order that would sort a whole table is simply not offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ui.i18n import QT_TRANSLATE_NOOP
from workbench.domain.enums import TicketStatus
from workbench.domain.filters import TicketFilter

OPEN_STATUSES = tuple(s.value for s in TicketStatus if s.is_open)
HOUR_MS = 3_600_000


class QueueView(StrEnum):
    MY_OPEN = "my-open"
    UNASSIGNED = "unassigned"
    BREACHING = "breaching"
    BREACHED = "breached"
    PENDING = "pending"
    ALL_OPEN = "all-open"
    SOLVED = "solved"


VIEW_TITLES = {
    QueueView.MY_OPEN: QT_TRANSLATE_NOOP("queue", "My open"),
    QueueView.UNASSIGNED: QT_TRANSLATE_NOOP("queue", "Unassigned"),
    QueueView.BREACHING: QT_TRANSLATE_NOOP("queue", "Breaching within 1 h"),
    QueueView.BREACHED: QT_TRANSLATE_NOOP("queue", "Breached"),
    QueueView.PENDING: QT_TRANSLATE_NOOP("queue", "Pending"),
    QueueView.ALL_OPEN: QT_TRANSLATE_NOOP("queue", "All open"),
    QueueView.SOLVED: QT_TRANSLATE_NOOP("queue", "Solved"),
}

_WORKING = ("due", "created", "updated")
# Orders each view may be sorted by (the first is its default).
SORT_ORDERS: dict[QueueView, tuple[str, ...]] = {
    QueueView.MY_OPEN: _WORKING,
    QueueView.UNASSIGNED: _WORKING,
    QueueView.BREACHING: _WORKING,
    QueueView.BREACHED: _WORKING,
    QueueView.PENDING: ("updated", "created"),
    QueueView.ALL_OPEN: _WORKING,
    QueueView.SOLVED: ("updated", "created"),
}
# Views listed newest first by default (the others oldest / nearest first).
_DESCENDING_BY_DEFAULT = {QueueView.SOLVED}


@dataclass(frozen=True)
class QueueQuery:
    """The whole question behind the list on screen."""

    view: QueueView = QueueView.ALL_OPEN
    text: str = ""
    priority: str | None = None
    status: str | None = None  # narrows an open view to one status
    tag: str | None = None
    assignee_id: str | None = None  # narrows a team view to one agent
    order: str | None = None  # None: the view's default
    descending: bool = False

    @property
    def effective_order(self) -> str:
        orders = SORT_ORDERS[self.view]
        return self.order if self.order in orders else orders[0]

    @property
    def effective_descending(self) -> bool:
        if self.order not in SORT_ORDERS[self.view]:
            return self.view in _DESCENDING_BY_DEFAULT
        return self.descending


def view_filter(q: QueueQuery, actor_id: str | None, now_ms: int) -> TicketFilter | None:
    """The ticket filter of *q* for *actor_id* ("mine") at *now_ms* (deadline windows);
    None when nothing can match (nobody acts for "My open", a status outside the view)."""
    statuses: tuple[str, ...] = OPEN_STATUSES
    assignee, unassigned = q.assignee_id, False
    due_before = due_after = None
    if q.view is QueueView.MY_OPEN:
        if actor_id is None:
            return None
        assignee = actor_id
    elif q.view is QueueView.UNASSIGNED:
        assignee, unassigned = None, True
    elif q.view is QueueView.BREACHING:
        due_after, due_before = now_ms, now_ms + HOUR_MS
    elif q.view is QueueView.BREACHED:
        due_before = now_ms - 1
    elif q.view is QueueView.PENDING:
        statuses = (TicketStatus.PENDING.value,)
    elif q.view is QueueView.SOLVED:
        statuses = (TicketStatus.SOLVED.value, TicketStatus.CLOSED.value)
    if q.status:
        if q.status not in statuses:
            return None
        statuses = (q.status,)
    return TicketFilter(
        statuses=statuses,
        priorities=(q.priority,) if q.priority else (),
        assignee_id=assignee,
        unassigned=unassigned,
        tag=q.tag or None,
        text=q.text,
        due_before_ms=due_before,
        due_after_ms=due_after,
        order=q.effective_order,
        descending=q.effective_descending,
    )
