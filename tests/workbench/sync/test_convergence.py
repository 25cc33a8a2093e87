"""Convergence and no silent loss: three workstations edit offline and sync in any order.

A hypothesis state machine drives random edits through the services (tickets, customers,
preferences) and the write path (customer notes, calls), with syncs interleaved at random.
At quiescence every replica and the server hold the same rows (derived columns aside), and
every change made anywhere is either on the server or visibly refused.
"""

from __future__ import annotations

import contextlib
import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import select
from synckit import Station, ThreadServer

from workbench.services.errors import ServiceError
from workbench.store.models import Call, Change, Conflict, Customer, CustomerNote, Ticket
from workbench.sync.restore import REJECTED
from workbench.sync.server.models import LogEntry

AGENTS = [("Dana Smith", "dana@example.com", "manager"), ("Ravi Das", "ravi@example.com",
                                                          "agent"),
          ("Mei Chen", "mei@example.com", "lead")]
WORDS = st.sampled_from(["alpha", "bravo", "charlie", "delta", "echo"])
_counter = itertools.count()


def _ids(st_: Station, model: Any) -> list[str]:
    with st_.wb.read() as s:
        return sorted(s.scalars(select(model.id)))


def converge(stations: list[Station], server: ThreadServer) -> None:
    for _ in range(3):
        for s in stations:
            s.sync()
    first = stations[0].rows()
    for other in stations[1:]:
        assert other.rows() == first
    srv = server.rows()
    assert {e: r for e, r in first.items() if r} == {e: r for e, r in srv.items() if r}


def make_machine(server: ThreadServer, tmp: Path) -> type[RuleBasedStateMachine]:
    class Team(RuleBasedStateMachine):
        @initialize()
        def setup(self) -> None:
            server.reset()
            for name, email, role in AGENTS:
                server.add_agent(name, email, role)
            run = next(_counter)
            self.stations = [Station(tmp / f"run{run}-ws{i}.sqlite3", server)
                             for i in range(3)]
            for station, (_, email, _) in zip(self.stations, AGENTS, strict=True):
                station.login(email)
                station.sync()
            # Shared records from the start, so that edits can collide.
            first = self.stations[0].wb
            for name in ("Ana Lima", "Bo Berg", "Cy Diaz"):
                c = first.customers.create(name)
                first.tickets.create(f"Question from {name}", c.id, body="hi")
            for station in self.stations:
                station.sync()
            self.ops: dict[str, tuple[str, str, str]] = {}  # local op id -> stamp, entity, row

        def teardown(self) -> None:
            try:
                if hasattr(self, "stations"):
                    converge(self.stations, server)
                    self._no_silent_loss()
            finally:
                for s in getattr(self, "stations", []):
                    s.close()

        def _no_silent_loss(self) -> None:
            with server.db.reader() as s:
                logged = set(s.scalars(select(LogEntry.op_id)))
            refused: set[str] = set()
            refused_rows: set[tuple[str, str]] = set()
            for station in self.stations:
                assert station.outbox() == []
                with station.wb.read() as s:
                    for c in s.scalars(select(Conflict)):
                        if (c.resolution or "").startswith(REJECTED):
                            refused.add(c.local_hlc)
                            refused_rows.add((c.entity, c.row_id))
            # A row removed whole (its insert lost a race) is one visible refusal for all
            # of its pending changes.
            lost = {op: where for op, (hlc, *where) in self.ops.items()
                    if op not in logged and hlc not in refused
                    and tuple(where) not in refused_rows}
            assert not lost

        @invariant()
        def remember_ops(self) -> None:
            for station in getattr(self, "stations", []):
                with station.wb.read() as s:
                    q = select(Change.op_id, Change.hlc, Change.entity, Change.row_id).where(
                        Change.remote.is_(False))
                    self.ops.update((o, (h, e, r)) for o, h, e, r in s.execute(q))

        def _pick(self, data: st.DataObject, model: Any, i: int) -> str | None:
            ids = _ids(self.stations[i], model)
            return data.draw(st.sampled_from(ids)) if ids else None

        @rule(i=st.integers(0, 2), name=WORDS)
        def create_customer(self, i: int, name: str) -> None:
            self.stations[i].wb.customers.create(f"Customer {name}")

        @rule(i=st.integers(0, 2), data=st.data(), plan=st.sampled_from(["free", "premium"]),
              lang=st.sampled_from(["en", "de", "fr"]))
        def update_customer(self, i: int, data: st.DataObject, plan: str, lang: str) -> None:
            cid = self._pick(data, Customer, i)
            if cid:
                self.stations[i].wb.customers.update(cid, plan=plan, language=lang)

        @rule(i=st.integers(0, 2), data=st.data(), key=st.sampled_from(["channel", "hours"]),
              value=WORDS)
        def set_preference(self, i: int, data: st.DataObject, key: str, value: str) -> None:
            cid = self._pick(data, Customer, i)
            if cid:
                self.stations[i].wb.customers.set_preference(cid, key, value)

        @rule(i=st.integers(0, 2), data=st.data(), subject=WORDS,
              priority=st.sampled_from(["low", "normal", "high", "urgent"]))
        def create_ticket(self, i: int, data: st.DataObject, subject: str, priority: str) -> None:
            cid = self._pick(data, Customer, i)
            if cid:
                self.stations[i].wb.tickets.create(f"About {subject}", cid, body="hello",
                                                   priority=priority)

        @rule(i=st.integers(0, 2), data=st.data(),
              status=st.sampled_from(["open", "pending", "solved", None]),
              priority=st.sampled_from(["low", "high", "urgent", None]),
              tags=st.sampled_from([None, ["vip"], ["billing", "vip"]]))
        def update_ticket(self, i: int, data: st.DataObject, status: str | None,
                          priority: str | None, tags: list[str] | None) -> None:
            tid = self._pick(data, Ticket, i)
            if tid:
                with contextlib.suppress(ServiceError):  # a closed ticket refuses changes
                    self.stations[i].wb.tickets.update(tid, status=status, priority=priority,
                                                       tags=tags)

        @rule(i=st.integers(0, 2), data=st.data(), body=WORDS, public=st.booleans())
        def post(self, i: int, data: st.DataObject, body: str, public: bool) -> None:
            tid = self._pick(data, Ticket, i)
            if tid:
                wb = self.stations[i].wb
                with contextlib.suppress(ServiceError):
                    (wb.tickets.reply if public else wb.tickets.note)(tid, body)

        @rule(i=st.integers(0, 2), data=st.data(), body=WORDS)
        def write_note(self, i: int, data: st.DataObject, body: str) -> None:
            cid = self._pick(data, Customer, i)
            wb = self.stations[i].wb
            if cid:
                with wb.write() as w:
                    w.insert(CustomerNote(customer_id=cid, author_id=wb.actor_id, body=body,
                                          created_at=w.now_ms, updated_at=w.now_ms))

        @rule(i=st.integers(0, 2), data=st.data(), body=WORDS)
        def edit_note(self, i: int, data: st.DataObject, body: str) -> None:
            """Any note, even a colleague's: the server refuses those, visibly."""
            nid = self._pick(data, CustomerNote, i)
            wb = self.stations[i].wb
            if nid:
                with wb.write() as w:
                    note = w.session.get(CustomerNote, nid)
                    assert note is not None
                    w.update(note, body=f"{note.body} {body}", updated_at=w.now_ms)

        @rule(i=st.integers(0, 2), data=st.data(), seconds=st.integers(10, 900))
        def log_call(self, i: int, data: st.DataObject, seconds: int) -> None:
            cid = self._pick(data, Customer, i)
            wb = self.stations[i].wb
            if cid:
                with wb.write() as w:
                    w.insert(Call(customer_id=cid, agent_id=wb.actor_id, direction="inbound",
                                  started_at=w.now_ms, duration_s=seconds, hold_s=seconds // 10,
                                  outcome="resolved", created_at=w.now_ms))

        @rule(i=st.integers(0, 2), data=st.data(), hold=st.integers(0, 60))
        def edit_call(self, i: int, data: st.DataObject, hold: int) -> None:
            cid = self._pick(data, Call, i)
            wb = self.stations[i].wb
            if cid:
                with wb.write() as w:
                    call = w.session.get(Call, cid)
                    assert call is not None
                    w.update(call, hold_s=hold)

        @rule(i=st.integers(0, 2))
        def sync(self, i: int) -> None:
            self.stations[i].sync()

        @rule(i=st.integers(0, 2), seconds=st.integers(1, 3600))
        def time_passes(self, i: int, seconds: int) -> None:
            self.stations[i].clock.advance(seconds)

    return Team


@pytest.mark.slow
def test_three_workstations_converge_whatever_the_order(
    server: ThreadServer, tmp_path: Path
) -> None:
    from hypothesis.stateful import run_state_machine_as_test

    machine = make_machine(server, tmp_path)
    run_state_machine_as_test(machine, settings=settings(
        max_examples=6, stateful_step_count=30, deadline=None, derandomize=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]))
