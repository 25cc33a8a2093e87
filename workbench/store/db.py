"""Opening a workstation database: engine, SQLite pragmas, migrations, sessions."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from workbench.store import migrate

BUSY_TIMEOUT_MS = 5000
# While a throw-away database is being filled (the demo): no fsync per commit, a large page
# cache for the index B-trees, sorts in memory.
BULK_PRAGMAS = ("synchronous=OFF", "cache_size=-262144", "temp_store=MEMORY")


class DatabaseError(RuntimeError):
    """A known storage condition (locked, damaged, newer than this app) with a clear text."""


def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # The stdlib driver opens transactions lazily and behind our back; take control so
    # SQLAlchemy's BEGIN is the only one (see SQLAlchemy's "pysqlite serializable" recipe).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.close()


def _on_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def json_dumps(value: Any) -> str:
    """How JSON columns are stored: readable UTF-8 (not \\uXXXX escapes), so full-text
    search sees the words."""
    return json.dumps(value, ensure_ascii=False)


def make_engine(path: Path) -> Engine:
    """An engine on the SQLite file *path* with WAL, foreign keys and full sync."""
    engine = create_engine(f"sqlite:///{path}", json_serializer=json_dumps)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


class Database:
    """One workstation database: its engine and a factory of short-lived sessions."""

    def __init__(self, path: Path, *, upgrade: bool = True) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = make_engine(path)
        if upgrade:
            try:
                migrate.upgrade(self.engine)
            except sqlite3.DatabaseError as exc:  # pragma: no cover - depends on the file
                raise DatabaseError(f"the database {path} cannot be opened: {exc}") from exc
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for one unit of work: committed on success, rolled back on error."""
        with self._sessions() as s, s.begin():
            yield s

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading only (never commits)."""
        with self._sessions() as s:
            yield s

    @contextmanager
    def bulk_mode(self) -> Iterator[None]:
        """Fill a database that nobody else uses yet, trading crash safety for speed.

        Every connection checked out inside the block gets :data:`BULK_PRAGMAS`; the
        journal stays WAL (a rollback journal in memory measured no faster). A power loss
        inside the block can damage the file, so it is only for a database the caller can
        throw away (the demo's fresh data directory). On the way out the connections are
        closed, so the app's pragmas (``synchronous=FULL``) hold again, and the write-ahead
        log is folded into the file and emptied.
        """

        def on_checkout(dbapi_conn: sqlite3.Connection, _record: Any, _proxy: Any) -> None:
            cur = dbapi_conn.cursor()
            for pragma in BULK_PRAGMAS:
                cur.execute(f"PRAGMA {pragma}")
            cur.close()

        self.engine.dispose()
        event.listen(self.engine, "checkout", on_checkout)
        try:
            yield
        finally:
            event.remove(self.engine, "checkout", on_checkout)
            self.engine.dispose()
            with self.engine.connect() as conn:  # a fresh connection: WAL, full sync again
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.rollback()

    def close(self) -> None:
        self.engine.dispose()
