"""Deletes are tombstones: a stale edit never revives a deleted record."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from synckit import ThreadServer, stations

from workbench.store.models import CustomerPreference, Tombstone
from workbench.sync.conflicts import list_conflicts


def test_a_stale_edit_does_not_revive_a_deleted_row(server: ThreadServer,
                                                    tmp_path: Path) -> None:
    server.add_agent("Dana Smith", "dana@example.com", "manager")
    server.add_agent("Ravi Das", "ravi@example.com", "agent")
    with stations(tmp_path, server, 2) as (dana, ravi):
        dana.login("dana@example.com")
        ravi.login("ravi@example.com")
        dana.sync()
        c = dana.wb.customers.create("Ana Lima")
        dana.wb.customers.set_preference(c.id, "channel", "phone")
        dana.sync()
        ravi.sync()
        with dana.wb.read() as s:
            pref_id = s.scalar(select(CustomerPreference.id))
        with dana.wb.write() as w:  # Dana deletes the preference...
            pref = w.session.get(CustomerPreference, pref_id)
            assert pref is not None
            w.delete(pref)
        dana.sync()
        ravi.clock.advance(60)  # ...Ravi, offline, edits it later in time
        ravi.wb.customers.set_preference(c.id, "channel", "e-mail")
        report = ravi.sync()
        assert report.rejected == 2  # the value and its updated_at
        with ravi.wb.read() as s:
            assert s.get(CustomerPreference, pref_id) is None
            assert s.get(Tombstone, ("customer_preferences", pref_id)) is not None
        assert any(c.code == "deleted" for c in list_conflicts(ravi.wb))
        dana.sync()
        assert dana.rows() == ravi.rows()
        assert "customer_preferences" not in server.rows()


def test_a_row_still_referred_to_cannot_be_deleted(server: ThreadServer,
                                                    tmp_path: Path) -> None:
    server.add_agent("Dana Smith", "dana@example.com", "manager")
    with stations(tmp_path, server, 1) as (dana,):
        dana.login("dana@example.com")
        dana.sync()
        c = dana.wb.customers.create("Ana Lima")
        dana.sync()
        from workbench.store.models import Customer

        dana.wb.tickets.create("Ticket", c.id)
        dana.sync()
        # a delete pushed while tickets refer to the customer is refused (in_use)
        with dana.wb.write() as w:
            cust = w.session.get(Customer, c.id)
            assert cust is not None
            from workbench.store.models import Ticket, TicketEvent

            for ev in w.session.scalars(select(TicketEvent)):
                w.session.delete(ev)
            for t in w.session.scalars(select(Ticket)):
                w.session.delete(t)
            w.session.flush()  # (bypassing the log: only the customer's delete is pushed)
            w.delete(cust)
        report = dana.sync()
        assert report.rejected == 1
        assert [c.code for c in list_conflicts(dana.wb)] == ["in_use"]
        assert c.id in server.rows()["customers"]
