"""Value types that describe which tickets a list shows (built by UI/CLI, run by the store).

A :class:`TicketFilter` says *which* tickets and in *which order*; the store turns it into
one indexed query. Orders that an index serves on a big database: ``due`` (the next SLA
deadline, the queue's default), ``created`` and ``updated``; ``number`` is kept for the CLI.
Lists are read page by page with a keyset cursor (the sort value and id of the last row
already shown), so a deep page costs what the first one does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ORDERS = ("due", "created", "updated", "number")


@dataclass(frozen=True)
class TicketFilter:
    statuses: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    assignee_id: str | None = None
    unassigned: bool = False
    customer_id: str | None = None
    tag: str | None = None
    text: str = ""
    # Deadline window (epoch ms, inclusive): "breaching within 1 h", "breached".
    due_before_ms: int | None = None
    due_after_ms: int | None = None
    order: str = "due"  # one of ORDERS
    descending: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.order not in ORDERS:
            raise ValueError(f"order must be one of {', '.join(ORDERS)}, not {self.order!r}")
