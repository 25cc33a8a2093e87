"""Alembic environment of the team server (separate from the workstation's migrations)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from workbench.sync.server.core.db import VERSION_TABLE
from workbench.sync.server.models import ServerBase

config = context.config
target_metadata = ServerBase.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata,
                          version_table=VERSION_TABLE)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set sqlalchemy.url to the server database")
    with create_engine(url).begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata,
                          version_table=VERSION_TABLE)
        with context.begin_transaction():
            context.run_migrations()


run()
