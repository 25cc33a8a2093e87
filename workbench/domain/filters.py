"""Value types that describe which tickets a list shows (built by UI/CLI, run by the store)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TicketFilter:
    statuses: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    assignee_id: str | None = None
    unassigned: bool = False
    customer_id: str | None = None
    tag: str | None = None
    text: str = ""
    due_before_ms: int | None = None
    order: str = "due"  # due | created | updated | number
    descending: bool = False
    extra: dict[str, str] = field(default_factory=dict)
