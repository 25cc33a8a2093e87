"""Plain read-only records the services hand to the UI and the CLI (no ORM objects leak)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class AgentInfo:
    id: str
    name: str
    email: str
    role: str
    team_id: str | None
    active: bool

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name


@dataclass(frozen=True)
class CustomerInfo:
    id: str
    name: str
    email: str | None
    phone: str | None
    organisation: str | None
    plan: str
    time_zone: str
    language: str
    owner_id: str | None
    owner_name: str | None
    tags: list[str]
    active_since: int
    churned_at: int | None
    created_at: int
    updated_at: int
    preferences: dict[str, Any] = field(default_factory=dict)
    open_tickets: int = 0


@dataclass(frozen=True)
class TicketRow:
    """One row of a ticket list: what the queue and `ticket list` show."""

    id: str
    number: int | None
    subject: str
    status: str
    priority: str
    channel: str
    customer_id: str
    customer_name: str
    customer_plan: str
    assignee_id: str | None
    assignee_name: str | None
    tags: list[str]
    created_at: int
    updated_at: int
    next_due_at: int | None
    next_due_target: str | None

    @property
    def key(self) -> str:
        """The human reference: ``#1234``, or a provisional key until a number is leased."""
        return f"#{self.number}" if self.number is not None else f"P-{self.id[-8:]}"


@dataclass(frozen=True)
class EventInfo:
    id: str
    kind: str
    author_id: str | None
    author_name: str | None
    body: str
    old_value: str | None
    new_value: str | None
    created_at: int


@dataclass(frozen=True)
class TicketDetail:
    ticket: TicketRow
    team_id: str | None
    first_response_at: int | None
    solved_at: int | None
    reopen_count: int
    events: list[EventInfo]


def to_jsonable(value: Any) -> Any:
    """A DTO (or list of them) as plain JSON-ready data."""
    if isinstance(value, list):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        data = asdict(value)
        if isinstance(value, TicketRow):
            data["key"] = value.key
        if isinstance(value, TicketDetail):
            data["ticket"]["key"] = value.ticket.key
        return data
    return value
