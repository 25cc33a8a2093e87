"""Who may change what: the server's rules, checked for every pushed change.

A refusal names its reason; the batch goes on without the refused change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.domain.enums import EventKind, Role
from workbench.sync.schema import EntityInfo

MANAGER_ONLY = frozenset({"sla_policies", "sla_calendars"})
LEAD_OR_MANAGER = frozenset({"teams"})
# Entity -> the column naming the author; such rows are changed only by their author.
AUTHORED = {"customer_notes": "author_id", "calls": "agent_id"}
# Fields of their own agents row that a non-manager may change.
SELF_EDITABLE_AGENT_FIELDS = frozenset({"name", "team_id"})
# Rows a customer merge re-points to the surviving customer (services/merge.py): changing
# only their customer link is allowed to any agent; their content stays protected.
RELINKABLE = frozenset({"customer_notes", "calls", "handoffs", "survey_answers"})


@dataclass(frozen=True)
class Actor:
    account_id: str
    agent_id: str
    role: str
    device_id: str
    system: bool = False  # the server itself (account administration)

    @property
    def is_manager(self) -> bool:
        return self.system or self.role == Role.MANAGER.value


class Refused(Exception):
    """A change that is not applied, with a short code, a sentence and an HTTP status."""

    def __init__(self, code: str, reason: str, http_status: int) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.http_status = http_status


def forbidden(reason: str, code: str = "forbidden") -> Refused:
    return Refused(code, reason, 403)


def authorize(
    actor: Actor, info: EntityInfo, kind: str, fields: dict[str, Any],
    current: dict[str, Any] | None,
) -> None:
    """Raise :class:`Refused` unless *actor* may make this change to a row of *info*."""
    if actor.system:
        return
    name = info.name
    if kind == "update" and name in RELINKABLE and set(fields) == {"customer_id"}:
        return
    if name == "survey_answers" and kind != "insert":
        raise forbidden("survey answers are never changed, only moved by a customer merge",
                        "append_only")
    if info.sync == "append" and kind != "insert":
        raise forbidden(f"{name} are append-only: never changed or deleted", "append_only")
    if name in MANAGER_ONLY and not actor.is_manager:
        raise forbidden(f"only managers change {name.replace('_', ' ')}")
    if name in LEAD_OR_MANAGER and actor.role not in (Role.LEAD.value, Role.MANAGER.value):
        raise forbidden(f"only leads and managers change {name}")
    if name == "agents":
        _agents(actor, kind, fields, current)
    if name in AUTHORED:
        col = AUTHORED[name]
        author = fields.get(col) if kind == "insert" else (current or {}).get(col)
        if author != actor.agent_id:
            raise forbidden(f"{name.replace('_', ' ')} are changed only by their author",
                            "not_author")
        if kind == "update" and col in fields and fields[col] != actor.agent_id:
            raise forbidden("the author of a record cannot be changed", "not_author")
    if (name == "ticket_events" and fields.get("kind") == EventKind.INTERNAL_NOTE.value
            and fields.get("author_id") != actor.agent_id):
        raise forbidden("an internal note is written only in its author's name",
                            "not_author")
    if name == "handoffs" and kind != "insert":
        _handoffs(actor, kind, fields, current)


def _agents(
    actor: Actor, kind: str, fields: dict[str, Any], current: dict[str, Any] | None
) -> None:
    if actor.is_manager:
        return
    if kind != "update" or current is None or current.get("id") != actor.agent_id:
        raise forbidden("only managers add, remove or change other agents")
    extra = set(fields) - SELF_EDITABLE_AGENT_FIELDS
    if extra:
        raise forbidden(f"only managers change an agent's {', '.join(sorted(extra))}")


def _handoffs(
    actor: Actor, kind: str, fields: dict[str, Any], current: dict[str, Any] | None
) -> None:
    if kind == "delete" or set(fields) - {"acknowledged_at"}:
        raise forbidden("a hand-off is never changed after it is made, only acknowledged")
    if current is None or current.get("to_agent_id") != actor.agent_id:
        raise forbidden("only the colleague receiving a hand-off acknowledges it", "not_author")
