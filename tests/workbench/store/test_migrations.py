"""The schema comes from Alembic migrations, and a user's database is upgraded on open."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from workbench.store.db import Database
from workbench.store.migrate import alembic_config, current_revision, head_revision
from workbench.store.models import Base


def test_alembic_upgrade_head_on_an_empty_file_equals_the_models(tmp_path: Path) -> None:
    from alembic import command

    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    command.upgrade(alembic_config(url), "head")
    engine = create_engine(url)
    with engine.connect() as conn:
        # The full-text index (FTS5 virtual tables and their shadow tables) lives only in
        # migrations: it is SQLite machinery, not part of the ORM models.
        context = MigrationContext.configure(
            conn,
            opts={"include_name": lambda name, kind, _p: not str(name).startswith("search_")},
        )
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def test_opening_a_database_brings_it_to_the_newest_revision(tmp_path: Path) -> None:
    db = Database(tmp_path / "wb.sqlite3")
    assert current_revision(db.engine) == head_revision()
    assert "tickets" in inspect(db.engine).get_table_names()
    db.close()


def test_reopening_an_upgraded_database_keeps_its_rows(tmp_path: Path) -> None:
    db = Database(tmp_path / "wb.sqlite3")
    with db.session() as s:
        s.execute(text("INSERT INTO sync_state (key, value) VALUES ('probe', 'kept')"))
    db.close()
    again = Database(tmp_path / "wb.sqlite3")
    with again.read() as s:
        assert s.execute(text("SELECT value FROM sync_state WHERE key='probe'")).scalar() == "kept"
    again.close()


def test_connections_use_wal_foreign_keys_full_sync_and_a_busy_timeout(tmp_path: Path) -> None:
    db = Database(tmp_path / "wb.sqlite3")
    with db.read() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert s.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert s.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    db.close()


def test_the_fast_path_head_names_the_newest_migration() -> None:
    from workbench.store.migrate import HEAD

    assert head_revision() == HEAD
