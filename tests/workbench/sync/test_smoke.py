"""First end-to-end: two workstations exchange a ticket through a real server."""

from __future__ import annotations

from pathlib import Path

from synckit import Station, ThreadServer, stations


def test_a_ticket_made_on_one_workstation_reaches_the_other(
    server: ThreadServer, tmp_path: Path
) -> None:
    server.add_agent("Dana Smith", "dana@example.com", "manager")
    server.add_agent("Ravi Das", "ravi@example.com", "agent")
    with stations(tmp_path, server, 2) as (a, b):
        a.login("dana@example.com")
        b.login("ravi@example.com")
        a.sync()
        b.sync()
        c = a.wb.customers.create("Ana Lima", "ana@example.org")
        t = a.wb.tickets.create("Cannot log in", c.id, body="help", priority="high")
        a.sync()
        b.sync()
        assert t.number is not None
        assert b.wb.tickets.get(t.id).ticket.subject == "Cannot log in"
        assert a.rows() == b.rows()
        assert isinstance(a, Station)
