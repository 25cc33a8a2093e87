"""Concurrent edits of one field: the loser sees a conflict and can keep theirs or use mine."""

from __future__ import annotations

from pathlib import Path

from synckit import ThreadServer, stations

from workbench.sync.conflicts import keep_theirs, list_conflicts, use_mine


def test_a_lost_edit_becomes_a_conflict_that_can_be_settled_either_way(
    server: ThreadServer, tmp_path: Path
) -> None:
    server.add_agent("Dana Smith", "dana@example.com", "manager")
    server.add_agent("Ravi Das", "ravi@example.com", "agent")
    with stations(tmp_path, server, 2) as (dana, ravi):
        dana.login("dana@example.com")
        ravi.login("ravi@example.com")
        dana.sync()
        c = dana.wb.customers.create("Ana Lima")
        t = dana.wb.tickets.create("Printer on fire", c.id, priority="normal")
        t2 = dana.wb.tickets.create("Second", c.id)
        dana.sync()
        ravi.sync()
        # both offline: Ravi first, Dana a little later (her stamp wins)
        ravi.wb.tickets.update(t.id, priority="high")
        ravi.wb.tickets.update(t2.id, subject="Second, renamed")
        ravi.sync()
        dana.clock.advance(2)
        dana.wb.tickets.update(t.id, priority="urgent")
        dana.wb.tickets.update(t2.id, subject="Second (Dana)")
        dana.sync()
        report = ravi.sync()
        assert report.conflicts == 2
        found = {c.field: c for c in list_conflicts(ravi.wb) if not c.refused}
        assert set(found) == {"priority", "subject"}
        prio = found["priority"]
        assert (prio.local_value, prio.remote_value) == ("high", "urgent")
        assert prio.remote_actor_name == "Dana Smith"
        assert "your priority high was replaced by Dana Smith's urgent at" in prio.message
        assert ravi.wb.tickets.get(t.id).ticket.priority == "urgent"
        # Dana's own side saw no conflict: Ravi's change had not been seen, but it lost
        assert not [c for c in list_conflicts(dana.wb) if c.field == "priority"]

        keep_theirs(ravi.wb, prio.id)
        use_mine(ravi.wb, found["subject"].id)
        assert list_conflicts(ravi.wb) == []
        ravi.sync()
        dana.sync()
        assert dana.wb.tickets.get(t2.id).ticket.subject == "Second, renamed"
        assert dana.wb.tickets.get(t.id).ticket.priority == "urgent"
        assert dana.rows() == ravi.rows()


def test_causal_overwrites_are_not_conflicts(server: ThreadServer, tmp_path: Path) -> None:
    server.add_agent("Dana Smith", "dana@example.com", "manager")
    server.add_agent("Ravi Das", "ravi@example.com", "agent")
    with stations(tmp_path, server, 2) as (dana, ravi):
        dana.login("dana@example.com")
        ravi.login("ravi@example.com")
        dana.sync()
        c = dana.wb.customers.create("Ana Lima")
        dana.wb.customers.update(c.id, plan="premium")
        dana.sync()
        ravi.sync()
        ravi.wb.customers.update(c.id, plan="free")  # Ravi saw "premium" and changed it
        ravi.sync()
        assert dana.sync().conflicts == 0
        assert dana.wb.customers.get(c.id).plan == "free"
