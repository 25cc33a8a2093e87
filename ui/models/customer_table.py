"""The customers table: pages of ``wb.customers.list`` by name, filtered by a search text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt

from ui import labels
from ui.i18n import QT_TRANSLATE_NOOP
from ui.models.paged import Column, PagedTableModel, PageQuery
from ui.ops import OpRunner
from workbench.services.dto import CustomerInfo

if TYPE_CHECKING:
    from workbench.services.context import Workbench

CUSTOMER_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class CustomerTableModel(PagedTableModel[CustomerInfo]):
    """Customers matching the search (name, e-mail, phone or organisation), A to Z."""

    NAME, EMAIL, ORGANISATION, PLAN, OWNER = range(5)
    columns = (
        Column("name", QT_TRANSLATE_NOOP("columns", "Name"), 28),
        Column("email", QT_TRANSLATE_NOOP("columns", "E-mail"), 30),
        Column("organisation", QT_TRANSLATE_NOOP("columns", "Organisation"), 26),
        Column("plan", QT_TRANSLATE_NOOP("columns", "Plan"), 11),
        Column("owner", QT_TRANSLATE_NOOP("columns", "Owner"), 18),
    )

    def __init__(self, runner: OpRunner, parent: QObject | None = None) -> None:
        super().__init__(runner, parent)
        self._text = ""

    @property
    def text(self) -> str:
        return self._text

    def set_text(self, text: str) -> None:
        text = text.strip()
        if text != self._text:
            self._text = text
            self.reload()

    def page_query(self) -> PageQuery[CustomerInfo]:
        text = self._text

        def run(wb: Workbench, offset: int, limit: int) -> list[CustomerInfo]:
            return wb.customers.list(text, limit=limit, offset=offset)

        return run

    def row_key(self, row: CustomerInfo) -> str:
        return row.id

    def cell(self, row: CustomerInfo, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == self.NAME:
                return row.name
            if column == self.EMAIL:
                return row.email or ""
            if column == self.ORGANISATION:
                return row.organisation or ""
            if column == self.PLAN:
                return labels.plan_label(row.plan)
            if column == self.OWNER:
                return row.owner_name or "—"
        if role == CUSTOMER_ID_ROLE:
            return row.id
        return None
