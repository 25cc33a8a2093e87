"""Sync benchmark on loopback PostgreSQL: prints JSON, writes bench/results/bench_sync.json.

Figures: push + pull of N changes (default 100,000) beside a raw psycopg ``executemany`` of
the same rows, split by phase (push: workstation / server; pull: server feed, page apply,
derived-column refresh) with wall and CPU seconds; a 10-change incremental round trip; and
a snapshot bootstrap of the dataset, interrupted once and resumed, with its rate
extrapolated to a 1M-ticket team (set BENCH_SYNC_CHANGES=1000000 to measure one instead).

The server runs in this process (uvicorn in a thread), so its share is timed by wrapping
its entry points: wall time and the server thread's own CPU time.
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
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
import uvicorn
from sqlalchemy import select

from workbench.domain.clock import SystemClock
from workbench.domain.ids import uuid7
from workbench.services.context import Workbench
from workbench.store.db import Database
from workbench.store.models import Change, Customer, Ticket, TicketEvent
from workbench.sync import engine as engine_module
from workbench.sync import schema as sync_schema
from workbench.sync.credentials import MemoryTokenStore
from workbench.sync.engine import EngineSettings, SyncEngine
from workbench.sync.server import accounts, feed
from workbench.sync.server.api.routes import sync as sync_routes
from workbench.sync.server.app import create_app
from workbench.sync.server.core.config import Settings
from workbench.sync.server.core.db import ServerDatabase

PG = "host=127.0.0.1 port=5432 user=postgres dbname=test"
N = int(os.environ.get("BENCH_SYNC_CHANGES", "100000"))
PASSWORD = "bench-password-1"

# phase -> [wall s, cpu s of the thread that ran it]
SPENT: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])


@contextmanager
def _timed(phase: str) -> Iterator[None]:
    wall, cpu = time.perf_counter(), time.thread_time()
    try:
        yield
    finally:
        SPENT[phase][0] += time.perf_counter() - wall
        SPENT[phase][1] += time.thread_time() - cpu


def _wrap(phase: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        with _timed(phase):
            return fn(*args, **kwargs)
    return timed


def _instrument(db: ServerDatabase) -> None:
    """Time the server's push transaction and pull feed, the workstation's page apply
    and derived-column refresh (the apply's figure includes the refresh)."""
    writer = db.writer

    @contextmanager
    def timed_writer() -> Iterator[Any]:
        with _timed("server_write_txn"), writer() as s:
            yield s

    db.writer = timed_writer  # type: ignore[method-assign]
    feed.pull = _wrap("server_pull_feed", feed.pull)  # type: ignore[assignment]
    sync_routes.push_batch = _wrap("server_push_apply", sync_routes.push_batch)
    engine_module.refresh_tickets = _wrap("client_derived_refresh",
                                          engine_module.refresh_tickets)
    SyncEngine._apply_page = _wrap("client_apply_page",  # type: ignore[method-assign]
                                   SyncEngine._apply_page)


def _snapshot() -> dict[str, list[float]]:
    return {k: list(v) for k, v in SPENT.items()}


def _delta(before: dict[str, list[float]], key: str) -> tuple[float, float]:
    now, then = SPENT.get(key, [0.0, 0.0]), before.get(key, [0.0, 0.0])
    return now[0] - then[0], now[1] - then[1]


class FailAfter(httpx.HTTPTransport):
    """A transport that breaks the connection after *n* snapshot pages (an interruption)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.left = n

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/sync/snapshot"):
            if self.left == 0:
                self.left = -1  # once: the next sync resumes
                raise httpx.ConnectError("interrupted by the benchmark")
            self.left -= 1
        return super().handle_request(request)


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


def _station(tmp: Path, name: str, url: str, email: str,
             transport: httpx.BaseTransport | None = None, **kw: Any) -> SyncEngine:
    wb = Workbench(Database(tmp / f"{name}.sqlite3"), clock=SystemClock())
    engine = SyncEngine(wb, MemoryTokenStore(), EngineSettings(**kw), transport=transport)
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
        big: dict[str, Any] = dict(push_batch=5000, pull_page=5000, snapshot_page=5000)
        a = _station(tmp, "a", url, "dana@example.com", snapshot_threshold=10**12, **big)
        b = _station(tmp, "b", url, "ravi@example.com", snapshot_threshold=10**12, **big)
        assert a.sync_once().ok and b.sync_once().ok
        made = _fill(a, N)
        _instrument(db)
        s0, c0 = _snapshot(), time.process_time()
        t0 = time.perf_counter()
        push = a.sync_once()
        t1 = time.perf_counter()
        s1, c1 = _snapshot(), time.process_time()
        pull = b.sync_once()
        t2 = time.perf_counter()
        c2 = time.process_time()
        assert push.ok and pull.ok, (push.error, pull.error)
        assert push.pushed == made and pull.pulled >= made, (push, pull)
        push_srv, push_srv_cpu = _delta(s0, "server_write_txn")
        pull_srv, pull_srv_cpu = _delta(s1, "server_pull_feed")
        apply_s, apply_cpu = _delta(s1, "client_apply_page")
        refresh_s, refresh_cpu = _delta(s1, "client_derived_refresh")
        phases = {
            "push_client_s": round(t1 - t0 - push_srv, 2),
            "push_server_s": round(push_srv, 2),
            "push_server_cpu_s": round(push_srv_cpu, 2),
            "push_server_apply_s": round(_delta(s0, "server_push_apply")[0], 2),
            "pull_server_s": round(pull_srv, 2),
            "pull_server_cpu_s": round(pull_srv_cpu, 2),
            "pull_client_fetch_and_parse_s": round(t2 - t1 - pull_srv - apply_s, 2),
            "pull_apply_s": round(apply_s - refresh_s, 2),
            "pull_apply_cpu_s": round(apply_cpu - refresh_cpu, 2),
            "derived_refresh_s": round(refresh_s, 2),
            "derived_refresh_cpu_s": round(refresh_cpu, 2),
        }
        print(json.dumps({"push_plus_pull_s": round(t2 - t0, 2), **phases}), file=sys.stderr)
        cpu = {"push_process_cpu_s": round(c1 - c0, 2), "pull_process_cpu_s": round(c2 - c1, 2),
               "push_plus_pull_process_cpu_s": round(c2 - c0, 2)}
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
        # Bootstrap: the connection breaks after a third of the pages, the next sync resumes.
        pages = len(sync_schema.entities()) + (made // big["snapshot_page"]) // 3
        c = _station(tmp, "c", url, "dana@example.com", transport=FailAfter(pages),
                     snapshot_threshold=0, **big)
        t = time.perf_counter()
        cb = time.process_time()
        first = c.sync_once()
        assert not first.ok, "the interruption did not happen"
        boot = c.sync_once()
        boot_s = time.perf_counter() - t
        boot_cpu = time.process_time() - cb
        assert boot.ok, boot.error
        boot_rows = first.snapshot_rows + boot.snapshot_rows
        with c.wb.read() as s_c, a.wb.read() as s_a:
            from sqlalchemy import func

            for model in (Customer, Ticket, TicketEvent):
                have = s_c.scalar(select(func.count()).select_from(model))
                want = s_a.scalar(select(func.count()).select_from(model))
                assert have == want, (model.__tablename__, have, want)
        total = t2 - t0
        result = {
            "backend": "postgresql (loopback)",
            "changes": made,
            "push_s": round(t1 - t0, 2),
            "pull_s": round(t2 - t1, 2),
            "push_plus_pull_s": round(total, 2),
            "raw_executemany_s": round(raw, 2),
            "ratio_to_raw": round(total / raw, 2),
            "changes_per_s": round(made / total),
            "phases": phases,
            "cpu": cpu,
            "incremental_10_changes_round_trip_ms": round(statistics.median(trips) * 1000, 1),
            "incremental_worst_ms": round(max(trips) * 1000, 1),
            "bootstrap_rows": boot_rows,
            "bootstrap_interrupted_after_rows": first.snapshot_rows,
            "bootstrap_s": round(boot_s, 2),
            "bootstrap_process_cpu_s": round(boot_cpu, 2),
            "bootstrap_rows_per_s": round(boot_rows / boot_s),
            # A 1M-ticket team in this dataset's proportions (2 tickets per customer, one
            # message per ticket): 2.5M rows.
            "bootstrap_1m_ticket_team_rows": 2_500_000,
            "bootstrap_1m_ticket_team_s_extrapolated": round(2_500_000 / (boot_rows / boot_s)),
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
