"""Authentication and authorization: bad tokens are 401s, role violations 403s per change."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import update
from synckit import PASSWORD, ThreadServer, stations

from workbench.domain.hlc import Stamp
from workbench.domain.ids import uuid7
from workbench.store.models import CustomerNote, SlaCalendar
from workbench.sync.server.models import Token


def _login(server: ThreadServer, user: str, device: str) -> str:
    r = httpx.post(f"{server.url}/api/v1/auth/login",
                   json={"user": user, "password": PASSWORD, "device_id": device})
    assert r.status_code == 200, r.text
    token: str = r.json()["token"]
    return token


def _change(device: str, entity: str, row_id: str, kind: str, fields: dict[str, Any]
            ) -> dict[str, Any]:
    now = int(time.time() * 1000)
    return {"op_id": uuid7(), "node": device, "entity": entity, "row_id": row_id,
            "kind": kind, "fields": fields, "hlc": Stamp(now, 0, device).encode()}


def test_no_expired_or_revoked_token_is_401(server: ThreadServer) -> None:
    server.add_agent("Ravi Das", "ravi@example.com")
    device = uuid7()
    with httpx.Client(base_url=f"{server.url}/api/v1") as http:
        assert http.get("/sync/pull").status_code == 401
        assert http.get("/sync/pull", headers={"Authorization": "Bearer nope"}).status_code == 401
        r = http.post("/auth/login", json={"user": "ravi@example.com", "password": "wrong-pass",
                                           "device_id": device})
        assert r.status_code == 401 and "server_time_ms" in r.json()
        token = _login(server, "ravi@example.com", device)
        auth = {"Authorization": f"Bearer {token}"}
        ok = http.get("/sync/pull", headers=auth)
        assert ok.status_code == 200 and int(ok.headers["X-Server-Time-Ms"]) > 0
        with server.db.writer() as s:
            s.execute(update(Token).values(expires_at=1))
        assert http.get("/sync/pull", headers=auth).status_code == 401
        token = _login(server, "ravi@example.com", device)
        auth = {"Authorization": f"Bearer {token}"}
        assert http.post("/auth/logout", headers=auth).status_code == 200
        assert http.get("/sync/pull", headers=auth).status_code == 401
        token = _login(server, "ravi@example.com", device)
        with server.db.writer() as s:
            from workbench.sync.server import accounts

            accounts.disable(s, "ravi@example.com", int(time.time() * 1000))
        r = http.get("/sync/pull", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401
        assert token not in r.text


def test_role_violations_are_refused_per_change_and_the_rest_applies(
    server: ThreadServer,
) -> None:
    manager = server.add_agent("Dana Smith", "dana@example.com", "manager")
    ravi = server.add_agent("Ravi Das", "ravi@example.com", "agent")
    device = uuid7()
    token = _login(server, "ravi@example.com", device)
    cal = uuid7()
    note = uuid7()
    cust = uuid7()
    now = int(time.time() * 1000)
    changes = [
        _change(device, "sla_calendars", cal, "insert", {
            "id": cal, "name": "24/7", "definition": {}, "updated_at": now}),
        _change(device, "agents", ravi, "update", {"role": "manager"}),
        _change(device, "agents", manager, "update", {"name": "Someone else"}),
        _change(device, "customers", cust, "insert", {
            "id": cust, "name": "Ana", "email": None, "phone": None, "organisation": None,
            "plan": "free", "time_zone": "UTC", "language": "en", "owner_id": None,
            "tags": [], "active_since": now, "churned_at": None, "created_at": now,
            "updated_at": now}),
        _change(device, "customer_notes", note, "insert", {
            "id": note, "customer_id": cust, "author_id": manager, "body": "as Dana",
            "created_at": now, "updated_at": now}),
        _change(device, "agents", ravi, "update", {"name": "Ravi D."}),
    ]
    with httpx.Client(base_url=f"{server.url}/api/v1",
                      headers={"Authorization": f"Bearer {token}"}) as http:
        r = http.post("/sync/push", json={"batch_seq": 1, "changes": changes})
        assert r.status_code == 200, r.text
        results = r.json()["results"]
    statuses = [(x["status"], x.get("http_status")) for x in results]
    assert statuses == [("rejected", 403), ("rejected", 403), ("rejected", 403),
                        ("applied", None), ("rejected", 403), ("applied", None)]
    assert all(x["reason"] for x in results if x["status"] == "rejected")
    rows = server.rows()
    assert "sla_calendars" not in rows and "customer_notes" not in rows
    assert rows["agents"][ravi]["role"] == "agent" and rows["agents"][ravi]["name"] == "Ravi D."
    assert rows["agents"][manager]["name"] == "Dana Smith"


def test_a_refused_change_is_undone_locally_and_shown(server: ThreadServer,
                                                      tmp_path: Path) -> None:
    server.add_agent("Dana Smith", "dana@example.com", "manager")
    server.add_agent("Ravi Das", "ravi@example.com", "agent")
    with stations(tmp_path, server, 2) as (dana, ravi):
        dana.login("dana@example.com")
        ravi.login("ravi@example.com")
        dana.sync()
        c = dana.wb.customers.create("Ana Lima")
        with dana.wb.write() as w:
            n = w.insert(CustomerNote(customer_id=c.id, author_id=dana.wb.actor_id, body="mine",
                                      created_at=w.now_ms, updated_at=w.now_ms))
        dana.sync()
        ravi.sync()
        with ravi.wb.write() as w:
            note = w.session.get(CustomerNote, n.id)
            assert note is not None
            w.update(note, body="Ravi was here")
            w.insert(SlaCalendar(name="Ravi's hours", definition={}, updated_at=w.now_ms))
        report = ravi.sync()
        assert report.rejected == 2
        with ravi.wb.read() as s:
            assert s.get(CustomerNote, n.id).body == "mine"  # type: ignore[union-attr]
            assert s.query(SlaCalendar).count() == 0
        refused = [c for c in ravi.conflicts() if c.resolution]
        assert {c.resolution for c in refused} == {"rej:not_author", "rej:forbidden"}
        from workbench.sync.conflicts import list_conflicts

        messages = [c.message for c in list_conflicts(ravi.wb)]
        assert any("only the author" in m for m in messages)
        dana.sync()
        assert dana.rows() == ravi.rows()


def test_an_account_for_an_agent_added_in_the_app_signs_in_as_that_agent(
    server: ThreadServer, tmp_path: Path
) -> None:
    server.add_agent("Dana Smith", "dana@example.com", "manager")
    with stations(tmp_path, server, 1) as (dana,):
        dana.login("dana@example.com")
        dana.sync()
        mei = dana.wb.agents.create("Mei Chen", "mei@example.com", "agent")
        dana.sync()
        assert server.add_agent("Mei Chen", "mei@example.com", "lead") == mei.id
        dana.sync()
        assert dana.wb.agents.get("mei@example.com").role == "lead"
        assert len(server.rows()["agents"]) == 2
