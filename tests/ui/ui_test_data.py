"""Seed data helpers shared by the UI tests (kept out of conftest so tests can import them)."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.domain.clock import FrozenClock
from workbench.services.context import Workbench
from workbench.services.dto import AgentInfo, CustomerInfo

MINUTE = 60


@dataclass
class Team:
    lead: AgentInfo
    agent: AgentInfo
    customers: list[CustomerInfo]


def make_tickets(wb: Workbench, clock: FrozenClock, customer: CustomerInfo, count: int,
                 priority: str = "normal") -> list[str]:
    """*count* tickets a minute apart; their ids, oldest first."""
    ids = []
    for n in range(count):
        ids.append(wb.tickets.create(f"Question {n + 1}", customer.id, priority=priority).id)
        clock.advance(MINUTE)
    return ids


def plain(text: str) -> str:
    """*text* without the bidi marks and isolates the UI puts around names and subjects."""
    return "".join(c for c in text if c not in "\u2068\u2069\u200e\u200f")
