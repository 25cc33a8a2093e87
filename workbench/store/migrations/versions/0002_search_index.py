"""full-text search index (FTS5 trigram) kept current by triggers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 10:00:00.000000

One external-content FTS5 table per searchable table, so the text is stored once (in the
table itself) and ``snippet()``/``highlight()`` read it from there. The trigram tokenizer
indexes every 3-character window, which makes search work for scripts written without
spaces between words (Khmer) exactly as for Latin, Persian, Bengali, Amharic or Armenian.

The SQL is written out here, frozen, on purpose: ``workbench.store.search_index`` holds the
same definitions for repairs and a test checks that the two agree.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TOKENIZE = "tokenize='trigram case_sensitive 0'"

# FTS table -> (content table, indexed columns). Column names equal the content's columns,
# which is what an external-content FTS5 table requires.
INDEXES = {
    "search_tickets": ("tickets", ("subject",)),
    "search_ticket_events": ("ticket_events", ("body",)),
    "search_customers": ("customers", ("name", "email", "phone", "organisation")),
    "search_articles": ("kb_articles", ("title", "body", "tags")),
}


def _triggers(fts: str, table: str, cols: tuple[str, ...]) -> list[str]:
    names = ", ".join(cols)
    new = ", ".join(f"new.{c}" for c in cols)
    old = ", ".join(f"old.{c}" for c in cols)
    insert = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.rowid, {new});"
    delete = f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.rowid, {old});"
    # Only a change to an indexed column re-indexes the row: status and deadline updates,
    # by far the most frequent writes, cost nothing.
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in cols)
    return [
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {names} ON {table} "
        f"WHEN {changed} BEGIN {delete} {insert} END",
    ]


def upgrade() -> None:
    for fts, (table, cols) in INDEXES.items():
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({', '.join(cols)}, "
            f"content='{table}', {TOKENIZE})"
        )
        for ddl in _triggers(fts, table, cols):
            op.execute(ddl)
        # Index the rows that exist already (a database upgraded from revision 0001).
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def downgrade() -> None:
    for fts in INDEXES:
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {fts}")
