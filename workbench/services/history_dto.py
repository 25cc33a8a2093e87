"""Read-only records of customer history: timeline entries, notes, calls, hand-offs, merges.

Like ``dto.py`` these are plain frozen dataclasses (no ORM object leaks to the UI or CLI);
``workbench.services.dto.to_jsonable`` turns any of them into JSON-ready data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class TimelineKind(StrEnum):
    """What a timeline entry is; the values double as filter names (``--kind``)."""

    TICKET = "ticket"
    CUSTOMER_MESSAGE = "customer_message"
    PUBLIC_REPLY = "public_reply"
    INTERNAL_NOTE = "internal_note"
    CUSTOMER_NOTE = "customer_note"
    CALL = "call"
    HANDOFF = "handoff"
    OWNER_CHANGE = "owner_change"
    SURVEY = "survey"
    PREFERENCE = "preference"


@dataclass(frozen=True)
class TimelineCursor:
    """Where a page ended: the next page starts strictly before (at, id)."""

    at: int
    id: str

    def token(self) -> str:
        return f"{self.at}:{self.id}"

    @classmethod
    def parse(cls, token: str) -> TimelineCursor:
        at, _, row_id = token.partition(":")
        if not at.isdigit() or not row_id:
            raise ValueError(f"{token!r} is not a timeline position (AT:ID)")
        return cls(int(at), row_id)


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a customer's history.

    ``who_name`` is None for what the customer did (messages, survey answers) and for
    system changes; ``ref_id`` is the row to open (ticket, note, call, hand-off...);
    ``detail`` holds the kind-specific facts (status, SLA outcome, duration...).
    """

    kind: str
    at: int
    id: str
    who_id: str | None
    who_name: str | None
    title: str
    body: str
    ref_id: str
    ticket_id: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]
    next_cursor: TimelineCursor | None


@dataclass(frozen=True)
class NoteInfo:
    id: str
    customer_id: str
    author_id: str
    author_name: str | None
    body: str
    created_at: int
    updated_at: int

    @property
    def edited(self) -> bool:
        return self.updated_at != self.created_at


@dataclass(frozen=True)
class CallTiming:
    """What a finished :class:`~workbench.services.calls.CallTimer` measured."""

    started_at: int
    duration_s: int
    hold_s: int


@dataclass(frozen=True)
class CallInfo:
    id: str
    customer_id: str
    agent_id: str
    agent_name: str | None
    ticket_id: str | None
    ticket_number: int | None
    direction: str
    started_at: int
    duration_s: int
    hold_s: int
    outcome: str
    resolved_on_call: bool
    notes: str
    created_at: int


@dataclass(frozen=True)
class HandoffInfo:
    id: str
    customer_id: str
    customer_name: str
    from_agent_id: str | None
    from_agent_name: str | None
    to_agent_id: str
    to_agent_name: str
    created_by_id: str
    summary: str
    include_tickets: bool
    created_at: int
    acknowledged_at: int | None
    tickets_moved: int = 0

    @property
    def pending(self) -> bool:
        return self.acknowledged_at is None

    @property
    def short_ref(self) -> str:
        """The random tail of the id: enough to name it in ``handoff ack``."""
        return self.id[-8:]


@dataclass(frozen=True)
class BulkItem:
    """One customer of a bulk hand-off; the UI may change ``to_agent_id`` or ``summary``."""

    customer_id: str
    customer_name: str
    to_agent_id: str
    to_agent_name: str
    summary: str
    open_tickets: int


@dataclass(frozen=True)
class BulkPlan:
    from_agent_id: str
    from_agent_name: str
    include_tickets: bool
    strategy: str
    items: list[BulkItem]

    def load(self) -> dict[str, int]:
        """Customers each receiver gets under this plan."""
        out: dict[str, int] = {}
        for item in self.items:
            out[item.to_agent_name] = out.get(item.to_agent_name, 0) + 1
        return out


@dataclass(frozen=True)
class PreferenceConflict:
    key: str
    survivor_value: Any
    duplicate_value: Any


@dataclass(frozen=True)
class MergePreview:
    survivor_id: str
    survivor_name: str
    duplicate_id: str
    duplicate_name: str
    conflicts: list[PreferenceConflict]
    # Rows that will move to the survivor, by table.
    moving: dict[str, int]
    # Customer fields the survivor lacks and will take from the duplicate.
    filled_fields: dict[str, Any]


@dataclass(frozen=True)
class MergeResult:
    survivor_id: str
    duplicate_id: str
    moved: dict[str, int]
    note_id: str
    preferences_taken: list[str]
