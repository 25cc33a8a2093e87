"""Malformed payloads get a 4xx and change nothing; the schema fuzzer finds no 5xx."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from synckit import PASSWORD, ThreadServer

from workbench.domain.hlc import Stamp
from workbench.domain.ids import uuid7

BAD_BODIES: list[Any] = [
    None, "garbage", [], {}, {"batch_seq": 0, "changes": []},
    {"batch_seq": 1, "changes": "x"},
    {"batch_seq": 1, "changes": [{"op_id": "x"}]},
    {"batch_seq": 1, "changes": [], "extra": 1},
    {"batch_seq": 1, "changes": [{"op_id": "a" * 99, "node": "n", "entity": "tickets",
                                  "row_id": "r", "kind": "insert", "fields": {},
                                  "hlc": "0000000000001-0000-n"}]},
    {"batch_seq": 1, "changes": [{"op_id": "o", "node": "n", "entity": "tickets",
                                  "row_id": "r", "kind": "upsert", "fields": {},
                                  "hlc": "0000000000001-0000-n"}]},
]


@pytest.fixture
def auth(server: ThreadServer) -> tuple[str, dict[str, str]]:
    server.add_agent("Dana Smith", "dana@example.com", "manager")
    device = uuid7()
    r = httpx.post(f"{server.url}/api/v1/auth/login",
                   json={"user": "dana@example.com", "password": PASSWORD, "device_id": device})
    return device, {"Authorization": f"Bearer {r.json()['token']}"}


def test_malformed_pushes_are_4xx_and_apply_nothing(
    server: ThreadServer, auth: tuple[str, dict[str, str]]
) -> None:
    _, headers = auth
    before = server.rows()
    with httpx.Client(base_url=f"{server.url}/api/v1", headers=headers) as http:
        for body in BAD_BODIES:
            r = http.post("/sync/push", json=body)
            assert 400 <= r.status_code < 500, (body, r.status_code)
            assert "server_time_ms" in r.json()
        r = http.post("/sync/push", content=b"{not json", headers={
            "Content-Type": "application/json"})
        assert r.status_code == 422
        for params in ({"after": -1}, {"after": "x"}, {"limit": 0}, {"limit": 10**9}):
            assert http.get("/sync/pull", params=params).status_code == 422
        assert http.get("/sync/snapshot", params={"entity": "nope"}).status_code == 422
        assert http.post("/numbers/lease", json={"count": -5}).status_code == 422
    assert server.rows() == before


def test_semantically_bad_changes_are_refused_one_by_one(
    server: ThreadServer, auth: tuple[str, dict[str, str]]
) -> None:
    device, headers = auth
    now = int(time.time() * 1000)
    stamp = Stamp(now, 0, device).encode()
    future = Stamp(now + 24 * 3600 * 1000, 0, device).encode()
    rid = uuid7()

    def change(**kw: Any) -> dict[str, Any]:
        base = {"op_id": uuid7(), "node": device, "entity": "teams", "row_id": rid,
                "kind": "insert", "hlc": stamp,
                "fields": {"id": rid, "name": "Team", "time_zone": "UTC", "created_at": now}}
        return base | kw

    bad = [
        change(entity="no_such_table"),
        change(fields={"id": rid, "name": 5, "time_zone": "UTC", "created_at": now}),
        change(fields={"id": rid, "name": "x" * 999, "time_zone": "UTC", "created_at": now}),
        change(fields={"id": rid, "name": "T", "created_at": now, "secret": 1}),
        change(fields={"id": rid}),
        change(node=uuid7()),
        change(hlc=future),
        change(kind="update", fields={"name": "T2"}),
        change(kind="delete", fields={}),
        change(entity="ticket_events", kind="update", fields={"body": "x"}),
    ]
    with httpx.Client(base_url=f"{server.url}/api/v1", headers=headers) as http:
        r = http.post("/sync/push", json={"batch_seq": 1, "changes": bad})
    assert r.status_code == 200
    codes = [x.get("code") for x in r.json()["results"]]
    assert codes == ["invalid", "invalid", "invalid", "invalid", "invalid", "invalid",
                     "clock", "missing", "missing", "append_only"]
    assert server.rows().get("teams") is None


@pytest.mark.slow
def test_schemathesis_finds_no_server_error(server: ThreadServer,
                                            auth: tuple[str, dict[str, str]]) -> None:
    """Generated requests for every operation of the OpenAPI schema: never a 5xx."""
    schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")
    from hypothesis import HealthCheck, given, settings

    _, headers = auth
    schema = schemathesis.openapi.from_url(f"{server.url}/api/v1/openapi.json")
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)
        def call(case: Any) -> None:
            response = case.call(base_url=f"{server.url}/api/v1", headers=headers)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.path}: {response.status_code}")

        call()
    assert not failures
