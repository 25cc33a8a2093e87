"""User-facing names of the stored enum values (status, priority, channel, role, plan...).

The store keeps the English identifiers (``on-hold``, ``first_response``); these functions
give the translated words a person reads. An unknown value (a newer peer, a future enum
member) is shown as it is rather than hidden.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from ui.i18n import QT_TRANSLATE_NOOP

_CONTEXT = "labels"

_STATUS = {
    "new": QT_TRANSLATE_NOOP("labels", "New"),
    "open": QT_TRANSLATE_NOOP("labels", "Open"),
    "pending": QT_TRANSLATE_NOOP("labels", "Pending"),
    "on-hold": QT_TRANSLATE_NOOP("labels", "On hold"),
    "solved": QT_TRANSLATE_NOOP("labels", "Solved"),
    "closed": QT_TRANSLATE_NOOP("labels", "Closed"),
}
_PRIORITY = {
    "urgent": QT_TRANSLATE_NOOP("labels", "Urgent"),
    "high": QT_TRANSLATE_NOOP("labels", "High"),
    "normal": QT_TRANSLATE_NOOP("labels", "Normal"),
    "low": QT_TRANSLATE_NOOP("labels", "Low"),
}
_CHANNEL = {
    "email": QT_TRANSLATE_NOOP("labels", "E-mail"),
    "phone": QT_TRANSLATE_NOOP("labels", "Phone"),
    "chat": QT_TRANSLATE_NOOP("labels", "Chat"),
    "web": QT_TRANSLATE_NOOP("labels", "Web form"),
    "social": QT_TRANSLATE_NOOP("labels", "Social media"),
    "walk-in": QT_TRANSLATE_NOOP("labels", "Walk-in"),
}
_ROLE = {
    "agent": QT_TRANSLATE_NOOP("labels", "agent"),
    "lead": QT_TRANSLATE_NOOP("labels", "lead"),
    "manager": QT_TRANSLATE_NOOP("labels", "manager"),
}
_PLAN = {
    "free": QT_TRANSLATE_NOOP("labels", "Free"),
    "standard": QT_TRANSLATE_NOOP("labels", "Standard"),
    "premium": QT_TRANSLATE_NOOP("labels", "Premium"),
    "enterprise": QT_TRANSLATE_NOOP("labels", "Enterprise"),
}
_TARGET = {
    "first_response": QT_TRANSLATE_NOOP("labels", "first response"),
    "next_update": QT_TRANSLATE_NOOP("labels", "next update"),
    "resolution": QT_TRANSLATE_NOOP("labels", "resolution"),
}


def _label(table: dict[str, str], value: str | None) -> str:
    if value is None:
        return ""
    source = table.get(value)
    return QCoreApplication.translate(_CONTEXT, source) if source else value


def status_label(value: str | None) -> str:
    return _label(_STATUS, value)


def priority_label(value: str | None) -> str:
    return _label(_PRIORITY, value)


def channel_label(value: str | None) -> str:
    return _label(_CHANNEL, value)


def role_label(value: str | None) -> str:
    return _label(_ROLE, value)


def plan_label(value: str | None) -> str:
    return _label(_PLAN, value)


def target_label(value: str | None) -> str:
    return _label(_TARGET, value)


def unassigned() -> str:
    return QCoreApplication.translate(_CONTEXT, "Unassigned")
