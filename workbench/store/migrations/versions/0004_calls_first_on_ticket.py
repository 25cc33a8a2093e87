"""calls by ticket in time order (the first-contact-resolution probe); SLA verdicts to fill

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 00:30:00.000000

First-contact resolution counts a ticket resolved on its *first* call. With calls indexed by
ticket alone, finding a ticket's first call read and sorted all its calls, once per resolving
call of the period (0.57 s over a year of a million tickets). Indexed by (ticket, start, id),
"no earlier call on this ticket" is one index probe; the new index replaces the old one,
which it covers.

A database that came from revision 0002 has solved tickets without their stored SLA verdicts
(0003 leaves them NULL: they need the clock, in Python). A marker in ``sync_state`` says so;
``workbench.sync.sla.backfill_facts_step`` fills them after start-up and removes it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_calls_ticket_first", "calls", ["ticket_id", "started_at", "id"])
    op.drop_index("ix_calls_ticket_id", table_name="calls")
    bind = op.get_bind()
    unjudged = bind.execute(sa.text(
        "SELECT EXISTS (SELECT 1 FROM tickets WHERE sla_resolution IS NULL "
        "AND status NOT IN ('new', 'open', 'pending', 'on-hold'))")).scalar()
    if unjudged:
        bind.execute(sa.text("INSERT OR REPLACE INTO sync_state (key, value) "
                             "VALUES ('facts_backfill', 'pending')"))


def downgrade() -> None:
    op.create_index("ix_calls_ticket_id", "calls", ["ticket_id"])
    op.drop_index("ix_calls_ticket_first", table_name="calls")
