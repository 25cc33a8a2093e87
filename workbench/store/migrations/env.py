"""Alembic environment: uses the caller's connection, or the URL from the config."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from workbench.store.models import Base
from workbench.store.search_index import is_search_object

config = context.config


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """FTS5 tables and their shadow tables live in migrations only, not in the models."""
    return not (name and is_search_object(name))


target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set sqlalchemy.url (alembic -x or alembic.ini) to a database")
    engine = create_engine(url)
    with engine.begin() as conn:
        context.configure(
            connection=conn, target_metadata=target_metadata, render_as_batch=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()


run()
