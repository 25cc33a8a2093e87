"""SLA policies: per-priority targets, pause statuses, warning threshold, breach action.

Targets are business seconds, measured on whatever calendar the policy is paired with
(the store links a policy to a calendar; the default policy is meant for 24/7).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from workbench.domain.enums import Priority, TicketStatus

__all__ = [
    "DEFAULT_PAUSE_STATUSES",
    "DEFAULT_POLICY",
    "DEFAULT_WARNING_FRACTION",
    "BreachAction",
    "PriorityTargets",
    "SlaPolicy",
    "SlaTarget",
    "default_policy",
]

_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR


class SlaTarget(StrEnum):
    """The three clocks every ticket carries."""

    FIRST_RESPONSE = "first_response"
    NEXT_UPDATE = "next_update"
    RESOLUTION = "resolution"


class BreachAction(StrEnum):
    """What the services layer does when a target is breached (the clock only reports)."""

    NONE = "none"
    RAISE_PRIORITY = "raise_priority"
    RETURN_TO_TEAM_QUEUE = "return_to_team_queue"


DEFAULT_PAUSE_STATUSES = frozenset({TicketStatus.PENDING, TicketStatus.ON_HOLD})
DEFAULT_WARNING_FRACTION = 0.75


def _check_seconds(label: str, value: object) -> int:
    # bool is an int subclass; True seconds is always a caller bug
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{label} must be a whole number of seconds, got {value!r}")
    if value <= 0:
        raise ValueError(f"{label} must be positive, got {value}")
    return value


@dataclass(frozen=True)
class PriorityTargets:
    """Business-second targets for one priority."""

    first_response: int
    next_update: int
    resolution: int

    def __post_init__(self) -> None:
        for target in SlaTarget:
            _check_seconds(f"{target.value} target", getattr(self, target.value))

    def seconds(self, target: SlaTarget) -> int:
        value: int = getattr(self, target.value)
        return value

    def to_dict(self) -> dict[str, int]:
        return {target.value: self.seconds(target) for target in SlaTarget}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PriorityTargets:
        missing = [target.value for target in SlaTarget if target.value not in data]
        if missing:
            raise ValueError(f"targets are missing {missing}")
        return cls(
            first_response=data["first_response"],
            next_update=data["next_update"],
            resolution=data["resolution"],
        )


@dataclass(frozen=True)
class SlaPolicy:
    """Targets for every priority plus the rules shared by all of them."""

    urgent: PriorityTargets
    high: PriorityTargets
    normal: PriorityTargets
    low: PriorityTargets
    pause_statuses: frozenset[TicketStatus] = field(default=DEFAULT_PAUSE_STATUSES)
    warning_fraction: float = DEFAULT_WARNING_FRACTION
    breach_action: BreachAction = BreachAction.NONE
    name: str = ""

    def __post_init__(self) -> None:
        for priority in Priority:
            if not isinstance(getattr(self, priority.value), PriorityTargets):
                raise ValueError(f"{priority.value} targets must be PriorityTargets")
        statuses = frozenset(TicketStatus(status) for status in self.pause_statuses)
        stopping = {status for status in statuses if not status.is_open}
        if stopping:
            names = ", ".join(sorted(status.value for status in stopping))
            raise ValueError(f"{names} stop the clock for good; they cannot be pause statuses")
        object.__setattr__(self, "pause_statuses", statuses)
        fraction = self.warning_fraction
        if isinstance(fraction, bool) or not isinstance(fraction, int | float):
            raise ValueError(f"warning fraction must be a number, got {fraction!r}")
        if not 0.0 < fraction <= 1.0:
            raise ValueError(f"warning fraction must be in (0, 1], got {fraction}")
        object.__setattr__(self, "warning_fraction", float(fraction))
        object.__setattr__(self, "breach_action", BreachAction(self.breach_action))

    @classmethod
    def from_targets(
        cls,
        targets: Mapping[Priority, PriorityTargets],
        pause_statuses: Iterable[TicketStatus] = DEFAULT_PAUSE_STATUSES,
        warning_fraction: float = DEFAULT_WARNING_FRACTION,
        breach_action: BreachAction = BreachAction.NONE,
        name: str = "",
    ) -> SlaPolicy:
        missing = [priority.value for priority in Priority if priority not in targets]
        if missing:
            raise ValueError(f"policy needs targets for every priority; missing {missing}")
        return cls(
            urgent=targets[Priority.URGENT],
            high=targets[Priority.HIGH],
            normal=targets[Priority.NORMAL],
            low=targets[Priority.LOW],
            pause_statuses=frozenset(pause_statuses),
            warning_fraction=warning_fraction,
            breach_action=breach_action,
            name=name,
        )

    def targets_for(self, priority: Priority) -> PriorityTargets:
        targets: PriorityTargets = getattr(self, Priority(priority).value)
        return targets

    def target_seconds(self, priority: Priority, target: SlaTarget) -> int:
        return self.targets_for(priority).seconds(target)

    def pauses(self, status: TicketStatus) -> bool:
        return status in self.pause_statuses

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form; round-trips through `from_dict`."""
        return {
            "name": self.name,
            "targets": {p.value: self.targets_for(p).to_dict() for p in Priority},
            "pause_statuses": sorted(status.value for status in self.pause_statuses),
            "warning_fraction": self.warning_fraction,
            "breach_action": self.breach_action.value,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SlaPolicy:
        raw_targets = data.get("targets")
        if not isinstance(raw_targets, Mapping):
            raise ValueError("policy needs a 'targets' mapping keyed by priority")
        try:
            targets = {
                Priority(key): PriorityTargets.from_dict(value)
                for key, value in raw_targets.items()
            }
            pause = [TicketStatus(s) for s in data.get("pause_statuses", DEFAULT_PAUSE_STATUSES)]
            action = BreachAction(data.get("breach_action", BreachAction.NONE))
        except (TypeError, AttributeError) as exc:
            raise ValueError(f"malformed policy: {exc}") from exc
        return cls.from_targets(
            targets,
            pause_statuses=pause,
            warning_fraction=data.get("warning_fraction", DEFAULT_WARNING_FRACTION),
            breach_action=action,
            name=str(data.get("name", "")),
        )


def default_policy() -> SlaPolicy:
    """The out-of-the-box policy, meant for a 24/7 calendar."""
    return SlaPolicy(
        urgent=PriorityTargets(15 * _MINUTE, 30 * _MINUTE, 1 * _HOUR),
        high=PriorityTargets(1 * _HOUR, 4 * _HOUR, 8 * _HOUR),
        normal=PriorityTargets(4 * _HOUR, 24 * _HOUR, 3 * _DAY),
        low=PriorityTargets(8 * _HOUR, 24 * _HOUR, 5 * _DAY),
        name="Default (24/7)",
    )


DEFAULT_POLICY = default_policy()
