"""The customers table: a page of customers with open tickets and last contact beside each.

Without a search, pages of ``wb.customers.list`` by name. A search of three characters or
more goes to the full-text index (``wb.search.search(kind="customer")``: names, e-mails,
phones and organisations in any script, best match first, one page of up to 200); a
shorter one is a substring match on the same fields. Either way the page's activity (open
tickets, last contact) comes from one grouped call, ``wb.customers.activity``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt

from ui import formatting, labels
from ui.i18n import QT_TRANSLATE_NOOP
from ui.models.paged import Column, PagedTableModel, PageQuery
from ui.ops import OpRunner
from workbench.services.customers import CustomerActivity
from workbench.services.dto import CustomerInfo

if TYPE_CHECKING:
    from workbench.domain.clock import Clock
    from workbench.services.context import Workbench

CUSTOMER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
INDEX_MIN_CHARS = 3  # the trigram index needs three characters
SEARCH_LIMIT = 200  # the search service's largest answer


@dataclass(frozen=True)
class CustomerRow:
    info: CustomerInfo
    activity: CustomerActivity


def read_page(wb: Workbench, text: str, offset: int, limit: int) -> list[CustomerRow]:
    """One page of the list (runs on the worker)."""
    if len(text) >= INDEX_MIN_CHARS:
        if offset:
            return []  # the index answers once, best first
        hits = wb.search.search(text, kind="customer", limit=min(limit, SEARCH_LIMIT))
        customers = wb.customers.by_ids([h.id for h in hits])
    else:
        customers = wb.customers.list(text, limit=limit, offset=offset)
    activity = wb.customers.activity([c.id for c in customers])
    return [CustomerRow(c, activity.get(c.id, CustomerActivity())) for c in customers]


class CustomerTableModel(PagedTableModel[CustomerRow]):
    """Customers matching the search (name, e-mail, phone or organisation)."""

    NAME, ORGANISATION, PLAN, OWNER, OPEN, LAST_CONTACT = range(6)
    columns = (
        Column("name", QT_TRANSLATE_NOOP("columns", "Name"), 18),
        Column("organisation", QT_TRANSLATE_NOOP("columns", "Organisation"), 14),
        Column("plan", QT_TRANSLATE_NOOP("columns", "Plan"), 8),
        Column("owner", QT_TRANSLATE_NOOP("columns", "Owner"), 11),
        Column("open", QT_TRANSLATE_NOOP("columns", "Open"), 4),
        Column("last_contact", QT_TRANSLATE_NOOP("columns", "Last contact"), 10),
    )

    def __init__(self, runner: OpRunner, clock: Clock | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(runner, parent)
        self._text = ""
        self._clock = clock

    @property
    def text(self) -> str:
        return self._text

    def set_text(self, text: str) -> None:
        text = text.strip()
        if text != self._text:
            self._text = text
            self.reload()

    def page_query(self) -> PageQuery[CustomerRow]:
        text = self._text
        return lambda wb, offset, limit: read_page(wb, text, offset, limit)

    def row_key(self, row: CustomerRow) -> str:
        return row.info.id

    def customer_at(self, row: int) -> CustomerInfo:
        return self.row_at(row).info

    def cell(self, row: CustomerRow, column: int, role: int) -> Any:
        c, act = row.info, row.activity
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text_of(c, act, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.NAME:
                contact = "\n".join(x for x in (c.email, c.phone) if x)
                return f"{c.name}\n{contact}" if contact else c.name
            if column == self.LAST_CONTACT and act.last_contact_at is not None:
                return formatting.datetime_text(act.last_contact_at)
            return self._text_of(c, act, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.OPEN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == CUSTOMER_ID_ROLE:
            return c.id
        return None

    def _text_of(self, c: CustomerInfo, act: CustomerActivity, column: int) -> str:
        if column == self.NAME:
            return c.name
        if column == self.ORGANISATION:
            return c.organisation or ""
        if column == self.PLAN:
            return labels.plan_label(c.plan)
        if column == self.OWNER:
            return c.owner_name or formatting.NO_VALUE
        if column == self.OPEN:
            return str(act.open_tickets) if act.open_tickets else ""
        if column == self.LAST_CONTACT:
            if act.last_contact_at is None:
                return formatting.NO_VALUE
            now = self._clock.now_ms() if self._clock else act.last_contact_at
            return formatting.ago_text(act.last_contact_at, now)
        return ""
