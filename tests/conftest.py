"""Fixtures every test shares: a frozen clock and a fresh, migrated workstation database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.domain.clock import FrozenClock, parse_iso
from workbench.services.context import Workbench

START = parse_iso("2026-03-02T09:00:00Z")  # a Monday


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def wb(tmp_path: Path, clock: FrozenClock) -> Iterator[Workbench]:
    workbench = Workbench.open(tmp_path / "wb.sqlite3", clock=clock)
    yield workbench
    workbench.close()


@pytest.fixture
def team(wb: Workbench) -> dict[str, str]:
    """A manager acting, one agent, one customer: the smallest useful team."""
    manager = wb.agents.create("Dana Smith", "dana@example.com", "manager")
    agent = wb.agents.create("Ravi Das", "ravi@example.com", "agent")
    wb.actor_id = manager.id
    customer = wb.customers.create("Ana Lima", "ana@example.org")
    return {"manager": manager.id, "agent": agent.id, "customer": customer.id}
