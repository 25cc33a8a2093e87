"""The customer timeline view: every kind newest first, chips filter by kind, search, lazy
pages by cursor, and a ticket entry that asks to open its ticket."""

from __future__ import annotations

import time

from PySide6.QtCore import QModelIndex
from pytestqt.qtbot import QtBot
from ui_test_data import Team

from ui.context import AppContext
from ui.customer.timeline import TimelineView
from workbench.domain.clock import FrozenClock
from workbench.domain.ids import uuid7
from workbench.services.context import Workbench
from workbench.store.models import CustomerNote

SUMMARY = "Context: refund asked.\nOpen promises: call on Friday.\nNext step: call."


def kinds(view: TimelineView) -> list[str]:
    return [view.model.entry(i).kind for i in range(view.model.rowCount())]


def seed(wb: Workbench, clock: FrozenClock, team: Team) -> str:
    """A customer with a ticket (message, reply, note), a customer note, a call, a
    preference and a hand-off (with its owner change); the ticket id."""
    c = team.customers[0].id
    ticket = wb.tickets.create("Card declined", c, body="My card is declined")
    clock.advance(60)
    wb.tickets.reply(ticket.id, "Please try again now")
    clock.advance(60)
    wb.tickets.note(ticket.id, "Checked the gateway logs")
    clock.advance(60)
    wb.history.add_note(c, "Prefers calls in the morning")
    clock.advance(60)
    wb.calls.log(c, direction="outbound", started_at=clock.now_ms() - 300_000, duration_s=240,
                 outcome="follow-up", ticket_ref=ticket.id)
    clock.advance(60)
    wb.customers.set_preference(c, "preferred_channel", "phone")
    clock.advance(60)
    wb.handoffs.create(c, team.agent.id, SUMMARY)
    clock.advance(60)
    return ticket.id


def make_view(qtbot: QtBot, ctx: AppContext, customer_id: str) -> TimelineView:
    view = TimelineView(ctx.runner)
    qtbot.addWidget(view)
    view.resize(600, 500)
    view.set_customer(customer_id)
    return view


def test_shows_every_kind_newest_first_with_who_and_when(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, clock: FrozenClock, team: Team
) -> None:
    seed(wb, clock, team)
    view = make_view(qtbot, ctx, team.customers[0].id)
    assert kinds(view)[:5] == ["owner_change", "handoff", "preference", "customer_note",
                               "internal_note"]
    # The ticket and its first message share an instant; the call started before both.
    assert sorted(kinds(view)[5:8]) == ["customer_message", "public_reply", "ticket"]
    assert kinds(view)[-1] == "call"
    assert [view.model.entry(i).at for i in range(9)] == sorted(
        (view.model.entry(i).at for i in range(9)), reverse=True)
    call = view.model.entry(kinds(view).index("call"))
    assert call.who_name == "Dana Ortiz" and "4m" in call.title


def test_chips_filter_by_kind(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, clock: FrozenClock, team: Team
) -> None:
    seed(wb, clock, team)
    view = make_view(qtbot, ctx, team.customers[0].id)
    view.chips["call"].click()
    assert kinds(view) == ["call"]
    view.chips["customer_message"].click()  # "Messages": both directions
    assert kinds(view) == ["public_reply", "customer_message", "call"]
    view.chips["call"].click()
    view.chips["customer_message"].click()
    assert len(kinds(view)) == 9  # none checked: every kind again


def test_search_box_searches_the_history(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, clock: FrozenClock, team: Team
) -> None:
    seed(wb, clock, team)
    view = make_view(qtbot, ctx, team.customers[0].id)
    view.search.setText("gateway")
    view.apply_search()
    assert kinds(view) == ["internal_note"]
    view.search.setText("nothing like this")
    view.apply_search()
    assert kinds(view) == [] and view.status.text() == "No entries match these filters."


def test_double_click_on_a_ticket_entry_asks_to_open_it(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, clock: FrozenClock, team: Team
) -> None:
    ticket_id = seed(wb, clock, team)
    view = make_view(qtbot, ctx, team.customers[0].id)
    index = view.model.index(kinds(view).index("ticket"))
    with qtbot.waitSignal(view.open_ticket_requested) as signal:
        view.list.doubleClicked.emit(index)
    assert signal.args == [ticket_id]


def test_new_entries_appear_after_a_change(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, team: Team
) -> None:
    view = make_view(qtbot, ctx, team.customers[0].id)
    assert view.status.text() == "No history yet for this customer."
    wb.history.add_note(team.customers[0].id, "Met them at the fair")
    view.refresh()
    assert kinds(view) == ["customer_note"]


def test_a_10000_entry_timeline_opens_with_only_its_first_page(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, clock: FrozenClock, team: Team
) -> None:
    customer, start = team.customers[1].id, clock.now_ms() - 20_000_000
    with wb.write() as w:
        w.bulk_insert(CustomerNote, [
            dict(id=uuid7(start + i * 1000), customer_id=customer, author_id=team.lead.id,
                 body=f"Note {i}", created_at=start + i * 1000, updated_at=start + i * 1000)
            for i in range(10_000)
        ])
    view = TimelineView(ctx.runner)
    qtbot.addWidget(view)
    view.resize(600, 500)
    view.show()
    wb.history.timeline(customer, limit=1)  # a warm connection, as in the running app
    began = time.perf_counter()
    view.set_customer(customer)
    qtbot.waitExposed(view)
    elapsed = time.perf_counter() - began
    assert view.model.rowCount() == view.model.page_size
    assert view.model.entry(0).body == "Note 9999"
    assert view.model.canFetchMore(QModelIndex())
    assert elapsed < 0.2, f"opening took {elapsed * 1000:.0f} ms"
    view.model.fetchMore(QModelIndex())
    assert view.model.rowCount() == 2 * view.model.page_size
    assert view.model.entry(99).body == "Note 9900"


def test_a_refresh_adds_new_entries_on_top_and_keeps_the_loaded_pages(
    qtbot: QtBot, ctx: AppContext, wb: Workbench, clock: FrozenClock, team: Team
) -> None:
    customer = team.customers[2].id
    for n in range(12):
        wb.history.add_note(customer, f"Note {n}")
        clock.advance(60)
    view = make_view(qtbot, ctx, customer)
    view.model.page_size = 5
    view.model.reload()
    view.model.fetchMore(QModelIndex())
    assert view.model.rowCount() == 10
    wb.history.add_note(customer, "Newest")
    with qtbot.assertNotEmitted(view.model.modelReset):
        view.refresh()
    assert view.model.rowCount() == 11
    assert [view.model.entry(i).body for i in (0, 1, 10)] == ["Newest", "Note 11", "Note 2"]
    view.model.fetchMore(QModelIndex())  # the cursor still continues after the old tail
    assert [view.model.entry(i).body for i in range(11, 13)] == ["Note 1", "Note 0"]
