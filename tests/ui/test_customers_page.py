"""The customers page: a lazy list by name, searched, kept current."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from ui_test_data import Team

from ui.context import AppContext
from ui.main_window import MainWindow
from ui.models.customer_table import CustomerTableModel
from ui.pages.customers import CustomersPage
from workbench.services.context import Workbench


def page_of(window: MainWindow) -> CustomersPage:
    page = window.page("customers")
    assert isinstance(page, CustomersPage)
    return page


def names(model: CustomerTableModel) -> list[str]:
    return [model.row_at(i).name for i in range(model.rowCount())]


def test_lists_customers_by_name_with_plan_and_owner(
    window: MainWindow, wb: Workbench, team: Team
) -> None:
    window.show_page("customers")
    wb.customers.update(team.customers[2].id, owner_id=team.agent.id)
    model = page_of(window).model
    assert names(model) == sorted(c.name for c in team.customers)
    row = names(model).index("Élodie Martin")
    assert model.data(model.index(row, CustomerTableModel.PLAN)) == "Enterprise"
    assert model.data(model.index(row, CustomerTableModel.OWNER)) == "Sam Okafor"


def test_search_narrows_the_list(window: MainWindow) -> None:
    page = page_of(window)
    page.search.setText("yerevan")
    page.search.returnPressed.emit()
    assert names(page.model) == ["Արամ Պետրոսյան"]


def test_pages_lazily(ctx: AppContext, wb: Workbench) -> None:
    for n in range(7):
        wb.customers.create(f"Customer {n:02}")
    model = CustomerTableModel(ctx.runner)
    model.PAGE_SIZE = 4
    model.reload()
    assert model.rowCount() == 4
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 10 and not model.canFetchMore(QModelIndex())


def test_a_hidden_page_refreshes_when_shown_not_before(
    window: MainWindow, wb: Workbench
) -> None:
    page = page_of(window)
    window.show_page("queue")
    wb.customers.create("Zara Ahmadi")
    assert "Zara Ahmadi" not in names(page.model)  # no query while nobody looks
    window.show_page("customers")
    assert "Zara Ahmadi" in names(page.model)
