"""The schema comes from Alembic migrations, and a user's database is upgraded on open."""

from __future__ import annotations

from pathlib import Path

import pytest
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


def test_a_0002_database_upgrades_with_its_reply_and_repeat_facts_backfilled(
    tmp_path: Path,
) -> None:
    """Revision 0003 adds the per-ticket metric facts. agent_replies, repeat_contact and the
    durations are filled in SQL by the migration; the SLA verdicts stay NULL (the metrics
    run the clock for those until ``sync.sla.backfill_facts`` stores them)."""
    from alembic import command

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    command.upgrade(alembic_config(url), "0002")
    day = 86_400_000
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO agents VALUES ('a1', 'Ravi', 'r@x.org', 'agent', NULL, 1, 0)"))
        for cid in ("c1", "c2"):
            conn.execute(text(
                "INSERT INTO customers VALUES (:id, 'C', NULL, NULL, NULL, 'free', 'UTC', 'en', "
                "NULL, '[]', 0, NULL, 0, 0)"), {"id": cid})
        # (id, customer, created, solved, reopens): t1 solved, c1 back 3 days later (t2);
        # t3 solved, c2 back only 8 days later (t4); t5 reopened.
        for tid, cid, created, solved, reopens in (
            ("t1", "c1", 0, day, 0), ("t2", "c1", 4 * day, None, 0),
            ("t3", "c2", 0, day, 0), ("t4", "c2", 9 * day, None, 0),
            ("t5", "c2", 10 * day, 11 * day, 1),
        ):
            conn.execute(text(
                "INSERT INTO tickets (id, number, subject, status, priority, channel, "
                "customer_id, tags, created_at, updated_at, solved_at, reopen_count) VALUES "
                "(:id, NULL, 'S', :status, 'normal', 'email', :cid, '[]', :created, :created, "
                ":solved, :reopens)"),
                {"id": tid, "cid": cid, "created": created, "solved": solved,
                 "reopens": reopens, "status": "solved" if solved else "open"})
        for k, (tid, kind, author) in enumerate((
            ("t1", "public_reply", "a1"), ("t1", "public_reply", "a1"),
            ("t1", "internal_note", "a1"), ("t3", "public_reply", "a1"),
            ("t3", "public_reply", None),  # no author: not an agent reply
        )):
            conn.execute(text(
                "INSERT INTO ticket_events (id, ticket_id, kind, author_id, body, created_at) "
                "VALUES (:id, :tid, :kind, :author, '', :at)"),
                {"id": f"e{k}", "tid": tid, "kind": kind, "author": author, "at": k})
    engine.dispose()

    command.upgrade(alembic_config(url), "head")
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = {r[0]: tuple(r[1:]) for r in conn.execute(text(
            "SELECT id, agent_replies, repeat_contact, sla_resolution, resolution_s "
            "FROM tickets"))}
    engine.dispose()
    assert rows == {"t1": (2, 1, None, 86_400), "t2": (0, 0, None, None),
                    "t3": (1, 0, None, 86_400), "t4": (0, 0, None, None),
                    "t5": (0, 1, None, 86_400)}


def test_an_upgraded_database_gets_its_sla_verdicts_in_steps_then_forgets_the_marker(
    tmp_path: Path,
) -> None:
    """A 0002 database with solved tickets: 0004 leaves a marker, the app's steps (one
    chunk per worker op) store every solved ticket's verdicts, then the marker goes; a
    database that never lacked verdicts has no marker and the first step does nothing."""
    from alembic import command

    from workbench.services.context import Workbench
    from workbench.services.metrics import MetricsService
    from workbench.sync.sla import backfill_facts_step, backfill_pending

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    command.upgrade(alembic_config(url), "0002")
    engine = create_engine(url)
    hour = 3_600_000
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO customers VALUES ('c1', 'C', NULL, NULL, NULL, 'free', 'UTC', 'en', "
            "NULL, '[]', 0, NULL, 0, 0)"))
        for n in range(7):  # solved after 2 h (met) or 4 days (a normal ticket: breached)
            solved = (2 if n % 2 else 96) * hour
            conn.execute(text(
                "INSERT INTO tickets (id, number, subject, status, priority, channel, "
                "customer_id, tags, created_at, updated_at, solved_at, reopen_count) VALUES "
                "(:id, :n, 'S', 'solved', 'normal', 'email', 'c1', '[]', 0, :s, :s, 0)"),
                {"id": f"t{n}", "n": n + 1, "s": solved})
            conn.execute(text(
                "INSERT INTO ticket_events (id, ticket_id, kind, old_value, new_value, body, "
                "created_at) VALUES (:id, :t, 'status_change', 'open', 'solved', '', :s)"),
                {"id": f"e{n}", "t": f"t{n}", "s": solved})
    engine.dispose()

    wb = Workbench.open(tmp_path / "old.sqlite3")
    try:
        assert backfill_pending(wb)
        from datetime import date

        period = (date(1970, 1, 1), date(1970, 1, 31))
        by_clock = MetricsService(wb).compute(*period, compare=False).flat()
        steps, after = 0, backfill_facts_step(wb, "", chunk=3)
        while after is not None:
            steps += 1
            after = backfill_facts_step(wb, after, chunk=3)
        assert steps == 3  # 3 + 3 + 1 tickets, then the step that finds none
        assert not backfill_pending(wb)
        with wb.read() as s:
            verdicts = sorted(v for (v,) in s.execute(text(
                "SELECT sla_resolution FROM tickets")))
        assert verdicts == ["breached"] * 4 + ["met"] * 3
        assert MetricsService(wb).compute(*period, compare=False).flat() == by_clock
        assert by_clock["sla_resolution_pct"] == pytest.approx(300 / 7)
    finally:
        wb.close()

    fresh = Workbench.open(tmp_path / "fresh.sqlite3")
    try:
        assert not backfill_pending(fresh)
        assert backfill_facts_step(fresh) is None
    finally:
        fresh.close()
