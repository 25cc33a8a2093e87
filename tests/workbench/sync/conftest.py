"""Fixtures of the sync tests: a team server per back end (SQLite, PostgreSQL), reset per test.

Without PostgreSQL the PostgreSQL variants skip with the reason, except under CI=true where
a missing PostgreSQL is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from synckit import ThreadServer, drop_pg_schema, pg_url_with_schema, postgres_available

os.environ.setdefault("WORKBENCH_INSECURE_KEYRING", "1")

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _postgres_or_skip() -> None:
    why = postgres_available()
    if why is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{why}; CI must run the PostgreSQL tests")
    pytest.skip(why)


@pytest.fixture(scope="session")
def _servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ThreadServer]]:
    made: dict[str, ThreadServer] = {}
    yield made
    for server in made.values():
        server.stop()
        name = getattr(server, "pg_schema", None)
        if name:
            drop_pg_schema(name)


def server_for(backend: str, servers: dict[str, ThreadServer], tmp: Path) -> ThreadServer:
    if backend not in servers:
        if backend == "postgres":
            _postgres_or_skip()
            name = f"wbsync_{uuid.uuid4().hex[:12]}"
            servers[backend] = ThreadServer(pg_url_with_schema(name))
            servers[backend].pg_schema = name  # type: ignore[attr-defined]
        else:
            servers[backend] = ThreadServer(f"sqlite:///{tmp / 'server.sqlite3'}")
    return servers[backend]


@pytest.fixture(params=BACKENDS)
def server(request: pytest.FixtureRequest, _servers: dict[str, ThreadServer],
           tmp_path_factory: pytest.TempPathFactory) -> ThreadServer:
    """A running team server with an empty database (SQLite and PostgreSQL variants)."""
    srv = server_for(request.param, _servers, tmp_path_factory.mktemp("server"))
    srv.reset()
    return srv
