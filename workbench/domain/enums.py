"""Enumerations shared by every layer (stored as their string values)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    AGENT = "agent"
    LEAD = "lead"
    MANAGER = "manager"


class TicketStatus(StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    ON_HOLD = "on-hold"
    SOLVED = "solved"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        """True while the ticket still needs work (not solved or closed)."""
        return self not in (TicketStatus.SOLVED, TicketStatus.CLOSED)


class Priority(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"

    @property
    def rank(self) -> int:
        """0 for urgent .. 3 for low: sorts the most pressing first."""
        return _PRIORITY_RANK[self]


_PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}


class Channel(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    CHAT = "chat"
    WEB = "web"
    SOCIAL = "social"
    WALK_IN = "walk-in"


class EventKind(StrEnum):
    CUSTOMER_MESSAGE = "customer_message"
    PUBLIC_REPLY = "public_reply"
    INTERNAL_NOTE = "internal_note"
    STATUS_CHANGE = "status_change"
    PRIORITY_CHANGE = "priority_change"
    ASSIGNEE_CHANGE = "assignee_change"
    TAGS_CHANGE = "tags_change"
    SUBJECT_CHANGE = "subject_change"


class CallDirection(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class CallOutcome(StrEnum):
    RESOLVED = "resolved"
    FOLLOW_UP = "follow-up"
    ESCALATED = "escalated"
    VOICEMAIL = "voicemail"
    NO_ANSWER = "no-answer"


class SurveyKind(StrEnum):
    CSAT = "csat"  # 1..5
    NPS = "nps"  # 0..10
    CES = "ces"  # 1..7

    @property
    def scale(self) -> tuple[int, int]:
        """Inclusive (low, high) bounds of a valid score."""
        return _SURVEY_SCALE[self]


_SURVEY_SCALE = {SurveyKind.CSAT: (1, 5), SurveyKind.NPS: (0, 10), SurveyKind.CES: (1, 7)}


class ChangeKind(StrEnum):
    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"
