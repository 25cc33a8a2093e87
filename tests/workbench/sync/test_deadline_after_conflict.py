"""After a priority conflict every replica stores the same SLA deadline for the ticket, even
when the winning change was stamped by a colleague whose clock runs ahead."""

from __future__ import annotations

from pathlib import Path

from synckit import ThreadServer, stations

from workbench.services.sla import sla_ticket


def test_both_replicas_store_the_winners_deadline_after_a_priority_conflict(
    tmp_path: Path, server: ThreadServer
) -> None:
    server.add_agent("Dana Smith", "dana@example.com", "manager")
    server.add_agent("Ravi Das", "ravi@example.com", "agent")
    with stations(tmp_path, server, 2) as (dana, ravi):
        dana.login("dana@example.com")
        ravi.login("ravi@example.com")
        customer = dana.wb.customers.create("Ana")
        ticket = dana.wb.tickets.create("Cannot sign in", customer.id, priority="normal")
        dana.sync()
        ravi.sync()
        ravi.wb.tickets.update(ticket.id, priority="high")
        ravi.sync()
        dana.clock.advance(60)  # Dana's clock is now a minute ahead of Ravi's
        dana.wb.tickets.update(ticket.id, priority="urgent")
        dana.sync()
        ravi.sync()
        theirs = dana.wb.tickets.get(ticket.id).ticket
        mine = ravi.wb.tickets.get(ticket.id).ticket
        assert theirs.priority == mine.priority == "urgent"
        assert theirs.next_due_at is not None
        assert mine.next_due_at == theirs.next_due_at
        # urgent's 15-minute first response, counted from creation
        assert theirs.next_due_at - ticket.created_at == 15 * 60_000


def test_the_replay_ends_at_the_tickets_current_priority_and_status() -> None:
    # the losing local edit (high, then pending) replays after the winning one
    rows = [(1_000, "priority_change", "normal", "urgent"),
            (2_000, "priority_change", "normal", "high"),
            (3_000, "status_change", "open", "pending")]
    replay = sla_ticket(0, "urgent", "open", rows)
    assert replay.events[-2].priority == "urgent" and replay.events[-2].at_ms == 3_000
    assert replay.events[-1].status == "open" and replay.events[-1].at_ms == 3_000
    assert sla_ticket(0, "high", "pending", rows).events == sla_ticket(0, "high", "pending",
                                                                       rows).events[:3]
