#!/bin/sh
# Until the first release, the initial migration is regenerated from the models.
# After a release, add a new revision instead (alembic revision --autogenerate).
set -e
tmp=$(mktemp -d)
rm -f workbench/store/migrations/versions/0001_initial_schema.py
.venv/bin/python - "$tmp" <<'PY'
import sys
from alembic import command
from workbench.store.migrate import alembic_config
cfg = alembic_config(f"sqlite:///{sys.argv[1]}/empty.sqlite3")
command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")
PY
sed -i 's/^Revises: $/Revises:/; s/^Create Date: .*$/Create Date: 2026-11-23/' workbench/store/migrations/versions/0001_initial_schema.py
rm -rf "$tmp"
