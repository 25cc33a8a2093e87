"""Test kit for sync: a real team server on loopback (uvicorn in a thread) and workstations.

The server runs against SQLite or PostgreSQL; between tests its tables are emptied, so each
test starts from a fresh server state without paying for a restart.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from argon2 import PasswordHasher
from sqlalchemy import select, text

from workbench.domain.clock import FrozenClock
from workbench.services.context import Workbench
from workbench.store.db import Database
from workbench.store.models import Base, Change, Conflict
from workbench.sync import schema
from workbench.sync.credentials import MemoryTokenStore
from workbench.sync.engine import EngineSettings, SyncEngine
from workbench.sync.server import accounts
from workbench.sync.server.app import create_app
from workbench.sync.server.core import security
from workbench.sync.server.core.config import Settings
from workbench.sync.server.core.db import ServerDatabase
from workbench.sync.server.models import EntityRow, ServerBase

# Fast password hashing for tests only: argon2's real cost (deliberately slow) would
# dominate the run time. The server runs in this process, so this reaches it.
security._hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
security._DUMMY_HASH = security._hasher.hash("dummy")

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PASSWORD = "correct horse battery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_available() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        import psycopg

        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test",
                             connect_timeout=3):
            return None
    except Exception as exc:  # any failure means: not here
        return f"PostgreSQL at 127.0.0.1:5432/test is not available ({type(exc).__name__})"


def pg_url_with_schema(name: str) -> str:
    """A URL whose connections use their own schema (created here, empty)."""
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test",
                         autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{name}"')
    return f"{PG_ADMIN}?options=-csearch_path%3D{name}"


def drop_pg_schema(name: str) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test",
                         autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


class ThreadServer:
    """uvicorn serving the app on a free loopback port, in a daemon thread."""

    def __init__(self, db_url: str, settings: Settings | None = None,
                 tls: tuple[str, str] | None = None) -> None:
        self.settings = settings or Settings(db_url=db_url, lease_size=10)
        self.db = ServerDatabase(db_url)
        self.db.upgrade()
        self.port = free_port()
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(self.settings, db=self.db), host="127.0.0.1",
                                port=self.port, log_level="warning", lifespan="off",
                                ssl_certfile=tls[0] if tls else None,
                                ssl_keyfile=tls[1] if tls else None)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)
        self.db.dispose()

    def reset(self) -> None:
        """Empty every server table (a fresh server state for the next test)."""
        names = [t.name for t in reversed(ServerBase.metadata.sorted_tables)]
        with self.db.writer() as s:
            if self.db.is_sqlite:
                for name in names:
                    s.execute(text(f"DELETE FROM {name}"))
            else:
                s.execute(text(f"TRUNCATE {', '.join(names)}"))

    def add_agent(self, name: str, email: str, role: str = "agent") -> str:
        with self.db.writer() as s:
            acc = accounts.add_agent(s, name, email, role, PASSWORD, int(time.time() * 1000))
            return acc.agent_id

    def rows(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Live rows on the server: entity -> id -> fields."""
        out: dict[str, dict[str, dict[str, Any]]] = {}
        with self.db.reader() as s:
            for r in s.scalars(select(EntityRow).where(EntityRow.deleted_hlc.is_(None))):
                out.setdefault(r.entity, {})[r.row_id] = dict(r.data or {})
        return out


_TEMPLATE: dict[str, Path] = {}


def fresh_db(path: Path) -> Path:
    """A migrated, empty workstation database (copied from a template: migrating is slow)."""
    if "db" not in _TEMPLATE:
        tpl = Path(os.environ.get("PYTEST_TMPDIR", "/tmp")) / f"wb-template-{uuid.uuid4()}.db"
        Database(tpl).close()
        _TEMPLATE["db"] = tpl
    shutil.copy(_TEMPLATE["db"], path)
    return path


class Station:
    """One workstation: its database, services, clock and sync engine."""

    def __init__(self, path: Path, server: ThreadServer, clock: FrozenClock | None = None,
                 settings: EngineSettings | None = None) -> None:
        self.clock = clock or FrozenClock(int(time.time() * 1000))
        self.wb = Workbench(Database(fresh_db(path)), clock=self.clock)
        self.server = server
        self.tokens = MemoryTokenStore()
        self.engine = SyncEngine(self.wb, self.tokens, settings or EngineSettings(
            push_batch=50, pull_page=50, snapshot_page=50, lease_size=10, lease_low_water=3))

    def login(self, email: str) -> str:
        agent = self.engine.sign_in(self.server.url, email, PASSWORD)
        self.wb.actor_id = agent.id
        return agent.id

    def sync(self) -> Any:
        report = self.engine.sync_once()
        assert report.ok, report.error
        return report

    def rows(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Live syncable rows without derived columns: entity -> id -> fields."""
        out: dict[str, dict[str, dict[str, Any]]] = {}
        with self.wb.read() as s:
            for name, info in schema.entities().items():
                cols = [info.table.c[c] for c in info.columns]
                for r in s.execute(select(*cols)).mappings():
                    out.setdefault(name, {})[r["id"]] = dict(r)
        return out

    def outbox(self) -> list[Change]:
        with self.wb.read() as s:
            return list(s.scalars(select(Change).where(Change.pushed_at.is_(None),
                                                       Change.remote.is_(False))))

    def conflicts(self) -> list[Conflict]:
        with self.wb.read() as s:
            return list(s.scalars(select(Conflict)))

    def close(self) -> None:
        self.wb.close()


@contextmanager
def stations(tmp: Path, server: ThreadServer, n: int, **kw: Any) -> Iterator[list[Station]]:
    made = [Station(tmp / f"ws{i}.sqlite3", server, **kw) for i in range(n)]
    try:
        yield made
    finally:
        for st in made:
            st.close()


assert Base  # the client models must be registered before schema.entities() is read


def diff_rows(a: dict[str, dict[str, dict[str, Any]]], b: dict[str, dict[str, dict[str, Any]]],
              limit: int = 8) -> list[tuple[Any, ...]]:
    """The first differences between two row sets: (entity, id, field, left, right)."""
    out: list[tuple[Any, ...]] = []
    for entity in sorted(set(a) | set(b)):
        ra, rb = a.get(entity, {}), b.get(entity, {})
        for row_id in sorted(set(ra) | set(rb)):
            x, y = ra.get(row_id), rb.get(row_id)
            if x is None or y is None:
                out.append((entity, row_id, "*", x is not None, y is not None))
                continue
            out += [(entity, row_id, k, x.get(k), y.get(k)) for k in sorted(set(x) | set(y))
                    if x.get(k) != y.get(k)]
    return out[:limit]
