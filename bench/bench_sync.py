"""Sync benchmark on loopback PostgreSQL: prints JSON, writes bench/results/bench_sync.json.

Figures: push + pull of N changes (default 100,000) beside a raw psycopg ``executemany`` of
the same rows, a 10-change incremental round trip, and a snapshot bootstrap of the dataset.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
import uvicorn
from sqlalchemy import select

from workbench.domain.clock import SystemClock
from workbench.domain.ids import uuid7
from workbench.services.context import Workbench
from workbench.store.db import Database
from workbench.store.models import Change, Customer, Ticket, TicketEvent
from workbench.sync.credentials import MemoryTokenStore
from workbench.sync.engine import EngineSettings, SyncEngine
from workbench.sync.server import accounts
from workbench.sync.server.app import create_app
from workbench.sync.server.core.config import Settings
from workbench.sync.server.core.db import ServerDatabase

PG = "host=127.0.0.1 port=5432 user=postgres dbname=test"
N = int(os.environ.get("BENCH_SYNC_CHANGES", "100000"))
PASSWORD = "bench-password-1"


def _server(schema: str) -> tuple[uvicorn.Server, ServerDatabase, str]:
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
    db = ServerDatabase(url)
    db.upgrade()
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(db_url=url), db=db),
                                           host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return server, db, f"http://127.0.0.1:{port}"


def _station(tmp: Path, name: str, url: str, email: str, **kw: Any) -> SyncEngine:
    wb = Workbench(Database(tmp / f"{name}.sqlite3"), clock=SystemClock())
    engine = SyncEngine(wb, MemoryTokenStore(), EngineSettings(**kw))
    agent = engine.sign_in(url, email, PASSWORD)
    wb.actor_id = agent.id
    return engine


def _fill(engine: SyncEngine, n: int) -> int:
    """n changes through the write path's bulk insert: customers, tickets, their events."""
    wb = engine.wb
    assert engine.server_url is not None
    from workbench.sync.transport import ServerApi

    api = ServerApi(engine.server_url, engine.tokens(engine.server_url).get())
    per = n // 5
    numbers: list[int] = []
    while len(numbers) < 2 * per:
        lease = api.lease(10_000)
        numbers += range(lease.first, lease.last + 1)
    api.close()
    now = wb.now_ms()
    customers = [{"id": uuid7(now), "name": f"Customer {i}", "email": None, "phone": None,
                  "organisation": None, "plan": "standard", "time_zone": "UTC",
                  "language": "en", "owner_id": None, "tags": [], "active_since": now,
                  "churned_at": None, "created_at": now, "updated_at": now}
                 for i in range(per)]
    tickets = [{"id": uuid7(now), "number": numbers[i], "subject": f"Ticket {i}",
                "status": "open", "priority": "normal", "channel": "email",
                "customer_id": customers[i % per]["id"], "assignee_id": None, "team_id": None,
                "tags": ["bench"], "created_at": now, "updated_at": now,
                "first_response_at": None, "solved_at": None, "reopen_count": 0}
               for i in range(2 * per)]
    events = [{"id": uuid7(now), "ticket_id": tickets[i]["id"], "kind": "customer_message",
               "author_id": None, "body": "Hello, it does not work.", "old_value": None,
               "new_value": None, "created_at": now} for i in range(n - 3 * per)]
    events = [e | {"ticket_id": tickets[i % len(tickets)]["id"]} for i, e in enumerate(events)]
    with wb.write() as w:
        w.bulk_insert(Customer, customers)
        # As in real use, a ticket's first message follows it closely in the log.
        step = 500
        for i in range(0, len(tickets), step):
            w.bulk_insert(Ticket, tickets[i:i + step])
            w.bulk_insert(TicketEvent, events[i:i + step])
    return len(customers) + len(tickets) + len(events)


def _raw_executemany(rows: list[tuple[Any, ...]]) -> float:
    with psycopg.connect(PG) as conn:
        conn.execute("CREATE TEMP TABLE raw_log (seq bigint primary key, op_id varchar(36) "
                     "unique, node varchar(36), entity varchar(64), row_id varchar(36), "
                     "kind varchar(8), fields json, hlc varchar(64), actor_id varchar(36), "
                     "received_at bigint)")
        started = time.perf_counter()
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO raw_log VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)", rows)
        conn.commit()
        return time.perf_counter() - started


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    schema = f"bench_sync_{uuid.uuid4().hex[:8]}"
    server, db, url = _server(schema)
    try:
        with db.writer() as s:
            now = int(time.time() * 1000)
            accounts.add_agent(s, "Dana Smith", "dana@example.com", "manager", PASSWORD, now)
            accounts.add_agent(s, "Ravi Das", "ravi@example.com", "agent", PASSWORD, now)
        big = dict(push_batch=5000, pull_page=5000, snapshot_page=5000)
        a = _station(tmp, "a", url, "dana@example.com", snapshot_threshold=10**12, **big)
        b = _station(tmp, "b", url, "ravi@example.com", snapshot_threshold=10**12, **big)
        assert a.sync_once().ok and b.sync_once().ok
        made = _fill(a, N)
        t0 = time.perf_counter()
        push = a.sync_once()
        t1 = time.perf_counter()
        pull = b.sync_once()
        t2 = time.perf_counter()
        assert push.ok and pull.ok, (push.error, pull.error)
        with a.wb.read() as s:
            rows = [(i + 1, c.op_id, c.node, c.entity, c.row_id, c.kind, json.dumps(c.fields),
                     c.hlc, c.actor_id, now) for i, c in enumerate(
                         s.scalars(select(Change).where(Change.remote.is_(False))))]
        raw = _raw_executemany(rows)
        trips = []
        customer = a.wb.customers.create("Incremental")
        a.sync_once()
        b.sync_once()
        for k in range(7):
            for j in range(10):
                a.wb.customers.update(customer.id, name=f"Incremental {k}-{j}")
            t = time.perf_counter()
            r1 = a.sync_once()
            r2 = b.sync_once()
            trips.append(time.perf_counter() - t)
            assert r1.ok and r2.ok, (r1, r2)
            assert r2.pulled >= 10, (r1, r2)
        c = _station(tmp, "c", url, "dana@example.com", snapshot_threshold=0, **big)
        t = time.perf_counter()
        boot = c.sync_once()
        boot_s = time.perf_counter() - t
        assert boot.ok, boot.error
        total = t2 - t0
        result = {
            "backend": "postgresql (loopback)",
            "changes": made,
            "push_s": round(t1 - t0, 2),
            "pull_s": round(t2 - t1, 2),
            "push_plus_pull_s": round(total, 2),
            "raw_executemany_s": round(raw, 2),
            "ratio_to_raw": round(total / raw, 2),
            "incremental_10_changes_round_trip_ms": round(statistics.median(trips) * 1000, 1),
            "incremental_worst_ms": round(max(trips) * 1000, 1),
            "bootstrap_rows": boot.snapshot_rows,
            "bootstrap_s": round(boot_s, 2),
            "bootstrap_rows_per_s": round(boot.snapshot_rows / boot_s),
            "load_average_1min_at_end": round(os.getloadavg()[0], 2),
            "cpus": os.cpu_count(),
            "targets": {"push_plus_pull_s": 20, "ratio_to_raw": 3,
                        "incremental_round_trip_ms": 150},
        }
        for e in (a, b, c):
            e.wb.close()
    finally:
        server.should_exit = True
        db.dispose()
        with psycopg.connect(PG, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    print(json.dumps(result, indent=2))
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "bench_sync.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
