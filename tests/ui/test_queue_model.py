"""The queue's ticket model: lazy pages, live refresh, views and search."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex
from ui_test_data import Team, make_tickets

from ui.context import AppContext
from ui.models.ticket_table import QueueQuery, QueueView, TicketTableModel, view_filter
from ui.ops import OpRunner
from workbench.domain.clock import FrozenClock
from workbench.services.context import Workbench


@pytest.fixture
def model(ctx: AppContext) -> TicketTableModel:
    m = TicketTableModel(ctx.runner, ctx.now_ms)
    m.PAGE_SIZE = 5  # a small page makes the paging visible with a dozen tickets
    return m


def keys(model: TicketTableModel) -> list[str]:
    return [model.row_at(i).key for i in range(model.rowCount())]


def test_pages_lazily_and_never_holds_more_than_was_fetched(
    wb: Workbench, clock: FrozenClock, team: Team, model: TicketTableModel
) -> None:
    make_tickets(wb, clock, team.customers[0], 12)
    assert model.rowCount() == 0 and model.canFetchMore(QModelIndex())

    model.fetchMore(QModelIndex())
    assert model.rowCount() == 5
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 10
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 12
    assert not model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 12
    every = view_filter(QueueQuery(QueueView.ALL_OPEN), None, clock.now_ms())
    assert keys(model) == [t.key for t in wb.tickets.list(every, limit=100)]


def test_each_page_is_one_bounded_keyset_call(
    wb: Workbench, clock: FrozenClock, team: Team, model: TicketTableModel,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Deep pages continue after the last row loaded (keyset), never with an OFFSET."""
    make_tickets(wb, clock, team.customers[0], 7)
    calls: list[tuple[int, int, str | None]] = []
    real_list = wb.tickets.list

    def spy(f: Any = None, limit: int = 50, offset: int = 0, *, after: Any = None) -> Any:
        calls.append((limit, offset, after.id if after is not None else None))
        return real_list(f, limit=limit, offset=offset, after=after)

    monkeypatch.setattr(wb.tickets, "list", spy)
    model.fetchMore(QModelIndex())
    fifth = model.row_at(4).id
    model.fetchMore(QModelIndex())
    assert calls == [(5, 0, None), (5, 0, fifth)]
    assert model.rowCount() == 7
    assert len({model.row_at(i).id for i in range(7)}) == 7


def test_a_ticket_created_through_the_service_appears_without_a_reload(
    wb: Workbench, clock: FrozenClock, team: Team, model: TicketTableModel, ctx: AppContext
) -> None:
    ctx.runner.changes_applied.connect(lambda changes, _by: model.refresh())
    make_tickets(wb, clock, team.customers[0], 2, priority="low")
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 2

    urgent = wb.tickets.create("Cannot log in", team.customers[1].id, priority="urgent")

    assert model.rowCount() == 3
    assert model.row_at(0).id == urgent.id  # the nearest deadline comes first


def test_refresh_keeps_the_selection_on_the_same_ticket(
    wb: Workbench, clock: FrozenClock, team: Team, model: TicketTableModel
) -> None:
    make_tickets(wb, clock, team.customers[0], 3, priority="low")
    model.fetchMore(QModelIndex())
    selection = QItemSelectionModel(model)
    chosen = model.row_at(1).id
    selection.setCurrentIndex(model.index(1, 0), QItemSelectionModel.SelectionFlag.Select)

    wb.tickets.create("Server down", team.customers[0].id, priority="urgent")
    model.refresh()

    assert model.row_at(selection.currentIndex().row()).id == chosen
    assert selection.currentIndex().row() == 2


def test_views_filter_by_assignee_status_and_search(
    wb: Workbench, clock: FrozenClock, team: Team, ctx: AppContext
) -> None:
    mine = wb.tickets.create("Refund please", team.customers[0].id, assignee_id=team.lead.id)
    theirs = wb.tickets.create("Invoice copy", team.customers[1].id, assignee_id=team.agent.id)
    nobody = wb.tickets.create("Login loop", team.customers[2].id)
    wb.tickets.update(theirs.id, status="pending")
    model = TicketTableModel(ctx.runner, ctx.now_ms)

    def ids(view: QueueView, text: str = "") -> set[str]:
        model.set_query(view, text)
        return {model.row_at(i).id for i in range(model.rowCount())}

    model.reload()
    assert ids(QueueView.ALL_OPEN) == {mine.id, theirs.id, nobody.id}
    assert ids(QueueView.MY_OPEN) == {mine.id}
    assert ids(QueueView.UNASSIGNED) == {nobody.id}
    assert ids(QueueView.PENDING) == {theirs.id}
    assert ids(QueueView.SOLVED) == set()
    assert ids(QueueView.ALL_OPEN, "refund") == {mine.id}
    assert ids(QueueView.ALL_OPEN, mine.key) == {mine.id}


def test_my_open_is_empty_when_nobody_acts(
    wb: Workbench, team: Team, ctx: AppContext
) -> None:
    wb.tickets.create("Refund please", team.customers[0].id, assignee_id=team.lead.id)
    wb.actor_id = None
    model = TicketTableModel(ctx.runner, ctx.now_ms)
    model.set_query(QueueView.MY_OPEN, "")
    assert model.rowCount() == 0


class HoldingRunner(OpRunner):
    """Keeps each op until the test releases it, so the test decides when answers land."""

    def __init__(self, wb: Workbench) -> None:
        super().__init__(synchronous=True)
        self.wb = wb
        self.held: list[tuple[Callable[[Workbench], Any], Callable[[Any], None] | None]] = []

    def run_op(self, fn: Callable[[Workbench], Any],
               on_success: Callable[[Any], None] | None = None, *_a: Any, **_kw: Any) -> None:
        self.held.append((fn, on_success))

    def release(self, n: int) -> None:
        fn, on_success = self.held[n]
        if on_success is not None:
            on_success(fn(self.wb))


def test_an_answer_to_an_old_question_is_dropped(
    wb: Workbench, clock: FrozenClock, team: Team, qapp: object
) -> None:
    """A page that lands after the view changed must not be mixed into the new view."""
    make_tickets(wb, clock, team.customers[0], 3)
    runner = HoldingRunner(wb)
    model = TicketTableModel(runner, clock.now_ms)
    model.reload()  # asks for "all open"
    model.set_query(QueueView.SOLVED, "")  # the question changes before the answer lands
    runner.release(0)  # the stale "all open" answer arrives late
    assert model.rowCount() == 0
    runner.release(1)
    assert model.rowCount() == 0 and model.is_exhausted  # nothing is solved
    runner.shutdown()


def test_countdown_text_reads_from_the_clock(
    wb: Workbench, clock: FrozenClock, team: Team, model: TicketTableModel
) -> None:
    wb.tickets.create("Outage", team.customers[0].id, priority="urgent")
    model.fetchMore(QModelIndex())
    due = model.index(0, TicketTableModel.DUE)
    assert model.data(due) == "15m left"  # urgent: first response within 15 minutes
    clock.advance(10 * 60)
    assert model.data(due) == "5m left"
    clock.advance(3 * 3600)
    assert model.data(due) == "breached 2h 55m ago"
