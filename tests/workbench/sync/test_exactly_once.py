"""Exactly once: the same push delivered several times, in any order, changes nothing more."""

from __future__ import annotations

import random
from pathlib import Path

import httpx
import pytest
from synckit import ThreadServer, stations

from workbench.sync.outbox import next_batch, to_wire


@pytest.mark.parametrize("seed", [1, 2])
def test_replayed_and_reordered_pushes_give_the_same_server_state(
    server: ThreadServer, tmp_path: Path, seed: int
) -> None:
    server.add_agent("Dana Smith", "dana@example.com", "manager")
    rng = random.Random(seed)
    with stations(tmp_path, server, 1) as (a,):
        a.login("dana@example.com")
        a.sync()
        c = a.wb.customers.create("Ana Lima")
        t = a.wb.tickets.create("Broken", c.id, body="x")
        a.wb.tickets.update(t.id, priority="urgent")
        a.wb.customers.update(c.id, plan="premium")
        with a.wb.read() as s:
            wire = to_wire(s, next_batch(s, 100))
        batches = [wire[:3], wire[3:]]
        token = a.tokens.get()
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=server.url + "/api/v1", headers=headers) as http:
            # batch 2 before batch 1 is out of order: refused whole, nothing applied
            r = http.post("/sync/push", json={"batch_seq": 2, "changes": batches[1]})
            assert r.status_code == 409 and r.json()["detail"]["expected"] == 1
            assert server.rows().get("tickets") is None
            for seq, batch in ((1, batches[0]), (2, batches[1])):
                for _ in range(rng.randint(1, 5)):
                    body = batch[:]
                    rng.shuffle(body) if seq == 2 else None
                    r = http.post("/sync/push", json={"batch_seq": seq, "changes": body})
                    assert r.status_code == 200, r.text
                    assert all(x["status"] in ("applied", "duplicate")
                               for x in r.json()["results"])
            first_state = server.rows()
            # every batch again, shuffled together, as replays
            everything = wire[:]
            rng.shuffle(everything)
            r = http.post("/sync/push", json={"batch_seq": 1, "changes": everything})
            assert r.json()["replayed"] is True
            assert {x["status"] for x in r.json()["results"]} == {"duplicate"}
        assert server.rows() == first_state
        with server.db.reader() as s:
            from sqlalchemy import func, select

            from workbench.sync.server.models import LogEntry

            assert s.scalar(select(func.count()).select_from(LogEntry)) == len(wire) + 1
        a.sync()  # the workstation's own sync sees them all as already there
        assert a.outbox() == []
        assert a.rows() == {k: v for k, v in server.rows().items()} | {
            k: {} for k in a.rows() if k not in server.rows()}
