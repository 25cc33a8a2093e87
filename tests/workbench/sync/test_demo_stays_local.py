"""A database holding demo (seed) data never joins a team server: its rows are fictional and
were never meant to be pushed, so signing in is refused before any network call."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from workbench.services.context import Workbench
from workbench.store.models import SyncState, Team
from workbench.sync.credentials import MemoryTokenStore
from workbench.sync.engine import SyncEngine
from workbench.sync.errors import LocalOnlyDatabase


def test_signing_in_a_demo_database_is_refused_and_changes_nothing(wb: Workbench) -> None:
    with wb.write() as w:
        w.seed_insert(Team, [{"id": "0190a000-0000-7000-8000-000000000001", "name": "Demo",
                              "time_zone": "UTC", "created_at": 1_770_000_000_000}])
    tokens = MemoryTokenStore()
    engine = SyncEngine(wb, tokens)
    with wb.read() as s:
        state_before = s.scalar(select(func.count()).select_from(SyncState))
    with pytest.raises(LocalOnlyDatabase, match="demo data"):
        engine.sign_in("http://127.0.0.1:9", "dana@example.org", "secret")
    with wb.read() as s:
        assert s.scalar(select(func.count()).select_from(SyncState)) == state_before


def test_a_database_without_demo_data_gets_past_the_demo_check(wb: Workbench) -> None:
    engine = SyncEngine(wb, MemoryTokenStore())
    with pytest.raises(Exception) as caught:  # nothing listens on port 9: unreachable
        engine.sign_in("http://127.0.0.1:9", "dana@example.org", "secret")
    assert not isinstance(caught.value, LocalOnlyDatabase)
