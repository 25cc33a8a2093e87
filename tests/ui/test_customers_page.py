"""The customers page: a lazy list with activity columns, searched in any script, kept
current, and the selected customer's profile beside it."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from pytestqt.qtbot import QtBot
from ui_test_data import Team, plain

from ui.context import AppContext
from ui.main_window import MainWindow
from ui.models.customer_table import CustomerTableModel
from ui.pages.customers import CustomersPage
from workbench.domain.clock import FrozenClock
from workbench.services.context import Workbench


def page_of(window: MainWindow) -> CustomersPage:
    page = window.page("customers")
    assert isinstance(page, CustomersPage)
    return page


def names(model: CustomerTableModel) -> list[str]:
    return [model.customer_at(i).name for i in range(model.rowCount())]


def cell(model: CustomerTableModel, name: str, column: int) -> object:
    return model.data(model.index(names(model).index(name), column))


def search(page: CustomersPage, text: str) -> list[str]:
    page.search.setText(text)
    page.search.returnPressed.emit()
    return names(page.model)


def test_lists_customers_with_plan_owner_open_tickets_and_last_contact(
    window: MainWindow, wb: Workbench, team: Team, clock: FrozenClock
) -> None:
    elodie = team.customers[2]
    wb.customers.update(elodie.id, owner_id=team.agent.id)
    ticket = wb.tickets.create("Invoice missing", elodie.id, body="Where is it?")
    wb.tickets.create("Second question", elodie.id)
    clock.advance(2 * 3600)
    wb.tickets.reply(ticket.id, "Sent again")
    clock.advance(3 * 3600)
    window.show_page("customers")
    model = page_of(window).model
    assert names(model) == sorted(c.name for c in team.customers)
    assert cell(model, "Élodie Martin", CustomerTableModel.PLAN) == "Enterprise"
    assert cell(model, "Élodie Martin", CustomerTableModel.OWNER) == "Sam Okafor"
    assert cell(model, "Élodie Martin", CustomerTableModel.OPEN) == "2"
    assert cell(model, "Élodie Martin", CustomerTableModel.LAST_CONTACT) == "3h ago"
    assert cell(model, "آرش کریمی", CustomerTableModel.LAST_CONTACT) == "—"


def test_search_narrows_the_list_by_organisation(window: MainWindow) -> None:
    assert search(page_of(window), "yerevan") == ["Արամ Պետրոսյան"]


def test_search_finds_khmer_and_persian_names(window: MainWindow, wb: Workbench) -> None:
    wb.customers.create("សុខ ចាន់ថា", "chantha@example.kh", organisation="ក្រុមហ៊ុនមេគង្គ")
    wb.customers.create("سارا احمدی", "sara@example.ir")
    page = page_of(window)
    assert search(page, "ចាន់ថា") == ["សុខ ចាន់ថា"]  # full-text index, any script
    assert search(page, "کریمی") == ["آرش کریمی"]
    assert search(page, "مدی") == ["سارا احمدی"]  # a part of a word
    assert search(page, "សុ") == ["សុខ ចាន់ថា"]  # short text: substring match
    assert search(page, "") == sorted(names(page.model))
    assert len(search(page, "")) == 5


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


def test_selecting_a_customer_opens_the_profile(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, team: Team
) -> None:
    arash = team.customers[0]
    wb.customers.update(arash.id, time_zone="Asia/Tehran", phone="+98 21 5555 0101")
    page = CustomersPage(ctx)
    qtbot.addWidget(page)
    page.table.selectRow(names(page.model).index("آرش کریمی"))
    detail = page.detail
    assert detail.customer is not None and detail.customer.id == arash.id
    assert plain(detail.name.text()) == "آرش کریمی"
    assert "+98 21 5555 0101" in plain(detail.contact.text())
    # 09:00 UTC is 12:30 in Tehran (UTC+3:30).
    assert plain(detail.clock_line.text()).startswith("Local time 12:30 (Mon) · Asia/Tehran")
    assert detail.profile.name.text() == "آرش کریمی"
