"""Server settings: where the database is and the knobs of tokens, leases and paging."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

DB_ENV = "WORKBENCH_SERVER_DB"


def default_db_url() -> str:
    """$WORKBENCH_SERVER_DB, else a SQLite file in the platform's data folder."""
    env = os.environ.get(DB_ENV)
    if env:
        return env
    folder = Path(user_data_dir("support-workbench-server", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'server.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    db_url: str
    token_ttl_ms: int = 30 * 24 * 3600 * 1000
    lease_size: int = 100
    max_lease: int = 10_000
    pull_page: int = 1000
    snapshot_page: int = 1000
    # A stamp further than this ahead of the server clock is refused.
    max_future_ms: int = 5 * 60 * 1000
