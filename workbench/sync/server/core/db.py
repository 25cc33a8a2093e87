"""Database access for the server: engines, sessions, the log-append lock, migrations.

Why a lock: pull readers page through the log by ``seq``. If two pushes could commit in an
order different from the order their ``seq`` values were taken, a reader could see seq 11
before seq 10 commits, move its cursor past 10, and never see it. So every write that
appends to the log first takes one lock and holds it until commit: a PostgreSQL advisory
*transaction* lock (released by the commit itself; every server process shares it because
it lives in the database), or SQLite's single writer lock (``BEGIN IMMEDIATE``). Seq order
is then commit order and the log has no gaps a reader could overtake. The same lock makes
the read-merge-write of the current rows safe across server processes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import JSON, Engine, Table, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
VERSION_TABLE = "workbench_server_version"
LOG_LOCK_KEY = 0x5357_4C4F47  # "SWLOG": any constant shared by every server process


def _sqlite_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _engine(url: str, immediate: bool) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_connect)
        begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql(begin))
        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def bulk_insert(session: Session, table: Table, rows: list[dict[str, Any]],
                dumped: dict[int, str] | None = None) -> None:
    """Insert many rows: PostgreSQL's COPY (several times faster than executemany for the
    big batches of a push), a plain executemany elsewhere."""
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        conn.execute(table.insert(), rows)
        return
    cols = list(rows[0])
    as_json = {c for c in cols if isinstance(table.c[c].type, JSON)}
    raw = conn.connection.driver_connection
    assert raw is not None
    # One JSON text per object, shared across calls through *dumped*: an insert's fields
    # are also its row's data.
    dumped = {} if dumped is None else dumped

    def text(value: Any) -> str | None:
        if value is None:
            return None
        key = id(value)
        if key not in dumped:
            dumped[key] = json.dumps(value, separators=(",", ":"))
        return dumped[key]

    with raw.cursor() as cur, cur.copy(
            f'COPY "{table.name}" ({", ".join(cols)}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([text(row[c]) if c in as_json else row[c] for c in cols])


class ServerDatabase:
    """Two session factories: readers, and writers that append to the log under the lock."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.read_engine = _engine(url, immediate=False)
        self.write_engine = _engine(url, immediate=True) if self.is_sqlite else self.read_engine
        self._read = sessionmaker(self.read_engine, expire_on_commit=False)
        self._write = sessionmaker(self.write_engine, expire_on_commit=False)

    @contextmanager
    def reader(self) -> Iterator[Session]:
        with self._read() as s, s.begin():
            yield s

    @contextmanager
    def writer(self) -> Iterator[Session]:
        """A transaction holding the log-append lock from its first statement to commit."""
        with self._write() as s, s.begin():
            if not self.is_sqlite:
                s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOG_LOCK_KEY})
            yield s

    def upgrade(self) -> None:
        """Create or migrate the server schema to the newest revision."""
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with self.write_engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def dispose(self) -> None:
        self.read_engine.dispose()
        if self.write_engine is not self.read_engine:
            self.write_engine.dispose()
