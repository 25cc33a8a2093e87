"""Seed batches on the write path: rows written in bulk under one change entry that names
them by rowid range, accounted for in the log and never pushed (the demo's data)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from workbench.services.context import Workbench
from workbench.store.changelog import SEED, prepare_rows
from workbench.store.db import json_dumps
from workbench.store.models import Change, SyncState, Team
from workbench.sync.outbox import pending_count

NOW = 1_770_000_000_000


def _teams(n: int, start: int = 0) -> list[dict[str, Any]]:
    return [{"id": f"0190a000-0000-7000-8000-{start + i:012d}", "name": f"Team {start + i}",
             "time_zone": "UTC", "created_at": NOW} for i in range(n)]


def _rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as con:
        return con.execute(sql).fetchall()


def test_a_seed_batch_is_one_pushed_entry_naming_its_rowid_range(wb: Workbench) -> None:
    with wb.write() as w:
        assert w.seed_insert(Team, _teams(3)) == 3
        assert w.seed_insert(Team, _teams(2, start=3)) == 2
        assert w.changes.rows["teams"] == {t["id"] for t in _teams(5)}
    with wb.read() as s:
        entries = s.scalars(select(Change).order_by(Change.seq)).all()
        assert [(e.kind, e.entity, e.fields["rowids"], e.fields["rows"]) for e in entries] == [
            (SEED, "teams", [1, 3], 3), (SEED, "teams", [4, 5], 2)]
        assert [(e.row_id, e.fields["last_id"]) for e in entries] == [
            (_teams(1)[0]["id"], _teams(3)[2]["id"]), (_teams(4)[3]["id"], _teams(5)[4]["id"])]
        assert all(e.pushed_at is not None and not e.remote for e in entries)
        assert pending_count(s) == 0, "seed rows never reach the outbox"
        assert s.get(SyncState, "hlc_last") is not None, "the clock's position is saved"
    named = _rows(wb.db.path, "SELECT rowid, id FROM teams ORDER BY rowid")
    assert named == [(i + 1, t["id"]) for i, t in enumerate(_teams(5))]


def test_prepared_rows_are_written_as_given(wb: Workbench) -> None:
    table = Team.__table__
    prepared = prepare_rows(table, _teams(4), json_dumps)  # type: ignore[arg-type]
    assert prepared.columns == ("id", "name", "time_zone", "created_at")
    with wb.write() as w:
        assert w.seed_insert(Team, prepared) == 4
    assert _rows(wb.db.path, "SELECT name FROM teams ORDER BY rowid") == [
        (f"Team {i}",) for i in range(4)]


def test_bad_seed_batches_are_refused_and_change_nothing(wb: Workbench) -> None:
    partial = [{k: v for k, v in t.items() if k != "time_zone"} for t in _teams(2)]
    wrong_table = prepare_rows(Change.__table__,  # type: ignore[arg-type]
                               [{"seq": 1, "op_id": "x"}], json_dumps)
    with pytest.raises(ValueError, match="every column"), wb.write() as w:
        w.seed_insert(Team, partial)
    with pytest.raises(ValueError, match="prepared for changes"), wb.write() as w:
        w.seed_insert(Team, wrong_table)
    with pytest.raises(TypeError, match="not syncable"), wb.write() as w:
        w.seed_insert(SyncState, [{"key": "a", "value": "b"}])
    assert _rows(wb.db.path, "SELECT count(*) FROM teams") == [(0,)]
    assert _rows(wb.db.path, "SELECT count(*) FROM changes") == [(0,)]
    with wb.write() as w:
        assert w.seed_insert(Team, []) == 0
    assert _rows(wb.db.path, "SELECT count(*) FROM changes") == [(0,)]


def test_bulk_mode_pragmas_hold_inside_the_block_only(wb: Workbench) -> None:
    def pragmas() -> tuple[Any, ...]:
        with wb.db.engine.connect() as conn:
            return tuple(conn.exec_driver_sql(f"PRAGMA {p}").scalar()
                         for p in ("synchronous", "cache_size", "journal_mode"))

    normal = pragmas()
    assert normal == (2, -2000, "wal")
    with pytest.raises(RuntimeError, match="load failed"), wb.db.bulk_mode():
        assert pragmas() == (0, -262144, "wal")
        with wb.write() as w:
            w.seed_insert(Team, _teams(1))
        raise RuntimeError("load failed")
    assert pragmas() == normal
    assert _rows(wb.db.path, "PRAGMA integrity_check") == [("ok",)]
    assert _rows(wb.db.path, "SELECT count(*) FROM teams") == [(1,)]
