"""per-ticket metric facts (derived columns) and the metrics indexes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 20:00:00.000000

Seven derived columns on ``tickets`` (never synced; ``services.sla.ticket_facts`` keeps them
on every ticket write) and the indexes the metrics count through (models/tickets.py says
what each serves). ``ALTER TABLE ADD COLUMN`` with a constant default rewrites no row.

Backfill of an existing database, chosen for speed (docs/architecture.md, "Derived
columns"): ``agent_replies``, ``repeat_contact`` and the durations are set-based SQL here
(one pass over the events, one index probe per solved ticket: about 20 s of updates for a
million tickets on a loaded 2-core machine, then the index builds; the indexes come last
so the updates do not maintain them). The SLA verdicts need the clock, in Python: they
stay NULL, which the metrics treat as "not stored" and answer with the clock (exact, only
slower), and ``workbench.sync.sla.backfill_facts`` fills them in short chunked writes
afterwards. The SQL is frozen here on purpose.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

WEEK_MS = 7 * 86_400_000  # kpi.REPEAT_CONTACT_WINDOW_MS when this was written


def upgrade() -> None:
    op.add_column("tickets", sa.Column("agent_replies", sa.Integer(), nullable=False,
                                       server_default="0"))
    op.add_column("tickets", sa.Column("repeat_contact", sa.Boolean(), nullable=False,
                                       server_default="0"))
    for name in ("sla_first_response", "sla_next_update", "sla_resolution"):
        op.add_column("tickets", sa.Column(name, sa.String(length=16), nullable=True))
    for name in ("first_response_s", "resolution_s"):
        op.add_column("tickets", sa.Column(name, sa.Integer(), nullable=True))
    op.execute("""
        UPDATE tickets SET first_response_s = MAX(0, first_response_at - created_at) / 1000,
                           resolution_s = MAX(0, solved_at - created_at) / 1000
        WHERE first_response_at IS NOT NULL OR solved_at IS NOT NULL""")
    op.execute("""
        CREATE TEMP TABLE facts_replies (ticket_id VARCHAR(36) PRIMARY KEY, n INTEGER)
        WITHOUT ROWID""")
    op.execute("""
        INSERT INTO facts_replies SELECT ticket_id, COUNT(*) FROM ticket_events
        WHERE kind = 'public_reply' AND author_id IS NOT NULL GROUP BY ticket_id""")
    op.execute("""
        UPDATE tickets SET agent_replies = r.n FROM facts_replies r
        WHERE r.ticket_id = tickets.id""")
    op.execute("DROP TABLE facts_replies")
    op.execute(f"""
        UPDATE tickets SET repeat_contact = 1 WHERE reopen_count > 0 OR (
          solved_at IS NOT NULL AND EXISTS (SELECT 1 FROM tickets n
            WHERE n.customer_id = tickets.customer_id AND n.created_at > tickets.solved_at
              AND n.created_at <= tickets.solved_at + {WEEK_MS} AND n.id <> tickets.id))""")
    # The indexes last: built once over the filled columns, not updated row by row.
    op.create_index("ix_tickets_solved", "tickets",
                    ["solved_at", "reopen_count", "agent_replies", "repeat_contact",
                     "resolution_s"])
    op.create_index("ix_tickets_reopened", "tickets", ["solved_at"],
                    sqlite_where=sa.text("reopen_count > 0"))
    op.create_index("ix_tickets_assignee_created", "tickets", ["assignee_id", "created_at"])
    op.create_index("ix_tickets_assignee_solved", "tickets", ["assignee_id", "solved_at"])
    op.create_index("ix_tickets_verdicts", "tickets",
                    ["priority", "sla_first_response", "sla_next_update", "sla_resolution",
                     "created_at"], sqlite_where=sa.text("sla_resolution IS NOT NULL"))
    op.create_index("ix_tickets_unjudged", "tickets", ["created_at"],
                    sqlite_where=sa.text("sla_resolution IS NULL"))
    op.create_index("ix_tickets_first_response_s", "tickets", ["first_response_s", "created_at"],
                    sqlite_where=sa.text("first_response_s IS NOT NULL"))
    op.create_index("ix_tickets_resolution_s", "tickets", ["resolution_s", "solved_at"],
                    sqlite_where=sa.text("resolution_s IS NOT NULL"))
    op.create_index("ix_ticket_events_status_moves", "ticket_events",
                    ["ticket_id", "kind", "created_at", "old_value", "new_value"],
                    sqlite_where=sa.text("kind = 'status_change'"))


INDEXES = ("ix_tickets_solved", "ix_tickets_reopened", "ix_tickets_assignee_created",
           "ix_tickets_assignee_solved", "ix_tickets_verdicts", "ix_tickets_unjudged",
           "ix_tickets_first_response_s", "ix_tickets_resolution_s")


def downgrade() -> None:
    op.drop_index("ix_ticket_events_status_moves", table_name="ticket_events")
    for name in INDEXES:
        op.drop_index(name, table_name="tickets")
    for name in ("resolution_s", "first_response_s", "sla_resolution", "sla_next_update",
                 "sla_first_response", "repeat_contact", "agent_replies"):
        op.drop_column("tickets", name)
