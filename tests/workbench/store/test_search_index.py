"""The FTS5 indexes: created by migration 0002, kept current by triggers, repairable."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from workbench.store import search_index as si
from workbench.store.db import Database
from workbench.store.migrate import alembic_config
from workbench.store.models import Base

T = 1_772_442_000_000


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "wb.sqlite3")
    with database.session() as s:
        s.execute(text(
            "INSERT INTO customers (id, name, email, phone, organisation, plan, time_zone, "
            "language, tags, active_since, created_at, updated_at) VALUES "
            "('c1', 'Ana Lima', 'ana@example.org', '+855 12 345', 'Phnom Penh Bakery', "
            "'standard', 'UTC', 'en', '[]', 0, 0, 0)"
        ))
    yield database
    database.close()


def add_tickets(s: Session, subjects: list[str], first: int = 1) -> None:
    s.connection().exec_driver_sql(
        "INSERT INTO tickets (id, number, subject, status, priority, channel, customer_id, tags,"
        " created_at, updated_at, reopen_count) VALUES (?,?,?,'open','normal','email','c1',"
        "'[]',?,?,0)",
        [(f"t{first + i}", first + i, subj, T, T) for i, subj in enumerate(subjects)],
    )


def plain(spec: si.IndexSpec, needles: list[list[str]] | None = None) -> si.Scoring:
    needles = needles or []
    return si.Scoring(needles, [1.0] * len(needles), [1.0] * len(spec.columns), 20.0)


def found(s: Session, spec: si.IndexSpec, query: str) -> list[str]:
    return [h.key for h in si.matching(s, spec, f'"{query}"', plain(spec), 100, 100).hits]


def normalise(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()


def test_the_migration_creates_what_search_index_defines(db: Database) -> None:
    with db.read() as s:
        assert si.missing_objects(s) == []
        stored = dict(s.execute(text("SELECT name, sql FROM sqlite_master")).all())
    for spec in si.INDEXES:
        assert normalise(stored[spec.name]) == normalise(si.create_sql(spec))
        for name, ddl in si.trigger_sql(spec).items():
            assert normalise(stored[name]) == normalise(ddl)


def test_upgrade_head_equals_the_models_once_search_objects_are_left_out(
    tmp_path: Path,
) -> None:
    # The check tests/workbench/store/test_migrations.py makes, with the filter it needs.
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    command.upgrade(alembic_config(url), "head")
    engine = create_engine(url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"include_name": lambda name, *_: not si.is_search_object(name)}
        )
        assert compare_metadata(ctx, Base.metadata) == []
    engine.dispose()


def test_downgrade_removes_the_indexes_and_upgrade_brings_them_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wb.sqlite3'}"
    command.upgrade(alembic_config(url), "head")
    command.downgrade(alembic_config(url), "0001")
    engine = create_engine(url)
    with engine.connect() as conn:
        names = conn.execute(text("SELECT name FROM sqlite_master")).scalars().all()
        assert not [n for n in names if si.is_search_object(n)]
    engine.dispose()
    command.upgrade(alembic_config(url), "head")


def test_a_raw_executemany_is_indexed_by_the_triggers(db: Database) -> None:
    with db.session() as s:
        add_tickets(s, ["Printer offline", "ម៉ាស៊ីនបោះពុម្ពខូច", "رمز عبور کار نمی‌کند"])
    with db.read() as s:
        assert found(s, si.TICKETS, "PRINTER") == ["t1"]
        assert found(s, si.TICKETS, "បោះពុម្ព") == ["t2"]
        assert found(s, si.TICKETS, "عبور") == ["t3"]
        assert found(s, si.CUSTOMERS, "penh") == ["c1"]


def test_updates_and_deletes_keep_the_index_equal_to_the_table(db: Database) -> None:
    with db.session() as s:
        add_tickets(s, ["Printer offline", "Login fails"])
        s.execute(text("UPDATE tickets SET subject = 'Scanner offline' WHERE id = 't1'"))
        s.execute(text("UPDATE tickets SET status = 'solved' WHERE id = 't2'"))
        s.execute(text("DELETE FROM tickets WHERE id = 't2'"))
    with db.read() as s:
        assert found(s, si.TICKETS, "printer") == []
        assert found(s, si.TICKETS, "scanner") == ["t1"]
        assert found(s, si.TICKETS, "login") == []
    with db.session() as s:
        assert si.integrity_errors(s) == {}


def test_bulk_load_suspends_the_triggers_and_indexes_the_new_rows_at_the_end(
    db: Database,
) -> None:
    with db.session() as s:
        add_tickets(s, ["Old printer"])
    with db.session() as s, si.bulk_load(s):
        add_tickets(s, [f"Bulk router {i}" for i in range(100)], first=2)
        assert found(s, si.TICKETS, "router") == []  # not yet: the triggers are off
        assert "search_tickets_ai" in si.missing_objects(s)
    with db.session() as s:
        assert si.missing_objects(s) == []
        assert len(found(s, si.TICKETS, "router")) == 100
        assert found(s, si.TICKETS, "old printer") == ["t1"]
        assert si.integrity_errors(s) == {}


def test_a_nested_bulk_load_leaves_the_work_to_the_outer_one(db: Database) -> None:
    with db.session() as s, si.bulk_load(s):
        add_tickets(s, ["Outer printer"])
        with si.bulk_load(s):
            add_tickets(s, ["Inner printer"], first=2)
    with db.session() as s:
        assert sorted(found(s, si.TICKETS, "printer")) == ["t1", "t2"]
        assert si.integrity_errors(s) == {} and si.missing_objects(s) == []


def test_a_failed_bulk_load_rolls_back_with_its_triggers_intact(db: Database) -> None:
    with pytest.raises(RuntimeError), db.session() as s, si.bulk_load(s):
        add_tickets(s, ["Never kept"])
        raise RuntimeError("import failed")
    with db.session() as s:
        assert si.missing_objects(s) == []
        add_tickets(s, ["After the failure"])
        assert found(s, si.TICKETS, "after the") == ["t1"]


def test_bulk_load_with_updates_rebuilds_everything(db: Database) -> None:
    with db.session() as s:
        add_tickets(s, ["Printer offline"])
    with db.session() as s, si.bulk_load(s, appended_only=False):
        s.execute(text("UPDATE tickets SET subject = 'Monitor flickers'"))
    with db.session() as s:
        assert found(s, si.TICKETS, "monitor") == ["t1"]
        assert si.integrity_errors(s) == {}


def test_ensure_schema_recreates_a_dropped_index_and_rebuild_refills_it(db: Database) -> None:
    with db.session() as s:
        add_tickets(s, ["Printer offline"])
        s.execute(text("DROP TRIGGER search_tickets_ai"))
        s.execute(text("DROP TABLE search_customers"))
    with db.session() as s:
        assert set(si.missing_objects(s)) == {"search_tickets_ai", "search_customers"}
        assert set(si.ensure_schema(s)) == {"search_tickets_ai", "search_customers"}
        counts = si.rebuild(s)
    assert counts["tickets"] == 1 and counts["customers"] == 1
    with db.read() as s:
        assert found(s, si.CUSTOMERS, "bakery") == ["c1"]
        assert found(s, si.TICKETS, "printer") == ["t1"]


def test_the_substring_scan_serves_short_text_within_its_window(db: Database) -> None:
    def scan(groups: list[list[str]], window: int = 100, reject: tuple[str, ...] = ()
             ) -> list[str]:
        scoring = plain(si.TICKETS)
        ranked = si.containing(s, si.TICKETS, ["subject"], groups, scoring, window, 10, reject)
        return [h.key for h in ranked.hits]

    with db.session() as s:
        add_tickets(s, ["ab old", "50% off", "under_score", "xy new"])
        assert scan([["AB"]]) == ["t1"]  # LIKE ignores ASCII case
        assert scan([["%"]]) == ["t2"] and scan([["_"]]) == ["t3"]  # wildcards are text
        assert scan([["ab"]], window=2) == []  # t1 is older than the newest two rows
        assert scan([["o"], ["ne", "ld"]]) == ["t1"]  # every group, any needle
        assert scan([["o"]], reject=("off",)) == ["t1", "t3"]  # the shorter text first
        assert scan([]) == []


def test_rows_are_ranked_by_bm25_with_column_weights_and_case_forms(db: Database) -> None:
    with db.session() as s:
        add_tickets(s, ["printer", "PRINTER printer printer jam", "a printer in a long subject"])
        scoring = si.Scoring([["printer"]], [1.0], [1.0], 15.0)
        ranked = si.matching(s, si.TICKETS, '"printer"', scoring, 100, 2)
        assert (ranked.found, ranked.oldest) == (3, 1)  # every candidate, not just the best
        hits = si.matching(s, si.TICKETS, '"printer"', scoring, 100, 10).hits
        assert [h.key for h in hits] == ["t2", "t1", "t3"]
        assert hits[0].score > hits[1].score > hits[2].score > 0
        add_tickets(s, ["Տպիչը չի աշխատում", "տպիչը"], first=4)
        armenian = si.Scoring([["տպիչը", "ՏՊԻՉԸ", "Տպիչը"]], [1.0], [1.0], 15.0)
        hits = si.matching(s, si.TICKETS, '"տպիչը"', armenian, 100, 10).hits
        assert [h.key for h in hits] == ["t5", "t4"]  # both counted; the shorter first


def test_scores_never_drop_to_zero_for_a_row_the_index_matched(db: Database) -> None:
    with db.session() as s:
        add_tickets(s, ["ՏպԻՉԸ mixed case"])  # no case form given below matches it
        scoring = si.Scoring([["տպիչը"]], [2.0], [1.0], 15.0)
        (hit,) = si.matching(s, si.TICKETS, '"տպիչը"', scoring, 100, 10).hits
        assert hit.score > 0


def test_texts_returns_the_columns_of_the_rows_asked_for(db: Database) -> None:
    with db.session() as s:
        add_tickets(s, ["one", "two"])
        assert si.texts(s, si.TICKETS, [2]) == {2: ("two",)}
        assert si.texts(s, si.CUSTOMERS, [1]) == {
            1: ("Ana Lima", "ana@example.org", "+855 12 345", "Phnom Penh Bakery")
        }
        assert si.texts(s, si.TICKETS, []) == {}


def test_archived_articles_are_indexed_but_never_returned(db: Database) -> None:
    with db.session() as s:
        s.execute(text(
            "INSERT INTO kb_articles (id, title, body, tags, language, internal, version, "
            "created_at, updated_at, archived_at) VALUES "
            "('a1', 'Reset a password', 'Steps', '[\"login\"]', 'en', 0, 1, 0, 0, NULL), "
            "('a2', 'Old password policy', 'Gone', '[]', 'en', 0, 1, 0, 0, 5)"
        ))
    with db.read() as s:
        assert found(s, si.ARTICLES, "password") == ["a1"]
        assert found(s, si.ARTICLES, "login") == ["a1"]


def test_match_extent_counts_up_to_the_cap(db: Database) -> None:
    with db.session() as s:
        add_tickets(s, [f"Printer {i}" for i in range(10)])
        assert si.match_extent(s, si.TICKETS, '"printer"', 4) == (4, 7)
        assert si.match_extent(s, si.TICKETS, '"nothing"', 4) == (0, 0)
