"""Ticket use cases: numbering, thread events, status rules and the denormalised deadline."""

from __future__ import annotations

import pytest

from workbench.domain.clock import FrozenClock
from workbench.domain.filters import TicketFilter
from workbench.services.context import Workbench
from workbench.services.errors import NotFound, ValidationError

HOUR = 3_600_000


def test_tickets_get_consecutive_human_numbers(wb: Workbench, team: dict[str, str]) -> None:
    numbers = [wb.tickets.create(f"Issue {i}", team["customer"]).number for i in range(3)]
    assert numbers == [1, 2, 3]
    assert wb.tickets.get("#2").ticket.subject == "Issue 1"


def test_a_new_ticket_is_due_for_first_response_by_its_priority_target(
    wb: Workbench, team: dict[str, str], clock: FrozenClock
) -> None:
    t = wb.tickets.create("Site down", team["customer"], body="Nothing loads", priority="urgent")
    assert t.next_due_target == "first_response"
    assert t.next_due_at == clock.now_ms() + 15 * 60_000  # urgent: 15 min, 24/7 default
    normal = wb.tickets.create("Question", team["customer"], priority="normal")
    assert normal.next_due_at == clock.now_ms() + 4 * HOUR


def test_a_public_reply_stops_first_response_and_opens_a_new_ticket(
    wb: Workbench, team: dict[str, str], clock: FrozenClock
) -> None:
    t = wb.tickets.create("Login fails", team["customer"], body="Help", priority="high")
    clock.advance(600)
    wb.tickets.reply(t.id, "Try this link")
    detail = wb.tickets.get(t.id)
    assert detail.first_response_at == clock.now_ms()
    assert detail.ticket.status == "open"
    assert detail.ticket.next_due_target != "first_response"
    kinds = [e.kind for e in detail.events]
    assert kinds == ["customer_message", "public_reply", "status_change"]


def test_pending_pauses_the_clock_so_the_ticket_has_no_deadline(
    wb: Workbench, team: dict[str, str]
) -> None:
    t = wb.tickets.create("Need info", team["customer"], body="?")
    wb.tickets.reply(t.id, "Which version?", status="pending")
    assert wb.tickets.get(t.id).ticket.next_due_at is None


def test_a_customer_message_reopens_a_solved_ticket_and_counts_the_reopen(
    wb: Workbench, team: dict[str, str]
) -> None:
    t = wb.tickets.create("Broken", team["customer"], body="x")
    wb.tickets.update(t.id, status="solved")
    assert wb.tickets.get(t.id).solved_at is not None
    wb.tickets.customer_message(t.id, "Still broken")
    d = wb.tickets.get(t.id)
    assert (d.ticket.status, d.reopen_count, d.solved_at) == ("open", 1, None)


def test_a_closed_ticket_cannot_be_changed(wb: Workbench, team: dict[str, str]) -> None:
    t = wb.tickets.create("Done", team["customer"])
    wb.tickets.update(t.id, status="closed")
    with pytest.raises(ValidationError, match="closed"):
        wb.tickets.reply(t.id, "One more thing")
    with pytest.raises(ValidationError, match="closed"):
        wb.tickets.update(t.id, priority="low")


def test_changes_are_recorded_inline_with_old_and_new_values(
    wb: Workbench, team: dict[str, str]
) -> None:
    t = wb.tickets.create("Slow", team["customer"], tags=["perf"])
    wb.tickets.update(t.id, priority="high", assignee_id=team["agent"], tags=["perf", "vip"])
    events = {e.kind: (e.old_value, e.new_value) for e in wb.tickets.get(t.id).events}
    assert events["priority_change"] == ("normal", "high")
    assert events["assignee_change"] == (None, team["agent"])
    assert events["tags_change"] == ("perf", "perf,vip")


def test_bad_values_get_clear_messages(wb: Workbench, team: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="not a priority"):
        wb.tickets.create("x", team["customer"], priority="asap")
    with pytest.raises(ValidationError, match="subject is empty"):
        wb.tickets.create("  ", team["customer"])
    with pytest.raises(NotFound):
        wb.tickets.get("#999")
    t = wb.tickets.create("ok", team["customer"])
    with pytest.raises(ValidationError, match="limit is 200,000"):
        wb.tickets.reply(t.id, "x" * 5_000_000)


def test_writes_need_an_acting_agent(wb: Workbench, team: dict[str, str]) -> None:
    t = wb.tickets.create("Anyone?", team["customer"])
    wb.actor_id = None
    with pytest.raises(ValidationError, match="no agent is acting"):
        wb.tickets.reply(t.id, "hello")


def test_lists_sort_by_next_deadline_and_filter(
    wb: Workbench, team: dict[str, str], clock: FrozenClock
) -> None:
    low = wb.tickets.create("Low", team["customer"], priority="low")
    urgent = wb.tickets.create("Urgent", team["customer"], priority="urgent")
    high = wb.tickets.create("High", team["customer"], priority="high", assignee_id=team["agent"])
    open_ = TicketFilter(statuses=("new", "open", "pending", "on-hold"))
    assert [r.id for r in wb.tickets.list(open_)] == [urgent.id, high.id, low.id]
    mine = TicketFilter(statuses=open_.statuses, assignee_id=team["agent"])
    assert [r.id for r in wb.tickets.list(mine)] == [high.id]
    unassigned = TicketFilter(statuses=open_.statuses, unassigned=True)
    assert {r.id for r in wb.tickets.list(unassigned)} == {urgent.id, low.id}
    assert [r.id for r in wb.tickets.list(TicketFilter(text="urg"))] == [urgent.id]


def test_listeners_hear_what_changed_after_commit(wb: Workbench, team: dict[str, str]) -> None:
    heard: list[set[str]] = []
    wb.subscribe(lambda changes: heard.append(set(changes.rows)))
    wb.tickets.create("Hello", team["customer"], body="hi")
    assert heard == [{"tickets", "ticket_events"}]


def _open() -> tuple[str, ...]:
    return ("new", "open", "pending", "on-hold")


def test_keyset_pages_walk_every_order_without_gaps_or_repeats(
    wb: Workbench, team: dict[str, str], clock: FrozenClock
) -> None:
    ids = []
    for n in range(23):
        priority = ("urgent", "high", "normal", "low")[n % 4]
        ids.append(wb.tickets.create(f"Q{n}", team["customer"], priority=priority).id)
        clock.advance(60 * (n % 3))  # equal timestamps too: the id breaks the ties
    for ticket_id in ids[::5]:
        wb.tickets.update(ticket_id, status="pending")  # paused: rank after every deadline
    for order in ("due", "created", "updated", "number"):
        for descending in (False, True):
            f = TicketFilter(statuses=_open(), order=order, descending=descending)
            whole = [r.id for r in wb.tickets.list(f, limit=100)]
            paged: list[str] = []
            page = wb.tickets.list(f, limit=4)
            while page:
                paged += [r.id for r in page]
                page = wb.tickets.list(f, limit=4, after=page[-1])
            assert paged == whole, (order, descending)
            assert sorted(whole) == sorted(ids)


def test_deadline_windows_list_breaching_and_breached_tickets(
    wb: Workbench, team: dict[str, str], clock: FrozenClock
) -> None:
    urgent = wb.tickets.create("Urgent", team["customer"], priority="urgent")  # due +15 min
    high = wb.tickets.create("High", team["customer"], priority="high")  # due +1 h
    wb.tickets.create("Normal", team["customer"])  # due +4 h
    clock.advance(20 * 60)
    now = clock.now_ms()
    breached = TicketFilter(statuses=_open(), due_before_ms=now - 1)
    soon = TicketFilter(statuses=_open(), due_after_ms=now, due_before_ms=now + HOUR)
    assert [r.id for r in wb.tickets.list(breached)] == [urgent.id]
    assert [r.id for r in wb.tickets.list(soon)] == [high.id]


def test_updated_order_merges_every_status(
    wb: Workbench, team: dict[str, str], clock: FrozenClock
) -> None:
    a = wb.tickets.create("A", team["customer"])
    clock.advance(60)
    b = wb.tickets.create("B", team["customer"])
    clock.advance(60)
    wb.tickets.update(a.id, status="pending")  # a is now the latest update
    f = TicketFilter(statuses=_open(), order="updated", descending=True)
    assert [r.id for r in wb.tickets.list(f)] == [a.id, b.id]
    solved = TicketFilter(statuses=("solved", "closed"), order="updated")
    assert wb.tickets.list(solved) == []


def test_an_unknown_order_is_refused_where_the_filter_is_made() -> None:
    with pytest.raises(ValueError, match="order must be one of"):
        TicketFilter(order="subject")
