"""Concurrent edits of one field: the loser sees a conflict and can keep theirs or use mine."""

from __future__ import annotations

from pathlib import Path

import pytest
from synckit import ThreadServer, stations

from workbench.services.errors import NotFound, ValidationError
from workbench.store.changelog import ChangeSet
from workbench.sync.conflicts import ENTITY, keep_theirs, list_conflicts, open_count, use_mine


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


def test_conflicts_are_listed_per_record_named_and_settling_one_is_announced(
    server: ThreadServer, tmp_path: Path
) -> None:
    server.add_agent("Dana Smith", "dana@example.com", "manager")
    server.add_agent("Ravi Das", "ravi@example.com", "agent")
    with stations(tmp_path, server, 2) as (dana, ravi):
        dana.login("dana@example.com")
        ravi.login("ravi@example.com")
        c = dana.wb.customers.create("Ana Lima")
        t = dana.wb.tickets.create("Printer on fire", c.id, priority="normal")
        dana.sync()
        ravi.sync()
        ravi.wb.tickets.update(t.id, priority="high", assignee_id=ravi.wb.actor_id)
        ravi.wb.customers.update(c.id, plan="premium")
        ravi.sync()
        dana.clock.advance(2)
        dana.wb.tickets.update(t.id, priority="urgent", assignee_id=dana.wb.actor_id)
        dana.wb.customers.update(c.id, plan="enterprise")
        dana.sync()
        ravi.sync()
        on_ticket = list_conflicts(ravi.wb, entity="tickets", row_id=t.id)
        assert {x.field for x in on_ticket} == {"priority", "assignee_id"}
        number = ravi.wb.tickets.get(t.id).ticket.number
        assert {x.record for x in on_ticket} == {f"#{number} Printer on fire"}
        assignee = next(x for x in on_ticket if x.field == "assignee_id")
        assert (assignee.local_text, assignee.remote_text) == ("Ravi Das", "Dana Smith")
        (on_customer,) = list_conflicts(ravi.wb, entity="customers", row_id=c.id)
        assert on_customer.record == "Ana Lima" and on_customer.can_use_mine
        assert open_count(ravi.wb) == 3

        heard: list[ChangeSet] = []
        ravi.wb.subscribe(heard.append)
        keep_theirs(ravi.wb, on_customer.id)
        assert heard[-1].touches(ENTITY) and not heard[-1].touches("customers")
        keep_theirs(ravi.wb, on_customer.id)  # settling twice changes nothing
        with pytest.raises(ValidationError, match="already settled"):
            use_mine(ravi.wb, on_customer.id)
        with pytest.raises(NotFound):
            keep_theirs(ravi.wb, "no-such-conflict")
        use_mine(ravi.wb, assignee.id)
        assert heard[-1].touches(ENTITY) and heard[-1].touches("tickets")
        assert open_count(ravi.wb) == 1
        assert ravi.wb.customers.get(c.id).plan == "enterprise"
