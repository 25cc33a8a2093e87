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


def make_engine(path: Path) -> Engine:
    """An engine on the SQLite file *path* with WAL, foreign keys and full sync."""
    # Store JSON as readable UTF-8 (not \uXXXX escapes) so full-text search sees the words.
    engine = create_engine(
        f"sqlite:///{path}", json_serializer=lambda v: json.dumps(v, ensure_ascii=False)
    )
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

    def close(self) -> None:
        self.engine.dispose()
