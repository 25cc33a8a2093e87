"""Derived columns on a replica equal what the SLA service computes for the same ticket."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from synckit import ThreadServer, stations

from workbench.store.models import Ticket
from workbench.sync import sla
from workbench.sync.engine import EngineSettings


def test_bulk_and_per_ticket_derived_columns_agree(server: ThreadServer, tmp_path: Path) -> None:
    server.add_agent("Dana Smith", "dana@example.com", "manager")
    server.add_agent("Ravi Das", "ravi@example.com", "agent")
    big = EngineSettings(pull_page=500, push_batch=500, lease_size=100, lease_low_water=5)
    with stations(tmp_path, server, 2, settings=big) as (dana, ravi):
        dana.login("dana@example.com")
        ravi.login("ravi@example.com")
        dana.sync()
        c = dana.wb.customers.create("Ana Lima")
        statuses = ["open", "pending", "solved", None]
        for i in range(sla.BULK_FROM + 20):  # enough for the bulk path
            dana.clock.advance(600)  # so later tickets come after earlier solves
            t = dana.wb.tickets.create(f"T{i}", c.id, body="x",
                                       priority=["low", "normal", "high", "urgent"][i % 4])
            if statuses[i % 4]:
                dana.wb.tickets.update(t.id, status=statuses[i % 4])
        dana.sync()
        ravi.sync()
        # Every derived column: the deadline and the metric facts (repeat contacts too:
        # one customer, so each solved ticket has later tickets within 7 days).
        names = sorted(Ticket.__derived__)
        cols = (Ticket.id, *(getattr(Ticket, n) for n in names))
        with ravi.wb.read() as s:
            bulk = sorted(s.execute(select(*cols)).all())
        with ravi.wb.write() as w:  # the service's own computation, ticket by ticket
            for t in w.session.scalars(select(Ticket)):
                ravi.wb.sla.refresh_deadline(w, t)
        with ravi.wb.read() as s:
            exact = sorted(s.execute(select(*cols)).all())
        assert bulk == exact
        assert any(r[1 + names.index("next_due_at")] is not None for r in bulk)
        assert any(r[1 + names.index("repeat_contact")] for r in bulk)
        assert any(r[1 + names.index("sla_resolution")] is not None for r in bulk)
