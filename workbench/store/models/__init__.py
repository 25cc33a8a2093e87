"""All SQLAlchemy models; importing this package registers every table on ``Base``."""

from workbench.store.models.base import Base, syncable_models
from workbench.store.models.kb import (
    ArticleView,
    CannedUse,
    KbArticle,
    KbArticleVersion,
    KbCategory,
)
from workbench.store.models.people import (
    Agent,
    AgentPulse,
    Call,
    Customer,
    CustomerNote,
    CustomerPreference,
    Handoff,
    Team,
)
from workbench.store.models.sla import SlaCalendar, SlaPolicy
from workbench.store.models.sync import (
    Change,
    Conflict,
    NumberBlock,
    SyncState,
    Tombstone,
)
from workbench.store.models.tickets import SurveyAnswer, Ticket, TicketEvent

__all__ = [
    "Agent",
    "AgentPulse",
    "ArticleView",
    "Base",
    "Call",
    "CannedUse",
    "Change",
    "Conflict",
    "Customer",
    "CustomerNote",
    "CustomerPreference",
    "Handoff",
    "KbArticle",
    "KbArticleVersion",
    "KbCategory",
    "NumberBlock",
    "SlaCalendar",
    "SlaPolicy",
    "SurveyAnswer",
    "SyncState",
    "Team",
    "Ticket",
    "TicketEvent",
    "Tombstone",
    "syncable_models",
]
